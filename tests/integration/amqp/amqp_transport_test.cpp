// The AMQP transport against a real rabbitmq-server (one per test binary, tests isolated by
// unique exchange and queue names): Symfony's message properties and topology, acks, delays,
// retries, counts, queue selection, quorum queues.
#include "amqp_test_support.hpp"

namespace messengerd::amqp_test {
namespace {

using testing::unique_name;

TEST(AmqpTransport, SendGetAckWithSymfonysPropertiesAndHeaders) {
  const auto ex = unique_name("props");
  auto t = open(dsn_for(ex));
  ASSERT_TRUE(t->setup());
  Raw raw;
  // A second queue on the fanout exchange, to look at the raw message.
  ASSERT_TRUE(raw->declare_queue(ex + "_spy", 2, {}, false));
  ASSERT_TRUE(raw->bind_queue(ex + "_spy", ex, "", {}));

  auto sent = t->send(message(R"({"phoneNumber":"+1","content":"hi"})"));
  ASSERT_TRUE(sent) << sent.error().message;

  auto spied = raw.take(ex + "_spy");
  ASSERT_TRUE(spied);
  EXPECT_EQ(spied->body, R"({"phoneNumber":"+1","content":"hi"})");
  EXPECT_EQ(spied->content_type, "application/json");
  EXPECT_EQ(spied->delivery_mode, 2);
  EXPECT_EQ(spied->routing_key, "");
  ASSERT_EQ(spied->headers.size(), 2u);
  EXPECT_EQ(spied->headers[0].first, "type");
  EXPECT_EQ(spied->headers[0].second, "App\\Message\\SmsNotification");
  EXPECT_EQ(spied->headers[1].first, "X-Message-Stamp-Symfony\\Component\\Messenger\\Stamp\\BusNameStamp");
  EXPECT_EQ(spied->headers[1].second, R"([{"busName":"messenger.bus.default"}])");

  auto got = get_within(*t, 10s);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_FALSE(got[0].decode_error);
  EXPECT_EQ(got[0].queue, ex);
  EXPECT_EQ(got[0].envelope.type(), "App\\Message\\SmsNotification");
  EXPECT_EQ(serializer::bus_name(got[0].envelope).value_or(""), "messenger.bus.default");
  ASSERT_TRUE(t->ack(got[0]));
  EXPECT_EQ(t->message_count().value_or(-1), 0);
}

TEST(AmqpTransport, RejectDropsTheMessageAndAckedOnesAreNotRedelivered) {
  const auto ex = unique_name("reject");
  {
    auto t = open(dsn_for(ex));
    ASSERT_TRUE(t->send(message(R"({"n":1})")));
    ASSERT_TRUE(t->send(message(R"({"n":2})")));
    auto got = get_within(*t, 10s, 2);
    ASSERT_EQ(got.size(), 2u);
    ASSERT_TRUE(t->ack(got[0]));
    ASSERT_TRUE(t->reject(got[1]));
  }  // closing the connection would requeue anything still unacked
  Raw raw;
  EXPECT_EQ(raw.count(ex), 0);
}

TEST(AmqpTransport, UnackedMessagesGoBackWhenTheConsumerGoes) {
  const auto ex = unique_name("requeue");
  {
    auto t = open(dsn_for(ex));
    ASSERT_TRUE(t->send(message(R"({"n":1})")));
    ASSERT_EQ(get_within(*t, 10s).size(), 1u);
  }
  Raw raw;
  EXPECT_EQ(raw.count(ex), 1);
}

TEST(AmqpTransport, UndecodableMessagesComeBackWithADecodeError) {
  const auto ex = unique_name("undecodable");
  auto t = open(dsn_for(ex));
  ASSERT_TRUE(t->setup());
  Raw raw;
  transport::amqp::Outgoing out;
  out.exchange = ex;
  out.body = "not a symfony message";  // no `type` header
  ASSERT_TRUE(raw->publish(out));
  auto got = get_within(*t, 10s);
  ASSERT_EQ(got.size(), 1u);
  ASSERT_TRUE(got[0].decode_error);
  EXPECT_EQ(got[0].decode_error->kind, core::ErrorKind::decode);
  EXPECT_EQ(got[0].envelope.body(), "not a symfony message");
  EXPECT_TRUE(t->reject(got[0]));
}

TEST(AmqpTransport, DelayedMessagesWaitInSymfonysDelayQueue) {
  const auto ex = unique_name("delay");
  auto t = open(dsn_for(ex));
  ASSERT_TRUE(t->send(message(R"({"n":"late"})", 1500)));
  Raw raw;
  // delay_%exchange_name%_%routing_key%_%delay% + _delay, routing key "" (fanout, no stamp)
  EXPECT_EQ(raw.count("delay_" + ex + "__1500_delay"), 1);
  auto got = get_within(*t, 15s);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].envelope.body(), R"({"n":"late"})");
  EXPECT_TRUE(t->ack(got[0]));
}

