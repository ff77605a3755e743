// The host API table plugins call (plugin.h). Every string they pass is copied before the
// call returns; nothing of theirs is kept.
#include <cstring>

#include <spdlog/spdlog.h>

#include "plugin/message_view.hpp"
#include "plugin/plugin_context.hpp"
#include "plugin/plugin_handler.hpp"
#include "plugin/plugin_middleware.hpp"

namespace messengerd::plugin {

namespace {

PluginContext& context_of(void* host) { return *static_cast<PluginContext*>(host); }

std::string text(const char* s) { return s == nullptr ? std::string() : std::string(s); }

// Copies a struct the plugin built against its own ABI minor into ours, zero-extending it.
template <typename Def>
Def widened(const Def* def) {
  Def copy{};
  const std::size_t size = std::min(def->struct_size, sizeof(Def));
  std::memcpy(static_cast<void*>(&copy), def, size);
  copy.struct_size = sizeof(Def);
  return copy;
}

void host_log(void* host, int32_t level, const char* message) {
  auto& ctx = context_of(host);
  const auto lvl = level <= MESSENGERD_LOG_DEBUG     ? spdlog::level::debug
                   : level == MESSENGERD_LOG_INFO    ? spdlog::level::info
                   : level == MESSENGERD_LOG_WARNING ? spdlog::level::warn
                                                     : spdlog::level::err;
  spdlog::log(lvl, "[{}] {}", ctx.name, text(message));
}

const config::Value* lookup(const config::Value& root, std::string_view key) {
  const config::Value* node = &root;
  while (node != nullptr) {
    const auto dot = key.find('.');
    if (const auto* direct = node->find(key)) return direct;  // keys may contain dots themselves
    if (dot == std::string_view::npos) return nullptr;
    node = node->find(key.substr(0, dot));
    key = key.substr(dot + 1);
  }
  return nullptr;
}

const char* host_config_get(void* host, const char* key) {
  auto& ctx = context_of(host);
  if (key == nullptr) return nullptr;
  if (auto it = ctx.config_values.find(key); it != ctx.config_values.end()) return it->second.c_str();
  const auto* value = lookup(ctx.options, key);
  if (value == nullptr || value->is_null()) return nullptr;
  auto scalar = value->as_string();
  if (!scalar) return nullptr;
  return ctx.config_values.emplace(key, *scalar).first->second.c_str();
}

int32_t host_register_message_type(void* host, const char* type, const char* const* parents, size_t count) {
  auto& ctx = context_of(host);
  if (type == nullptr || *type == '\0') return 1;
  std::vector<std::string> copies;
  for (size_t i = 0; i < count; ++i) copies.push_back(text(parents[i]));
  ctx.registries->types.declare(type, copies);
  return 0;
}

int32_t host_register_handler(void* host, const messengerd_handler_def* def) {
  auto& ctx = context_of(host);
  if (def == nullptr || def->name == nullptr || *def->name == '\0' || def->type_count == 0 || def->handle == nullptr) {
    ctx.problems->push_back(ctx.file + ": plugin \"" + ctx.name +
                            "\" registered a handler without a name, message types or handle function");
    return 1;
  }
  const auto copy = widened(def);
  for (const auto& existing : ctx.registries->handlers) {
    if (existing->spec().name == copy.name) {
      ctx.problems->push_back(ctx.file + ": plugin \"" + ctx.name + "\" registers handler \"" + copy.name +
                              "\", a name already registered by plugin \"" + existing->spec().plugin + "\"");
      return 2;
    }
  }
  ctx.registries->handlers.push_back(std::make_shared<PluginHandler>(copy, ctx.name));
  return 0;
}

int32_t host_register_middleware(void* host, const messengerd_middleware_def* def) {
  auto& ctx = context_of(host);
  if (def == nullptr || def->name == nullptr || *def->name == '\0') {
    ctx.problems->push_back(ctx.file + ": plugin \"" + ctx.name + "\" registered a middleware without a name");
    return 1;
  }
  if (ctx.registries->middleware.contains(def->name)) {
    ctx.problems->push_back(ctx.file + ": middleware \"" + text(def->name) + "\" is registered twice");
    return 2;
  }
  ctx.registries->middleware.emplace(def->name, std::make_shared<PluginMiddleware>(widened(def)));
  return 0;
}

int32_t host_register_listener(void* host, const messengerd_listener_def* def) {
  auto& ctx = context_of(host);
  if (def == nullptr || def->on_event == nullptr) return 1;
  ctx.registries->listeners.push_back(std::make_shared<PluginListener>(widened(def)));
  return 0;
}

int32_t host_dispatch(void* host, const char* type, const char* body, size_t body_len, int64_t delay_ms) {
  auto& ctx = context_of(host);
  if (type == nullptr || *type == '\0' || ctx.services == nullptr) return 1;
  ctx.services->dispatch(type, body == nullptr ? std::string() : std::string(body, body_len), delay_ms);
  return 0;
}

void host_set_error(void* call, const char* exception_class, const char* message) {
  if (call == nullptr) return;
  auto& c = *static_cast<CallContext*>(call);
  c.has_error = true;
  c.exception_class = text(exception_class);
  c.message = text(message);
}

void host_request_stop(void* host) {
  if (auto* services = context_of(host).services) services->request_stop();
}

void host_heartbeat(void* host) {
  if (auto* services = context_of(host).services) services->heartbeat();
}

int32_t host_stopping(void* host) {
  auto* services = context_of(host).services;
  return services != nullptr && services->stopping() ? 1 : 0;
}

}  // namespace

void install_host_api(PluginContext& context) {
  auto& api = context.api;
  api.struct_size = sizeof(api);
  api.host = &context;
  api.log = host_log;
  api.config_get = host_config_get;
  api.register_message_type = host_register_message_type;
  api.register_handler = host_register_handler;
  api.register_middleware = host_register_middleware;
  api.register_listener = host_register_listener;
  api.dispatch = host_dispatch;
  api.set_error = host_set_error;
  api.request_stop = host_request_stop;
  api.heartbeat = host_heartbeat;
  api.stopping = host_stopping;
}

}  // namespace messengerd::plugin
