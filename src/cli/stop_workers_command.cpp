// messengerd stop-workers: Symfony's messenger:stop-workers, plus --wait (return only when the
// workers have exited) and --receivers (only the workers consuming those transports).
#include <algorithm>
#include <iostream>
#include <thread>

#include <CLI/CLI.hpp>

#include "app/restart_signal.hpp"
#include "cli/commands.hpp"
#include "ops/worker_identity.hpp"

namespace messengerd::cli {

namespace {

struct StopArgs {
  bool wait = false;
  double timeout = 0;
  std::vector<std::string> receivers;
};

bool concerned(const core::WorkerRecord& worker, const std::vector<std::string>& receivers) {
  if (receivers.empty()) return true;
  return std::any_of(worker.receivers.begin(), worker.receivers.end(), [&](const std::string& r) {
    return std::find(receivers.begin(), receivers.end(), r) != receivers.end();
  });
}

std::string describe(const core::WorkerRecord& w) {
  std::string receivers;
  for (const auto& r : w.receivers) receivers += (receivers.empty() ? "" : ",") + r;
  return w.id + " (pid " + std::to_string(w.pid) + " on " + w.host + ", consuming " + receivers + ")";
}

int stop_workers(const GlobalOptions& global, const StopArgs& args) {
  apply_logging(global);
  auto config = load_config_or_report(global);
  if (!config) return kExitFailure;
  for (const auto& name : args.receivers) {
    if (config->transport(name) == nullptr) {
      std::cerr << "messengerd stop-workers: no transport named \"" << name << "\"\n";
      return kExitUsage;
    }
  }
  auto store = app::make_restart_signal_store(*config);
  if (!store) {
    std::cerr << "messengerd stop-workers: " << store.error().message << "\n";
    return kExitFailure;
  }
  auto& signals = **store;

  const double now = ops::unix_now();
  std::vector<core::WorkerRecord> waiting_for;
  if (args.wait) {
    auto running = signals.workers();
    if (!running) {
      std::cerr << "messengerd stop-workers: cannot list the workers (" << signals.describe() << "): " << running.error().message << "\n";
      return kExitFailure;
    }
    for (auto& w : *running) {
      if (!ops::is_alive(w)) {
        (void)signals.unregister_worker(w.id);  // a crashed worker's leftover registration
        continue;
      }
      if (concerned(w, args.receivers) && w.started_at < now) waiting_for.push_back(std::move(w));
    }
  }

  if (auto sent = signals.signal_restart(now, args.receivers); !sent) {
    std::cerr << "messengerd stop-workers: cannot store the restart signal (" << signals.describe()
              << "): " << sent.error().message << "\n";
    return kExitFailure;
  }
  std::cout << "Signalled " << (args.receivers.empty() ? "every worker" : "the workers of the given receivers")
            << " to stop after their current message (" << signals.describe() << ").\n";
  if (!args.wait) return kExitOk;

  std::cout << "Waiting for " << waiting_for.size() << " worker(s) to exit...\n";
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(static_cast<std::int64_t>(args.timeout * 1000));
  while (!waiting_for.empty()) {
    auto current = signals.workers();
    std::vector<core::WorkerRecord> still;
    for (auto& w : waiting_for) {
      bool registered = false;
      if (current) {
        for (const auto& c : *current) registered = registered || (c.id == w.id && ops::is_alive(c));
      }
      if (registered || (!current && ops::is_alive(w))) {
        still.push_back(std::move(w));
      } else {
        std::cout << "  exited: " << describe(w) << "\n";
      }
    }
    waiting_for = std::move(still);
    if (waiting_for.empty()) break;
    if (args.timeout > 0 && std::chrono::steady_clock::now() >= deadline) {
      std::cerr << "messengerd stop-workers: timed out after " << args.timeout << " s; still running:\n";
      for (const auto& w : waiting_for) std::cerr << "  " << describe(w) << "\n";
      return kExitFailure;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  std::cout << "All workers have exited.\n";
  return kExitOk;
}

}  // namespace

void add_stop_workers_command(CLI::App& app, GlobalOptions& global, int& exit_code) {
  auto args = std::make_shared<StopArgs>();
  auto* cmd = app.add_subcommand("stop-workers", "Stop running workers after their current message (for deploys)");
  cmd->add_flag("--wait", args->wait, "Return only when every worker that was running has exited");
  cmd->add_option("--timeout", args->timeout, "With --wait: give up after this many seconds (exit 1)")
      ->check(CLI::PositiveNumber);
  cmd->add_option("--receivers", args->receivers, "Only stop the workers consuming one of these transports");
  cmd->footer(
      "Workers compare the signal with their start time, as Symfony's do: a worker started after\n"
      "the signal keeps running. The signal store is messengerd.restart_signal in the config\n"
      "(default: files in the state directory).\n"
      "Examples:\n"
      "  messengerd stop-workers\n"
      "  messengerd stop-workers --wait --timeout 120\n"
      "  messengerd stop-workers --receivers async_priority_high\n");
  cmd->callback([&global, &exit_code, args] { exit_code = stop_workers(global, *args); });
}

}  // namespace messengerd::cli
