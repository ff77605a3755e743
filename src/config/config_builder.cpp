#include "config/config_builder.hpp"

#include <algorithm>

#include "config/did_you_mean.hpp"

namespace messengerd::config {

namespace fs = std::filesystem;

namespace {

const std::vector<std::string> kMessengerKeys = {"enabled", "routing", "serializer", "transports", "failure_transport",
                                                 "reset_on_message", "stop_worker_on_signals", "default_bus", "buses"};
const std::vector<std::string> kTransportKeys = {"dsn", "options", "serializer", "retry_strategy", "failure_transport",
                                                 "rate_limiter"};
const std::vector<std::string> kRetryKeys = {"service", "max_retries", "delay", "multiplier", "max_delay", "jitter"};
const std::vector<std::string> kBusKeys = {"default_middleware", "middleware"};

std::string join(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
  return out;
}

const SourceLocation& key_or_value_location(const Value& value) {
  return value.key_where().line > 0 ? value.key_where() : value.where();
}

}  // namespace

const std::vector<std::string>& messengerd_section_keys() {
  static const std::vector<std::string> keys = {"plugins", "plugin_dirs", "restart_signal", "state_dir", "metrics",
                                                "health", "consumer_name", "logging"};
  return keys;
}

ConfigBuilder::ConfigBuilder(fs::path file, std::vector<ConfigProblem>& problems)
    : file_(std::move(file)), problems_(problems) {}

void ConfigBuilder::problem(const SourceLocation& where, const std::string& path, std::string message) {
  SourceLocation at = where;
  if (at.file.empty()) at.file = file_.string();
  problems_.push_back({at, path, std::move(message)});
}

void ConfigBuilder::check_keys(const Value& map, const std::string& path, const std::vector<std::string>& known) {
  const auto* entries = map.as_map();
  if (entries == nullptr) return;
  for (const auto& [key, value] : *entries) {
    if (std::find(known.begin(), known.end(), key) == known.end()) {
      problem(key_or_value_location(value), path + "." + key,
              "unknown key \"" + key + "\"" + did_you_mean(key, known) + "; expected one of: " + join(known));
    }
  }
}

bool ConfigBuilder::expect_map(const Value& value, const std::string& path) {
  if (value.is_map()) return true;
  if (value.is_null()) return false;
  problem(value.where(), path, "found " + value.kind_name() + ", expected a map");
  return false;
}

std::optional<std::string> ConfigBuilder::string_of(const Value& value, const std::string& path) {
  if (value.is_list() || value.is_map()) {
    problem(value.where(), path, "found " + value.kind_name() + ", expected a string");
    return std::nullopt;
  }
  if (value.is_null()) {
    problem(key_or_value_location(value), path, "no value, expected a string");
    return std::nullopt;
  }
  return value.as_string();
}

std::vector<std::string> ConfigBuilder::string_list(const Value& value, const std::string& path) {
  std::vector<std::string> out;
  if (value.is_null()) return out;
  if (const auto* items = value.as_list()) {
    for (std::size_t i = 0; i < items->size(); ++i) {
      if (auto s = string_of((*items)[i], path + "[" + std::to_string(i) + "]")) out.push_back(*s);
    }
  } else if (auto s = string_of(value, path)) {
    out.push_back(*s);
  }
  return out;
}

Config ConfigBuilder::build(const Value& root) {
  Config config;
  config.file = file_;
  config.dir = file_.parent_path();
  const Value* framework = root.find("framework");
  const Value* framework_messenger = framework != nullptr ? framework->find("messenger") : nullptr;
  const Value* bare = root.find("messenger");
  const Value* messenger = nullptr;
  std::string path;
  if (framework_messenger != nullptr && bare != nullptr) {
    problem(key_or_value_location(*bare), "messenger",
            "both framework.messenger and messenger are set; keep one (a Symfony app has framework.messenger)");
  }
  if (framework_messenger != nullptr) {
    messenger = framework_messenger;
    path = "framework.messenger";
  } else if (bare != nullptr) {
    messenger = bare;
    path = "messenger";
  } else {
    problem({file_.string(), 1, 1}, "framework.messenger",
            "no messenger configuration: expected a framework.messenger (or messenger) section");
  }
  if (messenger != nullptr && (messenger->is_null() || expect_map(*messenger, path))) {
    read_messenger(*messenger, path, config);
  }
  if (config.buses.empty()) config.buses.push_back(BusConfig{config.default_bus, "true", {}});
  if (const auto* section = root.find("messengerd")) read_messengerd(*section, config);
  if (const auto* doctrine = root.find("doctrine")) read_doctrine(*doctrine, config);
  if (messenger != nullptr) check_references(*messenger, path, config);
  return config;
}

void ConfigBuilder::read_messenger(const Value& messenger, const std::string& path, Config& config) {
  check_keys(messenger, path, kMessengerKeys);
  if (const auto* transports = messenger.find("transports"); transports != nullptr && expect_map(*transports, path + ".transports")) {
    for (const auto& [name, value] : *transports->as_map()) {
      read_transport(name, value, path + ".transports." + name, config);
    }
  }
  if (const auto* failure = messenger.find("failure_transport"); failure != nullptr && !failure->is_null()) {
    config.failure_transport = string_of(*failure, path + ".failure_transport");
  }
  if (const auto* routing = messenger.find("routing"); routing != nullptr && !routing->is_null()) {
    read_routing(*routing, path + ".routing", config);
  }
  if (const auto* bus = messenger.find("default_bus"); bus != nullptr && !bus->is_null()) {
    if (auto name = string_of(*bus, path + ".default_bus")) config.default_bus = *name;
  }
  if (const auto* buses = messenger.find("buses"); buses != nullptr && !buses->is_null()) {
    read_buses(*buses, path + ".buses", config);
    // One bus and no default_bus: that bus is the default, as in Symfony.
    if (messenger.find("default_bus") == nullptr && config.buses.size() == 1) config.default_bus = config.buses.front().name;
  }
  if (const auto* serializer = messenger.find("serializer"); serializer != nullptr && expect_map(*serializer, path + ".serializer")) {
    check_keys(*serializer, path + ".serializer", {"default_serializer", "symfony_serializer"});
  }
}

void ConfigBuilder::read_transport(const std::string& name, const Value& value, const std::string& path, Config& config) {
  TransportConfig transport;
  transport.name = name;
  transport.where = value.is_null() ? value.key_where() : value.where();
  const Value* dsn_value = nullptr;
  Value options;
  if (value.is_map()) {
    check_keys(value, path, kTransportKeys);
    dsn_value = value.find("dsn");
    if (dsn_value == nullptr) {
      problem(value.where(), path + ".dsn", "missing; expected the transport's DSN, e.g. 'sqlite:///var/messages.db'");
      return;
    }
    if (const auto* opts = value.find("options"); opts != nullptr && !opts->is_null()) {
      if (expect_map(*opts, path + ".options")) options = *opts;
    }
    if (const auto* serializer = value.find("serializer"); serializer != nullptr && !serializer->is_null()) {
      transport.serializer = string_of(*serializer, path + ".serializer").value_or("");
    }
    if (const auto* retry = value.find("retry_strategy"); retry != nullptr && !retry->is_null()) {
      read_retry(*retry, path + ".retry_strategy", transport.retry);
    }
    if (const auto* failure = value.find("failure_transport"); failure != nullptr && !failure->is_null()) {
      transport.failure_transport = string_of(*failure, path + ".failure_transport");
    }
  } else {
    dsn_value = &value;
  }
  const std::string dsn_path = value.is_map() ? path + ".dsn" : path;
  auto dsn_text = string_of(*dsn_value, dsn_path);
  if (!dsn_text) return;
  auto parsed = parse_dsn(*dsn_text);
  if (!parsed) {
    problem(dsn_value->where(), dsn_path,
            "invalid DSN \"" + redact(*dsn_text) + "\": " + parsed.error().part + ": " + parsed.error().message);
    return;
  }
  transport.dsn = *dsn_text;
  transport.dsn_parsed = std::move(*parsed);
  transport.options = Value::merged(transport.dsn_parsed.query, options);
  if (config.transport(name) != nullptr) {
    problem(transport.where, path, "transport \"" + name + "\" is defined twice");
    return;
  }
  config.transports.push_back(std::move(transport));
}

void ConfigBuilder::read_retry(const Value& value, const std::string& path, RetryStrategy& retry) {
  if (!expect_map(value, path)) return;
  check_keys(value, path, kRetryKeys);
  auto integer = [&](const char* key, std::int64_t minimum, auto& target) {
    const Value* v = value.find(key);
    if (v == nullptr || v->is_null()) return;
    auto i = v->as_int();
    if (!i || *i < minimum) {
      problem(v->where(), path + "." + key,
              "found " + (v->as_string() ? "\"" + *v->as_string() + "\"" : v->kind_name()) + ", expected an integer >= " +
                  std::to_string(minimum) + (std::string(key) == "delay" || std::string(key) == "max_delay" ? " (milliseconds)" : ""));
      return;
    }
    target = static_cast<std::remove_reference_t<decltype(target)>>(*i);
  };
  auto number = [&](const char* key, double minimum, double maximum, double& target) {
    const Value* v = value.find(key);
    if (v == nullptr || v->is_null()) return;
    auto d = v->as_double();
    if (!d || *d < minimum || *d > maximum) {
      problem(v->where(), path + "." + key,
              "found " + (v->as_string() ? "\"" + *v->as_string() + "\"" : v->kind_name()) + ", expected a number from " +
                  std::to_string(minimum).substr(0, 3) + (maximum < 1e9 ? " to " + std::to_string(maximum).substr(0, 3) : " up"));
      return;
    }
    target = *d;
  };
  integer("max_retries", 0, retry.max_retries);
  integer("delay", 0, retry.delay_ms);
  integer("max_delay", 0, retry.max_delay_ms);
  number("multiplier", 1.0, 1e18, retry.multiplier);
  number("jitter", 0.0, 1.0, retry.jitter);
  if (const auto* service = value.find("service"); service != nullptr && !service->is_null()) {
    retry.service = string_of(*service, path + ".service").value_or("");
  }
}

void ConfigBuilder::read_routing(const Value& value, const std::string& path, Config& config) {
  if (!expect_map(value, path)) return;
  for (const auto& [pattern, target] : *value.as_map()) {
    RoutingRule rule;
    rule.pattern = pattern;
    rule.where = target.where().line > 0 ? target.where() : target.key_where();
    const std::string rule_path = path + "." + pattern;
    if (target.is_map()) {
      check_keys(target, rule_path, {"senders"});
      if (const auto* senders = target.find("senders")) rule.transports = string_list(*senders, rule_path + ".senders");
    } else {
      rule.transports = string_list(target, rule_path);
    }
    config.routing.push_back(std::move(rule));
  }
}

void ConfigBuilder::read_buses(const Value& value, const std::string& path, Config& config) {
  if (!expect_map(value, path)) return;
  for (const auto& [name, bus_value] : *value.as_map()) {
    BusConfig bus;
    bus.name = name;
    const std::string bus_path = path + "." + name;
    if (!bus_value.is_null() && expect_map(bus_value, bus_path)) {
      check_keys(bus_value, bus_path, kBusKeys);
      if (const auto* dm = bus_value.find("default_middleware"); dm != nullptr && !dm->is_null()) {
        if (dm->is_map()) {
          check_keys(*dm, bus_path + ".default_middleware", {"enabled", "allow_no_handlers", "allow_no_senders"});
          const bool enabled = dm->get_bool("enabled", true);
          bus.default_middleware = !enabled ? "false" : dm->get_bool("allow_no_handlers", false) ? "allow_no_handlers" : "true";
        } else if (auto text = dm->as_string(); text && *text == "allow_no_handlers") {
          bus.default_middleware = "allow_no_handlers";
        } else if (auto b = dm->as_bool()) {
          bus.default_middleware = *b ? "true" : "false";
        } else {
          problem(dm->where(), bus_path + ".default_middleware",
                  "found \"" + dm->as_string().value_or("") + "\", expected true, false or allow_no_handlers");
        }
      }
      if (const auto* middleware = bus_value.find("middleware"); middleware != nullptr && !middleware->is_null()) {
        const auto* items = middleware->as_list();
        if (items == nullptr) {
          problem(middleware->where(), bus_path + ".middleware", "found " + middleware->kind_name() + ", expected a list");
        } else {
          for (std::size_t i = 0; i < items->size(); ++i) {
            const auto& item = (*items)[i];
            const std::string item_path = bus_path + ".middleware[" + std::to_string(i) + "]";
            if (item.is_map()) {
              // Symfony's {id: ..., arguments: [...]} or {service_id: [arguments]}.
              if (const auto* id = item.find("id")) {
                if (auto s = string_of(*id, item_path + ".id")) bus.middleware.push_back(*s);
              } else if (item.as_map()->size() == 1) {
                bus.middleware.push_back(item.as_map()->front().first);
              }
            } else if (auto s = string_of(item, item_path)) {
              bus.middleware.push_back(*s);
            }
          }
        }
      }
    }
    config.buses.push_back(std::move(bus));
  }
}

void ConfigBuilder::read_messengerd(const Value& value, Config& config) {
  config.messengerd = value;
  if (value.is_null() || !expect_map(value, "messengerd")) return;
  check_keys(value, "messengerd", messengerd_section_keys());
  if (const auto* plugins = value.find("plugins"); plugins != nullptr && !plugins->is_null()) {
    const auto* items = plugins->as_list();
    if (items == nullptr) {
      problem(plugins->where(), "messengerd.plugins", "found " + plugins->kind_name() + ", expected a list of paths or {path, options}");
    } else {
      for (std::size_t i = 0; i < items->size(); ++i) {
        const auto& item = (*items)[i];
        const std::string item_path = "messengerd.plugins[" + std::to_string(i) + "]";
        PluginConfig plugin;
        plugin.where = item.where();
        std::optional<std::string> file;
        if (item.is_map()) {
          check_keys(item, item_path, {"path", "options"});
          if (const auto* p = item.find("path")) {
            file = string_of(*p, item_path + ".path");
          } else {
            problem(item.where(), item_path + ".path", "missing; expected the plugin's .so file");
          }
          if (const auto* options = item.find("options"); options != nullptr && !options->is_null()) {
            if (expect_map(*options, item_path + ".options")) plugin.options = *options;
          }
        } else {
          file = string_of(item, item_path);
        }
        if (!file) continue;
        plugin.path = fs::path(*file).is_absolute() ? fs::path(*file) : config.dir / *file;
        config.plugins.push_back(std::move(plugin));
      }
    }
  }
  if (const auto* dirs = value.find("plugin_dirs"); dirs != nullptr) {
    for (const auto& dir : string_list(*dirs, "messengerd.plugin_dirs")) {
      config.plugin_dirs.push_back(fs::path(dir).is_absolute() ? fs::path(dir) : config.dir / dir);
    }
  }
}

void ConfigBuilder::read_doctrine(const Value& value, Config& config) {
  const Value* dbal = value.find("dbal");
  if (dbal == nullptr || !dbal->is_map()) return;
  if (const auto* url = dbal->find("url"); url != nullptr && !url->is_null()) {
    if (auto s = string_of(*url, "doctrine.dbal.url")) config.doctrine_connections["default"] = *s;
  }
  if (const auto* connections = dbal->find("connections"); connections != nullptr && connections->is_map()) {
    for (const auto& [name, connection] : *connections->as_map()) {
      if (const auto* url = connection.find("url"); url != nullptr && !url->is_null()) {
        if (auto s = string_of(*url, "doctrine.dbal.connections." + name + ".url")) config.doctrine_connections[name] = *s;
      }
    }
  }
}

void ConfigBuilder::check_references(const Value& messenger, const std::string& path, const Config& config) {
  std::vector<std::string> names;
  for (const auto& t : config.transports) names.push_back(t.name);
  auto check = [&](const std::string& name, const SourceLocation& where, const std::string& at) {
    if (config.transport(name) == nullptr) {
      problem(where, at,
              "unknown transport \"" + name + "\"" + did_you_mean(name, names) +
                  (names.empty() ? "; no transport is configured" : "; configured transports: " + join(names)));
    }
  };
  if (config.failure_transport) {
    const auto* v = messenger.find("failure_transport");
    check(*config.failure_transport, v != nullptr ? v->where() : SourceLocation{}, path + ".failure_transport");
  }
  for (const auto& t : config.transports) {
    if (t.failure_transport) check(*t.failure_transport, t.where, path + ".transports." + t.name + ".failure_transport");
  }
  for (const auto& rule : config.routing) {
    for (const auto& target : rule.transports) check(target, rule.where, path + ".routing." + rule.pattern);
  }
  if (config.bus(config.default_bus) == nullptr) {
    const auto* v = messenger.find("default_bus");
    std::vector<std::string> buses;
    for (const auto& b : config.buses) buses.push_back(b.name);
    problem(v != nullptr ? v->where() : SourceLocation{}, path + ".default_bus",
            "unknown bus \"" + config.default_bus + "\"" + did_you_mean(config.default_bus, buses) + "; configured buses: " + join(buses));
  }
}

}  // namespace messengerd::config