TEST(AmqpTransport, ARetryGoesBackToItsOwnQueueOnly) {
  const auto ex = unique_name("retry");
  const auto q1 = ex + "_q1";
  const auto q2 = ex + "_q2";
  config::Value queues = config::Value::map({{q1, config::Value()}, {q2, config::Value()}});
  auto t = open(dsn_for(ex), config::Value::map({{"queues", queues}}));
  ASSERT_TRUE(t->select_queues({q1}));
  ASSERT_TRUE(t->send(message(R"({"n":"retry me"})")));  // fanout: one copy in each queue
  auto got = get_within(*t, 10s);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].queue, q1);

  // What the worker does on failure: a copy with RedeliveryStamp + DelayStamp, then reject.
  core::Envelope copy = got[0].envelope;
  copy.add(serializer::make_redelivery_stamp(1, std::chrono::system_clock::now()));
  copy.add(serializer::make_delay_stamp(700));
  ASSERT_TRUE(t->send(copy));
  ASSERT_TRUE(t->reject(got[0]));
  Raw raw;
  EXPECT_EQ(raw.count("delay_" + ex + "_" + q1 + "_700_retry"), 1);

  auto retried = get_within(*t, 15s);
  ASSERT_EQ(retried.size(), 1u);
  EXPECT_EQ(retried[0].queue, q1);
  EXPECT_EQ(serializer::retry_count(retried[0].envelope), 1);
  ASSERT_TRUE(t->ack(retried[0]));
  EXPECT_EQ(raw.count(q2), 1) << "the retry must not be copied to the other queue";
}

// AmqpStamp::createFromAmqpEnvelope: a retried copy keeps the properties of the message and
// the AMQP headers its producer added (the serializer's own headers are written afresh).
// Properties a producer set, every kind Symfony carries over (delivery_mode and timestamp too:
// they are not replaced by Symfony's defaults, 2 and now).
const serializer::Headers kProducerProperties{
    {"content_encoding", "identity"}, {"delivery_mode", "1"},  {"priority", "3"},       {"timestamp", "1234567890"},
    {"app_id", "billing"},             {"message_id", "m-1"},   {"user_id", "guest"},    {"expiration", "60000"},
    {"type", "invoice"},               {"reply_to", "replies"}, {"correlation_id", "c-9"}};

// Publishes a message with kProducerProperties and a producer's header as a foreign producer
// would, receives it, and sends what the worker sends when its handler failed: a copy with a
// RedeliveryStamp (and the retry's DelayStamp when `retry_delay_ms` > 0), then rejects it.
void fail_and_retry(const std::string& ex, std::int64_t retry_delay_ms) {
  auto t = open(dsn_for(ex));
  ASSERT_TRUE(t->setup());
  Raw raw;
  serializer::Headers headers{{"type", "App\\Message\\SmsNotification"}, {"x-tenant", "acme"}};
  transport::amqp::Outgoing out;
  out.exchange = ex;
  out.body = "{}";
  out.content_type = "application/json";
  out.headers = &headers;
  out.properties = &kProducerProperties;
  ASSERT_TRUE(raw->publish(out));
  auto got = get_within(*t, 10s);
  ASSERT_EQ(got.size(), 1u);
  ASSERT_FALSE(got[0].decode_error) << got[0].decode_error->message;
  core::Envelope copy = got[0].envelope;
  copy.add(serializer::make_redelivery_stamp(1, std::chrono::system_clock::now()));
  if (retry_delay_ms > 0) copy.add(serializer::make_delay_stamp(retry_delay_ms));
  ASSERT_TRUE(t->send(copy));
  ASSERT_TRUE(t->reject(got[0]));
}  // the consumer goes: the copy waits in its queue

