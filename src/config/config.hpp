#pragma once
// The validated configuration: a Symfony `messenger.yaml` (either `framework: messenger:` or a
// bare `messenger:` root), plus messengerd's own top-level `messengerd:` section. Loading
// resolves `%env(...)%` and `.env` files and reports every problem at once.
#include <cstdint>
#include <expected>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "config/dsn.hpp"
#include "config/value.hpp"

namespace messengerd::config {

struct RetryStrategy {  // Symfony's defaults
  int max_retries = 3;
  std::int64_t delay_ms = 1000;
  double multiplier = 2.0;
  std::int64_t max_delay_ms = 0;  // 0 = no cap
  double jitter = 0.1;            // 0..1, applied +/- (Symfony 7.1+)
  std::string service;            // a custom strategy service id: reported as unsupported
};

struct TransportConfig {
  std::string name;
  std::string dsn;     // env-resolved DSN text (contains credentials: print dsn_parsed.redacted())
  Dsn dsn_parsed;
  Value options;       // DSN query parameters merged with the `options` map (the map wins)
  std::string serializer;  // "" = default (Symfony json serializer)
  RetryStrategy retry;
  std::optional<std::string> failure_transport;  // per-transport override of the global one
  SourceLocation where;
};

struct RoutingRule {
  std::string pattern;                  // exact type, "App\\Message\\*" or "*"
  std::vector<std::string> transports;  // senders, in order
  SourceLocation where;
};

struct BusConfig {
  std::string name;
  std::string default_middleware = "true";  // "true" | "false" | "allow_no_handlers"
  std::vector<std::string> middleware;      // names of user middleware (plugins), in order
};

struct PluginConfig {
  std::filesystem::path path;  // absolute (relative paths resolved against the config's folder)
  Value options;               // handed to the plugin through config_get
  SourceLocation where;
};

struct Config {
  std::filesystem::path file;  // absolute path of the loaded file
  std::filesystem::path dir;   // its folder: base of relative paths
  std::vector<TransportConfig> transports;  // in file order
  std::vector<RoutingRule> routing;         // in file order
  std::optional<std::string> failure_transport;
  std::string default_bus = "messenger.bus.default";
  std::vector<BusConfig> buses;  // always at least the default bus
  std::vector<PluginConfig> plugins;
  std::vector<std::filesystem::path> plugin_dirs;  // every *.so inside is loaded
  std::map<std::string, std::string> doctrine_connections;  // name -> env-resolved url ("default" for dbal.url)
  Value messengerd;  // the whole `messengerd:` section, for later options (restart_signal, metrics...)

  const TransportConfig* transport(std::string_view name) const;
  const BusConfig* bus(std::string_view name) const;
};

struct ConfigProblem {
  SourceLocation where;
  std::string key_path;  // "framework.messenger.transports.async.retry_strategy.delay"
  std::string message;   // what was found and what was expected, plus "did you mean" hints
  // "file:line:column: key_path: message"
  std::string to_string() const;
};

struct LoadOptions {
  // Environment used for %env()% (real environment variables); nullptr = the process's.
  const std::map<std::string, std::string>* environment = nullptr;
  // APP_ENV for .env.$APP_ENV files when not in the environment; default "dev" like Symfony.
  std::string default_app_env = "dev";
};

std::expected<Config, std::vector<ConfigProblem>> load_config(const std::filesystem::path& file,
                                                             const LoadOptions& options = {});
// Same, from text (tests); `file` names it in errors and is the base for relative paths.
std::expected<Config, std::vector<ConfigProblem>> load_config_text(std::string_view yaml,
                                                                  const std::filesystem::path& file,
                                                                  const LoadOptions& options = {});

}  // namespace messengerd::config
