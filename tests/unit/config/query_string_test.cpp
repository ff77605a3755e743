#include "config/query_string.hpp"

#include <gtest/gtest.h>

namespace messengerd::config {
namespace {

TEST(PercentDecode, EscapesAndPlus) {
  EXPECT_EQ(percent_decode("a%20b%2Fc"), "a b/c");
  EXPECT_EQ(percent_decode("%41%6a"), "Aj");
  EXPECT_EQ(percent_decode("a+b"), "a+b");
  EXPECT_EQ(percent_decode("a+b", true), "a b");
  EXPECT_EQ(percent_decode("%2B", true), "+");
}

TEST(PercentDecode, InvalidEscapesAreKept) {
  EXPECT_EQ(percent_decode("100%"), "100%");
  EXPECT_EQ(percent_decode("%zz"), "%zz");
  EXPECT_EQ(percent_decode("%4"), "%4");
  EXPECT_EQ(percent_decode("%%41"), "%A");
}

TEST(QueryString, FlatPairs) {
  auto q = parse_query_string("queue_name=high&auto_setup=false&redeliver_timeout=60");
  ASSERT_TRUE(q.is_map());
  EXPECT_EQ(q.as_map()->size(), 3u);
  EXPECT_EQ(q.get_string("queue_name", ""), "high");
  EXPECT_FALSE(q.get_bool("auto_setup", true));
  EXPECT_EQ(q.get_int("redeliver_timeout", 0), 60);
  // Values stay strings, converted on request.
  EXPECT_TRUE(q.find("redeliver_timeout")->is_string());
}

TEST(QueryString, KeepsOrder) {
  auto q = parse_query_string("z=1&a=2&m=3");
  const auto& entries = *q.as_map();
  ASSERT_EQ(entries.size(), 3u);
  EXPECT_EQ(entries[0].first, "z");
  EXPECT_EQ(entries[1].first, "a");
  EXPECT_EQ(entries[2].first, "m");
}

TEST(QueryString, NestedKeysLikePhpParseStr) {
  auto q = parse_query_string("exchange[name]=ex&exchange[type]=topic&queues[q1][binding_keys][]=a&queues[q1][binding_keys][]=b");
  const Value* exchange = q.find("exchange");
  ASSERT_NE(exchange, nullptr);
  ASSERT_TRUE(exchange->is_map());
  EXPECT_EQ(exchange->get_string("name", ""), "ex");
  EXPECT_EQ(exchange->get_string("type", ""), "topic");
  const Value* keys = q.find("queues")->find("q1")->find("binding_keys");
  ASSERT_NE(keys, nullptr);
  // "[]" appends with numeric keys, as PHP arrays are.
  EXPECT_EQ(keys->get_string("0", ""), "a");
  EXPECT_EQ(keys->get_string("1", ""), "b");
}

TEST(QueryString, DecodingAndOddPairs) {
  auto q = parse_query_string("a=x+y%21&flag&&=ignored&b=&c=1=2");
  EXPECT_EQ(q.get_string("a", ""), "x y!");
  ASSERT_NE(q.find("flag"), nullptr);
  EXPECT_EQ(q.get_string("flag", "?"), "");
  EXPECT_EQ(q.get_string("b", "?"), "");
  EXPECT_EQ(q.get_string("c", ""), "1=2");
  EXPECT_EQ(q.as_map()->size(), 4u);  // the empty key is dropped
}

TEST(QueryString, LastValueWins) { EXPECT_EQ(parse_query_string("a=1&a=2").get_string("a", ""), "2"); }

TEST(QueryString, EmptyIsAnEmptyMap) {
  auto q = parse_query_string("");
  ASSERT_TRUE(q.is_map());
  EXPECT_TRUE(q.as_map()->empty());
}

}  // namespace
}  // namespace messengerd::config
