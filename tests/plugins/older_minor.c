/* A plain C plugin as a plugin built against an older minor version would be: its descriptor
 * stops before reset/shutdown and its handler definition before `destroy` (fields a later minor
 * version appended). The host zero-extends both, so it loads and handles App\Message\CPing:
 * body "fail" -> retry with an error description, anything else -> ok. */
#include <messengerd/plugin.h>
#include <stddef.h>
#include <string.h>

typedef struct old_descriptor {
  uint32_t magic;
  uint16_t abi_major;
  uint16_t abi_minor;
  size_t struct_size;
  const char* name;
  const char* version;
  int32_t (*init)(const messengerd_host_api* host, void** state);
} old_descriptor;

static const messengerd_host_api* the_host;

static messengerd_outcome ping(void* user_data, const messengerd_message* message) {
  (void)user_data;
  if (message->body_len == 4 && memcmp(message->body, "fail", 4) == 0) {
    the_host->set_error(message->call, "App\\Exception\\PingFailed", "ping asked to fail");
    return MESSENGERD_RETRY;
  }
  return MESSENGERD_OK;
}

static int32_t init(const messengerd_host_api* host, void** state) {
  static const char* const types[] = {"App\\Message\\CPing"};
  messengerd_handler_def def;
  (void)state;
  the_host = host;
  memset(&def, 0xAB, sizeof def); /* garbage past struct_size must never be read */
  def.struct_size = offsetof(messengerd_handler_def, destroy);
  def.name = "c.ping";
  def.types = types;
  def.type_count = 1;
  def.from_transport = NULL;
  def.bus = NULL;
  def.priority = 0;
  def.batch_size = 0;
  def.user_data = NULL;
  def.handle = ping;
  def.handle_batch = NULL;
  return host->register_handler(host->host, &def);
}

static const old_descriptor descriptor = {MESSENGERD_PLUGIN_MAGIC, MESSENGERD_ABI_MAJOR, 0, sizeof(old_descriptor),
                                          "older-minor", "0.9", init};

MESSENGERD_EXPORT const messengerd_plugin_descriptor* messengerd_plugin_entry_v1(void) {
  return (const messengerd_plugin_descriptor*)(const void*)&descriptor;
}
