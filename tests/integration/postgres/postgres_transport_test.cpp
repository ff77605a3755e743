// The PostgreSQL transport against the test cluster: Symfony's rows, get/ack/reject, delays,
// redelivery, queues, listing, keepalive.
#include <gtest/gtest.h>

#include "postgres_fixture.hpp"
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
