// The messengerd plugin SDK: a header-only C++ layer over the C ABI of plugin.h.
//
//   #include <messengerd/sdk.hpp>
//   class Sms final : public messengerd::sdk::Plugin {
//     void init(messengerd::sdk::Host& host) override {
//       host.handle({.name = "sms.send", .types = {"App\\Message\\SmsNotification"}},
//                   [&host](const messengerd::sdk::Message& m) {
//                     host.info("sending SMS to " + m.json().get_string("phoneNumber"));
//                     return messengerd::sdk::Outcome::ok();
//                   });
//     }
//   };
//   MESSENGERD_PLUGIN(Sms, "sms-notification", "1.0.0")
//
// Exception barrier: every call from the daemon into plugin code goes through a try/catch
// here; an exception becomes MESSENGERD_RETRY with its what() as the error message (class
// "RuntimeException"), so a failing plugin means "retry", never "ack" and never a crash.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <exception>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "messengerd/plugin.h"

namespace messengerd::sdk {

// ---------------------------------------------------------------------------------------
// Outcome of a handler.
class Outcome {
 public:
  static Outcome ok() { return Outcome(MESSENGERD_OK, {}, {}); }
  static Outcome retry(std::string message, std::string exception_class = {}) {
    return Outcome(MESSENGERD_RETRY, std::move(message), std::move(exception_class));
  }
  static Outcome unrecoverable(std::string message, std::string exception_class = {}) {
    return Outcome(MESSENGERD_UNRECOVERABLE, std::move(message), std::move(exception_class));
  }
  static Outcome recoverable(std::string message, std::string exception_class = {}) {
    return Outcome(MESSENGERD_RECOVERABLE, std::move(message), std::move(exception_class));
  }
  // Symfony's StopWorkerException: finish this message, then stop the worker.
  Outcome& stop_worker() {
    flags_ |= MESSENGERD_STOP_WORKER;
    return *this;
  }

  bool is_ok() const { return kind_ == MESSENGERD_OK; }
  messengerd_outcome code() const { return kind_ | flags_; }
  const std::string& message() const { return message_; }
  const std::string& exception_class() const { return exception_class_; }

 private:
  Outcome(messengerd_outcome kind, std::string message, std::string exception_class)
      : kind_(kind), message_(std::move(message)), exception_class_(std::move(exception_class)) {}
  messengerd_outcome kind_;
  messengerd_outcome flags_ = 0;
  std::string message_;
  std::string exception_class_;
};

// ---------------------------------------------------------------------------------------
// Typed access to a flat JSON object body ({"phoneNumber":"+1","retries":3,"urgent":true}).
// Deliberately small (no dependency for plugin authors): top-level keys, string / number /
// boolean values; nested objects and arrays are returned as raw JSON text by get_raw().
class Json {
 public:
  explicit Json(std::string_view text) : text_(text) {}

  bool has(std::string_view key) const { return find(key).has_value(); }
  std::string get_string(std::string_view key, std::string fallback = {}) const {
    auto raw = find(key);
    if (!raw || raw->empty() || raw->front() != '"') return fallback;
    return unescape(raw->substr(1, raw->size() - 2));
  }
  std::int64_t get_int(std::string_view key, std::int64_t fallback = 0) const {
    auto raw = find(key);
    if (!raw || raw->empty()) return fallback;
    std::string text(raw->front() == '"' ? raw->substr(1, raw->size() - 2) : *raw);
    char* end = nullptr;
    long long value = std::strtoll(text.c_str(), &end, 10);
    return end == text.c_str() ? fallback : value;
  }
  bool get_bool(std::string_view key, bool fallback = false) const {
    auto raw = find(key);
    if (!raw) return fallback;
    if (*raw == "true" || *raw == "1" || *raw == "\"1\"" || *raw == "\"true\"") return true;
    if (*raw == "false" || *raw == "0" || *raw == "null" || *raw == "\"\"" || *raw == "\"0\"") return false;
    return fallback;
  }
  // The value's JSON text as written (objects, arrays, numbers...).
  std::optional<std::string_view> get_raw(std::string_view key) const { return find(key); }

