#include "serializer/stamps.hpp"

#include <gtest/gtest.h>

namespace messengerd::serializer {
namespace {

TEST(Stamps, ReadersTakeTheLastStampAndTolerateNewerShapes) {
  core::Envelope e("A", "{}");
  EXPECT_EQ(retry_count(e), 0);
  EXPECT_FALSE(delay_ms(e));
  e.add({std::string(core::stamp_class::kRedelivery), R"({"retryCount":1,"redeliveredAt":"2026-01-01T00:00:00+00:00"})"});
  e.add(make_redelivery_stamp(2, std::chrono::system_clock::now()));
  EXPECT_EQ(retry_count(e), 2);
  auto history = redeliveries(e);
  ASSERT_EQ(history.size(), 2u);
  EXPECT_EQ(history[0].redelivered_at, "2026-01-01T00:00:00+00:00");
  e.add(make_transport_message_id_stamp("42"));
  EXPECT_EQ(*transport_message_id(e), "42");
  EXPECT_EQ(e.last(core::stamp_class::kTransportMessageId)->json, R"({"id":42})");
  e.add(make_transport_message_id_stamp("1700000000000-0"));
  EXPECT_EQ(*transport_message_id(e), "1700000000000-0");
  e.add(make_handled_stamp("a.handler"));
  e.add(make_handled_stamp("b.handler"));
  EXPECT_EQ(handled_by(e), (std::vector<std::string>{"a.handler", "b.handler"}));
}

TEST(Stamps, ErrorDetailsCarryTheTrace) {
  core::Envelope e("A", "{}");
  auto flat = make_flatten_exception_json("RuntimeException", "boom \"x\"", 7, "#0 {main}");
  e.add(make_error_details_stamp("RuntimeException", 7, "boom \"x\"", flat));
  auto details = last_error_details(e);
  ASSERT_TRUE(details);
  EXPECT_EQ(details->exception_class, "RuntimeException");
  EXPECT_EQ(details->code, 7);
  EXPECT_EQ(details->message, "boom \"x\"");
  EXPECT_EQ(details->trace, "#0 {main}");
  EXPECT_TRUE(flat.starts_with(R"({"statusCode":500,"headers":[],"class":"RuntimeException")")) << flat;
}

TEST(Stamps, Iso8601IsPhpDateAtom) {
  EXPECT_EQ(iso8601_utc(std::chrono::system_clock::from_time_t(0)), "1970-01-01T00:00:00+00:00");
  // Sub-second parts are dropped, as DATE_ATOM has none.
  EXPECT_EQ(iso8601_utc(std::chrono::system_clock::from_time_t(1795534210) + std::chrono::milliseconds(999)),
            "2026-11-24T15:30:10+00:00");
}

TEST(Stamps, BuildersEscapeLikePhp) {
  EXPECT_EQ(make_bus_name_stamp("a/b").json, R"({"busName":"a\/b"})");
  EXPECT_EQ(make_sent_to_failure_transport_stamp("caf\xC3\xA9").json, R"({"originalReceiverName":"caf\u00e9"})");
  EXPECT_EQ(make_error_details_stamp("App\\E", -1, "line1\n\"q\"").json,
            R"({"exceptionClass":"App\\E","exceptionCode":-1,"exceptionMessage":"line1\n\"q\"","flattenException":null})");
  // Invalid UTF-8 in a message messengerd writes never makes the stamp unwritable.
  EXPECT_EQ(make_error_details_stamp("E", 0, "bad\xFF").json,
            R"({"exceptionClass":"E","exceptionCode":0,"exceptionMessage":"bad\ufffd","flattenException":null})");
  EXPECT_EQ(make_delay_stamp(-5).json, R"({"delay":-5})");
  EXPECT_EQ(make_handled_stamp("h").json, R"({"result":null,"handlerName":"h"})");
  EXPECT_EQ(make_handled_stamp("h", R"({"n":1})").json, R"({"result":{"n":1},"handlerName":"h"})");
}

TEST(Stamps, FlattenExceptionHasSymfonysKeysInOrder) {
  const auto flat = make_flatten_exception_json("App\\Failed", "it/broke", 5, "#0 {main}");
  EXPECT_EQ(flat,
            R"({"statusCode":500,"headers":[],"class":"App\\Failed","file":"","line":0,)"
            R"("statusText":"Whoops, looks like something went wrong.","message":"it\/broke","code":5,)"
            R"("previous":null,"allPrevious":[],"trace":[],"traceAsString":"#0 {main}",)"
            R"("asString":"App\\Failed: it\/broke\nStack trace:\n#0 {main}",)"
            R"("status":500,"status_text":"Whoops, looks like something went wrong.","trace_as_string":"#0 {main}"})");
}

TEST(Stamps, ReadersTolerate6xAnd7xShapes) {
  core::Envelope e("A", "{}");
  // 6.x/7.x RedeliveryStamp: no exceptionMessage / flattenException.
  e.add({std::string(core::stamp_class::kRedelivery), R"({"retryCount":4,"redeliveredAt":"2026-01-01T00:00:00+00:00"})"});
  EXPECT_EQ(retry_count(e), 4);
  ASSERT_EQ(redeliveries(e).size(), 1u);
  EXPECT_EQ(redeliveries(e)[0].exception_message, "");
  // A FrameworkBundle app's FlattenExceptionNormalizer writes snake_case keys.
  e.add({std::string(core::stamp_class::kErrorDetails),
         R"({"exceptionClass":"RuntimeException","exceptionCode":"E42","exceptionMessage":"x","flattenException":)"
         R"({"message":"x","code":0,"headers":[],"class":"RuntimeException","file":"\/a.php","line":1,"previous":null,)"
         R"("status":500,"status_text":"Internal Server Error","trace":[],"trace_as_string":"#0 {main}"}})"});
  auto details = last_error_details(e);
  ASSERT_TRUE(details);
  EXPECT_EQ(details->exception_class, "RuntimeException");
  EXPECT_EQ(details->code, 0);  // a non-numeric (PDO-style) code reads as 0
  EXPECT_EQ(details->trace, "#0 {main}");
  // Doctrine ids are integers in the JSON.
  e.add({std::string(core::stamp_class::kTransportMessageId), R"({"id":17})"});
  EXPECT_EQ(transport_message_id(e), "17");
}

TEST(Stamps, UnreadableStampsReadAsAbsent) {
  core::Envelope e("A", "{}");
  e.add({std::string(core::stamp_class::kDelay), "not json"});
  e.add({std::string(core::stamp_class::kRedelivery), R"({"retryCount":"x"})"});
  e.add({std::string(core::stamp_class::kBusName), R"({"busName":null})"});
  EXPECT_FALSE(delay_ms(e));
  EXPECT_EQ(retry_count(e), 0);
  EXPECT_FALSE(bus_name(e));
}

}  // namespace
}  // namespace messengerd::serializer
