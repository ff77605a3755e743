#include <gtest/gtest.h>

#include "serializer/serializer.hpp"
#include "serializer/stamps.hpp"
#include "transport/in_memory/factory.hpp"
#include "transport/in_memory/in_memory_transport.hpp"

namespace messengerd::transport::in_memory {
namespace {

using namespace std::chrono_literals;

core::Envelope hello(int n) { return core::Envelope("App\\Message\\Hello", "{\"n\":" + std::to_string(n) + "}"); }

struct InMemoryTest : ::testing::Test {
  std::chrono::steady_clock::time_point clock_now{};
  InMemoryTransport transport{"mem", nullptr, false, [this] { return clock_now; }};
};

TEST_F(InMemoryTest, SendGetAck) {
  auto id = transport.send(hello(1));
  ASSERT_TRUE(id.has_value());
  EXPECT_EQ(*id, "1");
  auto got = transport.get(10);
  ASSERT_TRUE(got.has_value());
  ASSERT_EQ(got->size(), 1U);
  EXPECT_EQ((*got)[0].id, "1");
  EXPECT_EQ((*got)[0].envelope.body(), "{\"n\":1}");
  EXPECT_EQ(serializer::transport_message_id((*got)[0].envelope), std::optional<std::string>("1"));
  // Delivered and not acked: not handed out twice.
  EXPECT_TRUE(transport.get(10)->empty());
  ASSERT_TRUE(transport.ack((*got)[0]).has_value());
  EXPECT_EQ(transport.acknowledged().size(), 1U);
  EXPECT_EQ(transport.sent().size(), 1U);
  EXPECT_EQ(*transport.message_count(), 0);
  EXPECT_TRUE(transport.all(std::nullopt)->empty());
}

TEST_F(InMemoryTest, RejectRemovesAndRecords) {
  ASSERT_TRUE(transport.send(hello(1)).has_value());
  auto got = transport.get(1);
  ASSERT_EQ(got->size(), 1U);
  ASSERT_TRUE(transport.reject((*got)[0]).has_value());
  EXPECT_EQ(transport.rejected().size(), 1U);
  EXPECT_TRUE(transport.acknowledged().empty());
  EXPECT_TRUE(transport.find("1")->has_value() == false);
}

TEST_F(InMemoryTest, GetHonoursMaxAndOrder) {
  for (int i = 1; i <= 3; ++i) ASSERT_TRUE(transport.send(hello(i)).has_value());
  auto first = transport.get(2);
  ASSERT_EQ(first->size(), 2U);
  EXPECT_EQ((*first)[0].id, "1");
  EXPECT_EQ((*first)[1].id, "2");
  EXPECT_EQ(*transport.message_count(), 1);
  auto second = transport.get(2);
  ASSERT_EQ(second->size(), 1U);
  EXPECT_EQ((*second)[0].id, "3");
}

TEST_F(InMemoryTest, DelayedMessageIsNotReturnedBeforeItIsDue) {
  auto delayed = hello(1);
  delayed.add(serializer::make_delay_stamp(5000));
  ASSERT_TRUE(transport.send(delayed).has_value());
  ASSERT_TRUE(transport.send(hello(2)).has_value());
  auto now = transport.get(10);
  ASSERT_EQ(now->size(), 1U);
  EXPECT_EQ((*now)[0].id, "2");
  EXPECT_EQ(transport.readiness().max_wait, 5000ms);
  clock_now += 4999ms;
  EXPECT_TRUE(transport.get(10)->empty());
  clock_now += 1ms;
  auto due = transport.get(10);
  ASSERT_EQ(due->size(), 1U);
  EXPECT_EQ((*due)[0].id, "1");
}

TEST_F(InMemoryTest, ListFindRemove) {
  for (int i = 1; i <= 3; ++i) ASSERT_TRUE(transport.send(hello(i)).has_value());
  auto listed = transport.all(2);
  ASSERT_EQ(listed->size(), 2U);
  EXPECT_EQ((*listed)[1].id, "2");
  auto found = transport.find("3");
  ASSERT_TRUE(found->has_value());
  EXPECT_EQ((*found)->envelope.body(), "{\"n\":3}");
  EXPECT_FALSE(transport.find("9")->has_value());
  EXPECT_FALSE(transport.find("x")->has_value());
  ASSERT_TRUE(transport.remove("2").has_value());
  EXPECT_EQ(transport.remove("2").error().kind, core::ErrorKind::not_found);
  EXPECT_EQ(transport.all(std::nullopt)->size(), 2U);
  EXPECT_EQ(*transport.message_count(), 2);
}

TEST_F(InMemoryTest, ResetForgetsEverything) {
  ASSERT_TRUE(transport.send(hello(1)).has_value());
  transport.reset();
  EXPECT_TRUE(transport.sent().empty());
  EXPECT_TRUE(transport.get(1)->empty());
}

TEST(InMemorySerialize, RoundTripDropsNonSendableStamps) {
  auto serializer = std::make_shared<serializer::SymfonyJsonSerializer>();
  InMemoryTransport transport("mem", serializer, true);
  auto e = hello(1);
  e.add(core::Stamp{std::string(core::stamp_class::kReceived), R"({"transportName":"x"})"});
  e.add(serializer::make_bus_name_stamp("messenger.bus.default"));
  ASSERT_TRUE(transport.send(e).has_value());
  auto got = transport.get(1);
  ASSERT_EQ(got->size(), 1U);
  EXPECT_FALSE((*got)[0].envelope.has(core::stamp_class::kReceived));
  EXPECT_EQ(serializer::bus_name((*got)[0].envelope), std::optional<std::string>("messenger.bus.default"));
  EXPECT_EQ(serializer::transport_message_id((*got)[0].envelope), std::optional<std::string>("1"));
}

TEST(InMemoryFactory, ReadsSerializeOptionAndRejectsUnknownOnes) {
  EXPECT_EQ(in_memory_schemes(), std::vector<std::string>{"in-memory"});
  config::Config cfg;
  config::TransportConfig tc;
  tc.name = "mem";
  tc.options = config::Value::map({{"serialize", config::Value::string("true")}});
  TransportContext context{tc, cfg, std::make_shared<serializer::SymfonyJsonSerializer>(), {}};
  auto t = create_in_memory_transport(context);
  ASSERT_TRUE(t.has_value());
  auto e = hello(1);
  e.add(core::Stamp{std::string(core::stamp_class::kReceived), R"({"transportName":"x"})"});
  ASSERT_TRUE((*t)->send(e).has_value());
  auto* mem = dynamic_cast<InMemoryTransport*>(t->get());
  ASSERT_NE(mem, nullptr);
  EXPECT_FALSE(mem->sent().at(0).has(core::stamp_class::kReceived));

  tc.options = config::Value::map({{"serialise", config::Value::string("true")}});
  auto bad = create_in_memory_transport(context);
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error().kind, core::ErrorKind::invalid_argument);
  EXPECT_NE(bad.error().message.find("serialise"), std::string::npos);
}

}  // namespace
}  // namespace messengerd::transport::in_memory
