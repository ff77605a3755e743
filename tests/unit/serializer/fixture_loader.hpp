#pragma once
// Loads tests/fixtures/symfony-5.4/<name>: the {"body":..,"headers":{..}} PHP wrote (pretty
// printed), as the EncodedEnvelope a transport would hand the serializer.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "serializer/php_json.hpp"

namespace messengerd::serializer::testing {

inline const std::filesystem::path kFixtureDir = std::filesystem::path(MESSENGERD_TEST_FIXTURES) / "symfony-5.4";

inline EncodedEnvelope load_fixture(const std::string& name) {
  std::ifstream in(kFixtureDir / name);
  EXPECT_TRUE(in) << "missing fixture " << name;
  std::stringstream text;
  text << in.rdbuf();
  auto parsed = parse_envelope_json(text.str());
  EXPECT_TRUE(parsed) << name << ": " << (parsed ? "" : parsed.error().message);
  return parsed ? *parsed : EncodedEnvelope{};
}

inline constexpr const char* kSmsType = "App\\Message\\SmsNotification";
inline constexpr const char* kSmsBody = R"({"phoneNumber":"+15551234","content":"hello"})";

}  // namespace messengerd::serializer::testing