 private:
  static void skip_space(std::string_view s, std::size_t& i) {
    while (i < s.size() && (s[i] == ' ' || s[i] == '\n' || s[i] == '\r' || s[i] == '\t')) ++i;
  }
  // End of the JSON value starting at i (string, object, array or scalar).
  static std::size_t value_end(std::string_view s, std::size_t i) {
    if (i >= s.size()) return i;
    if (s[i] == '"') {
      for (++i; i < s.size(); ++i) {
        if (s[i] == '\\') {
          ++i;
        } else if (s[i] == '"') {
          return i + 1;
        }
      }
      return s.size();
    }
    if (s[i] == '{' || s[i] == '[') {
      int depth = 0;
      for (; i < s.size(); ++i) {
        if (s[i] == '"') {
          i = value_end(s, i) - 1;
        } else if (s[i] == '{' || s[i] == '[') {
          ++depth;
        } else if ((s[i] == '}' || s[i] == ']') && --depth == 0) {
          return i + 1;
        }
      }
      return s.size();
    }
    while (i < s.size() && s[i] != ',' && s[i] != '}' && s[i] != ' ' && s[i] != '\n') ++i;
    return i;
  }
  std::optional<std::string_view> find(std::string_view key) const {
    std::size_t i = 0;
    skip_space(text_, i);
    if (i >= text_.size() || text_[i] != '{') return std::nullopt;
    ++i;
    while (i < text_.size()) {
      skip_space(text_, i);
      if (i >= text_.size() || text_[i] != '"') return std::nullopt;
      const std::size_t key_end = value_end(text_, i);
      const std::string_view raw_name = text_.substr(i + 1, key_end - i - 2);
      // Keys without escapes (nearly all) are compared in place: no allocation per key.
      const bool matches = raw_name.find('\\') == std::string_view::npos ? raw_name == key : unescape(raw_name) == key;
      i = key_end;
      skip_space(text_, i);
      if (i >= text_.size() || text_[i] != ':') return std::nullopt;
      ++i;
      skip_space(text_, i);
      const std::size_t end = value_end(text_, i);
      if (matches) return text_.substr(i, end - i);
      i = end;
      skip_space(text_, i);
      if (i < text_.size() && text_[i] == ',') ++i;
    }
    return std::nullopt;
  }
  static void append_utf8(std::string& out, unsigned cp) {
    if (cp < 0x80) {
      out += static_cast<char>(cp);
    } else if (cp < 0x800) {
      out += static_cast<char>(0xC0 | (cp >> 6));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
      out += static_cast<char>(0xE0 | (cp >> 12));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
      out += static_cast<char>(0xF0 | (cp >> 18));
      out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    }
  }
  static std::string unescape(std::string_view s) {
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
      if (s[i] != '\\' || i + 1 >= s.size()) {
        out += s[i];
        continue;
      }
      const char c = s[++i];
      switch (c) {
        case 'n': out += '\n'; break;
        case 't': out += '\t'; break;
        case 'r': out += '\r'; break;
        case 'b': out += '\b'; break;
        case 'f': out += '\f'; break;
        case 'u': {
          if (i + 4 >= s.size()) break;
          unsigned cp = static_cast<unsigned>(std::strtoul(std::string(s.substr(i + 1, 4)).c_str(), nullptr, 16));
          i += 4;
          if (cp >= 0xD800 && cp < 0xDC00 && i + 6 < s.size() && s.substr(i + 1, 2) == "\\u") {
            unsigned low = static_cast<unsigned>(std::strtoul(std::string(s.substr(i + 3, 4)).c_str(), nullptr, 16));
            cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
            i += 6;
          }
          append_utf8(out, cp);
          break;
        }
        default: out += c;
      }
    }
    return out;
  }
  std::string_view text_;
};