TEST(AmqpTransport, ARetriedCopyKeepsThePropertiesAndTheProducersHeaders) {
  const auto ex = unique_name("keep");
  ASSERT_NO_FATAL_FAILURE(fail_and_retry(ex, 0));
  Raw raw;
  auto retried = raw.take(ex);
  ASSERT_TRUE(retried);
  EXPECT_EQ(retried->routing_key, ex) << "a retry is routed to its queue";
  EXPECT_EQ(retried->properties, kProducerProperties);
  EXPECT_EQ(retried->delivery_mode, 1);
  ASSERT_GE(retried->headers.size(), 3u);
  EXPECT_EQ(retried->headers[0], (std::pair<std::string, std::string>{"x-tenant", "acme"}));
  EXPECT_EQ(retried->headers[1].first, "type");
  EXPECT_EQ(retried->content_type, "application/json");
}

// The worker's retries wait in a delay queue first: the copy published there has them all.
TEST(AmqpTransport, ADelayedRetryCopyKeepsTheProperties) {
  const auto ex = unique_name("keepdelay");
  ASSERT_NO_FATAL_FAILURE(fail_and_retry(ex, 30000));
  Raw raw;
  auto retried = raw.take("delay_" + ex + "_" + ex + "_30000_retry");
  ASSERT_TRUE(retried);
  EXPECT_EQ(retried->properties, kProducerProperties);
  ASSERT_GE(retried->headers.size(), 1u);
  EXPECT_EQ(retried->headers[0], (std::pair<std::string, std::string>{"x-tenant", "acme"}));
}

// ReceivedMessage::delivery_count: 1 first; a message whose consumer went without acking is
// redelivered (classic queue: the redelivered flag, a lower bound of 2; quorum queue: its
// x-delivery-count + 1). A retried copy is a new message: it does not inherit the count.
void expect_delivery_counts(const std::string& ex, const std::string& query) {
  {
    auto t = open(dsn_for(ex, query));
    ASSERT_TRUE(t->send(message(R"({"n":"again"})")));
    auto first = get_within(*t, 10s);
    ASSERT_EQ(first.size(), 1u);
    EXPECT_EQ(first[0].delivery_count, 1u);
  }  // dropped without an ack: the broker delivers it again
  {
    auto t = open(dsn_for(ex, query));
    auto second = get_within(*t, 10s);
    ASSERT_EQ(second.size(), 1u);
    EXPECT_EQ(second[0].delivery_count, 2u);
    core::Envelope copy = second[0].envelope;
    copy.add(serializer::make_redelivery_stamp(1, std::chrono::system_clock::now()));
    ASSERT_TRUE(t->send(copy));
    ASSERT_TRUE(t->reject(second[0]));
    auto retried = get_within(*t, 10s);
    ASSERT_EQ(retried.size(), 1u);
    EXPECT_EQ(retried[0].delivery_count, 1u) << "a retried copy is delivered for the first time";
    ASSERT_TRUE(t->ack(retried[0]));
  }
}

TEST(AmqpTransport, DeliveryCountOfAClassicQueue) { expect_delivery_counts(unique_name("count"), ""); }

TEST(AmqpTransport, DeliveryCountOfAQuorumQueue) {
  const auto ex = unique_name("qcount");
  expect_delivery_counts(ex, "queues[" + ex + "][arguments][x-queue-type]=quorum");
}

