// The connection wrapper against the test cluster: a real deadlock between two transactions is
// retried transparently, errors carry SQLSTATE, a dead server is ErrorKind::connection.
#include "transport/postgres/connection.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <latch>
#include <thread>

#include "postgres_fixture.hpp"

namespace messengerd::transport::postgres {
namespace {

TEST_F(PostgresTest, ADeadlockIsRetriedTransparently) {
  server.exec("CREATE TABLE " + table + " (id int PRIMARY KEY, n int); INSERT INTO " + table + " VALUES (1, 0), (2, 0)");
  std::latch both_locked_first_row(2);
  std::atomic<int> runs{0};
  auto worker = [&](int first, int second) {
    auto connection = Connection::open(server.conninfo(), "test");
    ASSERT_TRUE(connection);
    bool first_run = true;
    auto done = (*connection)->transaction([&](Session& session) -> core::Status {
      ++runs;
      auto update = [&](int id) { return session.exec("UPDATE " + table + " SET n = n + 1 WHERE id = $1", {std::to_string(id)}); };
      if (auto r = update(first); !r) return std::unexpected(r.error());
      if (first_run) {
        first_run = false;
        both_locked_first_row.arrive_and_wait();  // each holds one row: opposite orders deadlock
      }
      if (auto r = update(second); !r) return std::unexpected(r.error());
      return {};
    });
    EXPECT_TRUE(done) << done.error().message;
  };
  std::thread a(worker, 1, 2);
  std::thread b(worker, 2, 1);
  a.join();
  b.join();
  EXPECT_EQ(runs.load(), 3) << "the deadlock victim ran once more";
  EXPECT_EQ(server.exec("SELECT n FROM " + table + " ORDER BY id"), (std::vector<std::vector<std::string>>{{"2"}, {"2"}}));
}

// The claim runs as one prepared statement: 40001 and 40P01 run it again, and its rows reach the
// caller once, from the run that succeeded.
TEST_F(PostgresTest, APreparedStatementIsRetriedOnSerializationFailureAndDeadlock) {
  for (const std::string code : {"serialization_failure", "deadlock_detected"}) {
    const std::string fn = table + "_" + code;
    // A sequence is not rolled back with the failed statement: it counts the runs.
    server.exec("CREATE SEQUENCE " + fn + "_runs; CREATE FUNCTION " + fn + "() RETURNS SETOF int AS $$ BEGIN "
                "IF nextval('" + fn + "_runs') = 1 THEN RAISE EXCEPTION 'try again' USING ERRCODE = '" + code +
                "'; END IF; RETURN QUERY SELECT generate_series(1, 3); END $$ LANGUAGE plpgsql");
    auto connection = Connection::open(server.conninfo(), "test");
    ASSERT_TRUE(connection);
    std::vector<std::string> seen;
    auto rows = (*connection)->exec_prepared("p_" + code, "SELECT * FROM " + fn + "()", {}, [&](RowView row) {
      seen.emplace_back(row[0].value_or("NULL"));
    });
    ASSERT_TRUE(rows) << code << ": " << rows.error().message;
    EXPECT_EQ(*rows, 3u) << code;
    EXPECT_EQ(seen, (std::vector<std::string>{"1", "2", "3"})) << code;
    EXPECT_EQ(server.scalar("SELECT last_value FROM " + fn + "_runs"), "2") << code << ": one retry";
  }
}

TEST_F(PostgresTest, SqlErrorsCarrySqlstateAndKeepTheConnection) {
  auto connection = Connection::open(server.conninfo(), "test");
  ASSERT_TRUE(connection);
  auto bad = (*connection)->exec("SELECT * FROM no_such_table_here");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().kind, core::ErrorKind::internal);
  EXPECT_NE(bad.error().message.find("42P01"), std::string::npos) << bad.error().message;
  EXPECT_FALSE((*connection)->broken());
  auto good = (*connection)->exec("SELECT $1::int + 1", {"41"});
  ASSERT_TRUE(good);
  EXPECT_EQ(good->rows.front().front(), "42");
}

TEST_F(PostgresTest, NoServerIsAConnectionError) {
  auto connection = Connection::open("host=127.0.0.1 port=1 user=x password=hunter2 connect_timeout=2", "postgresql://x:****@127.0.0.1:1");
  ASSERT_FALSE(connection);
  EXPECT_EQ(connection.error().kind, core::ErrorKind::connection);
  EXPECT_EQ(connection.error().message.find("hunter2"), std::string::npos) << connection.error().message;
}

}  // namespace
}  // namespace messengerd::transport::postgres
