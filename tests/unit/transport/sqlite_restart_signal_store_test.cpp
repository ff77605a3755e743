#include "transport/sqlite/restart_signal_store.hpp"

#include <gtest/gtest.h>

#include "temp_dir.hpp"

namespace messengerd::transport::sqlite {
namespace {

struct SqliteRestartSignal : ::testing::Test {
  testing::TempDir dir;
  std::unique_ptr<core::RestartSignalStore> open() {
    auto dsn = config::parse_dsn("sqlite:///var/messages.db");
    EXPECT_TRUE(dsn);
    auto store = open_restart_signal_store(*dsn, dir.path());
    EXPECT_TRUE(store) << (store ? "" : store.error().message);
    return store ? std::move(*store) : nullptr;
  }
};

TEST_F(SqliteRestartSignal, SignalsAreSharedBetweenConnections) {
  auto writer = open();
  auto reader = open();
  ASSERT_TRUE(writer && reader);
  EXPECT_EQ(reader->read_signal()->applying_to({"async"}), 0);
  ASSERT_TRUE(writer->signal_restart(1700000000.125, {}));
  ASSERT_TRUE(writer->signal_restart(1700000001.5, {"high"}));
  auto signal = reader->read_signal();
  ASSERT_TRUE(signal);
  EXPECT_DOUBLE_EQ(signal->applying_to({"async"}), 1700000000.125);
  EXPECT_DOUBLE_EQ(signal->applying_to({"high"}), 1700000001.5);
  EXPECT_NE(writer->describe().find("messages.db"), std::string::npos);
}

TEST_F(SqliteRestartSignal, RegistryKeepsWorkersUntilTheyLeave) {
  auto store = open();
  ASSERT_TRUE(store);
  ASSERT_TRUE(store->register_worker({"w-1", "host", 1, {"async", "failed"}, 10.5, 11}));
  ASSERT_TRUE(store->register_worker({"w-1", "host", 1, {"async", "failed"}, 10.5, 12}));
  ASSERT_TRUE(store->register_worker({"w-2", "host", 2, {"async"}, 20, 20}));
  auto workers = store->workers();
  ASSERT_TRUE(workers);
  ASSERT_EQ(workers->size(), 2u);
  for (const auto& w : *workers) {
    if (w.id == "w-1") {
      EXPECT_DOUBLE_EQ(w.seen_at, 12);
      EXPECT_EQ(w.receivers, (std::vector<std::string>{"async", "failed"}));
    }
  }
  ASSERT_TRUE(store->unregister_worker("w-1"));
  EXPECT_EQ(store->workers()->size(), 1u);
}

}  // namespace
}  // namespace messengerd::transport::sqlite
