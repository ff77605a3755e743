// Waiting without polling: an idle receiver offers the libpq socket, and a NOTIFY from the
// Symfony trigger (another connection's INSERT) wakes it.
#include <gtest/gtest.h>
#include <poll.h>

#include "postgres_fixture.hpp"
#include "serializer/stamps.hpp"

namespace messengerd::transport::postgres {
namespace {

using namespace std::chrono_literals;

TEST_F(PostgresTest, NotifyWakesAnIdleReceiver) {
  auto receiver = open();
  auto sender = open();
  auto empty = receiver->get(1);
  ASSERT_TRUE(empty && empty->empty());
  auto ready = receiver->readiness();
  ASSERT_GE(ready.fd, 0);
  EXPECT_LE(ready.max_wait, 60000ms) << "bounded by check_delayed_interval";
  EXPECT_GT(ready.max_wait, 1000ms) << "nothing due: an idle wait, not a poll loop";

  pollfd fd{ready.fd, POLLIN, 0};
  ASSERT_EQ(::poll(&fd, 1, 200), 0) << "nothing wakes an idle receiver while nothing happens";
  ASSERT_TRUE(sender->send(sms("wake up")));
  ASSERT_EQ(::poll(&fd, 1, 10000), 1) << "the INSERT's notification did not arrive within the deadline";
  receiver->on_readable();
  EXPECT_EQ(receiver->readiness().max_wait, 0ms) << "notified for our queue: get at once";
  auto got = receiver->get(1);
  ASSERT_TRUE(got);
  ASSERT_EQ(got->size(), 1u);
}

TEST_F(PostgresTest, ANotificationForAnotherQueueDoesNotShortenTheWait) {
  auto receiver = open("&queue_name=mine");
  auto other = open("&queue_name=theirs");
  auto empty = receiver->get(1);
  ASSERT_TRUE(empty && empty->empty());
  auto ready = receiver->readiness();
  ASSERT_TRUE(other->send(sms("not for you")));
  pollfd fd{ready.fd, POLLIN, 0};
  ASSERT_EQ(::poll(&fd, 1, 10000), 1);
  receiver->on_readable();
  EXPECT_GT(receiver->readiness().max_wait, 1000ms);
}

// Symfony's get_notify_timeout: the longest one wait for a notification lasts; then the table
// is looked at again, so a row whose NOTIFY never came (trigger disabled here) is found.
TEST_F(PostgresTest, GetNotifyTimeoutBoundsTheWaitForANotification) {
  auto patient = open();
  auto empty = patient->get(1);
  ASSERT_TRUE(empty && empty->empty());
  EXPECT_GT(patient->readiness().max_wait, 1000ms) << "default 0: notifications alone end the wait";

  auto t = open("&get_notify_timeout=300");
  empty = t->get(1);
  ASSERT_TRUE(empty && empty->empty());
  auto ready = t->readiness();
  ASSERT_GE(ready.fd, 0) << "still woken at once by a notification";
  EXPECT_LE(ready.max_wait, 300ms);
  EXPECT_GT(ready.max_wait, 0ms) << "a wait, not a poll loop";

  // A row without a notification: replica mode does not fire the notify trigger.
  server.exec("SET LOCAL session_replication_role = replica; INSERT INTO " + table +
              " (body, headers, queue_name, created_at, available_at) VALUES ('{}', "
              "'{\"type\":\"App\\\\Message\\\\N\",\"Content-Type\":\"application\\/json\"}', 'default', "
              "date_trunc('second', now() AT TIME ZONE 'UTC'), date_trunc('second', now() AT TIME ZONE 'UTC'))");
  pollfd fd{ready.fd, POLLIN, 0};
  ASSERT_EQ(::poll(&fd, 1, static_cast<int>(ready.max_wait.count())), 0) << "no notification came";
  auto got = t->get(1);  // what the worker does when the wait ended
  ASSERT_TRUE(got);
  ASSERT_EQ(got->size(), 1u);
  EXPECT_EQ(got->front().envelope.type(), "App\\Message\\N");
}

TEST_F(PostgresTest, WithoutNotifyTheWaitIsBoundedByTheNextDueMessage) {
  auto t = open("&use_notify=false");
  auto delayed = sms("soon");
  delayed.add(serializer::make_delay_stamp(5000));
  ASSERT_TRUE(t->send(delayed));
  auto empty = t->get(1);
  ASSERT_TRUE(empty && empty->empty());
  auto ready = t->readiness();
  EXPECT_EQ(ready.fd, -1);
  EXPECT_LE(ready.max_wait, 5000ms);
}

}  // namespace
}  // namespace messengerd::transport::postgres

namespace messengerd::transport::postgres {
namespace {

// Symfony writes the table unquoted (PostgreSQL folds it) but notifies the channel as written:
// LISTEN must use the name as written too.
TEST_F(PostgresTest, NotifyWorksForAMixedCaseTableName) {
  table = "Mixed_" + table;
  auto receiver = open();
  auto sender = open();
  auto empty = receiver->get(1);
  ASSERT_TRUE(empty && empty->empty());
  auto ready = receiver->readiness();
  ASSERT_TRUE(sender->send(sms("wake up")));
  pollfd fd{ready.fd, POLLIN, 0};
  ASSERT_EQ(::poll(&fd, 1, 10000), 1);
  receiver->on_readable();
  EXPECT_EQ(receiver->readiness().max_wait, std::chrono::milliseconds(0));
}

}  // namespace
}  // namespace messengerd::transport::postgres