// ---------------------------------------------------------------------------------------
// A message being handled: a borrowed view, valid during the call.
class Message {
 public:
  explicit Message(const messengerd_message& m) : m_(&m) {}
  std::string_view type() const { return m_->type; }
  std::string_view body() const { return {m_->body, m_->body_len}; }
  Json json() const { return Json(body()); }
  std::string_view transport() const { return m_->transport; }
  std::string_view id() const { return m_->message_id; }
  int redelivery_count() const { return m_->redelivery_count; }
  // Deliveries of this message by its transport, this one included (1 first, 2+ after a crash
  // or a claim from a dead consumer, 0 unknown). 0 too on a host older than ABI 1.1, whose
  // message ends before the field.
  int delivery_count() const {
    constexpr std::size_t end = offsetof(messengerd_message, delivery_count) + sizeof(messengerd_message::delivery_count);
    return m_->struct_size >= end ? m_->delivery_count : 0;
  }
  // The transport delivered this message before and it was never acknowledged: a handler that
  // may have run (partly) already, e.g. to make a side effect idempotent.
  bool redelivered() const { return delivery_count() > 1; }
  std::span<const messengerd_stamp> stamps() const { return {m_->stamps, m_->stamp_count}; }
  const messengerd_message& raw() const { return *m_; }

 private:
  const messengerd_message* m_;
};

// Default member initialisers on every field, so designated initialisers may name only what
// they need without -Wmissing-field-initializers.
struct HandlerOptions {
  std::string name{};
  std::vector<std::string> types{};
  std::string from_transport{};  // only messages received from this transport
  std::string bus{};             // only on this bus
  int priority = 0;              // higher runs first
  unsigned batch_size = 0;       // > 1: a batch handler
};

using HandleFn = std::function<Outcome(const Message&)>;
using HandleBatchFn = std::function<std::vector<Outcome>(std::span<const Message>)>;
using BeforeFn = std::function<Outcome(const Message&)>;
using AfterFn = std::function<void(const Message&, const Outcome&)>;
using EventFn = std::function<void(int event, const Message* message, std::string_view error)>;

namespace detail {

inline void report(const messengerd_message* m, const messengerd_host_api* api, const Outcome& o) {
  if (!o.is_ok() && m != nullptr && m->call != nullptr && api != nullptr) {
    api->set_error(m->call, o.exception_class().empty() ? nullptr : o.exception_class().c_str(), o.message().c_str());
  }
}

inline Outcome from_exception(const std::exception_ptr& e) {
  try {
    std::rethrow_exception(e);
  } catch (const std::exception& ex) {
    return Outcome::retry(ex.what(), "RuntimeException");
  } catch (...) {
    return Outcome::retry("unknown exception thrown by the handler", "RuntimeException");
  }
}

}  // namespace detail

// ---------------------------------------------------------------------------------------
// The daemon, as a plugin sees it.
class Host {
 public:
  explicit Host(const messengerd_host_api* api) : api_(api) {}

  void debug(const std::string& message) const { log(MESSENGERD_LOG_DEBUG, message); }
  void info(const std::string& message) const { log(MESSENGERD_LOG_INFO, message); }
  void warning(const std::string& message) const { log(MESSENGERD_LOG_WARNING, message); }
  void error(const std::string& message) const { log(MESSENGERD_LOG_ERROR, message); }
  void log(int level, const std::string& message) const { api_->log(api_->host, level, message.c_str()); }

  // The plugin's option from the config (plugins[].options), dotted for nesting.
  std::optional<std::string> option(const std::string& key) const {
    const char* value = api_->config_get(api_->host, key.c_str());
    return value == nullptr ? std::nullopt : std::optional<std::string>(value);
  }

  void declare_type(const std::string& type, const std::vector<std::string>& parents) const {
    std::vector<const char*> raw;
    for (const auto& p : parents) raw.push_back(p.c_str());
    api_->register_message_type(api_->host, type.c_str(), raw.data(), raw.size());
  }

  // Registers a handler; false when the host refused it (reason logged).
  bool handle(const HandlerOptions& options, HandleFn fn) { return add_handler(options, std::move(fn), nullptr); }
  bool handle_batch(HandlerOptions options, HandleBatchFn fn) {
    if (options.batch_size < 2) options.batch_size = 10;
    return add_handler(options, nullptr, std::move(fn));
  }
  bool middleware(const std::string& name, BeforeFn before, AfterFn after = nullptr);
  bool listen(EventFn fn);