TEST(AmqpTransport, RoutingKeysAndConsumeQueuesInTheGivenOrder) {
  const auto ex = unique_name("order");
  const auto qa = ex + "_a";
  const auto qb = ex + "_b";
  config::Value options = config::Value::map({
      {"exchange", config::Value::map({{"type", config::Value::string("direct")},
                                       {"default_publish_routing_key", config::Value::string("b")}})},
      {"queues", config::Value::map({{qa, config::Value::map({{"binding_keys", config::Value::list({config::Value::string("a")})}})},
                                     {qb, config::Value::map({{"binding_keys", config::Value::list({config::Value::string("b")})}})}})},
  });
  auto t = open(dsn_for(ex), options);
  ASSERT_TRUE(t->send(message(R"({"to":"b1"})")));  // default_publish_routing_key b
  ASSERT_TRUE(t->send(message(R"({"to":"b2"})")));
  core::Envelope to_a = message(R"({"to":"a1"})");
  to_a.add(core::Stamp{std::string(core::stamp_class::kAmqp), R"({"routingKey":"a"})"});
  ASSERT_TRUE(t->send(to_a));
  auto counts = t->queue_message_counts();
  ASSERT_TRUE(counts);
  ASSERT_EQ(counts->size(), 2u);
  EXPECT_EQ((*counts)[0], (std::pair<std::string, std::int64_t>{qa, 1}));
  EXPECT_EQ((*counts)[1], (std::pair<std::string, std::int64_t>{qb, 2}));
  EXPECT_EQ(t->message_count().value_or(-1), 3);

  ASSERT_TRUE(t->select_queues({qa, qb}));
  ASSERT_TRUE(t->get(0));  // connects and consumes
  ASSERT_TRUE(await([&] {
    t->heartbeat();  // reads what arrived without handing it out
    return t->buffered() == 3;
  }, 10s));
  auto got = t->get(10);
  ASSERT_TRUE(got);
  ASSERT_EQ(got->size(), 3u);
  EXPECT_EQ((*got)[0].queue, qa) << "the first selected queue comes first";
  EXPECT_EQ((*got)[1].queue, qb);
  EXPECT_EQ((*got)[2].queue, qb);
  for (auto& m : *got) EXPECT_TRUE(t->ack(m));

  EXPECT_FALSE(t->select_queues({"nope"}));
}

TEST(AmqpTransport, QuorumQueuesWithDelaysAndRetries) {
  const auto ex = unique_name("quorum");
  auto t = open(dsn_for(ex, "queues[" + ex + "][arguments][x-queue-type]=quorum"));
  ASSERT_TRUE(t->send(message(R"({"n":"q"})")));
  auto got = get_within(*t, 10s);
  ASSERT_EQ(got.size(), 1u);
  core::Envelope copy = got[0].envelope;
  copy.add(serializer::make_redelivery_stamp(1, std::chrono::system_clock::now()));
  copy.add(serializer::make_delay_stamp(500));
  ASSERT_TRUE(t->send(copy));
  ASSERT_TRUE(t->reject(got[0]));
  auto retried = get_within(*t, 15s);
  ASSERT_EQ(retried.size(), 1u);
  EXPECT_EQ(serializer::retry_count(retried[0].envelope), 1);
  ASSERT_TRUE(t->ack(retried[0]));
  ASSERT_TRUE(t->send(message(R"({"n":"delayed"})", 500)));
  auto delayed = get_within(*t, 15s);
  ASSERT_EQ(delayed.size(), 1u);
  ASSERT_TRUE(t->ack(delayed[0]));
  EXPECT_EQ(t->message_count().value_or(-1), 0);
  // It is a quorum queue: declaring it classic is refused, quorum accepted.
  Raw raw;
  EXPECT_TRUE(raw->declare_queue(ex, transport::amqp::kFlagDurable, {{"x-queue-type", std::string("quorum")}}, false));
  auto classic = raw->declare_queue(ex, transport::amqp::kFlagDurable, {{"x-queue-type", std::string("classic")}}, false);
  ASSERT_FALSE(classic);
  EXPECT_NE(classic.error().message.find("x-queue-type"), std::string::npos) << classic.error().message;
}

