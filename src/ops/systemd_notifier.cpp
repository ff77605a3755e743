#include "ops/systemd_notifier.hpp"

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <charconv>
#include <cstdlib>
#include <cstring>
#include <string_view>

#include <spdlog/spdlog.h>

namespace messengerd::ops {

using Clock = std::chrono::steady_clock;

namespace {

// The sd_notify protocol, spoken directly instead of through libsystemd: one datagram per
// message to the AF_UNIX socket named by $NOTIFY_SOCKET ('@' = abstract namespace). systemd
// documents the protocol as stable and meant to be reimplemented (sd_notify(3)); linking
// libsystemd would map it and its chain (gcrypt, zstd, lz4, lzma, cap, ...) in every worker.
std::optional<sockaddr_un> notify_address(std::string_view path, socklen_t& length) {
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  if (path.size() < 2 || path.size() >= sizeof(address.sun_path) || (path[0] != '/' && path[0] != '@')) {
    return std::nullopt;  // vsock: and other address families are not supported
  }
  std::memcpy(address.sun_path, path.data(), path.size());
  if (path[0] == '@') address.sun_path[0] = '\0';
  length = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + path.size() + (path[0] == '@' ? 0 : 1));
  return address;
}

// sd_watchdog_enabled(): WATCHDOG_USEC, when WATCHDOG_PID is unset or names this process.
std::optional<std::chrono::microseconds> watchdog_from_environment() {
  auto number = [](const char* text) -> std::optional<std::uint64_t> {
    if (text == nullptr || *text == '\0') return std::nullopt;
    std::uint64_t value = 0;
    const auto* end = text + std::strlen(text);
    auto [ptr, error] = std::from_chars(text, end, value);
    if (error != std::errc{} || ptr != end) return std::nullopt;
    return value;
  };
  const auto usec = number(std::getenv("WATCHDOG_USEC"));
  if (!usec || *usec == 0) return std::nullopt;
  if (const char* pid_text = std::getenv("WATCHDOG_PID"); pid_text != nullptr && *pid_text != '\0') {
    const auto pid = number(pid_text);
    if (!pid || *pid != static_cast<std::uint64_t>(getpid())) return std::nullopt;
  }
  return std::chrono::microseconds(*usec);
}

}  // namespace

SystemdNotifier::SystemdNotifier(std::optional<std::chrono::milliseconds> handler_timeout)
    : handler_timeout_(handler_timeout) {
  const char* socket_path = std::getenv("NOTIFY_SOCKET");
  active_ = socket_path != nullptr && *socket_path != '\0';
  if (!active_) return;
  auto address = notify_address(socket_path, address_length_);
  if (!address) {
    spdlog::warn("NOTIFY_SOCKET={} is not a unix socket path: not notifying systemd", socket_path);
    active_ = false;
    return;
  }
  address_ = *address;
  socket_ = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (socket_ < 0) {
    spdlog::warn("cannot open a socket to notify systemd: {}", std::strerror(errno));
    active_ = false;
    return;
  }
  watchdog_ = watchdog_from_environment();  // the environment is left as is: plugins may read it too
}

SystemdNotifier::~SystemdNotifier() {
  if (socket_ >= 0) ::close(socket_);
}

void SystemdNotifier::notify(const std::string& state) const {
  if (!active_) return;
  // Best effort, as sd_notify(): a full socket buffer or a gone manager must not stop the worker.
  (void)::sendto(socket_, state.data(), state.size(), MSG_NOSIGNAL | MSG_DONTWAIT,
                 reinterpret_cast<const sockaddr*>(&address_), address_length_);
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
