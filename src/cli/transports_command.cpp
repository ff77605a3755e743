// messengerd transports: the transport kinds, their schemes, and where each comes from. Loads
// every transport module (as a worker would on first use), so a module that cannot be loaded in
// this executable -- missing file, unresolved symbol, another build -- is reported here, with
// exit code 1, instead of when a worker first meets its scheme.
#include <iostream>

#include <CLI/CLI.hpp>

#include "app/transport_factories.hpp"
#include "app/transport_modules.hpp"
#include "cli/commands.hpp"

namespace messengerd::cli {

namespace {

int list_transports(const GlobalOptions& global) {
  apply_logging(global);
  if (const auto dir = app::transport_module_dir(); !dir.empty()) {
    std::cout << "Transport modules: " << dir.string() << " ($MESSENGERD_TRANSPORT_DIR overrides)\n";
  }
  std::cout << "  sync        sync://          built in\n  in-memory   in-memory://     built in\n";
  int exit_code = kExitOk;
  for (const auto& entry : app::module_transport_kinds()) {
    std::string schemes;
    for (const auto& scheme : entry.schemes) schemes += (schemes.empty() ? "" : " ") + scheme + "://";
    if (entry.kind == "sqlite" || entry.kind == "postgres") schemes += " doctrine://";
    std::cout << "  " << entry.kind << std::string(entry.kind.size() < 12 ? 12 - entry.kind.size() : 1, ' ') << schemes;
    auto loaded = app::load_transport_module(entry.kind);
    if (!loaded) {
      std::cout << "  NOT LOADED\n";
      std::cerr << "messengerd transports: " << loaded.error().message << "\n";
      exit_code = kExitFailure;
      continue;
    }
    std::cout << "  " << (loaded->file.empty() ? std::string("linked in") : loaded->file.string()) << "\n";
  }
  return exit_code;
}

}  // namespace

void add_transports_command(CLI::App& app, GlobalOptions& global, int& exit_code) {
  auto* cmd = app.add_subcommand(
      "transports", "List the transport kinds and their schemes; load every transport module to check it");
  cmd->footer("Examples:\n  messengerd transports\n  MESSENGERD_TRANSPORT_DIR=/opt/messengerd/transports messengerd transports\n");
  cmd->callback([&global, &exit_code] { exit_code = list_transports(global); });
}

}  // namespace messengerd::cli
