// The fast reader must agree with the general JSON parser on everything it accepts, and hand
// everything else back (return false) instead of guessing.
#include "serializer/flat_json_reader.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace messengerd::serializer {
namespace {

using Pairs = std::vector<std::pair<std::string, std::string>>;

Pairs with_nlohmann(std::string_view json) {
  Pairs out;
  auto parsed = nlohmann::ordered_json::parse(json);
  for (auto it = parsed.begin(); it != parsed.end(); ++it) out.emplace_back(it.key(), it.value().get<std::string>());
  return out;
}

TEST(FlatJsonReader, AgreesWithTheGeneralParserOnEscapes) {
  for (std::string_view json : {
           R"({"type":"App\\Message\\Hello","Content-Type":"application\/json"})",
           R"({"a":"\"quoted\" \\ \/ \b\f\n\r\t","b":""})",
           R"({"e":"\u00e9\u20ac\ud83d\ude00","nul":"\u0000x"})",
           " { \"spaced\" : \"yes\" , \"x\" : \"y\" } ",
           R"({})",
       }) {
    Pairs fast;
    ASSERT_TRUE(FlatJsonReader(json).read_string_object(fast)) << json;
    EXPECT_EQ(fast, with_nlohmann(json)) << json;
  }
}

TEST(FlatJsonReader, FindsASpecialCharacterAtAnyPositionOfA64BitBlock) {
  // Plain runs are scanned 8 bytes at a time: an escape, a quote, a control character or a
  // non-ASCII byte must be noticed wherever it falls in a block, and at every string length.
  for (std::size_t length = 0; length < 40; ++length) {
    for (std::size_t at = 0; at <= length; ++at) {
      std::string text(length, 'x');
      std::string escaped = text;
      escaped.insert(at, "\\\"");  // an escaped quote at `at`
      const std::string json = "{\"k\":\"" + escaped + "\"}";
      Pairs fast;
      ASSERT_TRUE(FlatJsonReader(json).read_string_object(fast)) << json;
      EXPECT_EQ(fast, with_nlohmann(json)) << json;
      if (at == length) continue;
      for (char bad : {'\x01', '\x1f', '\x80', '\xc3'}) {
        std::string raw = "{\"k\":\"" + text + "\"}";
        raw[6 + at] = bad;  // hands back what it does not accept, wherever it is
        fast.clear();
        EXPECT_FALSE(FlatJsonReader(raw).read_string_object(fast)) << at << " of " << length;
      }
    }
  }
}

TEST(FlatJsonReader, ReadsAnEnvelopeWithKeysInAnyOrder) {
  std::string body;
  Pairs headers;
  ASSERT_TRUE(FlatJsonReader(R"({"headers":{"type":"T"},"body":"{\"id\":1}"})").read_envelope(body, headers));
  EXPECT_EQ(body, R"({"id":1})");
  EXPECT_EQ(headers, (Pairs{{"type", "T"}}));
  headers.clear();
  ASSERT_TRUE(FlatJsonReader(R"({"body":"x","headers":[]})").read_envelope(body, headers));
  EXPECT_EQ(body, "x");
  EXPECT_TRUE(headers.empty());
}

TEST(FlatJsonReader, HandsBackWhatItDoesNotAcceptExactly) {
  std::string body;
  Pairs headers;
  for (std::string_view json : {
           R"({"body":1})", R"({"headers":{}})", R"({"body":"x","headers":{"type":1}})", R"({"body":"x","extra":"y"})",
           R"({"body":"x","body":"y"})", R"({"body":"x"} trailing)", R"({"body":"unterminated)", "{\"body\":\"raw\x01\"}",
           "{\"body\":\"caf\xc3\xa9\"}", R"({"body":"\ud83d"})", R"({"body":"\ude00"})", R"({"body":"\x"})", "not json", "",
       }) {
    headers.clear();
    EXPECT_FALSE(FlatJsonReader(json).read_envelope(body, headers)) << json;
  }
  for (std::string_view json : {R"([1])", R"({"type":null})", R"({"a":"b",})", R"({"a" "b"})", R"([] x)"}) {
    headers.clear();
    EXPECT_FALSE(FlatJsonReader(json).read_string_object(headers)) << json;
  }
}

}  // namespace
}  // namespace messengerd::serializer
