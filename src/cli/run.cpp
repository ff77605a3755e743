#include "cli/run.hpp"

#include <iostream>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "cli/command_aliases.hpp"
#include "cli/commands.hpp"

#ifndef MESSENGERD_VERSION
#define MESSENGERD_VERSION "0.0.0"
#endif

namespace messengerd::cli {

int run(int argc, char** argv) {
  CLI::App app{"messengerd: a native worker daemon for Symfony Messenger queues"};
  app.set_version_flag("--version", "messengerd " MESSENGERD_VERSION);
  app.require_subcommand(1);
  app.fallthrough();  // global options are accepted after the command name too
  app.footer(
      "Examples:\n"
      "  messengerd consume async --limit 100 -v\n"
      "  messengerd dispatch 'App\\Message\\SmsNotification' '{\"phoneNumber\":\"+1555\",\"content\":\"hi\"}'\n"
      "  messengerd debug\n"
      "  messengerd stats\n"
      "  messengerd failed:show -vv          (Symfony names work: failed:show = failed-show)\n"
      "  messengerd stop-workers --wait\n"
      "  messengerd config:validate --config /srv/app/config/packages/messenger.yaml\n");

  GlobalOptions global;
  add_global_options(app, global);
  int exit_code = kExitOk;
  add_consume_command(app, global, exit_code);
  add_dispatch_command(app, global, exit_code);
  add_debug_command(app, global, exit_code);
  add_validate_command(app, global, exit_code);
  add_stop_workers_command(app, global, exit_code);
  add_stats_command(app, global, exit_code);
  add_failed_show_command(app, global, exit_code);
  add_failed_retry_command(app, global, exit_code);
  add_failed_remove_command(app, global, exit_code);
  add_setup_transports_command(app, global, exit_code);
  add_transports_command(app, global, exit_code);

  try {
    std::vector<std::string> args = canonical_arguments(argc, argv);
    std::vector<char*> arg_pointers;
    arg_pointers.reserve(args.size());
    for (auto& arg : args) arg_pointers.push_back(arg.data());
    app.parse(static_cast<int>(arg_pointers.size()), arg_pointers.data());
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? kExitOk : kExitUsage;
  }
  return exit_code;
}

}  // namespace messengerd::cli
