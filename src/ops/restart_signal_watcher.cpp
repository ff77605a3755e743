#include "ops/restart_signal_watcher.hpp"

#include <unistd.h>

#include <spdlog/spdlog.h>

#include "ops/worker_identity.hpp"

namespace messengerd::ops {

using Clock = std::chrono::steady_clock;

RestartSignalWatcher::RestartSignalWatcher(core::RestartSignalStore& store, std::vector<std::string> receivers,
                                           std::chrono::milliseconds check_interval)
    : store_(store), check_interval_(check_interval) {
  self_.id = worker_id();
  self_.host = host_name();
  self_.pid = ::getpid();
  self_.receivers = std::move(receivers);
}

void RestartSignalWatcher::report(const core::Status& status, const char* what) {
  if (!status) {
    if (!failing_) spdlog::warn("restart signal store ({}): {} failed: {}", store_.describe(), what, status.error().message);
    failing_ = true;
  } else if (failing_) {
    spdlog::info("restart signal store ({}) works again", store_.describe());
    failing_ = false;
  }
}

void RestartSignalWatcher::on_event(const core::WorkerEvent& event) {
  if (event.kind == core::WorkerEventKind::started) {
    self_.started_at = unix_now();
    running_ = true;
    refresh_registration();
    next_check_ = Clock::now() + check_interval_;
  } else if (event.kind == core::WorkerEventKind::stopped) {
    running_ = false;
    report(store_.unregister_worker(self_.id), "unregistering this worker");
  }
}

std::optional<Clock::time_point> RestartSignalWatcher::next_tick() const {
  if (!running_) return std::nullopt;
  return std::min(next_check_, next_refresh_);
}

void RestartSignalWatcher::tick(const worker::LoopState&) {
  const auto now = Clock::now();
  if (now >= next_check_) {
    check_signal();
    next_check_ = now + check_interval_;
  }
  if (now >= next_refresh_) refresh_registration();
}

void RestartSignalWatcher::check_signal() {
  auto signal = store_.read_signal();
  if (!signal) {
    report(std::unexpected(signal.error()), "reading the restart signal");
    return;
  }
  report({}, "reading the restart signal");
  const double at = signal->applying_to(self_.receivers);
  if (at > self_.started_at && !stop_reason_) stop_reason_ = "restart signal (stop-workers)";
}

void RestartSignalWatcher::refresh_registration() {
  self_.seen_at = unix_now();
  report(store_.register_worker(self_), "registering this worker");
  next_refresh_ = Clock::now() + std::chrono::milliseconds(static_cast<int>(kRegistrationRefreshSeconds * 1000));
}

std::optional<std::string> RestartSignalWatcher::stop_reason() { return std::exchange(stop_reason_, std::nullopt); }

}  // namespace messengerd::ops
