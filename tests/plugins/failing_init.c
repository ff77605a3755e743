/* init fails (e.g. a missing API key): the loader reports it and the plugin is not used. */
#include <messengerd/plugin.h>

static int32_t init(const messengerd_host_api* host, void** state) {
  (void)state;
  host->log(host->host, MESSENGERD_LOG_ERROR, "no API key configured");
  return 7;
}

static const messengerd_plugin_descriptor descriptor = {
    MESSENGERD_PLUGIN_MAGIC, MESSENGERD_ABI_MAJOR, MESSENGERD_ABI_MINOR, sizeof(messengerd_plugin_descriptor),
    "failing-init", "1.0", init, NULL, NULL};

MESSENGERD_EXPORT const messengerd_plugin_descriptor* messengerd_plugin_entry_v1(void) { return &descriptor; }
