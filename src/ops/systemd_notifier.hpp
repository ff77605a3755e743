#pragma once
// systemd integration for `Type=notify` units (systemd/messengerd@.service): READY=1 once the
// worker consumes, STATUS= with its counters, WATCHDOG=1 from the loop thread at half the
// unit's WatchdogSec, STOPPING=1 when it begins to stop. Inactive when not started by systemd
// (no NOTIFY_SOCKET). Speaks the sd_notify datagram protocol itself (no libsystemd).
//
// The loop thread keeps pinging while a handler runs, since a long handler is normal. When
// `handler_timeout` is set, a handler that has run longer than that without calling the host
// API `heartbeat` is taken as hung: pings stop, so systemd's watchdog restarts the worker
// (its message is redelivered by the transport).
#include <sys/socket.h>
#include <sys/un.h>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "worker/loop_service.hpp"

namespace messengerd::ops {

class SystemdNotifier final : public worker::LoopService {
 public:
  explicit SystemdNotifier(std::optional<std::chrono::milliseconds> handler_timeout = std::nullopt);
  ~SystemdNotifier() override;
  SystemdNotifier(const SystemdNotifier&) = delete;
  SystemdNotifier& operator=(const SystemdNotifier&) = delete;

  bool active() const { return active_; }
  std::optional<std::chrono::microseconds> watchdog_interval() const { return watchdog_; }

  void on_event(const core::WorkerEvent& event) override;
  std::optional<std::chrono::steady_clock::time_point> next_tick() const override;
  void tick(const worker::LoopState& state) override;

 private:
  void notify(const std::string& state) const;
  bool handler_looks_hung(const worker::LoopState& state);

  bool active_ = false;
  int socket_ = -1;
  sockaddr_un address_{};
  socklen_t address_length_ = 0;
  std::optional<std::chrono::microseconds> watchdog_;
  std::optional<std::chrono::milliseconds> handler_timeout_;
  std::chrono::steady_clock::time_point next_ping_{};
  std::chrono::steady_clock::time_point next_status_{};
  std::uint64_t handled_ = 0, failed_ = 0;
  bool stopping_sent_ = false;
  bool hung_reported_ = false;
  std::int64_t heartbeats_seen_ = -1;
  std::chrono::steady_clock::time_point last_sign_of_life_{};
};

}  // namespace messengerd::ops
