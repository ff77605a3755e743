// The AMQP transport's connection behaviours against a real rabbitmq-server: heartbeats kept
// during a long handler, reconnect after the broker closed the connections (stale delivery
// tags never acked on the new channel), publisher confirms that do not come, TLS.
#include <thread>

#include "amqp_test_support.hpp"

namespace messengerd::amqp_test {
namespace {

using testing::unique_name;

// A handler that runs 4 heartbeat intervals: the worker's loop thread calls heartbeat()
// meanwhile. The message is acked once on the same connection, and a message that arrived
// during the handler is buffered, not lost. The control transport that is not serviced loses
// its connection in the same time, which shows that heartbeat() is what kept the first alive.
TEST(AmqpConnection, HeartbeatsKeepTheConnectionDuringALongHandler) {
  const auto ex = unique_name("heartbeat");
  auto t = open(dsn_for(ex, "heartbeat=1"));
  auto control = open(dsn_for(ex + "_control", "heartbeat=1"));
  ASSERT_TRUE(t->send(message(R"({"n":1})")));
  ASSERT_TRUE(control->send(message(R"({"n":1})")));
  auto got = get_within(*t, 10s);
  ASSERT_EQ(got.size(), 1u);
  auto control_got = get_within(*control, 10s);
  ASSERT_EQ(control_got.size(), 1u);
  const auto generation = t->generation();
  ASSERT_EQ(t->heartbeat_interval(), std::chrono::milliseconds(500));

  ASSERT_TRUE(t->send(message(R"({"n":2})")));  // arrives while the handler runs
  const auto handler_end = std::chrono::steady_clock::now() + 4000ms;
  while (std::chrono::steady_clock::now() < handler_end) {
    std::this_thread::sleep_for(*t->heartbeat_interval());  // the "handler" runs
    t->heartbeat();                                         // the loop thread's tick
  }
  ASSERT_TRUE(t->ack(got[0]));
  auto next = get_within(*t, 10s);
  ASSERT_EQ(next.size(), 1u);
  EXPECT_EQ(next[0].envelope.body(), R"({"n":2})");
  EXPECT_EQ(t->generation(), generation) << "the connection was lost and reopened";
  ASSERT_TRUE(t->ack(next[0]));
  Raw raw;
  EXPECT_EQ(raw.count(ex), 0) << "the first message was not acked";

  // The control: not serviced for the same time, the broker drops it; its message comes back.
  auto control_after = get_within(*control, 10s);
  ASSERT_EQ(control_after.size(), 1u);
  EXPECT_GT(control->generation(), 1u);
  EXPECT_TRUE(control->ack(control_got[0]));  // stale: skipped, not sent on the new channel
  EXPECT_TRUE(control->ack(control_after[0]));
  EXPECT_EQ(raw.count(ex + "_control"), 0);
}

// symfony/symfony#49029: after a reconnect, a delivery tag of the old channel must not be
// acked on the new one (it would ack another message, or close the channel with
// PRECONDITION_FAILED - unknown delivery tag). The message is redelivered and handled again.
// Batched acks before the loss: acks of handled messages are held and sent as one multiple
// ack within 200 ms (kAckDelay), never covering the message still being handled; an ack after
// an open delivery goes alone at once.
TEST(AmqpConnection, ReconnectsAfterConnectionLossAndNeverAcksAStaleTag) {
  const auto ex = unique_name("loss");
  auto t = open(dsn_for(ex));
  for (const char* n : {"a", "b", "in flight", "d"}) ASSERT_TRUE(t->send(message(std::string(R"({"n":")") + n + "\"}")));
  auto got = get_within(*t, 10s, 4);
  ASSERT_EQ(got.size(), 4u);
  ASSERT_EQ(got[2].envelope.body(), R"({"n":"in flight"})");
  const auto generation = t->generation();
  ASSERT_TRUE(t->ack(got[0]));  // held
  ASSERT_TRUE(t->ack(got[1]));  // held
  ASSERT_TRUE(t->ack(got[3]));  // after the open "in flight": sent alone
  // An idle worker polls again within 200 ms: the held acks go out (multiple, up to "b").
  EXPECT_LE(t->readiness().max_wait, std::chrono::milliseconds(200));
  ASSERT_TRUE(await([&] {
    (void)t->get(1);
    return t->held_acks() == 0;
  }, 5s));

  broker().rabbitmqctl({"close_all_connections", "test: connection loss"});

  // Only the unacked one comes again (the acked ones before it would come first).
  auto again = get_within(*t, 20s);
  ASSERT_EQ(again.size(), 1u);
  EXPECT_EQ(again[0].envelope.body(), R"({"n":"in flight"})");
  EXPECT_EQ(again[0].delivery_count, 2u);
  EXPECT_GT(t->generation(), generation);
  EXPECT_TRUE(t->ack(got[2]));  // stale: skipped with a debug log
  ASSERT_TRUE(t->ack(again[0]));
  // Sending works again too (the publisher connection was closed as well).
  ASSERT_TRUE(t->send(message(R"({"n":"after"})")));
  auto after = get_within(*t, 10s);
  ASSERT_EQ(after.size(), 1u);
  EXPECT_EQ(after[0].envelope.body(), R"({"n":"after"})");
  ASSERT_TRUE(t->ack(after[0]));
  t.reset();  // held acks are sent at shutdown; "d", had it come again unacked, would be back
  Raw raw;
  EXPECT_EQ(raw.count(ex), 0);
}

TEST(AmqpConnection, AnUnconfirmedPublishFailsAfterConfirmTimeout) {
  const auto ex = unique_name("confirm");
  auto t = open(dsn_for(ex, "confirm_timeout=1"));
  ASSERT_TRUE(t->setup());
  // A memory alarm for 6 s: the broker blocks publishers and confirms nothing. One rabbitmqctl
  // call (each costs seconds) sets it and schedules its end on the node.
  broker().rabbitmqctl({"eval",
                        "vm_memory_monitor:set_vm_memory_high_watermark(0.000001), "
                        "timer:apply_after(6000, vm_memory_monitor, set_vm_memory_high_watermark, [0.4]), ok."});
  auto sent = t->send(message(R"({"n":"blocked"})"));
  ASSERT_FALSE(sent);
  EXPECT_EQ(sent.error().kind, core::ErrorKind::timeout) << sent.error().message;
  EXPECT_NE(sent.error().message.find("confirm_timeout"), std::string::npos) << sent.error().message;
  // Once the alarm is over, the blocked message is stored and publishing works again.
  auto after = open(dsn_for(ex));
  ASSERT_TRUE(after->send(message(R"({"n":"after the alarm"})")));
  auto got = get_within(*after, 20s, 2);
  EXPECT_EQ(got.size(), 2u);
  for (auto& m : got) EXPECT_TRUE(after->ack(m));
}

TEST(AmqpConnection, TlsWithTheTestCa) {
  const auto ex = unique_name("tls");
  const std::string dsn = broker().tls_url() + "/%2f/" + ex + "?cacert=" + broker().ca_file().string() +
                          "&cert=" + broker().client_cert_file().string() + "&key=" + broker().client_key_file().string();
  auto t = open(dsn);
  auto sent = t->send(message(R"({"n":"tls"})"));
  ASSERT_TRUE(sent) << sent.error().message;
  auto got = get_within(*t, 10s);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_TRUE(t->ack(got[0]));

  // A CA that did not sign the server's certificate is refused.
  auto wrong = open(broker().tls_url() + "/%2f/" + ex + "?cacert=" + broker().client_cert_file().string());
  EXPECT_FALSE(wrong->send(message("{}")));
}

}  // namespace
}  // namespace messengerd::amqp_test