TEST(AmqpTransport, SetupDeclaresExactlySymfonysTopology) {
  const auto ex = unique_name("topology");
  const auto q = ex + "_q";
  const std::string query = "exchange[type]=topic&queues[" + q + "][binding_keys][0]=k1&queues[" + q +
                            "][binding_keys][1]=k2&queues[" + q + "][arguments][x-max-priority]=5";
  auto t = open(dsn_for(ex, query));
  ASSERT_TRUE(t->setup());
  core::Envelope e = message("{}", 60000);
  e.add(core::Stamp{std::string(core::stamp_class::kAmqp), R"({"routingKey":"k1"})"});
  ASSERT_TRUE(t->send(e));
  const auto delay_queue = "delay_" + ex + "_k1_60000_delay";

  // What the broker holds, literally (one rabbitmqctl call: each costs seconds).
  const auto queues = broker().rabbitmqctl({"-q", "list_queues", "name", "durable", "auto_delete", "exclusive", "arguments"});
  EXPECT_NE(queues.find(q + "\ttrue\tfalse\tfalse\t[{\"x-max-priority\",5}]"), std::string::npos) << queues;
  EXPECT_NE(queues.find(delay_queue + "\ttrue\tfalse\tfalse\t[{\"x-message-ttl\",60000},{\"x-expires\",70000},"
                                      "{\"x-dead-letter-exchange\",\"" + ex + "\"},{\"x-dead-letter-routing-key\",\"k1\"}]"),
            std::string::npos)
      << queues;

  // Declared as Symfony declares them, they are equivalent (no PRECONDITION_FAILED).
  Raw raw;
  EXPECT_TRUE(raw->declare_exchange(ex, "topic", transport::amqp::kFlagDurable, {}));
  EXPECT_TRUE(raw->declare_exchange("delays", "direct", transport::amqp::kFlagDurable, {}));
  EXPECT_TRUE(raw->declare_queue(q, transport::amqp::kFlagDurable, {{"x-max-priority", std::int64_t{5}}}, false));
  EXPECT_TRUE(raw->declare_queue(delay_queue, transport::amqp::kFlagDurable,
                                 {{"x-message-ttl", std::int64_t{60000}},
                                  {"x-expires", std::int64_t{70000}},
                                  {"x-dead-letter-exchange", ex},
                                  {"x-dead-letter-routing-key", std::string("k1")}},
                                 false));
  // Bindings: both keys reach the queue; the delay exchange routes by the delay queue's name.
  for (const char* key : {"k1", "k2", "elsewhere"}) {
    transport::amqp::Outgoing out;
    out.exchange = ex;
    out.routing_key = key;
    out.body = "{}";
    ASSERT_TRUE(raw->publish(out));
  }
  transport::amqp::Outgoing delayed;
  delayed.exchange = "delays";
  delayed.routing_key = delay_queue;
  delayed.body = "{}";
  ASSERT_TRUE(raw->publish(delayed));
  EXPECT_TRUE(await([&] { return raw.count(q) == 2; }, 5s)) << raw.count(q);
  EXPECT_TRUE(await([&] { return raw.count(delay_queue) == 2; }, 5s)) << raw.count(delay_queue);

  // Declaring everything again (as the other side would) is accepted.
  auto again = open(dsn_for(ex, query));
  EXPECT_TRUE(again->setup());
  EXPECT_TRUE(again->send(e));
  // A mismatch is reported, not ignored.
  auto other = open(dsn_for(ex, "exchange[type]=fanout"));
  auto refused = other->setup();
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().message.find("PRECONDITION_FAILED"), std::string::npos) << refused.error().message;
}

TEST(AmqpTransport, SeveralHostsAreTriedInOrder) {
  const auto ex = unique_name("failover");
  const int closed_port = testing::rabbitmq_detail::free_port();
  auto t = open(dsn_for(ex), config::Value::map({{"host", config::Value::string("127.0.0.1:" + std::to_string(closed_port) +
                                                                              ",127.0.0.1:" + std::to_string(broker().port()))}}));
  ASSERT_TRUE(t->send(message("{}")));
  auto got = get_within(*t, 10s);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_TRUE(t->ack(got[0]));
}

TEST(AmqpTransport, WrongCredentialsAreAClearErrorWithoutThePassword) {
  auto t = open("amqp://guest:s3cret-wrong@127.0.0.1:" + std::to_string(broker().port()) + "/%2f/" + unique_name("auth"));
  auto sent = t->send(message("{}"));
  ASSERT_FALSE(sent);
  EXPECT_NE(sent.error().message.find("login refused"), std::string::npos) << sent.error().message;
  EXPECT_EQ(sent.error().message.find("s3cret-wrong"), std::string::npos);
}

}  // namespace
}  // namespace messengerd::amqp_test
