// messengerd config:validate: every problem of the config and its plugins, exit 1 if any.
#include <iostream>

#include <CLI/CLI.hpp>

#include "cli/commands.hpp"

namespace messengerd::cli {

namespace {

int validate(const GlobalOptions& global) {
  apply_logging(global);
  auto app = load_application_or_report(global);
  if (!app) return kExitFailure;
  std::cout << resolved_config_path(global) << ": OK (" << app->config().transports.size() << " transport(s), "
            << app->handlers().all().size() << " handler(s), " << app->plugins().plugins().size()
            << " plugin(s), " << app->bus_names().size() << " bus(es))\n";
  return kExitOk;
}

}  // namespace

void add_validate_command(CLI::App& app, GlobalOptions& global, int& exit_code) {
  auto* cmd = app.add_subcommand("config-validate", "Check the configuration and plugins; print every problem");
  cmd->footer("Examples:\n  messengerd config:validate\n  MESSENGERD_CONFIG=/etc/messengerd/messenger.yaml messengerd config:validate\n");
  cmd->callback([&global, &exit_code] { exit_code = validate(global); });
}

}  // namespace messengerd::cli
