#pragma once
// JSON text exactly as PHP's json_encode() writes it with default flags: '/' escaped as "\/",
// non-ASCII as lower-case \uXXXX (surrogate pairs above U+FFFF), no spaces. Needed wherever
// Symfony stores json_encode output: Doctrine's headers column, Redis stream entries.
#include <optional>
#include <string>
#include <string_view>

#include "core/error.hpp"
#include "serializer/serializer.hpp"

namespace messengerd::serializer {

// A JSON string literal, quotes included. Invalid UTF-8 is an error (PHP's json_encode fails too).
core::Result<std::string> php_json_string(std::string_view utf8);

// Same, replacing invalid UTF-8 with U+FFFD (for text messengerd writes itself, such as error
// messages, which must never make a stamp unwritable).
std::string php_json_string_lossy(std::string_view text);

// json_encode($headers): {"type":"App\\Message\\X","Content-Type":"application\/json"}
std::string php_json_headers(const Headers& headers);
core::Result<Headers> parse_headers_json(std::string_view json);

// json_encode(['body' => ..., 'headers' => ...]) as the Redis transport stores it, and back.
std::string php_json_envelope(const EncodedEnvelope& encoded);
core::Result<EncodedEnvelope> parse_envelope_json(std::string_view json);

}  // namespace messengerd::serializer
