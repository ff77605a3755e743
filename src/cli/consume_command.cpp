// messengerd consume [RECEIVER...]: the worker (Symfony's messenger:consume).
#include <cmath>
#include <iostream>

#include <CLI/CLI.hpp>

#include "app/worker_services.hpp"
#include "cli/commands.hpp"
#include "util/size.hpp"
#include "worker/worker.hpp"

namespace messengerd::cli {

namespace {

struct ConsumeArgs {
  std::vector<std::string> receivers;
  bool all = false;
  std::vector<std::string> exclude;
  std::int64_t limit = 0;
  std::int64_t failure_limit = 0;
  std::string memory_limit;
  double time_limit = 0;
  double sleep = 1;
  std::string bus;
  std::vector<std::string> queues;
  bool no_reset = false;
  double keepalive = 0;
  std::string metrics_listen;
};

std::chrono::milliseconds seconds_to_ms(double s) {
  return std::chrono::milliseconds(static_cast<std::int64_t>(std::llround(s * 1000)));
}

int consume(const GlobalOptions& global, const ConsumeArgs& args) {
  apply_logging(global);
  auto app = load_application_or_report(global);
  if (!app) return kExitFailure;
  const auto& config = app->config();

  std::vector<std::string> names = args.receivers;
  if (args.all) {
    names.clear();
    for (const auto& t : config.transports) {
      if (std::find(args.exclude.begin(), args.exclude.end(), t.name) == args.exclude.end()) names.push_back(t.name);
    }
  } else if (!args.exclude.empty()) {
    std::cerr << "messengerd consume: --exclude-receivers only works with --all\n";
    return kExitUsage;
  }
  std::string known;
  for (const auto& t : config.transports) known += (known.empty() ? "" : ", ") + t.name;
  if (names.empty()) {
    std::cerr << "messengerd consume: name the receivers to consume (or --all). Transports: "
              << (known.empty() ? "(none configured)" : known) << "\n";
    return kExitUsage;
  }

  worker::WorkerOptions options;
  if (args.limit > 0) options.limit = static_cast<std::uint64_t>(args.limit);
  if (args.failure_limit > 0) options.failure_limit = static_cast<std::uint64_t>(args.failure_limit);
  if (!args.memory_limit.empty()) {
    auto bytes = util::parse_size(args.memory_limit);
    if (!bytes) {
      std::cerr << "messengerd consume: --memory-limit \"" << args.memory_limit << "\" is not a size (e.g. 128M, 1G)\n";
      return kExitUsage;
    }
    options.memory_limit = *bytes;
  }
  if (args.time_limit > 0) options.time_limit = seconds_to_ms(args.time_limit);
  options.sleep = seconds_to_ms(args.sleep);
  options.bus = args.bus;
  options.queues = args.queues;
  options.reset = !args.no_reset;
  if (args.keepalive > 0) options.keepalive = seconds_to_ms(args.keepalive);
  if (!args.bus.empty() && app->bus(args.bus) == nullptr) {
    std::cerr << "messengerd consume: no bus named \"" << args.bus << "\"\n";
    return kExitUsage;
  }

  std::vector<worker::ReceiverBinding> receivers;
  for (const auto& name : names) {
    if (config.transport(name) == nullptr) {
      std::cerr << "messengerd consume: no transport named \"" << name << "\". Transports: " << known << "\n";
      return kExitUsage;
    }
    auto transport = app->transport(name);
    if (!transport) {
      std::cerr << "messengerd consume: transport \"" << name << "\": " << transport.error().message << "\n";
      return kExitFailure;
    }
    receivers.push_back({name, *transport});
  }
  worker::Worker worker(std::move(receivers), options, *app, app->flags());
  if (auto problems = worker.validate(); !problems.empty()) {
    for (const auto& p : problems) std::cerr << "messengerd consume: " << p << "\n";
    return kExitUsage;
  }
  auto services = app::WorkerServices::create(*app, {names, options.sleep, args.metrics_listen});
  if (!services) {
    for (const auto& p : services.error()) std::cerr << "messengerd consume: " << p << "\n";
    return kExitFailure;
  }
  (*services)->attach(worker);
  return worker.run();
}

}  // namespace

void add_consume_command(CLI::App& app, GlobalOptions& global, int& exit_code) {
  auto args = std::make_shared<ConsumeArgs>();
  auto* cmd = app.add_subcommand("consume", "Consume messages from transports, in the order given");
  cmd->add_option("receivers", args->receivers, "Transports to consume; the first is always drained before the next");
  cmd->add_flag("--all", args->all, "Consume every transport");
  cmd->add_option("--exclude-receivers", args->exclude, "With --all: leave this transport out (repeatable)");
  cmd->add_option("-l,--limit", args->limit, "Stop after this many messages")->check(CLI::PositiveNumber);
  cmd->add_option("-f,--failure-limit", args->failure_limit, "Stop after this many failed messages")->check(CLI::PositiveNumber);
  cmd->add_option("-m,--memory-limit", args->memory_limit, "Stop when the resident set exceeds this (128M, 1G)");
  cmd->add_option("-t,--time-limit", args->time_limit, "Stop after this many seconds")->check(CLI::PositiveNumber);
  cmd->add_option("--sleep", args->sleep, "Longest idle wait in seconds, fractions allowed (default 1)")
      ->check(CLI::PositiveNumber);
  cmd->add_option("-b,--bus", args->bus, "Handle every message on this bus");
  cmd->add_option("--queues", args->queues, "Only these queues (repeatable; transports with queues only)");
  cmd->add_flag("--no-reset", args->no_reset, "Do not call the plugins' reset between messages");
  cmd->add_option("--keepalive", args->keepalive, "Tell the transport every N seconds that a long message is still in progress")
      ->check(CLI::PositiveNumber);
  cmd->add_option("--metrics-listen", args->metrics_listen,
                  "Serve Prometheus /metrics and /healthz on HOST:PORT (e.g. 127.0.0.1:9464)");
  cmd->footer(
      "Examples:\n"
      "  messengerd consume async\n"
      "  messengerd consume async --metrics-listen 127.0.0.1:9464\n"
      "  messengerd consume async_priority_high async_priority_low --limit 1000 --memory-limit 128M\n"
      "  messengerd consume --all --exclude-receivers failed --time-limit 3600 -vv\n"
      "Signals: SIGTERM, SIGINT and SIGQUIT finish the current message, then exit 0.\n");
  cmd->callback([&global, &exit_code, args] { exit_code = consume(global, *args); });
}

}  // namespace messengerd::cli
