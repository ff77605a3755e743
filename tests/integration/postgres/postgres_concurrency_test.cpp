// Several consumers on one table: eight transports (each its own connection, each on its own
// thread) drain 2,000 messages; every message is handled exactly once.
#include <gtest/gtest.h>

#include <map>
#include <mutex>
#include <thread>

#include "postgres_fixture.hpp"

namespace messengerd::transport::postgres {
namespace {

using namespace std::chrono_literals;

TEST_F(PostgresTest, EightWorkersHandleEveryMessageExactlyOnce) {
  constexpr int kMessages = 2000;
  constexpr int kWorkers = 8;
  {
    auto producer = open();
    ASSERT_TRUE(producer->setup());
  }
  // As PHP would have written them, in one statement (the producer is not under test here).
  server.exec("INSERT INTO " + table + " (body, headers, queue_name, created_at, available_at) SELECT "
              "'{\"n\":' || n || '}', '{\"type\":\"App\\\\Message\\\\N\",\"Content-Type\":\"application\\/json\"}', "
              "'default', date_trunc('second', now() AT TIME ZONE 'UTC'), date_trunc('second', now() AT TIME ZONE 'UTC') FROM generate_series(1, " +
              std::to_string(kMessages) + ") n");

  std::mutex mutex;
  std::map<std::string, int> handled;
  std::atomic<int> total{0};
  std::atomic<int> errors{0};
  std::vector<std::thread> workers;
  for (int w = 0; w < kWorkers; ++w) {
    // Alternate prefetch 1 and 10: immediate and deferred deletes race each other.
    workers.emplace_back([&, w] {
      auto t = open(w % 2 == 0 ? "&prefetch=1" : "&prefetch=10");
      const auto deadline = std::chrono::steady_clock::now() + 60s;
      while (total.load() < kMessages && std::chrono::steady_clock::now() < deadline) {
        auto got = t->get(1);
        if (!got) {
          ++errors;
          continue;
        }
        for (const auto& m : *got) {
          {
            std::lock_guard lock(mutex);
            ++handled[m.id];
          }
          if (!t->ack(m)) ++errors;
          ++total;
        }
      }
    });
  }
  for (auto& w : workers) w.join();
  EXPECT_EQ(errors.load(), 0);
  EXPECT_EQ(total.load(), kMessages);
  EXPECT_EQ(handled.size(), static_cast<std::size_t>(kMessages));
  for (const auto& [id, times] : handled) EXPECT_EQ(times, 1) << "message " << id;
  EXPECT_EQ(count_rows(), "0") << "every ack deleted its row (deferred ones at shutdown)";
}

}  // namespace
}  // namespace messengerd::transport::postgres