  // Sent only after the current handler succeeded; dropped if it fails.
  bool dispatch(const std::string& type, std::string_view body, std::int64_t delay_ms = 0) const {
    return api_->dispatch(api_->host, type.c_str(), body.data(), body.size(), delay_ms) == 0;
  }
  void request_stop() const { api_->request_stop(api_->host); }
  void heartbeat() const { api_->heartbeat(api_->host); }
  bool stopping() const { return api_->stopping(api_->host) != 0; }
  const messengerd_host_api* api() const { return api_; }

 private:
  struct HandlerBox {
    const messengerd_host_api* api;
    HandleFn handle;
    HandleBatchFn batch;
  };
  bool add_handler(const HandlerOptions& options, HandleFn fn, HandleBatchFn batch) {
    auto* box = new HandlerBox{api_, std::move(fn), std::move(batch)};
    std::vector<const char*> types;
    for (const auto& t : options.types) types.push_back(t.c_str());
    messengerd_handler_def def{};
    def.struct_size = sizeof(def);
    def.name = options.name.c_str();
    def.types = types.data();
    def.type_count = types.size();
    def.from_transport = options.from_transport.c_str();
    def.bus = options.bus.c_str();
    def.priority = options.priority;
    def.batch_size = options.batch_size;
    def.user_data = box;
    def.handle = [](void* user, const messengerd_message* m) -> messengerd_outcome {
      auto* b = static_cast<HandlerBox*>(user);
      Outcome outcome = Outcome::ok();
      try {
        if (b->handle) {
          outcome = b->handle(Message(*m));
        } else {
          Message view(*m);
          auto outcomes = b->batch(std::span<const Message>(&view, 1));
          outcome = outcomes.empty() ? Outcome::retry("the batch handler returned no outcome") : outcomes.front();
        }
      } catch (...) {
        outcome = detail::from_exception(std::current_exception());
      }
      detail::report(m, b->api, outcome);
      return outcome.code();
    };
    if (batch) {
      def.handle_batch = [](void* user, const messengerd_message* const* ms, size_t n, messengerd_outcome* out) {
        auto* b = static_cast<HandlerBox*>(user);
        std::vector<Message> views;
        views.reserve(n);
        for (size_t i = 0; i < n; ++i) views.emplace_back(*ms[i]);
        std::vector<Outcome> outcomes;
        try {
          outcomes = b->batch(views);
        } catch (...) {
          outcomes.assign(n, detail::from_exception(std::current_exception()));
        }
        for (size_t i = 0; i < n; ++i) {
          Outcome o = i < outcomes.size() ? outcomes[i] : Outcome::retry("the batch handler returned no outcome");
          detail::report(ms[i], b->api, o);
          out[i] = o.code();
        }
      };
    }
    def.destroy = [](void* user) { delete static_cast<HandlerBox*>(user); };
    if (api_->register_handler(api_->host, &def) != 0) {
      delete box;
      return false;
    }
    return true;
  }

  const messengerd_host_api* api_;
};

inline bool Host::middleware(const std::string& name, BeforeFn before, AfterFn after) {
  struct Box {
    const messengerd_host_api* api;
    BeforeFn before;
    AfterFn after;
  };
  auto* box = new Box{api_, std::move(before), std::move(after)};
  messengerd_middleware_def def{};
  def.struct_size = sizeof(def);
  def.name = name.c_str();
  def.user_data = box;
  def.before = [](void* user, const messengerd_message* m) -> messengerd_outcome {
    auto* b = static_cast<Box*>(user);
    Outcome outcome = Outcome::ok();
    try {
      if (b->before) outcome = b->before(Message(*m));
    } catch (...) {
      outcome = detail::from_exception(std::current_exception());
    }
    detail::report(m, b->api, outcome);
    return outcome.code();
  };
  def.after = [](void* user, const messengerd_message* m, messengerd_outcome code, const char* error) {
    auto* b = static_cast<Box*>(user);
    if (!b->after) return;
    const auto kind = code & MESSENGERD_OUTCOME_KIND_MASK;
    Outcome outcome = kind == MESSENGERD_OK ? Outcome::ok()
                      : kind == MESSENGERD_UNRECOVERABLE ? Outcome::unrecoverable(error ? error : "")
                      : kind == MESSENGERD_RECOVERABLE   ? Outcome::recoverable(error ? error : "")
                                                         : Outcome::retry(error ? error : "");
    try {
      b->after(Message(*m), outcome);
    } catch (...) {
      // An observer cannot change the outcome any more; swallowing is the only safe choice.
    }
  };
  def.destroy = [](void* user) { delete static_cast<Box*>(user); };
  if (api_->register_middleware(api_->host, &def) != 0) {
    delete box;
    return false;
  }
  return true;
}

