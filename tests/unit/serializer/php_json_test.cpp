#include "serializer/php_json.hpp"

#include <gtest/gtest.h>

namespace messengerd::serializer {
namespace {

TEST(PhpJson, EscapesLikeJsonEncode) {
  EXPECT_EQ(*php_json_string("a/b \"q\" \\ \n\t"), R"("a\/b \"q\" \\ \n\t")");
  EXPECT_EQ(*php_json_string("\b\f\r"), R"("\b\f\r")");
  EXPECT_EQ(*php_json_string("Gr\xC3\xBC\xC3\x9F" "e"), R"("Gr\u00fc\u00dfe")");
  EXPECT_EQ(*php_json_string("\xF0\x9F\x91\x8B"), R"("\ud83d\udc4b")");  // waving hand: a surrogate pair
  EXPECT_EQ(*php_json_string("\xF4\x8F\xBF\xBF"), R"("\udbff\udfff")");  // U+10FFFF, the last code point
  EXPECT_EQ(*php_json_string("\xE2\x82\xAC"), R"("\u20ac")");             // euro sign: lower-case hex
  EXPECT_EQ(*php_json_string("\xE2\x80\xA8"), R"("\u2028")");
  EXPECT_EQ(*php_json_string(std::string("\x01\x1f", 2)), R"("\u0001\u001f")");
  EXPECT_EQ(*php_json_string(std::string("a\0b", 3)), R"("a\u0000b")");
  EXPECT_EQ(*php_json_string("\x7f<>&'"), "\"\x7f<>&'\"");  // json_encode leaves these alone by default
  EXPECT_EQ(*php_json_string(""), R"("")");
}

TEST(PhpJson, InvalidUtf8IsAnErrorOrReplaced) {
  EXPECT_FALSE(php_json_string("\xC3"));              // truncated
  EXPECT_FALSE(php_json_string("\xC0\xAF"));          // overlong '/'
  EXPECT_FALSE(php_json_string("\xED\xA0\x80"));      // an encoded surrogate
  EXPECT_FALSE(php_json_string("\xF4\x90\x80\x80"));  // past U+10FFFF
  EXPECT_FALSE(php_json_string("\x80"));              // a lone continuation byte
  EXPECT_FALSE(php_json_string("\xF8\x88\x80\x80\x80"));
  auto error = php_json_string("a\xFF");
  ASSERT_FALSE(error);
  EXPECT_EQ(error.error().kind, core::ErrorKind::decode);
  EXPECT_EQ(php_json_string_lossy("a\xFF" "b"), R"("a\ufffdb")");
  EXPECT_EQ(php_json_string_lossy("ok/"), R"("ok\/")");
}

TEST(PhpJson, HeadersAndEnvelopesRoundTrip) {
  Headers headers{{"type", "App\\Message\\X"}, {"Content-Type", "application/json"}};
  const auto json = php_json_headers(headers);
  EXPECT_EQ(json, R"({"type":"App\\Message\\X","Content-Type":"application\/json"})");
  EXPECT_EQ(*parse_headers_json(json), headers);
  EncodedEnvelope e{R"({"phoneNumber":"+1","content":"plain"})", headers};
  const auto whole = php_json_envelope(e);
  // The spec's captured Redis entry (docs/symfony-wire-spec.md §2), header names aside.
  EXPECT_EQ(whole,
            R"({"body":"{\"phoneNumber\":\"+1\",\"content\":\"plain\"}","headers":{"type":"App\\Message\\X","Content-Type":"application\/json"}})");
  EXPECT_EQ(*parse_envelope_json(whole), e);
  EXPECT_FALSE(parse_envelope_json("{\"headers\":{}}"));
  EXPECT_FALSE(parse_envelope_json("{\"body\":1}"));
  EXPECT_FALSE(parse_envelope_json("not json"));
  EXPECT_FALSE(parse_envelope_json(R"({"body":"x","headers":{"type":1}})"));
  EXPECT_FALSE(parse_headers_json("[1]"));
  EXPECT_FALSE(parse_headers_json(R"({"type":null})"));
}

TEST(PhpJson, HeaderOrderIsKept) {
  auto parsed = parse_headers_json(R"({"type":"A","X-Message-Stamp-Z":"[]","X-Message-Stamp-A":"[]","Content-Type":"x"})");
  ASSERT_TRUE(parsed);
  ASSERT_EQ(parsed->size(), 4u);
  EXPECT_EQ((*parsed)[1].first, "X-Message-Stamp-Z");
  EXPECT_EQ((*parsed)[2].first, "X-Message-Stamp-A");
}

TEST(PhpJson, EmptyHeadersAreAPhpEmptyArray) {
  EXPECT_EQ(php_json_headers({}), "[]");
  auto parsed = parse_headers_json("[]");
  ASSERT_TRUE(parsed);
  EXPECT_TRUE(parsed->empty());
  // PhpSerializer in Doctrine/Redis: json_encode(['body' => ..., 'headers' => []]).
  auto envelope = parse_envelope_json(R"({"body":"O:36:\\\"x","headers":[]})");
  ASSERT_TRUE(envelope);
  EXPECT_EQ(envelope->body, R"(O:36:\"x)");
  EXPECT_TRUE(envelope->headers.empty());
  EXPECT_EQ(php_json_envelope(*envelope), R"({"body":"O:36:\\\"x","headers":[]})");
}

TEST(PhpJson, RedisDelayedMembersWithUniqidParse) {
  auto parsed = parse_envelope_json(
      R"({"body":"{}","headers":{"type":"App\\Message\\SmsNotification"},"uniqid":"6b05ad88bdee06.23412692"})");
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->body, "{}");
  ASSERT_NE(parsed->header("type"), nullptr);
  EXPECT_EQ(*parsed->header("type"), "App\\Message\\SmsNotification");
  EXPECT_EQ(parsed->header("Content-Type"), nullptr);
}

}  // namespace
}  // namespace messengerd::serializer
