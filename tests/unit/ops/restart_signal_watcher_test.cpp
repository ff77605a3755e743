#include "ops/restart_signal_watcher.hpp"

#include <gtest/gtest.h>

#include "ops/file_restart_signal_store.hpp"
#include "ops/worker_identity.hpp"
#include "temp_dir.hpp"

namespace messengerd::ops {
namespace {

using namespace std::chrono_literals;

core::WorkerEvent event_of(core::WorkerEventKind kind) {
  core::WorkerEvent e;
  e.kind = kind;
  return e;
}

struct Watcher : ::testing::Test {
  testing::TempDir dir;
  FileRestartSignalStore store{dir / "state"};
  RestartSignalWatcher watcher{store, {"async"}, 0ms};

  void tick() { watcher.tick(worker::LoopState{}); }
};

TEST_F(Watcher, RegistersOnStartAndUnregistersOnStop) {
  watcher.on_event(event_of(core::WorkerEventKind::started));
  auto listed = store.workers();
  ASSERT_TRUE(listed);
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ(listed->front().receivers, std::vector<std::string>{"async"});
  watcher.on_event(event_of(core::WorkerEventKind::stopped));
  EXPECT_TRUE(store.workers()->empty());
}

TEST_F(Watcher, ASignalOlderThanTheWorkerDoesNotStopIt) {
  ASSERT_TRUE(store.signal_restart(unix_now() - 10, {}));
  watcher.on_event(event_of(core::WorkerEventKind::started));
  tick();
  EXPECT_FALSE(watcher.stop_reason());
}

TEST_F(Watcher, ASignalAfterTheStartStopsIt) {
  watcher.on_event(event_of(core::WorkerEventKind::started));
  tick();
  EXPECT_FALSE(watcher.stop_reason());
  ASSERT_TRUE(store.signal_restart(unix_now() + 1, {}));
  tick();
  auto reason = watcher.stop_reason();
  ASSERT_TRUE(reason);
  EXPECT_NE(reason->find("restart signal"), std::string::npos);
}

TEST_F(Watcher, ASignalForOtherReceiversDoesNotStopIt) {
  watcher.on_event(event_of(core::WorkerEventKind::started));
  ASSERT_TRUE(store.signal_restart(unix_now() + 1, {"other"}));
  tick();
  EXPECT_FALSE(watcher.stop_reason());
  ASSERT_TRUE(store.signal_restart(unix_now() + 1, {"async"}));
  tick();
  EXPECT_TRUE(watcher.stop_reason());
}

}  // namespace
}  // namespace messengerd::ops
