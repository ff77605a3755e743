#include "ops/systemd_notifier.hpp"

#include <gtest/gtest.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstdlib>

#include "temp_dir.hpp"

namespace messengerd::ops {
namespace {

using namespace std::chrono_literals;

// A fake systemd: the datagram socket NOTIFY_SOCKET points to.
struct FakeSystemd : ::testing::Test {
  testing::TempDir dir;
  int fd = -1;

  void SetUp() override {
    fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    auto path = (dir / "notify").string();
    std::snprintf(address.sun_path, sizeof(address.sun_path), "%s", path.c_str());
    ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)), 0);
    ::setenv("NOTIFY_SOCKET", path.c_str(), 1);
    ::setenv("WATCHDOG_USEC", "200000", 1);
    ::setenv("WATCHDOG_PID", std::to_string(::getpid()).c_str(), 1);
  }
  void TearDown() override {
    ::unsetenv("NOTIFY_SOCKET");
    ::unsetenv("WATCHDOG_USEC");
    ::unsetenv("WATCHDOG_PID");
    ::close(fd);
  }
  // Every datagram received within `wait`, concatenated.
  std::string received(std::chrono::milliseconds wait = 200ms) {
    std::string all;
    pollfd p{fd, POLLIN, 0};
    while (::poll(&p, 1, static_cast<int>(wait.count())) > 0) {
      char buffer[512];
      auto n = ::recv(fd, buffer, sizeof(buffer), 0);
      if (n <= 0) break;
      all.append(buffer, static_cast<std::size_t>(n)).append("|");
      wait = 0ms;
    }
    return all;
  }
};

core::WorkerEvent event_of(core::WorkerEventKind kind) {
  core::WorkerEvent e;
  e.kind = kind;
  return e;
}

TEST_F(FakeSystemd, SendsReadyWatchdogAndStopping) {
  SystemdNotifier notifier;
  ASSERT_TRUE(notifier.active());
  ASSERT_TRUE(notifier.watchdog_interval());
  EXPECT_EQ(*notifier.watchdog_interval(), 200000us);
  notifier.on_event(event_of(core::WorkerEventKind::started));
  auto ready = received();
  EXPECT_NE(ready.find("READY=1"), std::string::npos) << ready;
  EXPECT_NE(ready.find("WATCHDOG=1"), std::string::npos) << ready;

  // The next ping is due half a watchdog interval later.
  auto due = notifier.next_tick();
  ASSERT_TRUE(due);
  while (std::chrono::steady_clock::now() < *due) {
    pollfd none{-1, 0, 0};
    ::poll(&none, 0, 10);
  }
  notifier.tick(worker::LoopState{});
  EXPECT_NE(received().find("WATCHDOG=1"), std::string::npos);

  worker::LoopState stopping;
  stopping.stopping = true;
  notifier.tick(stopping);
  EXPECT_NE(received().find("STOPPING=1"), std::string::npos);
}

TEST_F(FakeSystemd, AHungHandlerStopsTheWatchdogPings) {
  SystemdNotifier notifier(50ms);
  notifier.on_event(event_of(core::WorkerEventKind::started));
  received();
  worker::LoopState handling;
  handling.handling = true;
  handling.handling_for = 1s;  // started long ago, no heartbeat since
  handling.heartbeats = 5;
  auto due = *notifier.next_tick();
  while (std::chrono::steady_clock::now() < due) {
    pollfd none{-1, 0, 0};
    ::poll(&none, 0, 10);
  }
  notifier.tick(handling);
  EXPECT_EQ(received(50ms).find("WATCHDOG=1"), std::string::npos);
}

TEST(SystemdNotifierOutsideSystemd, IsInactive) {
  ::unsetenv("NOTIFY_SOCKET");
  SystemdNotifier notifier;
  EXPECT_FALSE(notifier.active());
  EXPECT_FALSE(notifier.next_tick());
}

}  // namespace
}  // namespace messengerd::ops
