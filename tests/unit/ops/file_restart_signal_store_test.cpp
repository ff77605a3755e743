#include "ops/file_restart_signal_store.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include "ops/worker_identity.hpp"
#include "temp_dir.hpp"

namespace messengerd::ops {
namespace {

using testing::TempDir;

TEST(FileRestartSignalStore, NoFileMeansNoSignal) {
  TempDir dir;
  FileRestartSignalStore store(dir / "state");
  auto signal = store.read_signal();
  ASSERT_TRUE(signal);
  EXPECT_EQ(signal->applying_to({"async"}), 0);
}

TEST(FileRestartSignalStore, SignalForAllAppliesToEveryWorker) {
  TempDir dir;
  FileRestartSignalStore store(dir / "state");
  ASSERT_TRUE(store.signal_restart(1000.5, {}));
  auto signal = store.read_signal();
  ASSERT_TRUE(signal);
  EXPECT_DOUBLE_EQ(signal->applying_to({"async"}), 1000.5);
  EXPECT_DOUBLE_EQ(signal->applying_to({}), 1000.5);
}

TEST(FileRestartSignalStore, ReceiverSignalsOnlyApplyToThoseReceiversAndAreMerged) {
  TempDir dir;
  FileRestartSignalStore store(dir / "state");
  ASSERT_TRUE(store.signal_restart(10, {"high"}));
  ASSERT_TRUE(store.signal_restart(20, {"low"}));
  ASSERT_TRUE(store.signal_restart(30, {"high"}));
  auto signal = store.read_signal();
  ASSERT_TRUE(signal);
  EXPECT_EQ(signal->applying_to({"other"}), 0);
  EXPECT_EQ(signal->applying_to({"low"}), 20);
  EXPECT_EQ(signal->applying_to({"high", "low"}), 30);
}

TEST(FileRestartSignalStore, RegistersListsAndUnregistersWorkers) {
  TempDir dir;
  FileRestartSignalStore store(dir / "state");
  core::WorkerRecord w{"host-a-42", "host-a", 42, {"async", "failed"}, 100.25, 101.5};
  ASSERT_TRUE(store.register_worker(w));
  w.seen_at = 102;
  ASSERT_TRUE(store.register_worker(w));  // refresh replaces
  auto listed = store.workers();
  ASSERT_TRUE(listed);
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ(listed->front().id, "host-a-42");
  EXPECT_EQ(listed->front().pid, 42);
  EXPECT_EQ(listed->front().receivers, (std::vector<std::string>{"async", "failed"}));
  EXPECT_DOUBLE_EQ(listed->front().started_at, 100.25);
  EXPECT_DOUBLE_EQ(listed->front().seen_at, 102);
  ASSERT_TRUE(store.unregister_worker("host-a-42"));
  EXPECT_TRUE(store.workers()->empty());
}

TEST(WorkerIdentity, ThisProcessIsAliveAndADeadPidIsNot) {
  core::WorkerRecord self{"me", host_name(), ::getpid(), {}, 0, 0};
  EXPECT_TRUE(is_alive(self));
  core::WorkerRecord gone{"gone", host_name(), 0x3ffffff0, {}, 0, unix_now()};
  EXPECT_FALSE(is_alive(gone));
  core::WorkerRecord remote_fresh{"r", "some-other-host", 1, {}, 0, unix_now()};
  EXPECT_TRUE(is_alive(remote_fresh));
  core::WorkerRecord remote_stale{"r", "some-other-host", 1, {}, 0, unix_now() - 3600};
  EXPECT_FALSE(is_alive(remote_stale));
}

}  // namespace
}  // namespace messengerd::ops
