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
}

}  // namespace
}  // namespace messengerd::serializer
