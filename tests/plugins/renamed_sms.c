/* Claims the name of the sms-notification example plugin: a duplicate plugin name. */
#include <messengerd/plugin.h>

static int32_t init(const messengerd_host_api* host, void** state) {
  (void)host;
  (void)state;
  return 0;
}

static const messengerd_plugin_descriptor descriptor = {
    MESSENGERD_PLUGIN_MAGIC, MESSENGERD_ABI_MAJOR, MESSENGERD_ABI_MINOR, sizeof(messengerd_plugin_descriptor),
    "sms-notification", "0.0.1", init, NULL, NULL};

MESSENGERD_EXPORT const messengerd_plugin_descriptor* messengerd_plugin_entry_v1(void) { return &descriptor; }
