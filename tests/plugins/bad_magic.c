/* A descriptor with the wrong magic number: refused as "not a messengerd plugin". */
#include <messengerd/plugin.h>

static int32_t init(const messengerd_host_api* host, void** state) {
  (void)host;
  (void)state;
  return 0;
}

static const messengerd_plugin_descriptor descriptor = {
    0xDEADBEEFu, MESSENGERD_ABI_MAJOR, MESSENGERD_ABI_MINOR, sizeof(messengerd_plugin_descriptor),
    "bad-magic", "1.0", init, NULL, NULL};

MESSENGERD_EXPORT const messengerd_plugin_descriptor* messengerd_plugin_entry_v1(void) { return &descriptor; }
