// Workers started together on a new SQLite queue: every one of them opens it (the switch to
// WAL of a new database can report BUSY without waiting, and must be tried again).
#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "temp_dir.hpp"
#include "transport/sqlite/database.hpp"

namespace messengerd::transport::sqlite {
namespace {

TEST(SqliteDatabaseOpen, WorkersOpeningANewDatabaseTogetherAllGetWal) {
  messengerd::testing::TempDir dir;
  constexpr int kRounds = 20;
  constexpr int kWorkers = 6;
  std::atomic<int> failures{0};
  std::string first_error;
  for (int round = 0; round < kRounds; ++round) {
    const std::string path = (dir.path() / ("queue" + std::to_string(round) + ".db")).string();
    std::atomic<bool> go{false};
    std::vector<std::thread> workers;
    for (int w = 0; w < kWorkers; ++w) {
      workers.emplace_back([&] {
        while (!go.load()) std::this_thread::yield();
        auto db = Database::open(path, 5000, "NORMAL");
        if (!db || (*db)->journal_mode() != "wal") {
          if (failures.fetch_add(1) == 0) first_error = db ? (*db)->journal_mode() : db.error().message;
        }
      });
    }
    go = true;
    for (auto& t : workers) t.join();
  }
  EXPECT_EQ(failures.load(), 0) << first_error;
}

}  // namespace
}  // namespace messengerd::transport::sqlite
