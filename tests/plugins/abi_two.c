/* Built for a future ABI major version: refused, naming both versions. */
#include <messengerd/plugin.h>

static int32_t init(const messengerd_host_api* host, void** state) {
  (void)host;
  (void)state;
  return 0;
}

static const messengerd_plugin_descriptor descriptor = {
    MESSENGERD_PLUGIN_MAGIC, 2, 0, sizeof(messengerd_plugin_descriptor), "abi-two", "1.0", init, NULL, NULL};

MESSENGERD_EXPORT const messengerd_plugin_descriptor* messengerd_plugin_entry_v1(void) { return &descriptor; }
