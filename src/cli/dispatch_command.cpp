// messengerd dispatch TYPE [BODY_JSON] [--transport NAME]... [--delay MS] [--bus NAME]
#include <iostream>

#include <CLI/CLI.hpp>

#include "cli/commands.hpp"
#include "serializer/stamps.hpp"

namespace messengerd::cli {

namespace {

struct DispatchArgs {
  std::string type;
  std::string body = "{}";
  std::vector<std::string> transports;
  std::int64_t delay_ms = 0;
  std::string bus;
};

int dispatch(const GlobalOptions& global, const DispatchArgs& args) {
  apply_logging(global);
  auto app = load_application_or_report(global);
  if (!app) return kExitFailure;
  for (const auto& t : args.transports) {
    if (app->config().transport(t) == nullptr) {
      std::cerr << "messengerd dispatch: no transport named \"" << t << "\"\n";
      return kExitUsage;
    }
  }
  auto* bus = args.bus.empty() ? &app->default_bus() : app->bus(args.bus);
  if (bus == nullptr) {
    std::cerr << "messengerd dispatch: no bus named \"" << args.bus << "\"\n";
    return kExitUsage;
  }
  core::Envelope envelope(args.type, args.body);
  if (args.delay_ms > 0) envelope.add(serializer::make_delay_stamp(args.delay_ms));
  auto result = bus->dispatch(std::move(envelope), args.transports);
  if (!result.outcome.ok()) {
    std::cerr << "messengerd dispatch: " << args.type << " failed: " << result.outcome.message << "\n";
    return kExitFailure;
  }
  if (!result.sent_to.empty()) {
    std::cout << "sent " << args.type << " to";
    for (const auto& t : result.sent_to) std::cout << " " << t;
    if (args.delay_ms > 0) std::cout << " (delayed " << args.delay_ms << " ms)";
    std::cout << "\n";
  } else {
    std::cout << "handled " << args.type << " synchronously on " << bus->name();
    if (!result.handled_by.empty()) {
      std::cout << " by";
      for (const auto& h : result.handled_by) std::cout << " " << h;
    }
    std::cout << "\n";
  }
  return kExitOk;
}

}  // namespace

void add_dispatch_command(CLI::App& app, GlobalOptions& global, int& exit_code) {
  auto args = std::make_shared<DispatchArgs>();
  auto* cmd = app.add_subcommand("dispatch", "Dispatch a message: routed to its transports, or handled now when unrouted");
  cmd->add_option("type", args->type, "Message type, e.g. App\\Message\\SmsNotification")->required();
  cmd->add_option("body", args->body, "Message body (JSON; default {})");
  cmd->add_option("-t,--transport", args->transports, "Send to this transport instead of routing (repeatable)");
  cmd->add_option("--delay", args->delay_ms, "Delay in milliseconds (DelayStamp)")->check(CLI::NonNegativeNumber);
  cmd->add_option("--bus", args->bus, "Bus to dispatch on (default: the default bus)");
  cmd->footer(
      "Examples:\n"
      "  messengerd dispatch 'App\\Message\\SmsNotification' '{\"phoneNumber\":\"+1555\",\"content\":\"hi\"}'\n"
      "  messengerd dispatch 'App\\Message\\SmsNotification' '{}' --transport async --delay 5000\n");
  cmd->callback([&global, &exit_code, args] { exit_code = dispatch(global, *args); });
}

}  // namespace messengerd::cli