inline bool Host::listen(EventFn fn) {
  auto* box = new EventFn(std::move(fn));
  messengerd_listener_def def{};
  def.struct_size = sizeof(def);
  def.user_data = box;
  def.on_event = [](void* user, int32_t event, const messengerd_message* m, const char* error) {
    try {
      if (m != nullptr) {
        Message view(*m);
        (*static_cast<EventFn*>(user))(event, &view, error ? error : "");
      } else {
        (*static_cast<EventFn*>(user))(event, nullptr, error ? error : "");
      }
    } catch (...) {
      // Listeners observe; an exception must not stop the worker.
    }
  };
  def.destroy = [](void* user) { delete static_cast<EventFn*>(user); };
  if (api_->register_listener(api_->host, &def) != 0) {
    delete box;
    return false;
  }
  return true;
}

// ---------------------------------------------------------------------------------------
// A plugin: register everything in init(). One instance per loaded plugin.
class Plugin {
 public:
  virtual ~Plugin() = default;
  virtual void init(Host& host) = 0;
  // Between messages (Symfony's ResetInterface), unless consume --no-reset.
  virtual void reset() {}
};

namespace detail {

struct PluginState {
  std::unique_ptr<Host> host;
  std::unique_ptr<Plugin> plugin;
};

template <typename P>
int32_t init_plugin(const messengerd_host_api* api, void** state) {
  auto holder = std::make_unique<PluginState>();
  holder->host = std::make_unique<Host>(api);
  try {
    holder->plugin = std::make_unique<P>();
    holder->plugin->init(*holder->host);
  } catch (const std::exception& e) {
    api->log(api->host, MESSENGERD_LOG_ERROR, (std::string("init failed: ") + e.what()).c_str());
    return 1;
  } catch (...) {
    api->log(api->host, MESSENGERD_LOG_ERROR, "init failed with an unknown exception");
    return 1;
  }
  *state = holder.release();
  return 0;
}

inline void reset_plugin(void* state) {
  try {
    static_cast<PluginState*>(state)->plugin->reset();
  } catch (...) {
  }
}

inline void shutdown_plugin(void* state) { delete static_cast<PluginState*>(state); }

}  // namespace detail

}  // namespace messengerd::sdk

// Defines the plugin's entry point for class `PluginClass` (default-constructible, derived
// from messengerd::sdk::Plugin).
#define MESSENGERD_PLUGIN(PluginClass, plugin_name, plugin_version)                                   \
  extern "C" MESSENGERD_EXPORT const messengerd_plugin_descriptor* messengerd_plugin_entry_v1(void) { \
    static const messengerd_plugin_descriptor descriptor = {                                         \
        MESSENGERD_PLUGIN_MAGIC,                                                                     \
        MESSENGERD_ABI_MAJOR,                                                                        \
        MESSENGERD_ABI_MINOR,                                                                        \
        sizeof(messengerd_plugin_descriptor),                                                        \
        plugin_name,                                                                                 \
        plugin_version,                                                                              \
        &::messengerd::sdk::detail::init_plugin<PluginClass>,                                        \
        &::messengerd::sdk::detail::reset_plugin,                                                    \
        &::messengerd::sdk::detail::shutdown_plugin};                                                \
    return &descriptor;                                                                              \
  }
