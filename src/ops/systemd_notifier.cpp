#include "ops/systemd_notifier.hpp"

#include <cstdlib>

#include <spdlog/spdlog.h>
#include <systemd/sd-daemon.h>

namespace messengerd::ops {

using Clock = std::chrono::steady_clock;

SystemdNotifier::SystemdNotifier(std::optional<std::chrono::milliseconds> handler_timeout)
    : handler_timeout_(handler_timeout) {
  const char* socket = std::getenv("NOTIFY_SOCKET");
  active_ = socket != nullptr && *socket != '\0';
  std::uint64_t usec = 0;
  // unset_environment = 0: plugins and child processes may look at it too.
  if (active_ && sd_watchdog_enabled(0, &usec) > 0 && usec > 0) watchdog_ = std::chrono::microseconds(usec);
}

void SystemdNotifier::notify(const std::string& state) const {
  if (active_) sd_notify(0, state.c_str());
}

void SystemdNotifier::on_event(const core::WorkerEvent& event) {
  switch (event.kind) {
    case core::WorkerEventKind::started:
      notify("READY=1\nSTATUS=consuming");
      next_status_ = Clock::now() + std::chrono::seconds(5);  // READY carried the first status
      if (watchdog_) {
        notify("WATCHDOG=1");
        next_ping_ = Clock::now() + *watchdog_ / 2;
      }
      break;
    case core::WorkerEventKind::message_handled: ++handled_; break;
    case core::WorkerEventKind::message_failed: ++failed_; break;
    case core::WorkerEventKind::stopped:
      if (!stopping_sent_) notify("STOPPING=1");
      stopping_sent_ = true;
      break;
    default: break;
  }
}

std::optional<Clock::time_point> SystemdNotifier::next_tick() const {
  if (!active_) return std::nullopt;
  auto due = next_status_;
  if (watchdog_) due = std::min(due, next_ping_);
  return due;
}

bool SystemdNotifier::handler_looks_hung(const worker::LoopState& state) {
  const auto now = Clock::now();
  if (!state.handling) {
    heartbeats_seen_ = -1;
    hung_reported_ = false;
    return false;
  }
  if (heartbeats_seen_ < 0) {
    heartbeats_seen_ = state.heartbeats;  // a new handler: measure from its start
    last_sign_of_life_ = now - state.handling_for;
  } else if (state.heartbeats != heartbeats_seen_) {
    heartbeats_seen_ = state.heartbeats;  // it called heartbeat(): alive
    last_sign_of_life_ = now;
  }
  if (!handler_timeout_ || now - last_sign_of_life_ < *handler_timeout_) return false;
  if (!hung_reported_) {
    spdlog::error("a handler has not called heartbeat() for {} s: no longer feeding the systemd watchdog",
                  std::chrono::duration_cast<std::chrono::seconds>(now - last_sign_of_life_).count());
    hung_reported_ = true;
  }
  return true;
}

void SystemdNotifier::tick(const worker::LoopState& state) {
  const auto now = Clock::now();
  if (state.stopping && !stopping_sent_) {
    notify("STOPPING=1\nSTATUS=finishing the current message, then stopping");
    stopping_sent_ = true;
  }
  if (watchdog_ && now >= next_ping_) {
    if (!handler_looks_hung(state)) notify("WATCHDOG=1");
    next_ping_ = now + *watchdog_ / 2;
  }
  if (now >= next_status_) {
    if (!state.stopping) {
      notify("STATUS=" + std::string(state.handling ? "handling a message" : "waiting for messages") + "; " +
             std::to_string(handled_) + " handled, " + std::to_string(failed_) + " failed");
    }
    next_status_ = now + std::chrono::seconds(5);
  }
}

}  // namespace messengerd::ops
