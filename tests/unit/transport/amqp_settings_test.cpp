// amqp:// DSN and option parsing: Symfony 5.4's forms, names and defaults; clear errors naming
// the option; no password in any message. Needs no broker.
#include <gtest/gtest.h>

#include "config/config.hpp"
#include "config/dsn.hpp"
#include "transport/amqp/settings.hpp"

namespace messengerd::transport::amqp {
namespace {

using config::Value;

core::Result<AmqpSettings> resolve(const std::string& dsn, Value options = Value::map({})) {
  static config::Config config;
  config::TransportConfig tc;
  tc.name = "async";
  tc.dsn = dsn;
  auto parsed = config::parse_dsn(dsn);
  EXPECT_TRUE(parsed) << dsn;
  tc.dsn_parsed = *parsed;
  tc.options = Value::merged(parsed->query, options);
  TransportContext context{tc, config, nullptr, {}};
  return resolve_settings(context);
}

TEST(AmqpSettings, SymfonysDefaults) {
  auto s = resolve("amqp://localhost");
  ASSERT_TRUE(s) << s.error().message;
  ASSERT_EQ(s->endpoints.size(), 1u);
  EXPECT_EQ(s->endpoints[0].host, "localhost");
  EXPECT_EQ(s->endpoints[0].port, 5672);
  EXPECT_EQ(s->vhost, "/");
  EXPECT_EQ(s->login, "guest");
  EXPECT_EQ(s->password, "guest");
  EXPECT_EQ(s->exchange.name, "messages");
  EXPECT_EQ(s->exchange.type, "fanout");
  EXPECT_EQ(s->exchange.flags, kFlagDurable);
  EXPECT_FALSE(s->exchange.default_publish_routing_key);
  ASSERT_EQ(s->queues.size(), 1u);
  EXPECT_EQ(s->queues[0].name, "messages");
  EXPECT_EQ(s->queues[0].binding_keys, std::vector<std::string>{""});
  EXPECT_EQ(s->queues[0].flags, kFlagDurable);
  EXPECT_EQ(s->delay.exchange_name, "delays");
  EXPECT_EQ(s->delay.queue_name_pattern, "delay_%exchange_name%_%routing_key%_%delay%");
  EXPECT_TRUE(s->auto_setup);
  EXPECT_FALSE(s->tls.enabled);
}

TEST(AmqpSettings, DsnPartsAndPercentEncodedVhost) {
  auto s = resolve("amqp://us%40er:p%3Ass@rabbit:5673/%2f/capex");
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_EQ(s->endpoints[0].host, "rabbit");
  EXPECT_EQ(s->endpoints[0].port, 5673);
  EXPECT_EQ(s->login, "us@er");
  EXPECT_EQ(s->password, "p:ss");
  EXPECT_EQ(s->vhost, "/");
  EXPECT_EQ(s->exchange.name, "capex");
  EXPECT_EQ(s->queues[0].name, "capex");

  auto vhost = resolve("amqp://h/prod");
  ASSERT_TRUE(vhost);
  EXPECT_EQ(vhost->vhost, "prod");
  EXPECT_EQ(vhost->exchange.name, "messages");
}

TEST(AmqpSettings, NestedOptionsFromTheQueryString) {
  auto s = resolve(
      "amqp://h/%2f/ex?exchange[type]=topic&exchange[default_publish_routing_key]=normal"
      "&queues[q1][binding_keys][0]=a&queues[q1][binding_keys][1]=b&queues[q1][arguments][x-message-ttl]=1000"
      "&queues[q1][arguments][x-queue-type]=quorum&queues[q2][flags]=18"
      "&delay[exchange_name]=later&delay[queue_name_pattern]=d_%25delay%25&auto_setup=false&prefetch_count=7"
      "&heartbeat=5&confirm_timeout=0.5&read_timeout=3");
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_EQ(s->exchange.type, "topic");
  EXPECT_EQ(s->exchange.default_publish_routing_key.value_or(""), "normal");
  ASSERT_EQ(s->queues.size(), 2u);
  EXPECT_EQ(s->queues[0].name, "q1");
  EXPECT_EQ(s->queues[0].binding_keys, (std::vector<std::string>{"a", "b"}));
  ASSERT_EQ(s->queues[0].arguments.size(), 2u);
  EXPECT_EQ(s->queues[0].arguments[0].first, "x-message-ttl");
  EXPECT_EQ(std::get<std::int64_t>(s->queues[0].arguments[0].second), 1000);
  EXPECT_EQ(std::get<std::string>(s->queues[0].arguments[1].second), "quorum");
  EXPECT_EQ(s->queues[1].name, "q2");
  EXPECT_EQ(s->queues[1].flags, kFlagDurable | kFlagAutoDelete);
  EXPECT_EQ(s->delay.exchange_name, "later");
  EXPECT_EQ(s->delay.queue_name_pattern, "d_%delay%");
  EXPECT_FALSE(s->auto_setup);
  EXPECT_EQ(s->prefetch_count, 7);
  EXPECT_EQ(s->heartbeat, 5);
  EXPECT_EQ(s->confirm_timeout, std::chrono::milliseconds(500));
  EXPECT_EQ(s->read_timeout, std::chrono::milliseconds(3000));
}

TEST(AmqpSettings, NestedOptionsFromTheOptionsMap) {
  Value options = Value::map({
      {"exchange", Value::map({{"name", Value::string("from_options")}, {"flags", Value::string("AMQP_DURABLE|AMQP_INTERNAL")}})},
      {"queues", Value::map({{"jobs", Value::map({{"binding_keys", Value::list({Value::string("k")})},
                                                  {"arguments", Value::map({{"x-single-active-consumer", Value::string("true")},
                                                                            {"x-delivery-limit", Value::string("5")},
                                                                            {"x-dead-letter-routing-key", Value::string("123")}})}})},
                             {"other", Value()}})},
  });
  auto s = resolve("amqp://h", options);
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_EQ(s->exchange.name, "from_options");
  EXPECT_EQ(s->exchange.flags, kFlagDurable | kFlagInternal);
  ASSERT_EQ(s->queues.size(), 2u);
  const auto& args = s->queues[0].arguments;
  ASSERT_EQ(args.size(), 3u);
  EXPECT_EQ(std::get<bool>(args[0].second), true);
  EXPECT_EQ(std::get<std::int64_t>(args[1].second), 5);
  EXPECT_EQ(std::get<std::string>(args[2].second), "123") << "a routing key stays a string";
  EXPECT_EQ(s->queues[1].name, "other");
  EXPECT_EQ(s->queues[1].binding_keys, std::vector<std::string>{""});
}

TEST(AmqpSettings, OptionsOverrideTheDsnAndSeveralHostsFailOver) {
  auto s = resolve("amqp://u:p@h1/%2f/ex?vhost=other&login=ignored",
                   Value::map({{"host", Value::string("r1,r2:5674")}, {"port", Value::string("5675")}}));
  ASSERT_TRUE(s) << s.error().message;
  ASSERT_EQ(s->endpoints.size(), 2u);
  EXPECT_EQ(s->endpoints[0].host, "r1");
  EXPECT_EQ(s->endpoints[0].port, 5675);
  EXPECT_EQ(s->endpoints[1].host, "r2");
  EXPECT_EQ(s->endpoints[1].port, 5674);
  EXPECT_EQ(s->vhost, "other");
  EXPECT_EQ(s->login, "u") << "the DSN's user info wins, as in Symfony";

  auto dsn_hosts = resolve("amqp://a:1,b:2/%2f/ex");
  ASSERT_TRUE(dsn_hosts);
  ASSERT_EQ(dsn_hosts->endpoints.size(), 2u);
  EXPECT_EQ(dsn_hosts->endpoints[1].host, "b");
}

TEST(AmqpSettings, Tls) {
  auto s = resolve("amqps://h/%2f/ex?cacert=/ca.pem&cert=/c.pem&key=/c.key&verify=false");
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_TRUE(s->tls.enabled);
  EXPECT_EQ(s->endpoints[0].port, 5671);
  EXPECT_EQ(s->tls.cacert, "/ca.pem");
  EXPECT_EQ(s->tls.cert, "/c.pem");
  EXPECT_EQ(s->tls.key, "/c.key");
  EXPECT_FALSE(s->tls.verify);

  auto no_ca = resolve("amqps://h");
  ASSERT_FALSE(no_ca);
  EXPECT_NE(no_ca.error().message.find("cacert"), std::string::npos);
  auto clear = resolve("amqp://h?cacert=/ca.pem");
  ASSERT_FALSE(clear);
  EXPECT_NE(clear.error().message.find("amqps://"), std::string::npos);
  EXPECT_FALSE(resolve("amqps://h?cacert=/ca.pem&cert=/c.pem"));  // cert without key
}

TEST(AmqpSettings, ErrorsNameTheOptionAndHideThePassword) {
  auto unknown = resolve("amqp://u:s3cret@h?nope=1");
  ASSERT_FALSE(unknown);
  EXPECT_NE(unknown.error().message.find("\"nope\""), std::string::npos) << unknown.error().message;
  EXPECT_NE(unknown.error().message.find("transport \"async\""), std::string::npos);
  EXPECT_EQ(unknown.error().message.find("s3cret"), std::string::npos) << unknown.error().message;

  auto queue_option = resolve("amqp://h?queues[q][binding_key]=x");
  ASSERT_FALSE(queue_option);
  EXPECT_NE(queue_option.error().message.find("queues[q][binding_key]"), std::string::npos) << queue_option.error().message;

  auto exchange_option = resolve("amqp://h?exchange[kind]=x");
  ASSERT_FALSE(exchange_option);
  EXPECT_NE(exchange_option.error().message.find("exchange[kind]"), std::string::npos);

  auto ttl = resolve("amqp://h?queues[q][arguments][x-message-ttl]=soon");
  ASSERT_FALSE(ttl);
  EXPECT_NE(ttl.error().message.find("x-message-ttl"), std::string::npos);

  auto flags = resolve("amqp://h?exchange[flags]=AMQP_SOMETIMES");
  ASSERT_FALSE(flags);
  EXPECT_NE(flags.error().message.find("exchange[flags]"), std::string::npos);

  auto type = resolve("amqp://h?exchange[type]=round_robin");
  ASSERT_FALSE(type);
  EXPECT_NE(type.error().message.find("exchange[type]"), std::string::npos);

  auto timeout = resolve("amqp://h?confirm_timeout=-1");
  ASSERT_FALSE(timeout);
  EXPECT_NE(timeout.error().message.find("confirm_timeout"), std::string::npos);

  auto path = resolve("amqp://h/a/b/c");
  ASSERT_FALSE(path);
  EXPECT_NE(path.error().message.find("path"), std::string::npos);
}

TEST(AmqpSettings, DelayQueueNamesAndArgumentsAsSymfony) {
  auto s = resolve("amqp://h/%2f/capex");
  ASSERT_TRUE(s);
  EXPECT_EQ(delay_queue_name(*s, 60000, "", false), "delay_capex__60000_delay");
  EXPECT_EQ(delay_queue_name(*s, 1000, "capex", true), "delay_capex_capex_1000_retry");
  const auto args = delay_queue_arguments(*s, 60000, "", false);
  ASSERT_EQ(args.size(), 4u);
  EXPECT_EQ(args[0], (std::pair<std::string, ArgumentValue>{"x-message-ttl", std::int64_t{60000}}));
  EXPECT_EQ(args[1], (std::pair<std::string, ArgumentValue>{"x-expires", std::int64_t{70000}}));
  EXPECT_EQ(args[2], (std::pair<std::string, ArgumentValue>{"x-dead-letter-exchange", std::string("capex")}));
  EXPECT_EQ(args[3], (std::pair<std::string, ArgumentValue>{"x-dead-letter-routing-key", std::string("")}));
  const auto retry = delay_queue_arguments(*s, 1000, "capex", true);
  EXPECT_EQ(std::get<std::string>(retry[2].second), "") << "retries dead-letter through the default exchange";
  EXPECT_EQ(std::get<std::string>(retry[3].second), "capex");
}

}  // namespace
}  // namespace messengerd::transport::amqp
