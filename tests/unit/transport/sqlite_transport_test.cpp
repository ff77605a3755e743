#include <poll.h>

#include <set>

#include "serializer/php_json.hpp"
#include "serializer/stamps.hpp"
#include "sqlite_test_support.hpp"

namespace messengerd::transport::sqlite::testing {
namespace {

std::vector<std::string> ids(const std::vector<ReceivedMessage>& messages) {
  std::vector<std::string> out;
  for (const auto& m : messages) out.push_back(m.id);
  return out;
}

TEST_F(SqliteFixture, SendGetAck) {
  auto t = open();
  ASSERT_TRUE(t);
  auto id = t->send(hello(1));
  ASSERT_TRUE(id.has_value()) << id.error().message;
  EXPECT_EQ(*id, "1");
  auto got = t->get(10);
  ASSERT_TRUE(got.has_value()) << got.error().message;
  ASSERT_EQ(got->size(), 1U);
  const auto& m = (*got)[0];
  EXPECT_EQ(m.id, "1");
  EXPECT_EQ(m.queue, "default");
  EXPECT_FALSE(m.decode_error.has_value());
  EXPECT_EQ(m.envelope.type(), "App\\Message\\Hello");
  EXPECT_EQ(m.envelope.body(), "{\"n\":1}");
  EXPECT_EQ(serializer::transport_message_id(m.envelope), std::optional<std::string>("1"));
  RawDb db(db_path());
  EXPECT_EQ(db.value("SELECT delivered_at FROM messenger_messages WHERE id = 1"), "2026-11-24 12:00:00");
  EXPECT_TRUE(t->get(10)->empty());  // being handled
  ASSERT_TRUE(t->ack(m).has_value());
  // The DELETE goes with the next claim (here: the next get), not one transaction per ack.
  EXPECT_EQ(db.value("SELECT COUNT(*) FROM messenger_messages"), "1");
  EXPECT_TRUE(t->get(10)->empty());
  EXPECT_EQ(db.value("SELECT COUNT(*) FROM messenger_messages"), "0");
}

TEST_F(SqliteFixture, WithPrefetchOneEveryAckIsItsOwnTransaction) {
  auto s = settings();
  s.prefetch = 1;
  auto t = open(s);
  ASSERT_TRUE(t->send(hello(1)).has_value());
  ASSERT_TRUE(t->send(hello(2)).has_value());
  auto got = t->get(1);
  ASSERT_EQ(ids(*got), std::vector<std::string>{"1"});
  RawDb db(db_path());
  EXPECT_EQ(db.value("SELECT COUNT(*) FROM messenger_messages WHERE delivered_at IS NOT NULL"), "1");  // only one claimed
  ASSERT_TRUE(t->ack((*got)[0]).has_value());
  EXPECT_EQ(db.value("SELECT COUNT(*) FROM messenger_messages"), "1");
}

TEST_F(SqliteFixture, PrefetchClaimsSeveralRowsAndReleasesTheUnhandledOnesAtShutdown) {
  auto s = settings();
  s.prefetch = 3;
  for (int i = 1; i <= 5; ++i) ASSERT_TRUE(open()->send(hello(i)).has_value());
  RawDb db(db_path());
  {
    auto t = open(s);
    auto first = t->get(1);
    ASSERT_EQ(ids(*first), std::vector<std::string>{"1"});
    EXPECT_EQ(db.value("SELECT COUNT(*) FROM messenger_messages WHERE delivered_at IS NOT NULL"), "3");
    // Another worker never gets the claimed rows.
    auto other = open();
    auto theirs = other->get(1);
    ASSERT_EQ(ids(*theirs), std::vector<std::string>{"4"});
    ASSERT_TRUE(other->reject((*theirs)[0]).has_value());
    ASSERT_TRUE(t->ack((*first)[0]).has_value());
    ASSERT_EQ(ids(*t->get(1)), std::vector<std::string>{"2"});  // from the buffer: no transaction
  }  // stops after 2 of its 3 (consume --limit): 1 acked, 2 being handled, 3 never handed out
  EXPECT_EQ(db.value("SELECT group_concat(id) FROM (SELECT id FROM messenger_messages WHERE delivered_at IS NULL ORDER BY id)"),
            "3,5");
  // 1 deleted at shutdown; 2 still delivered (its handling was cut off: redelivered after the timeout)
  EXPECT_EQ(db.value("SELECT group_concat(id) FROM (SELECT id FROM messenger_messages ORDER BY id)"), "2,3,5");
}

TEST_F(SqliteFixture, RowIsWhatDoctrineWrites) {
  auto t = open();
  ASSERT_TRUE(t);
  auto e = hello(1, 2500);
  e.add(serializer::make_bus_name_stamp("messenger.bus.default"));
  ASSERT_TRUE(t->send(e).has_value());
  RawDb db(db_path());
  EXPECT_EQ(db.value("SELECT body FROM messenger_messages"), "{\"n\":1}");
  EXPECT_EQ(db.value("SELECT headers FROM messenger_messages"), serializer::php_json_headers(serializer->encode(e).headers));
  // json_encode escapes '/' and '\': what PHP's Doctrine transport reads back.
  EXPECT_NE(db.value("SELECT headers FROM messenger_messages").find("application\\/json"), std::string::npos);
  EXPECT_NE(db.value("SELECT headers FROM messenger_messages").find("\"type\":\"App\\\\Message\\\\Hello\""),
            std::string::npos);
  EXPECT_EQ(db.value("SELECT queue_name FROM messenger_messages"), "default");
  EXPECT_EQ(db.value("SELECT created_at FROM messenger_messages"), "2026-11-24 12:00:00");
  EXPECT_EQ(db.value("SELECT available_at FROM messenger_messages"), "2026-11-24 12:00:02");  // 2500 ms -> +2 s
  EXPECT_EQ(db.value("SELECT delivered_at FROM messenger_messages"), "NULL");
}

TEST_F(SqliteFixture, RejectDeletesTheRow) {
  auto t = open();
  ASSERT_TRUE(t);
  ASSERT_TRUE(t->send(hello(1)).has_value());
  auto got = t->get(1);
  ASSERT_EQ(got->size(), 1U);
  ASSERT_TRUE(t->reject((*got)[0]).has_value());
  RawDb db(db_path());
  EXPECT_EQ(db.value("SELECT COUNT(*) FROM messenger_messages"), "0");
}

TEST_F(SqliteFixture, DelayedMessagesWaitUntilDue) {
  auto t = open();
  ASSERT_TRUE(t);
  ASSERT_TRUE(t->send(hello(1, 10000)).has_value());
  ASSERT_TRUE(t->send(hello(2)).has_value());
  auto first = t->get(10);
  ASSERT_EQ(ids(*first), std::vector<std::string>{"2"});
  ASSERT_TRUE(t->ack((*first)[0]).has_value());
  EXPECT_EQ(*t->message_count(), 1);  // the delayed one counts as waiting
  EXPECT_EQ(t->readiness().max_wait, 10000ms);
  clock_now += 9s;
  EXPECT_TRUE(t->get(10)->empty());
  EXPECT_EQ(t->readiness().max_wait, 1000ms);
  clock_now += 1s;
  EXPECT_EQ(ids(*t->get(10)), std::vector<std::string>{"1"});
}

TEST_F(SqliteFixture, OrderIsAvailableAtThenId) {
  auto t = open();
  ASSERT_TRUE(t);
  ASSERT_TRUE(t->send(hello(1, 3000)).has_value());
  ASSERT_TRUE(t->send(hello(2)).has_value());
  ASSERT_TRUE(t->send(hello(3, 1000)).has_value());
  ASSERT_TRUE(t->send(hello(4)).has_value());
  clock_now += 5s;
  EXPECT_EQ(ids(*t->get(10)), (std::vector<std::string>{"2", "4", "3", "1"}));
}

TEST_F(SqliteFixture, RowsDeliveredLongerThanRedeliverTimeoutAreDeliveredAgain) {
  auto s = settings();
  s.redeliver_timeout_s = 60;
  auto t = open(s);
  ASSERT_TRUE(t);
  ASSERT_TRUE(t->send(hello(1)).has_value());
  ASSERT_EQ(t->get(1)->size(), 1U);  // a worker takes it and dies
  EXPECT_EQ(*t->message_count(), 0);
  EXPECT_EQ(t->readiness().max_wait, 61000ms);
  clock_now += 60s;
  EXPECT_TRUE(t->get(1)->empty());  // delivered_at < now - 60 s is not yet true
  clock_now += 1s;
  EXPECT_EQ(*t->message_count(), 1);
  auto again = t->get(1);
  ASSERT_EQ(ids(*again), std::vector<std::string>{"1"});
  EXPECT_FALSE((*again)[0].decode_error.has_value());
  RawDb db(db_path());
  EXPECT_EQ(db.value("SELECT delivered_at FROM messenger_messages"), "2026-11-24 12:01:01");
}

TEST_F(SqliteFixture, KeepalivePostponesRedelivery) {
  auto s = settings();
  s.redeliver_timeout_s = 60;
  auto t = open(s);
  ASSERT_TRUE(t);
  ASSERT_TRUE(t->send(hello(1)).has_value());
  auto got = t->get(1);
  ASSERT_EQ(got->size(), 1U);
  clock_now += 50s;
  ASSERT_TRUE(t->keepalive((*got)[0]).has_value());
  clock_now += 20s;  // 70 s after delivery, 20 s after the keepalive
  EXPECT_TRUE(t->get(1)->empty());
  ASSERT_TRUE(t->ack((*got)[0]).has_value());
  EXPECT_TRUE(t->get(1)->empty());  // sends the deferred DELETE
  EXPECT_EQ(t->keepalive((*got)[0]).error().kind, core::ErrorKind::not_found);
}

TEST_F(SqliteFixture, CountListFindRemove) {
  auto one_at_a_time = settings();
  one_at_a_time.prefetch = 1;  // rows claimed ahead count as being handled
  auto t = open(one_at_a_time);
  ASSERT_TRUE(t);
  for (int i = 1; i <= 4; ++i) ASSERT_TRUE(t->send(hello(i)).has_value());
  auto other = open("failed");
  ASSERT_TRUE(other->send(hello(5)).has_value());
  EXPECT_EQ(*t->message_count(), 4);
  auto listed = t->all(std::nullopt);
  ASSERT_EQ(ids(*listed), (std::vector<std::string>{"1", "2", "3", "4"}));
  EXPECT_EQ((*listed)[2].envelope.body(), "{\"n\":3}");
  EXPECT_EQ(ids(*t->all(2)), (std::vector<std::string>{"1", "2"}));
  auto found = t->find("3");
  ASSERT_TRUE(found.has_value());
  ASSERT_TRUE(found->has_value());
  EXPECT_EQ((*found)->envelope.body(), "{\"n\":3}");
  EXPECT_EQ(serializer::transport_message_id((*found)->envelope), std::optional<std::string>("3"));
  EXPECT_FALSE(t->find("5")->has_value());  // another queue
  EXPECT_FALSE(t->find("99")->has_value());
  EXPECT_FALSE(t->find("abc")->has_value());
  ASSERT_TRUE(t->remove("3").has_value());
  EXPECT_EQ(t->remove("3").error().kind, core::ErrorKind::not_found);
  EXPECT_EQ(t->remove("5").error().kind, core::ErrorKind::not_found);  // not ours
  EXPECT_EQ(*t->message_count(), 3);
  ASSERT_EQ(t->get(1)->size(), 1U);
  EXPECT_EQ(*t->message_count(), 2);  // the one being handled is not counted
  EXPECT_EQ(*other->message_count(), 1);
}

TEST_F(SqliteFixture, SelectedQueuesAreDrainedInOrder) {
  auto high = open("high");
  auto low = open("low");
  auto reader = open("default");
  ASSERT_TRUE(high && low && reader);
  ASSERT_TRUE(low->send(hello(1)).has_value());
  ASSERT_TRUE(low->send(hello(2)).has_value());
  ASSERT_TRUE(high->send(hello(3)).has_value());
  ASSERT_TRUE(high->send(hello(4)).has_value());
  ASSERT_TRUE(reader->select_queues({"high", "low"}).has_value());
  EXPECT_EQ(*reader->message_count(), 4);
  auto got = reader->get(3);
  ASSERT_EQ(ids(*got), (std::vector<std::string>{"3", "4", "1"}));
  EXPECT_EQ((*got)[0].queue, "high");
  EXPECT_EQ((*got)[2].queue, "low");
  EXPECT_EQ(ids(*reader->get(3)), std::vector<std::string>{"2"});
  EXPECT_FALSE(reader->select_queues({}).has_value());
}

TEST_F(SqliteFixture, TransportsShareOneTableByQueueName) {
  auto async = open("default");
  auto failed = open("failed");
  ASSERT_TRUE(async && failed);
  ASSERT_TRUE(async->send(hello(1)).has_value());
  ASSERT_TRUE(failed->send(hello(2)).has_value());
  EXPECT_EQ(ids(*failed->get(10)), std::vector<std::string>{"2"});
  EXPECT_EQ(ids(*async->get(10)), std::vector<std::string>{"1"});
}

// The two index walks of get() (see choose_plans) must give the same rows in the same order.
TEST_F(SqliteFixture, BothQueryPlansGiveTheSameOrder) {
  for (int big_other : {0, 1}) {
    SCOPED_TRACE(big_other);
    auto s = settings();
    s.table_name = big_other ? "big_other" : "big_own";
    auto t = open(s);
    auto o = s;
    o.queue_name = "other";
    auto other = open(o);
    ASSERT_TRUE(t && other);
    for (int i = 0; i < (big_other ? 50 : 2); ++i) ASSERT_TRUE(other->send(hello(100 + i)).has_value());
    ASSERT_TRUE(t->send(hello(1, 3000)).has_value());
    ASSERT_TRUE(t->send(hello(2)).has_value());
    ASSERT_TRUE(t->send(hello(3, 1000)).has_value());
    ASSERT_TRUE(t->send(hello(4)).has_value());
    clock_now += 5s;
    std::vector<std::string> bodies;
    auto got = t->get(10);
    ASSERT_TRUE(got.has_value());
    for (const auto& m : *got) bodies.push_back(m.envelope.body());
    EXPECT_EQ(bodies, (std::vector<std::string>{"{\"n\":2}", "{\"n\":4}", "{\"n\":3}", "{\"n\":1}"}));
    clock_now -= 5s;
  }
}

TEST_F(SqliteFixture, UndecodableRowsAreReturnedWithTheirErrorNotLost) {
  auto t = open();
  ASSERT_TRUE(t);
  ASSERT_TRUE(t->setup().has_value());
  {
    RawDb db(db_path());
    db.exec("INSERT INTO messenger_messages (body, headers, queue_name, created_at, available_at) VALUES "
            "('raw body 1', '{\"Content-Type\":\"application\\/json\"}', 'default', '2026-11-24 11:00:00', "
            "'2026-11-24 11:00:00'), "
            "('raw body 2', 'not json', 'default', '2026-11-24 11:00:00', '2026-11-24 11:00:00')");
  }
  auto got = t->get(10);
  ASSERT_TRUE(got.has_value());
  ASSERT_EQ(got->size(), 2U);
  for (const auto& m : *got) {
    ASSERT_TRUE(m.decode_error.has_value()) << m.id;
    EXPECT_EQ(m.decode_error->kind, core::ErrorKind::decode);
  }
  EXPECT_EQ((*got)[0].envelope.body(), "raw body 1");
  EXPECT_EQ((*got)[1].envelope.body(), "raw body 2");
  EXPECT_EQ((*got)[1].id, "2");
  RawDb db(db_path());
  EXPECT_EQ(db.value("SELECT COUNT(*) FROM messenger_messages"), "2");  // kept until rejected
}

TEST_F(SqliteFixture, RowsWrittenByPhpAreRead) {
  auto t = open();
  ASSERT_TRUE(t);
  ASSERT_TRUE(t->setup().has_value());
  {
    RawDb db(db_path());  // a row exactly as Symfony 5.4's Doctrine transport wrote it
    db.exec("INSERT INTO messenger_messages (body, headers, queue_name, created_at, available_at) VALUES "
            "('{\"a\":\"b\\/c\"}', '{\"type\":\"App\\\\Message\\\\X\",\"Content-Type\":\"application\\/json\"}', "
            "'default', '2026-11-24 11:59:58', '2026-11-24 12:00:00')");
  }
  auto got = t->get(1);
  ASSERT_EQ(got->size(), 1U);
  EXPECT_FALSE((*got)[0].decode_error.has_value());
  EXPECT_EQ((*got)[0].envelope.type(), "App\\Message\\X");
  EXPECT_EQ((*got)[0].envelope.body(), "{\"a\":\"b\\/c\"}");
}

TEST_F(SqliteFixture, TwoConnectionsNeverGetTheSameRow) {
  auto a = open();
  auto b = open();
  ASSERT_TRUE(a && b);
  for (int i = 0; i < 200; ++i) ASSERT_TRUE(a->send(hello(i)).has_value());
  std::set<std::string> seen;
  std::size_t total = 0;
  for (int round = 0; round < 1000; ++round) {
    auto ga = a->get(3);
    auto gb = b->get(2);
    ASSERT_TRUE(ga && gb);
    if (ga->empty() && gb->empty()) break;
    for (auto* got : {&*ga, &*gb}) {
      for (const auto& m : *got) {
        seen.insert(m.id);
        ++total;
      }
    }
    for (const auto& m : *ga) ASSERT_TRUE(a->ack(m).has_value());
    for (const auto& m : *gb) ASSERT_TRUE(b->ack(m).has_value());
  }
  EXPECT_EQ(total, 200U);
  EXPECT_EQ(seen.size(), 200U);
}

TEST_F(SqliteFixture, ReadinessFdWakesWhenAnotherConnectionInserts) {
  auto worker = open(settings(), true);
  auto other = open(settings(), true);
  ASSERT_TRUE(worker && other);
  ASSERT_TRUE(worker->setup().has_value());
  auto ready = worker->readiness();
  ASSERT_GE(ready.fd, 0);
  EXPECT_EQ(ready.max_wait, std::chrono::milliseconds::max());  // nothing pending
  worker->on_readable();  // drain our own set-up writes
  pollfd pfd{ready.fd, POLLIN, 0};
  ASSERT_EQ(::poll(&pfd, 1, 0), 0);
  ASSERT_TRUE(other->send(hello(1)).has_value());
  ASSERT_EQ(::poll(&pfd, 1, 10000), 1);  // at once, well before the deadline
  worker->on_readable();
  EXPECT_EQ(::poll(&pfd, 1, 0), 0);  // drained
  EXPECT_EQ(worker->get(1)->size(), 1U);
}

TEST_F(SqliteFixture, MemoryDatabaseHasNoReadinessFd) {
  auto s = settings();
  s.path = ":memory:";
  auto t = open(s);
  ASSERT_TRUE(t);
  ASSERT_TRUE(t->send(hello(1)).has_value());
  EXPECT_EQ(t->readiness().fd, -1);
  EXPECT_EQ(t->get(5)->size(), 1U);
}

TEST_F(SqliteFixture, BusyBeyondTheTimeoutIsAConnectionError) {
  auto s = settings();
  s.busy_timeout_ms = 50;
  auto t = open(s);
  ASSERT_TRUE(t);
  ASSERT_TRUE(t->setup().has_value());
  RawDb db(db_path());
  db.exec("BEGIN IMMEDIATE");  // another process holds the write lock
  auto got = t->get(1);
  ASSERT_FALSE(got.has_value());
  EXPECT_EQ(got.error().kind, core::ErrorKind::connection);
  EXPECT_NE(got.error().message.find(db_path()), std::string::npos);
  db.exec("ROLLBACK");
  EXPECT_TRUE(t->get(1).has_value());
}

}  // namespace
}  // namespace messengerd::transport::sqlite::testing
