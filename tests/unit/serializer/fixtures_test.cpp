// Every envelope Symfony 5.4 encoded (tests/fixtures/symfony-5.4) decodes and re-encodes to the
// same bytes; typed builders reproduce Symfony's stamp JSON exactly.
#include <gtest/gtest.h>

#include <filesystem>

#include "fixture_loader.hpp"
#include "serializer/php_json.hpp"
#include "serializer/serializer.hpp"
#include "serializer/stamps.hpp"

namespace messengerd::serializer {
namespace {

namespace fs = std::filesystem;
const fs::path& kFixtures = testing::kFixtureDir;
EncodedEnvelope load(const std::string& name) { return testing::load_fixture(name); }

TEST(Fixtures, EveryJsonFixtureRoundTripsByteForByte) {
  SymfonyJsonSerializer serializer;
  int checked = 0;
  for (const auto& entry : fs::directory_iterator(kFixtures)) {
    const auto name = entry.path().filename().string();
    if (name.starts_with("php-serializer")) continue;
    auto encoded = load(name);
    auto decoded = serializer.decode(encoded);
    ASSERT_TRUE(decoded) << name << ": " << decoded.error().message;
    EXPECT_EQ(serializer.encode(*decoded), encoded) << name;
    ++checked;
  }
  EXPECT_GE(checked, 12);
}

TEST(Fixtures, PhpSerializedBodiesAreRefusedWithAClearReason) {
  SymfonyJsonSerializer serializer;
  for (const char* name : {"php-serializer-plain.json", "php-serializer-failed-after-retries.json"}) {
    auto encoded = load(name);
    EXPECT_TRUE(looks_php_serialized(encoded.body)) << name;
    auto decoded = serializer.decode(encoded);
    ASSERT_FALSE(decoded) << name;
    EXPECT_EQ(decoded.error().kind, core::ErrorKind::decode);
    EXPECT_NE(decoded.error().message.find("messenger.transport.symfony_serializer"), std::string::npos);
  }
}

TEST(Fixtures, BuildersWriteWhatSymfonyWrites) {
  SymfonyJsonSerializer serializer;
  auto expected = load("sent-to-failure.json");
  auto decoded = serializer.decode(expected);
  ASSERT_TRUE(decoded);
  // Rebuild each known stamp from its read values and compare the JSON text.
  for (const auto& stamp : decoded->stamps()) {
    core::Envelope single("X", "{}");
    single.add(stamp);
    if (stamp.fqcn == core::stamp_class::kSentToFailureTransport) {
      EXPECT_EQ(make_sent_to_failure_transport_stamp(*original_receiver_name(single)), stamp);
    } else if (stamp.fqcn == core::stamp_class::kDelay) {
      EXPECT_EQ(make_delay_stamp(*delay_ms(single)), stamp);
    } else if (stamp.fqcn == core::stamp_class::kBusName) {
      EXPECT_EQ(make_bus_name_stamp(*bus_name(single)), stamp);
    }
  }
  core::Envelope delayed("App\\Message\\SmsNotification", R"({"phoneNumber":"+15551234","content":"hello"})");
  delayed.add(make_delay_stamp(5000));
  EXPECT_EQ(serializer.encode(delayed), load("delay.json"));
}

TEST(Fixtures, RedeliveryStampHasThe54Shape) {
  auto t = std::chrono::system_clock::from_time_t(1795534210);  // 2026-11-24T15:30:10Z
  EXPECT_EQ(make_redelivery_stamp(2, t).json,
            R"({"retryCount":2,"exceptionMessage":null,"flattenException":null,"redeliveredAt":"2026-11-24T15:30:10+00:00"})");
}

TEST(Decode, MissingTypeOrBrokenStampHeaderIsADecodeError) {
  SymfonyJsonSerializer serializer;
  EXPECT_FALSE(serializer.decode({"{}", {}}));
  EXPECT_FALSE(serializer.decode({"{}", {{"type", "A"}, {"X-Message-Stamp-Foo", "not json"}}}));
  EXPECT_FALSE(serializer.decode({"{}", {{"type", "A"}, {"X-Message-Stamp-Foo", "[1,2]"}}}));
  auto ok = serializer.decode({"{}", {{"type", "A"}, {"X-Message-Stamp-Foo", R"([{"a":"}"} , {"b":[1,{"c":2}]}])"}}});
  ASSERT_TRUE(ok);
  ASSERT_EQ(ok->stamps().size(), 2u);
  EXPECT_EQ(ok->stamps()[0].json, R"({"a":"}"})");
  EXPECT_EQ(ok->stamps()[1].json, R"({"b":[1,{"c":2}]})");
}

TEST(Encode, NonSendableStampsAreNotWritten) {
  SymfonyJsonSerializer serializer;
  core::Envelope e("A", "{}");
  e.add({std::string(core::stamp_class::kReceived), R"({"transportName":"async"})"});
  e.add(make_bus_name_stamp("messenger.bus.default"));
  auto encoded = serializer.encode(e);
  ASSERT_EQ(encoded.headers.size(), 3u);
  EXPECT_EQ(encoded.headers[1].first, "X-Message-Stamp-Symfony\\Component\\Messenger\\Stamp\\BusNameStamp");
  EXPECT_EQ(encoded.headers[2], (std::pair<std::string, std::string>{"Content-Type", "application/json"}));
}

TEST(SerializerFor, KnowsTheSymfonySerializerOnly) {
  EXPECT_NE(serializer_for(""), nullptr);
  EXPECT_NE(serializer_for("messenger.transport.symfony_serializer"), nullptr);
  EXPECT_EQ(serializer_for("messenger.transport.native_php_serializer"), nullptr);
}

}  // namespace
}  // namespace messengerd::serializer
