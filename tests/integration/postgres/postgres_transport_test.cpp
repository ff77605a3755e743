// The PostgreSQL transport against the test cluster: Symfony's rows, get/ack/reject, delays,
// redelivery, queues, listing, keepalive.
#include <gtest/gtest.h>

#include "postgres_fixture.hpp"
#include <atomic>
#include <set>

#include "serializer/stamps.hpp"

namespace messengerd::transport::postgres {
namespace {

using namespace std::chrono_literals;

TEST_F(PostgresTest, SendsGetsAndAcksWithSymfonysRow) {
  auto t = open();
  auto id = t->send(sms("hello"));
  ASSERT_TRUE(id) << id.error().message;
  auto row = server.exec("SELECT body, headers, queue_name, delivered_at IS NULL, available_at = created_at, "
                         "abs(extract(epoch from (now() AT TIME ZONE 'UTC') - created_at)) < 5 FROM " + table +
                         " WHERE id = " + *id);
  ASSERT_EQ(row.size(), 1u);
  EXPECT_EQ(row[0][0], R"({"phoneNumber":"+1","content":"hello"})");
  EXPECT_EQ(row[0][1], R"({"type":"App\\Message\\SmsNotification","Content-Type":"application\/json"})");
  EXPECT_EQ(row[0][2], "default");
  EXPECT_EQ(row[0][3], "t");
  EXPECT_EQ(row[0][4], "t");
  EXPECT_EQ(row[0][5], "t") << "created_at is UTC";

  auto got = t->get(1);
  ASSERT_TRUE(got) << got.error().message;
  ASSERT_EQ(got->size(), 1u);
  const auto& m = got->front();
  EXPECT_EQ(m.id, *id);
  EXPECT_FALSE(m.decode_error);
  EXPECT_EQ(m.envelope.type(), "App\\Message\\SmsNotification");
  EXPECT_EQ(serializer::transport_message_id(m.envelope), *id);
  EXPECT_EQ(count_rows("delivered_at IS NOT NULL"), "1");
  ASSERT_TRUE(t->ack(m));
  t.reset();  // deferred deletes are flushed at shutdown at the latest
  EXPECT_EQ(count_rows(), "0");
}

}  // namespace
}  // namespace messengerd::transport::postgres

