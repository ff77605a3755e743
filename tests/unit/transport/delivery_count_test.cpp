// ReceivedMessage::delivery_count as the SQLite and in-memory transports report it (Redis has
// its own integration test against a real redis-server).
#include <gtest/gtest.h>

#include "sqlite_test_support.hpp"
#include "transport/in_memory/in_memory_transport.hpp"

namespace messengerd::transport {
namespace {

using namespace std::chrono_literals;
using sqlite::testing::SqliteFixture;

TEST_F(SqliteFixture, ARowClaimedAgainAfterRedeliverTimeoutReportsARedelivery) {
  // Both query plans (chosen by how many rows other queues hold) report it.
  for (int big_other : {0, 1}) {
    SCOPED_TRACE(big_other);
    auto s = settings();
    s.table_name = big_other ? "big_other" : "big_own";
    s.redeliver_timeout_s = 60;
    auto t = open(s);
    auto o = s;
    o.queue_name = "other";
    auto other = open(o);
    ASSERT_TRUE(t && other);
    for (int i = 0; i < (big_other ? 50 : 2); ++i) ASSERT_TRUE(other->send(hello(100 + i)).has_value());
    ASSERT_TRUE(t->send(hello(1)).has_value());
    auto first = t->get(1);  // a worker takes it and dies
    ASSERT_TRUE(first.has_value());
    ASSERT_EQ(first->size(), 1U);
    EXPECT_EQ((*first)[0].delivery_count, 1U);

    clock_now += 61s;
    ASSERT_TRUE(t->send(hello(2)).has_value());
    auto again = t->get(2);
    ASSERT_TRUE(again.has_value());
    ASSERT_EQ(again->size(), 2U);
    EXPECT_EQ((*again)[0].envelope.body(), "{\"n\":1}");
    EXPECT_EQ((*again)[0].delivery_count, 2U);  // delivered before: the lower bound
    EXPECT_EQ((*again)[1].delivery_count, 1U);  // never delivered
    auto found = t->find((*again)[0].id);
    ASSERT_TRUE(found.has_value() && found->has_value());
    EXPECT_EQ((*found)->delivery_count, 0U);  // listed, not delivered
    clock_now -= 61s;
  }
}

TEST_F(SqliteFixture, RowsReleasedUnhandledAreFirstDeliveriesAgain) {
  auto s = settings();
  s.prefetch = 2;
  {
    auto t = open(s);
    ASSERT_TRUE(t);
    ASSERT_TRUE(t->send(hello(1)).has_value());
    ASSERT_TRUE(t->send(hello(2)).has_value());
    auto got = t->get(1);
    ASSERT_TRUE(got.has_value());
    ASSERT_EQ(got->size(), 1U);
    ASSERT_TRUE(t->ack((*got)[0]).has_value());
  }  // row 2 was claimed ahead, never handed out: released at shutdown
  auto t = open(s);
  auto got = t->get(1);
  ASSERT_TRUE(got.has_value());
  ASSERT_EQ(got->size(), 1U);
  EXPECT_EQ((*got)[0].envelope.body(), "{\"n\":2}");
  EXPECT_EQ((*got)[0].delivery_count, 1U);
}

TEST(InMemoryDeliveryCount, EveryDeliveryIsAFirstOne) {
  in_memory::InMemoryTransport t("mem");
  ASSERT_TRUE(t.send(core::Envelope("App\\Message\\Hello", "{}")).has_value());
  auto got = t.get(1);
  ASSERT_TRUE(got.has_value());
  ASSERT_EQ(got->size(), 1U);
  EXPECT_EQ((*got)[0].delivery_count, 1U);
  auto listed = t.all(std::nullopt);
  ASSERT_TRUE(listed.has_value());
  ASSERT_EQ(listed->size(), 1U);
  EXPECT_EQ((*listed)[0].delivery_count, 0U);  // listed, not delivered
}

}  // namespace
}  // namespace messengerd::transport
