// Decoding: what Symfony refuses is refused with a decode error that says why; stamps keep
// their exact JSON text; the typed readers see what PHP wrote.
#include <gtest/gtest.h>

#include <string>

#include "fixture_loader.hpp"
#include "serializer/serializer.hpp"
#include "serializer/stamps.hpp"

namespace messengerd::serializer {
namespace {

using testing::load_fixture;

core::Error decode_error_of(const EncodedEnvelope& encoded) {
  auto decoded = SymfonyJsonSerializer().decode(encoded);
  EXPECT_FALSE(decoded);
  return decoded ? core::Error{} : decoded.error();
}

bool mentions(const core::Error& error, std::string_view text) {
  return error.message.find(text) != std::string::npos;
}

TEST(Decode, RefusesAMissingBodyOrType) {
  auto e = decode_error_of({"", {{"type", "A"}}});
  EXPECT_EQ(e.kind, core::ErrorKind::decode);
  EXPECT_TRUE(mentions(e, "body")) << e.message;

  e = decode_error_of({"{}", {}});
  EXPECT_EQ(e.kind, core::ErrorKind::decode);
  EXPECT_TRUE(mentions(e, "type")) << e.message;

  e = decode_error_of({"{}", {{"type", ""}}});
  EXPECT_TRUE(mentions(e, "type")) << e.message;

  // Symfony reads $headers['type'], case-sensitively.
  e = decode_error_of({"{}", {{"Type", "A"}}});
  EXPECT_TRUE(mentions(e, "type")) << e.message;
}

TEST(Decode, RefusesStampHeadersThatAreNotArraysOfObjects) {
  const char* kBad[] = {"not json", "[1,2]", R"({"delay":1})", R"([{"delay":1})", R"([{"delay":1},"x"])", "",
                        R"([{"delay":1}] trailing)", R"([{"a":"\x"}])"};
  for (const char* value : kBad) {
    auto e = decode_error_of({"{}", {{"type", "A"}, {"X-Message-Stamp-App\\S", value}}});
    EXPECT_EQ(e.kind, core::ErrorKind::decode) << value;
    EXPECT_TRUE(mentions(e, "X-Message-Stamp-App\\S")) << e.message;
  }
}

TEST(Decode, PhpSerializedBodiesNameTheFormatAndTheFix) {
  for (const char* name : {"php-serializer-plain.json", "php-serializer-failed-after-retries.json"}) {
    auto encoded = load_fixture(name);
    EXPECT_TRUE(encoded.headers.empty()) << name;  // PhpSerializer writes a body only
    auto e = decode_error_of(encoded);
    EXPECT_EQ(e.kind, core::ErrorKind::decode);
    EXPECT_TRUE(mentions(e, "PhpSerializer")) << e.message;
    EXPECT_TRUE(mentions(e, "messenger.transport.symfony_serializer")) << e.message;
  }
  // Without addslashes (what a transport that stores raw serialize() output would hold).
  EXPECT_TRUE(looks_php_serialized(R"(O:36:"Symfony\Component\Messenger\Envelope":2:{s:44:"...)"));
  EXPECT_FALSE(looks_php_serialized(R"({"phoneNumber":"+1"})"));
  EXPECT_FALSE(looks_php_serialized(R"(O:27:"App\Message\SmsNotification":2:{})"));
  EXPECT_FALSE(looks_php_serialized(""));
}

TEST(Decode, StampsKeepTheirExactTextAndUnknownClassesSurvive) {
  const EncodedEnvelope encoded{
      "{}",
      {{"type", "A"},
       {"Content-Type", "application/json"},
       {"X-Message-Stamp-App\\Stamp\\Custom", R"([ {"a":"}\"]"} , {"b":[1,{"c":"\u00e9\/"}]} ])"},
       {"X-Message-Stamp-Symfony\\Component\\Messenger\\Stamp\\DelayStamp", "[]"}}};
  auto decoded = SymfonyJsonSerializer().decode(encoded);
  ASSERT_TRUE(decoded) << decoded.error().message;
  EXPECT_EQ(decoded->type(), "A");
  ASSERT_EQ(decoded->stamps().size(), 2u);
  EXPECT_EQ(decoded->stamps()[0], (core::Stamp{"App\\Stamp\\Custom", R"({"a":"}\"]"})"}));
  EXPECT_EQ(decoded->stamps()[1], (core::Stamp{"App\\Stamp\\Custom", R"({"b":[1,{"c":"\u00e9\/"}]})"}));
}

TEST(Decode, ReadersSeeWhatPhpWrote) {
  const SymfonyJsonSerializer serializer;
  auto decode = [&](const char* name) {
    auto decoded = serializer.decode(load_fixture(name));
    EXPECT_TRUE(decoded) << name;
    return decoded ? *decoded : core::Envelope{};
  };
  EXPECT_EQ(delay_ms(decode("delay.json")), 5000);
  EXPECT_EQ(bus_name(decode("bus-name.json")), "messenger.bus.default");
  EXPECT_EQ(retry_count(decode("redelivery.json")), 2);
  EXPECT_EQ(retry_count(decode("two-redeliveries.json")), 2);  // the last one, as Envelope::last
  EXPECT_EQ(original_receiver_name(decode("sent-to-failure.json")), "async");
  EXPECT_EQ(transport_message_id(decode("transport-message-id.json")), "1795534216777-0");
  EXPECT_EQ(handled_by(decode("handled.json")),
            std::vector<std::string>{"App\\MessageHandler\\SmsNotificationHandler::__invoke"});

  auto history = redeliveries(decode("two-redeliveries.json"));
  ASSERT_EQ(history.size(), 2u);
  EXPECT_EQ(history[0].retry_count, 1);
  EXPECT_EQ(history[1].redelivered_at, "2026-11-24T15:30:10+00:00");
  EXPECT_EQ(history[1].exception_message, "");  // null in the 5.4 shape

  auto simple = last_error_details(decode("error-details-simple.json"));
  ASSERT_TRUE(simple);
  EXPECT_EQ(simple->exception_class, "RuntimeException");
  EXPECT_EQ(simple->code, 7);
  EXPECT_EQ(simple->message, "boom");
  EXPECT_EQ(simple->trace, "");

  auto thrown = last_error_details(decode("error-details-from-throwable.json"));
  ASSERT_TRUE(thrown);
  EXPECT_EQ(thrown->exception_class, "LogicException");
  EXPECT_EQ(thrown->code, 3);
  EXPECT_EQ(thrown->message, "handler broke");
  EXPECT_TRUE(thrown->trace.starts_with("#0 /app/bin/console-fixtures.php(8): "
                                        "App\\MessageHandler\\SmsNotificationHandler->__invoke()\n#1 "))
      << thrown->trace;

  auto failed = decode("failed-after-retries.json");
  EXPECT_EQ(retry_count(failed), 3);
  EXPECT_EQ(delay_ms(failed), 0);
  EXPECT_EQ(original_receiver_name(failed), "async");
  EXPECT_EQ(last_error_details(failed)->message, "SMS gateway timed out");

  auto plain = decode("plain.json");
  EXPECT_EQ(retry_count(plain), 0);
  EXPECT_FALSE(delay_ms(plain));
  EXPECT_FALSE(bus_name(plain));
  EXPECT_FALSE(original_receiver_name(plain));
  EXPECT_FALSE(transport_message_id(plain));
  EXPECT_FALSE(last_error_details(plain));
  EXPECT_TRUE(handled_by(plain).empty());
  EXPECT_TRUE(redeliveries(plain).empty());
}

}  // namespace
}  // namespace messengerd::serializer