namespace messengerd::transport::postgres {
namespace {

using namespace std::chrono_literals;

// A clock tests move forward (delays, redelivery) without sleeping.
struct TestClock {
  std::shared_ptr<std::atomic<std::int64_t>> offset_s = std::make_shared<std::atomic<std::int64_t>>(0);
  PostgresTransport::Clock clock() const {
    return [o = offset_s] { return std::chrono::system_clock::now() + std::chrono::seconds(o->load()); };
  }
  void advance(std::chrono::seconds s) const { *offset_s += s.count(); }
};

TEST_F(PostgresTest, RejectDeletesTheRowAndPrefetchOneDeletesAtOnce) {
  auto t = open("&prefetch=1");
  ASSERT_TRUE(t->send(sms("a")));
  ASSERT_TRUE(t->send(sms("b")));
  auto first = t->get(1);
  ASSERT_TRUE(first && first->size() == 1);
  ASSERT_TRUE(t->reject(first->front()));
  EXPECT_EQ(count_rows(), "1") << "prefetch=1 deletes with the reject, not later";
  auto second = t->get(1);
  ASSERT_TRUE(second && second->size() == 1);
  ASSERT_TRUE(t->ack(second->front()));
  EXPECT_EQ(count_rows(), "0");
}

TEST_F(PostgresTest, DeferredAcksAreDeletedWithTheNextClaimOrWhenIdle) {
  auto t = open("&prefetch=5");
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(t->send(sms(std::to_string(i))));
  auto got = t->get(3);
  ASSERT_TRUE(got && got->size() == 3);
  for (const auto& m : *got) ASSERT_TRUE(t->ack(m));
  EXPECT_EQ(count_rows(), "3") << "deletes wait for the next round trip";
  auto none = t->get(1);
  ASSERT_TRUE(none && none->empty());
  EXPECT_EQ(count_rows(), "0");
}

TEST_F(PostgresTest, ClaimedButNotHandedOutRowsAreReleasedAtShutdown) {
  auto t = open("&prefetch=10");
  for (int i = 0; i < 4; ++i) ASSERT_TRUE(t->send(sms(std::to_string(i))));
  auto got = t->get(1);
  ASSERT_TRUE(got && got->size() == 1);
  EXPECT_EQ(count_rows("delivered_at IS NOT NULL"), "4");
  ASSERT_TRUE(t->ack(got->front()));
  t.reset();
  EXPECT_EQ(count_rows(), "3");
  EXPECT_EQ(count_rows("delivered_at IS NULL"), "3");
}

TEST_F(PostgresTest, DelayedMessageIsDeliveredWhenDueAndStoredAsNowPlusDelay) {
  TestClock clock;
  auto t = open("", clock.clock());
  auto delayed = sms("later");
  delayed.add(serializer::make_delay_stamp(30'500));  // PHP truncates to whole seconds: 30
  auto id = t->send(delayed);
  ASSERT_TRUE(id);
  EXPECT_EQ(server.scalar("SELECT extract(epoch from available_at - created_at)::int FROM " + table), "30");
  auto early = t->get(1);
  ASSERT_TRUE(early && early->empty());
  auto ready = t->readiness();
  EXPECT_LE(ready.max_wait, 31s) << "the idle wait ends when the delayed message is due";
  EXPECT_GE(ready.max_wait, 25s);
  clock.advance(31s);
  auto due = t->get(1);
  ASSERT_TRUE(due && due->size() == 1);
  EXPECT_EQ(due->front().id, *id);
}

TEST_F(PostgresTest, AnUnackedMessageIsRedeliveredAfterRedeliverTimeout) {
  TestClock clock;
  auto first = open("&redeliver_timeout=600", clock.clock());
  auto second = open("&redeliver_timeout=600", clock.clock());
  ASSERT_TRUE(first->send(sms("x")));
  auto got = first->get(1);
  ASSERT_TRUE(got && got->size() == 1);
  auto none = second->get(1);
  ASSERT_TRUE(none && none->empty()) << "being handled";
  clock.advance(602s);
  auto again = second->get(1);
  ASSERT_TRUE(again && again->size() == 1);
  EXPECT_EQ(again->front().id, got->front().id);
}

// Symfony's table keeps no delivery count: a row claimed while delivered_at was set (its worker
// died, redeliver_timeout passed) is at least a second delivery.
TEST_F(PostgresTest, DeliveryCountIsOneFirstAndTwoAfterRedeliverTimeout) {
  TestClock clock;
  auto first = open("&redeliver_timeout=600&prefetch=3", clock.clock());
  auto second = open("&redeliver_timeout=600&prefetch=3", clock.clock());
  ASSERT_TRUE(first->send(sms("crashed")));
  auto got = first->get(1);
  ASSERT_TRUE(got && got->size() == 1);
  EXPECT_EQ(got->front().delivery_count, 1u);
  clock.advance(602s);  // `first` died holding it
  ASSERT_TRUE(second->send(sms("fresh")));
  auto again = second->get(2);
  ASSERT_TRUE(again && again->size() == 2);
  for (const auto& m : *again) {
    if (m.id == got->front().id) {
      EXPECT_EQ(m.delivery_count, 2u) << "redelivered after redeliver_timeout";
    } else {
      EXPECT_EQ(m.delivery_count, 1u) << "never delivered before";
    }
  }
}

TEST_F(PostgresTest, RowsReleasedUnhandledCountAsFirstDeliveriesAgain) {
  {
    auto t = open("&prefetch=5");
    for (int i = 0; i < 2; ++i) ASSERT_TRUE(t->send(sms(std::to_string(i))));
    auto got = t->get(1);
    ASSERT_TRUE(got && got->size() == 1);
    ASSERT_TRUE(t->ack(got->front()));
  }  // the second row was claimed, never handed out: released at shutdown
  auto t = open();
  auto got = t->get(1);
  ASSERT_TRUE(got && got->size() == 1);
  EXPECT_EQ(got->front().delivery_count, 1u);
}

TEST_F(PostgresTest, AcksWaitForTheNextClaimEvenWhenAPrefetchOfThemPiledUp) {
  auto t = open("&prefetch=4");
  for (int i = 0; i < 8; ++i) ASSERT_TRUE(t->send(sms(std::to_string(i))));
  std::vector<ReceivedMessage> handled;
  for (int i = 0; i < 4; ++i) {
    auto got = t->get(1);
    ASSERT_TRUE(got && got->size() == 1);
    ASSERT_TRUE(t->ack(got->front()));
    handled.push_back(std::move(got->front()));
  }
  EXPECT_EQ(count_rows(), "8") << "acks cost no round trip of their own";
  auto next = t->get(1);  // one statement: the four deletes and the next claim
  ASSERT_TRUE(next && next->size() == 1);
  EXPECT_EQ(count_rows(), "4");
  EXPECT_EQ(count_rows("delivered_at IS NOT NULL"), "4");
  for (const auto& m : handled) {
    EXPECT_EQ(count_rows("id = " + m.id), "0");
    EXPECT_NE(next->front().id, m.id);
  }
}

TEST_F(PostgresTest, KeepaliveRefreshesDeliveredAt) {
  TestClock clock;
  auto t = open("&redeliver_timeout=600&prefetch=1", clock.clock());
  auto other = open("&redeliver_timeout=600", clock.clock());
  ASSERT_TRUE(t->send(sms("long")));
  auto got = t->get(1);
  ASSERT_TRUE(got && got->size() == 1);
  clock.advance(500s);
  ASSERT_TRUE(t->keepalive(got->front()));
  clock.advance(500s);  // 1000 s after the get, 500 s after the keepalive
  auto none = other->get(1);
  ASSERT_TRUE(none && none->empty()) << "kept alive, not redelivered";
  ASSERT_TRUE(t->ack(got->front()));
  auto gone = t->keepalive(got->front());
  ASSERT_FALSE(gone);
  EXPECT_EQ(gone.error().kind, core::ErrorKind::not_found);
}

TEST_F(PostgresTest, TwoTransportsNeverGetTheSameRow) {
  auto a = open("&prefetch=5");
  auto b = open("&prefetch=5");
  for (int i = 0; i < 10; ++i) ASSERT_TRUE(a->send(sms(std::to_string(i))));
  auto from_a = a->get(5);
  auto from_b = b->get(5);
  ASSERT_TRUE(from_a && from_b);
  std::set<std::string> ids;
  for (const auto& m : *from_a) ids.insert(m.id);
  for (const auto& m : *from_b) ids.insert(m.id);
  EXPECT_EQ(from_a->size() + from_b->size(), 10u);
  EXPECT_EQ(ids.size(), 10u);
}

TEST_F(PostgresTest, QueuesShareOneTableAndAreSelectedInOrder) {
  auto q1 = open("&queue_name=q1");
  auto q2 = open("&queue_name=q2");
  ASSERT_TRUE(q1->send(sms("one")));
  ASSERT_TRUE(q2->send(sms("two")));
  ASSERT_TRUE(q2->send(sms("three")));
  auto both = open("&queue_name=q1&prefetch=1");
  ASSERT_TRUE(both->select_queues({"q2", "q1"}));
  auto counts = both->queue_message_counts();
  ASSERT_TRUE(counts);
  EXPECT_EQ(*counts, (std::vector<std::pair<std::string, std::int64_t>>{{"q2", 2}, {"q1", 1}}));
  std::vector<std::string> order;
  for (int i = 0; i < 3; ++i) {
    auto got = both->get(1);
    ASSERT_TRUE(got && got->size() == 1);
    order.push_back(got->front().queue);
    ASSERT_TRUE(both->ack(got->front()));
  }
  EXPECT_EQ(order, (std::vector<std::string>{"q2", "q2", "q1"}));
  EXPECT_FALSE(both->select_queues({}));
}

TEST_F(PostgresTest, ListsFindsAndRemovesWithinItsQueue) {
  auto failed = open("&queue_name=failed");
  auto other = open("&queue_name=default");
  auto a = failed->send(sms("a"));
  auto b = failed->send(sms("b"));
  auto c = other->send(sms("c"));
  ASSERT_TRUE(a && b && c);
  auto all = failed->all(std::nullopt);
  ASSERT_TRUE(all);
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[0].id, *a);
  EXPECT_EQ((*all)[1].id, *b);
  auto one = failed->all(1);
  ASSERT_TRUE(one && one->size() == 1);
  auto found = failed->find(*b);
  ASSERT_TRUE(found && *found);
  EXPECT_EQ((*found)->envelope.body(), R"({"phoneNumber":"+1","content":"b"})");
  auto elsewhere = failed->find(*c);
  ASSERT_TRUE(elsewhere);
  EXPECT_FALSE(*elsewhere) << "another queue's row is not ours";
  ASSERT_TRUE(failed->remove(*a));
  auto again = failed->remove(*a);
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().kind, core::ErrorKind::not_found);
  EXPECT_FALSE(failed->remove(*c)) << "not in this transport's queue";
  EXPECT_EQ(failed->message_count().value_or(-1), 1);
}

TEST_F(PostgresTest, AnUndecodableRowComesBackWithDecodeError) {
  auto t = open();
  ASSERT_TRUE(t->setup());
  server.exec("INSERT INTO " + table + " (body, headers, queue_name, created_at, available_at) VALUES "
              "('x', 'not json', 'default', date_trunc('second', now() AT TIME ZONE 'UTC'), date_trunc('second', now() AT TIME ZONE 'UTC'))");
  auto got = t->get(1);
  ASSERT_TRUE(got && got->size() == 1);
  ASSERT_TRUE(got->front().decode_error);
  EXPECT_EQ(got->front().decode_error->kind, core::ErrorKind::decode);
  EXPECT_EQ(got->front().envelope.body(), "x");
}

}  // namespace
}  // namespace messengerd::transport::postgres
