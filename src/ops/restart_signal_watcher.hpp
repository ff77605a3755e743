#pragma once
// Stops the worker when `stop-workers` signals a restart after it started (as Symfony's
// StopWorkerOnRestartSignalListener compares the cached timestamp with the worker's start),
// and keeps the worker registered in the same store so `stop-workers --wait` knows whom to
// wait for. Checked once per --sleep interval, idle or busy; a failing store is logged once
// per outage and never stops the worker.
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "core/restart_signal_store.hpp"
#include "worker/loop_service.hpp"

namespace messengerd::ops {

class RestartSignalWatcher final : public worker::LoopService {
 public:
  RestartSignalWatcher(core::RestartSignalStore& store, std::vector<std::string> receivers,
                       std::chrono::milliseconds check_interval);

  void on_event(const core::WorkerEvent& event) override;
  std::optional<std::chrono::steady_clock::time_point> next_tick() const override;
  void tick(const worker::LoopState& state) override;
  std::optional<std::string> stop_reason() override;

 private:
  void check_signal();
  void refresh_registration();
  void report(const core::Status& status, const char* what);

  core::RestartSignalStore& store_;
  core::WorkerRecord self_;
  std::chrono::milliseconds check_interval_;
  std::chrono::steady_clock::time_point next_check_{};
  std::chrono::steady_clock::time_point next_refresh_{};
  bool running_ = false;
  bool failing_ = false;
  std::optional<std::string> stop_reason_;
};

}  // namespace messengerd::ops
