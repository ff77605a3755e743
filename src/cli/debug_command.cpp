// messengerd debug [BUS]: buses, handlers, routing, transports (redacted), plugins.
#include <iostream>
#include <map>

#include <CLI/CLI.hpp>

#include "cli/commands.hpp"

namespace messengerd::cli {

namespace {

std::string join(const std::vector<std::string>& items, const char* sep = ", ") {
  std::string out;
  for (const auto& i : items) out += (out.empty() ? "" : sep) + i;
  return out;
}

void print_handlers(app::Application& app, const std::string& bus_name) {
  // Group by handled type, as Symfony's debug:messenger does.
  std::map<std::string, std::vector<const core::HandlerSpec*>> by_type;
  for (const auto& h : app.handlers().all()) {
    const auto& spec = h->spec();
    if (!spec.bus.empty() && spec.bus != bus_name) continue;
    for (const auto& t : spec.types) by_type[t].push_back(&spec);
  }
  std::cout << "\nHandlers on " << bus_name << "\n";
  if (by_type.empty()) std::cout << "  (none)\n";
  for (const auto& [type, specs] : by_type) {
    std::cout << "  " << type << "\n";
    for (const auto* s : specs) {
      std::cout << "    handled by " << s->name << " (plugin " << s->plugin << ", priority " << s->priority;
      if (!s->from_transport.empty()) std::cout << ", from_transport " << s->from_transport;
      if (s->batch_size > 1) std::cout << ", batch_size " << s->batch_size;
      std::cout << ")\n";
    }
  }
}

int debug(const GlobalOptions& global, const std::string& only_bus) {
  apply_logging(global);
  auto app = load_application_or_report(global);
  if (!app) return kExitFailure;
  const auto& config = app->config();
  if (!only_bus.empty() && app->bus(only_bus) == nullptr) {
    std::cerr << "messengerd debug: no bus named \"" << only_bus << "\"; buses: " << join(app->bus_names()) << "\n";
    return kExitUsage;
  }
  std::cout << "Configuration: " << config.file.string() << "\n\nBuses\n";
  for (const auto& name : app->bus_names()) {
    if (!only_bus.empty() && name != only_bus) continue;
    std::cout << "  " << name << (name == config.default_bus ? " (default)" : "") << "\n    middleware: "
              << join(app->bus(name)->middleware_names()) << "\n";
  }
  for (const auto& name : app->bus_names()) {
    if (only_bus.empty() || name == only_bus) print_handlers(*app, name);
  }
  std::cout << "\nRouting\n";
  if (config.routing.empty()) std::cout << "  (none: every message is handled synchronously)\n";
  for (const auto& rule : config.routing) std::cout << "  " << rule.pattern << " -> " << join(rule.transports) << "\n";
  std::cout << "\nTransports\n";
  for (const auto& t : config.transports) {
    std::cout << "  " << t.name << "  " << t.dsn_parsed.redacted() << "\n    retry: max_retries=" << t.retry.max_retries
              << " delay=" << t.retry.delay_ms << "ms multiplier=" << t.retry.multiplier
              << " max_delay=" << t.retry.max_delay_ms << "ms jitter=" << t.retry.jitter << "\n";
    auto failure = app->failure_transport_for(t.name);
    std::cout << "    failure transport: " << (failure ? *failure : std::string("(none)")) << "\n";
  }
  std::cout << "\nPlugins\n";
  if (app->plugins().plugins().empty()) std::cout << "  (none)\n";
  for (const auto& p : app->plugins().plugins()) std::cout << "  " << p.name << " " << p.version << "  " << p.path << "\n";
  return kExitOk;
}

}  // namespace

void add_debug_command(CLI::App& app, GlobalOptions& global, int& exit_code) {
  auto bus = std::make_shared<std::string>();
  auto* cmd = app.add_subcommand("debug", "Show buses, handlers, routing, transports (passwords hidden) and plugins");
  cmd->add_option("bus", *bus, "Only this bus");
  cmd->footer("Examples:\n  messengerd debug\n  messengerd debug messenger.bus.default --config app/config/packages/messenger.yaml\n");
  cmd->callback([&global, &exit_code, bus] { exit_code = debug(global, *bus); });
}

}  // namespace messengerd::cli
