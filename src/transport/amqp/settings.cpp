#include "transport/amqp/settings.hpp"

#include <algorithm>
#include <array>
#include <cmath>

#include "transport/option_reader.hpp"

namespace messengerd::transport::amqp {
namespace {

// Connection::AVAILABLE_OPTIONS of Symfony 5.4, in its order.
constexpr std::array<std::string_view, 26> kKnownOptions{
    "host",          "port",         "vhost",          "user",         "login",           "password",
    "queues",        "exchange",     "delay",          "auto_setup",   "prefetch_count",  "retry",
    "persistent",    "frame_max",    "channel_max",    "heartbeat",    "read_timeout",    "write_timeout",
    "confirm_timeout", "connect_timeout", "rpc_timeout", "cacert",     "cert",            "key",
    "verify",        "sasl_method",
};
constexpr std::array<std::string_view, 4> kQueueOptions{"binding_keys", "binding_arguments", "flags", "arguments"};
constexpr std::array<std::string_view, 5> kExchangeOptions{"name", "type", "default_publish_routing_key", "flags",
                                                           "arguments"};
constexpr std::array<std::string_view, 2> kDelayOptions{"exchange_name", "queue_name_pattern"};
// Connection::ARGUMENTS_AS_INTEGER: Symfony casts these to int and refuses non-numeric ones.
constexpr std::array<std::string_view, 6> kIntegerArguments{"x-delay",      "x-expires",          "x-max-length",
                                                            "x-max-length-bytes", "x-max-priority", "x-message-ttl"};
// Arguments that are strings even when they look like numbers or booleans.
constexpr std::array<std::string_view, 8> kStringArguments{
    "x-dead-letter-exchange", "x-dead-letter-routing-key", "x-queue-type", "x-overflow", "x-queue-mode",
    "x-queue-master-locator", "alternate-exchange",        "x-match"};

template <std::size_t N>
bool known(const std::array<std::string_view, N>& names, std::string_view key) {
  return std::find(names.begin(), names.end(), key) != names.end();
}

template <std::size_t N>
std::string list(const std::array<std::string_view, N>& names) {
  std::string text;
  for (auto n : names) text += (text.empty() ? "" : ", ") + std::string(n);
  return text;
}

template <std::size_t N>
core::Status check_keys(const TransportContext& context, const config::Value& map, std::string_view where,
                        const std::array<std::string_view, N>& names) {
  for (const auto& [key, value] : *map.as_map()) {
    if (!known(names, key)) {
      return std::unexpected(invalid_option(context, "unknown option \"" + std::string(where) + "[" + key + "]\"; known: " + list(names)));
    }
  }
  return {};
}

// `flags`: an integer (AMQP_DURABLE = 2, ...) or constant names joined by '|'.
core::Result<int> read_flags(const TransportContext& context, const config::Value& value, const std::string& where) {
  if (auto i = value.as_int()) return static_cast<int>(*i);
  auto text = value.as_string().value_or("");
  static constexpr std::array<std::pair<std::string_view, int>, 7> kNames{{{"AMQP_NOPARAM", 0},
                                                                           {"AMQP_DURABLE", kFlagDurable},
                                                                           {"AMQP_PASSIVE", kFlagPassive},
                                                                           {"AMQP_EXCLUSIVE", kFlagExclusive},
                                                                           {"AMQP_AUTODELETE", kFlagAutoDelete},
                                                                           {"AMQP_INTERNAL", kFlagInternal},
                                                                           {"AMQP_JUST_CONSUME", 1}}};
  int flags = 0;
  std::size_t start = 0;
  while (start <= text.size()) {
    auto end = text.find('|', start);
    if (end == std::string::npos) end = text.size();
    std::string name = text.substr(start, end - start);
    std::erase(name, ' ');
    auto found = std::find_if(kNames.begin(), kNames.end(), [&](const auto& p) { return p.first == name; });
    if (found == kNames.end()) {
      return std::unexpected(invalid_option(context, "option " + where + " must be an integer or AMQP_* constant names joined by |, got \"" + text + "\""));
    }
    flags |= found->second;
    start = end + 1;
  }
  return flags;
}

core::Result<Arguments> read_arguments(const TransportContext& context, const config::Value& value, const std::string& where) {
  Arguments out;
  const auto* map = value.as_map();
  if (map == nullptr) return std::unexpected(invalid_option(context, "option " + where + " must be a map"));
  for (const auto& [key, v] : *map) {
    if (v.is_null()) continue;
    auto text = v.as_string();
    if (!text) return std::unexpected(invalid_option(context, "option " + where + "[" + key + "] must be a scalar"));
    if (known(kIntegerArguments, key)) {
      auto i = v.as_int();
      if (!i) {
        return std::unexpected(invalid_option(context, "integer expected for argument " + where + "[" + key + "], got \"" + *text + "\""));
      }
      out.emplace_back(key, *i);
    } else if (known(kStringArguments, key)) {
      out.emplace_back(key, *text);
    } else if (v.is_bool()) {
      out.emplace_back(key, *v.as_bool());
    } else if (v.is_int()) {
      out.emplace_back(key, *v.as_int());
    } else if (*text == "true" || *text == "false") {
      // YAML and query strings give text: read it as YAML would (x-single-active-consumer: true)
      out.emplace_back(key, *text == "true");
    } else if (auto i = v.as_int(); i && !text->empty() && text->find_first_not_of("-0123456789") == std::string::npos) {
      out.emplace_back(key, *i);  // x-delivery-limit: 5, x-quorum-initial-group-size: 3
    } else {
      out.emplace_back(key, *text);
    }
  }
  return out;
}

// A list, or a map with "0", "1", ... keys (PHP's parse_str of binding_keys[0]=a&binding_keys[1]=b).
std::vector<const config::Value*> items_of(const config::Value& value) {
  std::vector<const config::Value*> items;
  if (const auto* l = value.as_list()) {
    for (const auto& item : *l) items.push_back(&item);
  } else if (const auto* m = value.as_map()) {
    for (const auto& [k, item] : *m) items.push_back(&item);
  } else if (!value.is_null()) {
    items.push_back(&value);
  }
  return items;
}

core::Result<std::chrono::milliseconds> seconds_option(const TransportContext& context, std::string_view key,
                                                       std::chrono::milliseconds fallback) {
  const auto* value = find_option(context, key);
  if (value == nullptr) return fallback;
  auto seconds = value->as_double();
  if (!seconds || *seconds < 0 || !std::isfinite(*seconds)) {
    return std::unexpected(invalid_option(context, "option " + std::string(key) + " must be a number of seconds >= 0, got " +
                                                       value->as_string().value_or(value->kind_name())));
  }
  return std::chrono::milliseconds(static_cast<std::int64_t>(std::llround(*seconds * 1000.0)));
}

core::Status read_exchange(const TransportContext& context, AmqpSettings& s) {
  const auto* exchange = find_option(context, "exchange");
  if (exchange == nullptr) return {};
  if (exchange->as_map() == nullptr) return std::unexpected(invalid_option(context, "option exchange must be a map"));
  if (auto ok = check_keys(context, *exchange, "exchange", kExchangeOptions); !ok) return ok;
  if (const auto* v = exchange->find("name"); v != nullptr && !v->is_null()) s.exchange.name = v->as_string().value_or("");
  if (const auto* v = exchange->find("type"); v != nullptr && !v->is_null()) s.exchange.type = v->as_string().value_or("");
  if (const auto* v = exchange->find("default_publish_routing_key"); v != nullptr && !v->is_null()) {
    s.exchange.default_publish_routing_key = v->as_string().value_or("");
  }
  if (const auto* v = exchange->find("flags"); v != nullptr && !v->is_null()) {
    auto flags = read_flags(context, *v, "exchange[flags]");
    if (!flags) return std::unexpected(flags.error());
    s.exchange.flags = *flags;
  }
  if (const auto* v = exchange->find("arguments"); v != nullptr && !v->is_null()) {
    auto args = read_arguments(context, *v, "exchange[arguments]");
    if (!args) return std::unexpected(args.error());
    s.exchange.arguments = std::move(*args);
  }
  static constexpr std::array<std::string_view, 4> kTypes{"direct", "fanout", "topic", "headers"};
  if (!known(kTypes, s.exchange.type) && !s.exchange.type.starts_with("x-")) {
    return std::unexpected(invalid_option(context, "option exchange[type] must be direct, fanout, topic, headers or a plugin type x-..., got \"" +
                                                       s.exchange.type + "\""));
  }
  return {};
}

core::Status read_queues(const TransportContext& context, AmqpSettings& s) {
  const auto* queues = find_option(context, "queues");
  if (queues == nullptr) {
    AmqpQueue q;
    q.name = s.exchange.name;
    s.queues.push_back(std::move(q));
    return {};
  }
  if (queues->as_map() == nullptr) return std::unexpected(invalid_option(context, "option queues must be a map of queue name to options"));
  for (const auto& [name, options] : *queues->as_map()) {
    AmqpQueue q;
    q.name = name;
    const std::string where = "queues[" + name + "]";
    if (options.as_map() != nullptr) {
      if (auto ok = check_keys(context, options, where, kQueueOptions); !ok) return ok;
      if (const auto* v = options.find("binding_keys"); v != nullptr && !v->is_null()) {
        q.binding_keys.clear();
        for (const auto* key : items_of(*v)) q.binding_keys.push_back(key->as_string().value_or(""));
      }
      if (const auto* v = options.find("binding_arguments"); v != nullptr && !v->is_null()) {
        auto args = read_arguments(context, *v, where + "[binding_arguments]");
        if (!args) return std::unexpected(args.error());
        q.binding_arguments = std::move(*args);
      }
      if (const auto* v = options.find("flags"); v != nullptr && !v->is_null()) {
        auto flags = read_flags(context, *v, where + "[flags]");
        if (!flags) return std::unexpected(flags.error());
        q.flags = *flags;
      }
      if (const auto* v = options.find("arguments"); v != nullptr && !v->is_null()) {
        auto args = read_arguments(context, *v, where + "[arguments]");
        if (!args) return std::unexpected(args.error());
        q.arguments = std::move(*args);
      }
    } else if (!options.is_null() && !(options.as_string() && options.as_string()->empty())) {
      return std::unexpected(invalid_option(context, "option " + where + " must be a map of queue options (or empty)"));
    }
    s.queues.push_back(std::move(q));
  }
  if (s.queues.empty()) return std::unexpected(invalid_option(context, "option queues must name at least one queue"));
  return {};
}

core::Status read_delay(const TransportContext& context, AmqpSettings& s) {
  const auto* delay = find_option(context, "delay");
  if (delay == nullptr) return {};
  if (delay->as_map() == nullptr) return std::unexpected(invalid_option(context, "option delay must be a map"));
  if (auto ok = check_keys(context, *delay, "delay", kDelayOptions); !ok) return ok;
  if (const auto* v = delay->find("exchange_name"); v != nullptr && !v->is_null()) s.delay.exchange_name = v->as_string().value_or("");
  if (const auto* v = delay->find("queue_name_pattern"); v != nullptr && !v->is_null()) {
    s.delay.queue_name_pattern = v->as_string().value_or("");
  }
  if (s.delay.exchange_name.empty()) return std::unexpected(invalid_option(context, "option delay[exchange_name] must not be empty"));
  return {};
}

core::Status read_endpoints(const TransportContext& context, AmqpSettings& s) {
  const auto& dsn = context.transport.dsn_parsed;
  const int default_port = s.tls.enabled ? 5671 : 5672;
  auto port = int_option(context, "port", 0, 0);
  if (!port) return std::unexpected(port.error());
  if (*port > 65535) return std::unexpected(invalid_option(context, "option port must be a port number"));
  std::vector<AmqpEndpoint> endpoints;
  if (const auto* host = find_option(context, "host")) {
    // Several brokers to fail over to: host: "rabbit1,rabbit2:5673" (or a list).
    std::vector<std::string> texts;
    if (const auto* l = host->as_list()) {
      for (const auto& item : *l) texts.push_back(item.as_string().value_or(""));
    } else {
      const auto text = host->as_string().value_or("");
      std::size_t start = 0;
      while (start <= text.size()) {
        auto end = text.find(',', start);
        if (end == std::string::npos) end = text.size();
        texts.push_back(text.substr(start, end - start));
        start = end + 1;
      }
    }
    for (auto text : texts) {
      std::erase(text, ' ');
      if (text.empty()) return std::unexpected(invalid_option(context, "option host has an empty host name"));
      AmqpEndpoint e;
      e.port = *port != 0 ? static_cast<int>(*port) : default_port;
      const auto colon = text.rfind(':');
      if (colon != std::string::npos && text.find(':') == colon) {
        const auto port_text = text.substr(colon + 1);
        if (port_text.empty() || port_text.find_first_not_of("0123456789") != std::string::npos || port_text.size() > 5) {
          return std::unexpected(invalid_option(context, "option host: \"" + port_text + "\" is not a port number"));
        }
        e.port = std::stoi(port_text);
        text = text.substr(0, colon);
      }
      e.host = text;
      endpoints.push_back(std::move(e));
    }
  } else {
    for (const auto& h : dsn.hosts) {
      AmqpEndpoint e;
      if (!h.host.empty()) e.host = h.host;
      e.port = h.port != 0 ? h.port : (*port != 0 ? static_cast<int>(*port) : default_port);
      endpoints.push_back(std::move(e));
    }
  }
  if (endpoints.empty()) {
    AmqpEndpoint e;
    e.port = *port != 0 ? static_cast<int>(*port) : default_port;
    endpoints.push_back(e);
  }
  s.endpoints = std::move(endpoints);
  return {};
}

core::Status read_tls(const TransportContext& context, AmqpSettings& s) {
  auto cacert = string_option(context, "cacert", "");
  auto cert = string_option(context, "cert", "");
  auto key = string_option(context, "key", "");
  auto verify = bool_option(context, "verify", true);
  for (const auto* e : {cacert ? nullptr : &cacert.error(), cert ? nullptr : &cert.error(), key ? nullptr : &key.error(),
                        verify ? nullptr : &verify.error()}) {
    if (e != nullptr) return std::unexpected(*e);
  }
  if (!s.tls.enabled) {
    if (!cacert->empty() || !cert->empty() || !key->empty()) {
      // Symfony drops them silently and talks in clear; the intent was TLS, so refuse.
      return std::unexpected(invalid_option(context, "options cacert/cert/key need amqps://"));
    }
    return {};
  }
  if (cacert->empty()) {
    return std::unexpected(invalid_option(context, "amqps:// needs a CA certificate: set the cacert option (a PEM file), as Symfony requires"));
  }
  if (cert->empty() != key->empty()) {
    return std::unexpected(invalid_option(context, "options cert and key (client certificate and its key) go together"));
  }
  s.tls.cacert = *cacert;
  s.tls.cert = *cert;
  s.tls.key = *key;
  s.tls.verify = *verify;
  return {};
}

std::string replace_all(std::string text, std::string_view from, std::string_view to) {
  std::size_t at = 0;
  while ((at = text.find(from, at)) != std::string::npos) {
    text.replace(at, from.size(), to);
    at += to.size();
  }
  return text;
}

}  // namespace

std::vector<std::string> amqp_option_names() { return {kKnownOptions.begin(), kKnownOptions.end()}; }

core::Result<AmqpSettings> resolve_settings(const TransportContext& context) {
  const auto& dsn = context.transport.dsn_parsed;
  AmqpSettings s;
  s.redacted_dsn = dsn.redacted();
  s.tls.enabled = dsn.scheme == "amqps";

  if (const auto* options = context.transport.options.as_map()) {
    for (const auto& [key, value] : *options) {
      if (!known(kKnownOptions, key)) {
        return std::unexpected(invalid_option(context, "unknown option \"" + key + "\"; known: " + list(kKnownOptions)));
      }
    }
  }
  if (auto ok = read_tls(context, s); !ok) return std::unexpected(ok.error());
  if (auto ok = read_endpoints(context, s); !ok) return std::unexpected(ok.error());

  // Path: /vhost/exchange (Symfony: explode('/', trim($path, '/')), vhost percent-decoded).
  std::vector<std::string> segments = dsn.path_segments;
  while (!segments.empty() && segments.front().empty()) segments.erase(segments.begin());
  while (!segments.empty() && segments.back().empty()) segments.pop_back();
  if (segments.size() > 2) return std::unexpected(invalid_option(context, "path: expected /vhost[/exchange] (write vhost \"/\" as %2f)"));
  if (!segments.empty()) s.vhost = segments[0];
  if (segments.size() > 1) s.exchange.name = segments[1];

  auto vhost = string_option(context, "vhost", s.vhost);
  if (!vhost) return std::unexpected(vhost.error());
  s.vhost = vhost->empty() ? "/" : *vhost;

  // Credentials: the DSN's user info wins (Symfony sets login/password from it last).
  auto login = string_option(context, "login", "");
  auto user = string_option(context, "user", "");
  auto password = string_option(context, "password", "");
  if (!login || !user || !password) return std::unexpected(!login ? login.error() : !user ? user.error() : password.error());
  if (!login->empty()) {
    s.login = *login;
  } else if (!user->empty()) {
    s.login = *user;
  }
  if (find_option(context, "password") != nullptr) s.password = *password;
  if (!dsn.user.empty()) s.login = dsn.user;
  if (dsn.has_password) s.password = dsn.password;
  if (const auto* sasl = find_option(context, "sasl_method")) {
    const auto text = sasl->as_string().value_or("");
    if (text != "0" && text != "AMQP_SASL_METHOD_PLAIN" && text != "plain" && text != "PLAIN") {
      return std::unexpected(invalid_option(context, "option sasl_method: only PLAIN (0) is supported, got \"" + text + "\""));
    }
  }

  if (auto ok = read_exchange(context, s); !ok) return std::unexpected(ok.error());
  if (auto ok = read_queues(context, s); !ok) return std::unexpected(ok.error());
  if (auto ok = read_delay(context, s); !ok) return std::unexpected(ok.error());

  auto auto_setup = bool_option(context, "auto_setup", true);
  auto persistent = bool_option(context, "persistent", false);  // php-amqp pconnect: a daemon's connection is long-lived anyway
  auto prefetch = int_option(context, "prefetch_count", s.prefetch_count, 1);
  auto heartbeat = int_option(context, "heartbeat", s.heartbeat, 0);
  auto frame_max = int_option(context, "frame_max", s.frame_max, 0);
  auto channel_max = int_option(context, "channel_max", 0, 0);
  auto connect = seconds_option(context, "connect_timeout", s.connect_timeout);
  auto read = seconds_option(context, "read_timeout", s.read_timeout);
  auto rpc = seconds_option(context, "rpc_timeout", std::chrono::milliseconds(0));
  auto write = seconds_option(context, "write_timeout", s.write_timeout);
  auto confirm = seconds_option(context, "confirm_timeout", s.confirm_timeout);
  for (const auto* e :
       {auto_setup ? nullptr : &auto_setup.error(), persistent ? nullptr : &persistent.error(), prefetch ? nullptr : &prefetch.error(),
        heartbeat ? nullptr : &heartbeat.error(), frame_max ? nullptr : &frame_max.error(),
        channel_max ? nullptr : &channel_max.error(), connect ? nullptr : &connect.error(), read ? nullptr : &read.error(),
        rpc ? nullptr : &rpc.error(), write ? nullptr : &write.error(), confirm ? nullptr : &confirm.error()}) {
    if (e != nullptr) return std::unexpected(*e);
  }
  if (*prefetch > 65535) return std::unexpected(invalid_option(context, "option prefetch_count must be at most 65535"));
  if (*heartbeat > 65535) return std::unexpected(invalid_option(context, "option heartbeat must be at most 65535 seconds"));
  if (*frame_max != 0 && *frame_max < 4096) return std::unexpected(invalid_option(context, "option frame_max must be 0 or >= 4096"));
  s.auto_setup = *auto_setup;
  s.prefetch_count = static_cast<std::uint16_t>(*prefetch);
  s.heartbeat = static_cast<int>(*heartbeat);
  s.frame_max = *frame_max == 0 ? 131072 : static_cast<int>(*frame_max);
  s.channel_max = static_cast<int>(std::min<std::int64_t>(*channel_max, 65535));
  // 0 means "no timeout" to php-amqp; messengerd never waits unbounded, so 0 keeps the default.
  if (connect->count() > 0) s.connect_timeout = *connect;
  if (read->count() > 0) s.read_timeout = *read;
  if (rpc->count() > 0) s.read_timeout = *rpc;
  if (write->count() > 0) s.write_timeout = *write;
  if (confirm->count() > 0) s.confirm_timeout = *confirm;
  return s;
}

std::string delay_queue_name(const AmqpSettings& settings, std::int64_t delay_ms, const std::string& routing_key,
                             bool retry) {
  // str_replace(['%delay%', '%exchange_name%', '%routing_key%'], ...) in this order.
  std::string name = replace_all(settings.delay.queue_name_pattern, "%delay%", std::to_string(delay_ms));
  name = replace_all(std::move(name), "%exchange_name%", settings.exchange.name);
  name = replace_all(std::move(name), "%routing_key%", routing_key);
  return name + (retry ? "_retry" : "_delay");
}

Arguments delay_queue_arguments(const AmqpSettings& settings, std::int64_t delay_ms, const std::string& routing_key,
                                bool retry) {
  return {
      {"x-message-ttl", delay_ms},
      // the delay queue is deleted 10 s after its last message expired; redeclaring renews it
      {"x-expires", delay_ms + 10000},
      // a delayed message goes to every queue of the exchange, a retry to its queue only
      // (through the default exchange, "")
      {"x-dead-letter-exchange", retry ? std::string() : settings.exchange.name},
      {"x-dead-letter-routing-key", routing_key},
  };
}

}  // namespace messengerd::transport::amqp
