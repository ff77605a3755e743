#pragma once
// Options every command accepts, and loading the config and application from them.
#include <expected>
#include <memory>
#include <string>

#include "app/application.hpp"
#include "config/config.hpp"

namespace CLI {
class App;
}

namespace messengerd::cli {

struct GlobalOptions {
  std::string config_path;  // --config, else $MESSENGERD_CONFIG, else config/messenger.yaml
  int verbose = 0;          // -v / -vv
  bool quiet = false;       // -q
  std::string log_format = "text";
};

void add_global_options(CLI::App& app, GlobalOptions& options);
// Sets up logging from the options (call first in every command).
void apply_logging(const GlobalOptions& options);

std::string resolved_config_path(const GlobalOptions& options);

// Loads and validates the config; prints every problem to stderr and returns nullopt on failure.
std::optional<config::Config> load_config_or_report(const GlobalOptions& options);
// Loads config and plugins; prints every problem and returns nullptr on failure.
std::unique_ptr<app::Application> load_application_or_report(const GlobalOptions& options);
// Same without loading plugins, for commands that only use transports.
std::unique_ptr<app::Application> load_transports_or_report(const GlobalOptions& options);

// Exit codes.
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;
inline constexpr int kExitUsage = 2;

}  // namespace messengerd::cli
