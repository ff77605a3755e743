#pragma once
// The built-in loop-thread services of a `consume` worker, wired from the config and the
// command's options: the restart signal (stop-workers), systemd notify/watchdog, and, when
// asked, Prometheus metrics with /healthz.
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "app/application.hpp"
#include "core/restart_signal_store.hpp"
#include "ops/loop_health.hpp"
#include "ops/metrics_endpoint.hpp"
#include "ops/restart_signal_watcher.hpp"
#include "ops/systemd_notifier.hpp"
#include "ops/worker_metrics.hpp"
#include "worker/worker.hpp"

namespace messengerd::app {

struct ServiceOptions {
  std::vector<std::string> receivers;
  std::chrono::milliseconds sleep{1000};
  std::string metrics_listen;  // --metrics-listen, else messengerd.metrics.listen; empty = off
};

class WorkerServices {
 public:
  // Every problem at once (bad listen address, unavailable restart-signal store...).
  static std::expected<std::unique_ptr<WorkerServices>, std::vector<std::string>> create(Application& app,
                                                                                         const ServiceOptions& options);
  void attach(worker::Worker& worker);
  int metrics_port() const { return endpoint_ ? endpoint_->port() : 0; }

 private:
  std::unique_ptr<core::RestartSignalStore> store_;
  std::unique_ptr<ops::RestartSignalWatcher> restart_watcher_;
  std::unique_ptr<ops::SystemdNotifier> systemd_;
  std::unique_ptr<ops::LoopHealth> health_;
  std::unique_ptr<ops::WorkerMetrics> metrics_;
  std::unique_ptr<ops::MetricsEndpoint> endpoint_;
};

}  // namespace messengerd::app
