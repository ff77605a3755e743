// Connection loss: the backend is terminated (pg_terminate_backend) or the server restarts; the
// transport reconnects with backoff, deletes the acks it owed and gives back what it had claimed:
// nothing is lost and the consumer keeps going.
#include <gtest/gtest.h>
#include <poll.h>

#include <set>

#include "postgres_fixture.hpp"

namespace messengerd::transport::postgres {
namespace {

using namespace std::chrono_literals;
using messengerd::testing::await;

struct PostgresOutageTest : PostgresTest {
  void terminate_backends() {
    server.exec("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = '" + table + "'");
  }
};

TEST_F(PostgresOutageTest, ATerminatedBackendIsReconnectedAndNothingIsLost) {
  auto t = open("&prefetch=5&application_name=" + table);
  std::set<std::string> sent;
  for (int i = 0; i < 3; ++i) sent.insert(*t->send(sms(std::to_string(i))));
  auto first = t->get(1);
  ASSERT_TRUE(first && first->size() == 1);  // two more claimed and buffered
  terminate_backends();
  ASSERT_TRUE(t->ack(first->front())) << "deferred: deleted after the reconnect";
  std::set<std::string> received{first->front().id};
  ASSERT_TRUE(await([&] {
    auto got = t->get(1);
    for (const auto& m : got.value_or(std::vector<ReceivedMessage>{})) {
      received.insert(m.id);
      EXPECT_TRUE(t->ack(m));
    }
    return received.size() == 3;
  }, 20s)) << "the claimed rows came back after the reconnect";
  EXPECT_EQ(received, sent);
  // Counting flushes the deferred acks, once reconnected.
  EXPECT_TRUE(await([&] { return t->message_count().value_or(-1) == 0 && count_rows() == "0"; }, 20s));
}

TEST_F(PostgresOutageTest, AnAckThatFailsOnALostConnectionIsRetriedAfterTheReconnect) {
  auto t = open("&prefetch=1&application_name=" + table);
  ASSERT_TRUE(t->send(sms("x")));
  auto got = t->get(1);
  ASSERT_TRUE(got && got->size() == 1);
  terminate_backends();
  auto acked = t->ack(got->front());
  ASSERT_FALSE(acked) << "the DELETE did not happen (yet)";
  EXPECT_EQ(acked.error().kind, core::ErrorKind::connection);
  EXPECT_EQ(acked.error().message.find("password"), std::string::npos);
  ASSERT_TRUE(await([&] {
    auto none = t->get(1);
    EXPECT_TRUE(!none || none->empty()) << "the acked message must not come again";
    return count_rows() == "0";
  }, 20s));
}

TEST_F(PostgresOutageTest, AnIdleReceiverSurvivesAServerRestart) {
  auto receiver = open();
  auto empty = receiver->get(1);
  ASSERT_TRUE(empty && empty->empty());
  auto ready = receiver->readiness();
  ASSERT_GE(ready.fd, 0);
  server.stop();
  pollfd fd{ready.fd, POLLIN, 0};
  ASSERT_EQ(::poll(&fd, 1, 10000), 1) << "the closed connection wakes the idle receiver";
  receiver->on_readable();
  auto during = receiver->readiness();
  EXPECT_EQ(during.fd, -1) << "no socket while disconnected";
  EXPECT_LE(during.max_wait, 10000ms) << "the wait is the reconnect backoff";
  auto nothing = receiver->get(1);
  ASSERT_TRUE(nothing) << "an outage is not an error for every poll";
  server.start();
  auto sender = open();
  ASSERT_TRUE(sender->send(sms("after restart")));
  auto got = get_within(*receiver, 20s);
  ASSERT_EQ(got.size(), 1u);
}

}  // namespace
}  // namespace messengerd::transport::postgres
