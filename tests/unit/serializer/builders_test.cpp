// Envelopes built from the typed stamp builders encode to exactly the bytes Symfony 5.4 wrote
// for the same envelope (tests/fixtures/symfony-5.4), header order included.
#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "fixture_loader.hpp"
#include "serializer/php_json.hpp"
#include "serializer/serializer.hpp"
#include "serializer/stamps.hpp"

namespace messengerd::serializer {
namespace {

using testing::kSmsBody;
using testing::kSmsType;
using testing::load_fixture;

const auto kRedeliveredAt = std::chrono::system_clock::from_time_t(1795534210);  // 2026-11-24T15:30:10Z

core::Envelope sms() { return core::Envelope(kSmsType, kSmsBody); }

void expect_encodes_to(const core::Envelope& envelope, const std::string& fixture) {
  const SymfonyJsonSerializer serializer;
  const auto expected = load_fixture(fixture);
  const auto actual = serializer.encode(envelope);
  ASSERT_EQ(actual.headers.size(), expected.headers.size()) << fixture;
  for (std::size_t i = 0; i < expected.headers.size(); ++i) {
    EXPECT_EQ(actual.headers[i], expected.headers[i]) << fixture << " header " << i;
  }
  EXPECT_EQ(actual.body, expected.body) << fixture;
  EXPECT_EQ(actual, expected) << fixture;
}

TEST(Builders, Plain) { expect_encodes_to(sms(), "plain.json"); }

TEST(Builders, DelayStamp) {
  auto e = sms();
  e.add(make_delay_stamp(5000));
  expect_encodes_to(e, "delay.json");
}

TEST(Builders, BusNameStamp) {
  auto e = sms();
  e.add(make_bus_name_stamp("messenger.bus.default"));
  expect_encodes_to(e, "bus-name.json");
}

TEST(Builders, RedeliveryStamp) {
  auto e = sms();
  e.add(make_redelivery_stamp(2, kRedeliveredAt));
  expect_encodes_to(e, "redelivery.json");
}

TEST(Builders, TwoStampsOfOneClassShareOneHeader) {
  auto e = sms();
  e.add(make_redelivery_stamp(1, kRedeliveredAt));
  e.add(make_redelivery_stamp(2, kRedeliveredAt));
  expect_encodes_to(e, "two-redeliveries.json");
}

TEST(Builders, ErrorDetailsWithoutFlattenException) {
  auto e = sms();
  e.add(make_error_details_stamp("RuntimeException", 7, "boom"));
  expect_encodes_to(e, "error-details-simple.json");
}

TEST(Builders, ErrorDetailsWithAFlattenExceptionKeepItsText) {
  const auto expected = load_fixture("error-details-from-throwable.json");
  const auto* header = expected.header("X-Message-Stamp-Symfony\\Component\\Messenger\\Stamp\\ErrorDetailsStamp");
  ASSERT_NE(header, nullptr);
  const std::string key = R"("flattenException":)";
  const auto start = header->find(key) + key.size();
  const std::string flat = header->substr(start, header->size() - start - 2);  // up to "}]"
  auto e = sms();
  e.add(make_error_details_stamp("LogicException", 3, "handler broke", flat));
  expect_encodes_to(e, "error-details-from-throwable.json");
}

TEST(Builders, SentToFailureTransportStamp) {
  auto e = sms();
  e.add(make_sent_to_failure_transport_stamp("async"));
  expect_encodes_to(e, "sent-to-failure.json");
}

TEST(Builders, TransportMessageIdStampWithARedisId) {
  auto e = sms();
  e.add(make_transport_message_id_stamp("1795534216777-0"));
  expect_encodes_to(e, "transport-message-id.json");
}

TEST(Builders, HandledStamp) {
  auto e = sms();
  e.add(make_handled_stamp("App\\MessageHandler\\SmsNotificationHandler::__invoke", R"("ok")"));
  expect_encodes_to(e, "handled.json");
}

TEST(Builders, FailedAfterRetriesKeepsTheOrderStampsWereAdded) {
  auto e = sms();
  e.add(make_bus_name_stamp("messenger.bus.default"));
  e.add(make_redelivery_stamp(3, kRedeliveredAt));
  e.add(make_delay_stamp(0));
  e.add(make_sent_to_failure_transport_stamp("async"));
  e.add(make_error_details_stamp("RuntimeException", 0, "SMS gateway timed out"));
  expect_encodes_to(e, "failed-after-retries.json");
}

TEST(Builders, NonSendableStampsAreDropped) {
  auto e = sms();
  e.add({std::string(core::stamp_class::kReceived), R"({"transportName":"async"})"});
  e.add({std::string(core::stamp_class::kSent), R"({"senderClass":"X","senderAlias":"async"})"});
  e.add({std::string(core::stamp_class::kConsumedByWorker), "{}"});
  e.add({std::string(core::stamp_class::kAck), "{}"});
  e.add({std::string(core::stamp_class::kNoAutoAck), "{}"});
  e.add({std::string(core::stamp_class::kFlushBatchHandlers), "{}"});
  e.add({std::string(core::stamp_class::kDispatchAfterCurrentBus), "{}"});
  e.add({std::string(core::stamp_class::kAmqp), "{}"});
  e.add({"Symfony\\Component\\Messenger\\Bridge\\Redis\\Transport\\RedisReceivedStamp", R"({"id":"1-0"})"});
  e.add(make_bus_name_stamp("b"));
  expect_encodes_to(e, "non-sendable-dropped.json");
}

TEST(Builders, UnicodeBodyIsWhatPhpJsonEncodeWrites) {
  // The message JSON is the app's; building it with php_json_string must match PHP's bytes.
  auto content = php_json_string("Gr\xC3\xBC\xC3\x9F" "e \xF0\x9F\x91\x8B \"quoted\" / slash \\ back");
  ASSERT_TRUE(content);
  core::Envelope e(kSmsType, R"({"phoneNumber":"+4930","content":)" + *content + "}");
  expect_encodes_to(e, "unicode-body.json");
}

TEST(Builders, InterleavedClassesGroupByFirstAppearance) {
  const SymfonyJsonSerializer serializer;
  auto e = sms();
  e.add(make_delay_stamp(1));
  e.add(make_bus_name_stamp("a"));
  e.add(make_delay_stamp(2));
  e.add({"App\\Stamp\\Custom", R"({ "kept" : "as is" })"});
  const auto encoded = serializer.encode(e);
  ASSERT_EQ(encoded.headers.size(), 5u);
  EXPECT_EQ(encoded.headers[0], (std::pair<std::string, std::string>{"type", kSmsType}));
  EXPECT_EQ(encoded.headers[1].first, "X-Message-Stamp-Symfony\\Component\\Messenger\\Stamp\\DelayStamp");
  EXPECT_EQ(encoded.headers[1].second, R"([{"delay":1},{"delay":2}])");
  EXPECT_EQ(encoded.headers[2].first, "X-Message-Stamp-Symfony\\Component\\Messenger\\Stamp\\BusNameStamp");
  EXPECT_EQ(encoded.headers[3], (std::pair<std::string, std::string>{"X-Message-Stamp-App\\Stamp\\Custom",
                                                                     R"([{ "kept" : "as is" }])"}));
  EXPECT_EQ(encoded.headers[4], (std::pair<std::string, std::string>{"Content-Type", "application/json"}));
  // Decoding groups stamps by class, as PHP does: Delay, Delay, BusName, Custom.
  auto decoded = serializer.decode(encoded);
  ASSERT_TRUE(decoded);
  ASSERT_EQ(decoded->stamps().size(), 4u);
  EXPECT_EQ(decoded->stamps()[1], make_delay_stamp(2));
  EXPECT_EQ(serializer.encode(*decoded), encoded);
}

}  // namespace
}  // namespace messengerd::serializer
