#include "cli/global_options.hpp"

#include <cstdlib>
#include <iostream>

#include <CLI/CLI.hpp>

#include "util/logging.hpp"

namespace messengerd::cli {

void add_global_options(CLI::App& app, GlobalOptions& options) {
  app.add_option("-c,--config", options.config_path,
                 "messenger.yaml to load (default: $MESSENGERD_CONFIG, else config/messenger.yaml)");
  app.add_flag("-v,--verbose", options.verbose, "More output: -v one line per message, -vv stamps and decisions");
  app.add_flag("-q,--quiet", options.quiet, "Only errors");
  app.add_option("--log-format", options.log_format, "Log lines as text or json (one object per line)")
      ->check(CLI::IsMember({"text", "json"}));
}

void apply_logging(const GlobalOptions& options) {
  util::setup_logging(options.log_format == "json" ? util::LogFormat::json : util::LogFormat::text,
                      options.quiet ? -1 : options.verbose);
}

std::string resolved_config_path(const GlobalOptions& options) {
  if (!options.config_path.empty()) return options.config_path;
  if (const char* env = std::getenv("MESSENGERD_CONFIG"); env != nullptr && *env != '\0') return env;
  return "config/messenger.yaml";
}

std::optional<config::Config> load_config_or_report(const GlobalOptions& options) {
  auto loaded = config::load_config(resolved_config_path(options));
  if (!loaded) {
    std::cerr << "messengerd: the configuration has " << loaded.error().size() << " problem(s):\n";
    for (const auto& problem : loaded.error()) std::cerr << "  " << problem.to_string() << "\n";
    return std::nullopt;
  }
  return std::move(*loaded);
}

std::unique_ptr<app::Application> load_application_or_report(const GlobalOptions& options) {
  auto config = load_config_or_report(options);
  if (!config) return nullptr;
  auto app = app::Application::create(std::move(*config));
  if (!app) {
    std::cerr << "messengerd: " << app.error().size() << " problem(s) while loading plugins and buses:\n";
    for (const auto& problem : app.error()) std::cerr << "  " << problem << "\n";
    return nullptr;
  }
  return std::move(*app);
}

std::unique_ptr<app::Application> load_transports_or_report(const GlobalOptions& options) {
  auto config = load_config_or_report(options);
  if (!config) return nullptr;
  auto app = app::Application::create_without_plugins(std::move(*config));
  if (!app) {
    std::cerr << "messengerd: " << app.error().size() << " problem(s) in the configuration:\n";
    for (const auto& problem : app.error()) std::cerr << "  " << problem << "\n";
    return nullptr;
  }
  return std::move(*app);
}

}  // namespace messengerd::cli
