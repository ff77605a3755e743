// messengerd setup-transports [TRANSPORT...]: creates tables, streams, exchanges and queues,
// for deployments that run with auto_setup: false (Symfony's messenger:setup-transports).
#include <iostream>

#include <CLI/CLI.hpp>

#include "cli/commands.hpp"
#include "transport/roles.hpp"

namespace messengerd::cli {

namespace {

int setup_transports(const GlobalOptions& global, const std::vector<std::string>& only) {
  apply_logging(global);
  auto app = load_transports_or_report(global);
  if (!app) return kExitFailure;
  std::vector<std::string> names = only;
  if (names.empty()) {
    for (const auto& t : app->config().transports) names.push_back(t.name);
  }
  int status = kExitOk;
  for (const auto& name : names) {
    if (app->config().transport(name) == nullptr) {
      std::cerr << "messengerd setup-transports: no transport named \"" << name << "\"\n";
      return kExitUsage;
    }
    auto transport = app->transport(name);
    if (!transport) {
      std::cerr << "  [ERROR] " << name << ": " << transport.error().message << "\n";
      status = kExitFailure;
      continue;
    }
    auto* setupable = dynamic_cast<transport::Setupable*>(*transport);
    if (setupable == nullptr) {
      std::cout << "  [SKIP] " << name << ": nothing to set up for this kind of transport\n";
      continue;
    }
    if (auto done = setupable->setup(); !done) {
      std::cerr << "  [ERROR] " << name << ": " << done.error().message << "\n";
      status = kExitFailure;
      continue;
    }
    std::cout << "  [OK] " << name << " is set up\n";
  }
  return status;
}

}  // namespace

void add_setup_transports_command(CLI::App& app, GlobalOptions& global, int& exit_code) {
  auto names = std::make_shared<std::vector<std::string>>();
  auto* cmd = app.add_subcommand("setup-transports", "Create the tables, streams, exchanges and queues of transports");
  cmd->add_option("transports", *names, "Only these transports (default: all)");
  cmd->footer(
      "Examples:\n"
      "  messengerd setup-transports\n"
      "  messengerd setup-transports async failed\n");
  cmd->callback([&global, &exit_code, names] { exit_code = setup_transports(global, *names); });
}

}  // namespace messengerd::cli
