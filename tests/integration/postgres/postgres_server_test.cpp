// The test cluster itself: it starts, answers SQL, survives stop()/start() on the same port.
#include <gtest/gtest.h>

#include <iostream>

#include "postgres_server.hpp"

namespace messengerd::testing {
namespace {

TEST(PostgresServer, StartsOnceAnswersSqlAndRestarts) {
  auto& server = PostgresServer::shared();
  std::cout << "cluster startup: " << server.startup_time().count() << " ms\n";
  EXPECT_EQ(server.scalar("SELECT 40 + 2"), "42");
  EXPECT_EQ(&server, &PostgresServer::shared());
  server.exec("CREATE TABLE server_test_survives (x int); INSERT INTO server_test_survives VALUES (7)");
  server.stop();
  EXPECT_THROW(server.exec("SELECT 1"), pqxx::broken_connection);
  server.start();
  EXPECT_EQ(server.scalar("SELECT x FROM server_test_survives"), "7");
}

}  // namespace
}  // namespace messengerd::testing
