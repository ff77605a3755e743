#include "serializer/php_json.hpp"

#include <gtest/gtest.h>

namespace messengerd::serializer {
namespace {

TEST(PhpJson, EscapesLikeJsonEncode) {
  EXPECT_EQ(*php_json_string("a/b \"q\" \\ \n\t"), R"("a\/b \"q\" \\ \n\t")");
  EXPECT_EQ(*php_json_string("Gr\xC3\xBC\xC3\x9F" "e"), R"("Gr\u00fc\u00dfe")");
  EXPECT_EQ(*php_json_string("\xF0\x9F\x91\x8B"), R"("\ud83d\udc4b")");  // waving hand: a surrogate pair
  EXPECT_EQ(*php_json_string(std::string("\x01", 1)), R"("\u0001")");
}

TEST(PhpJson, InvalidUtf8IsAnErrorOrReplaced) {
  EXPECT_FALSE(php_json_string("\xC3"));
  EXPECT_FALSE(php_json_string("\xED\xA0\x80"));  // an encoded surrogate
  EXPECT_EQ(php_json_string_lossy("a\xFF" "b"), R"("a\ufffdb")");
}

TEST(PhpJson, HeadersAndEnvelopesRoundTrip) {
  Headers headers{{"type", "App\\Message\\X"}, {"Content-Type", "application/json"}};
  const auto json = php_json_headers(headers);
  EXPECT_EQ(json, R"({"type":"App\\Message\\X","Content-Type":"application\/json"})");
  EXPECT_EQ(*parse_headers_json(json), headers);
  EncodedEnvelope e{R"({"phoneNumber":"+1","content":"plain"})", headers};
  const auto whole = php_json_envelope(e);
  EXPECT_EQ(whole,
            R"({"body":"{\"phoneNumber\":\"+1\",\"content\":\"plain\"}","headers":{"type":"App\\Message\\X","Content-Type":"application\/json"}})");
  EXPECT_EQ(*parse_envelope_json(whole), e);
  EXPECT_FALSE(parse_envelope_json("{\"headers\":{}}"));
  EXPECT_FALSE(parse_headers_json("[1]"));
}

}  // namespace
}  // namespace messengerd::serializer
