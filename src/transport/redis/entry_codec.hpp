#pragma once
// The bytes of Symfony's Redis transport (docs/symfony-wire-spec.md §2): the stream entry's
// `message` field (json_encode(['body','headers']), PHP-serialized as s:N:"…"; under the
// default serializer=1, raw under 0) and the delayed sorted-set member (the same JSON with a
// "uniqid" key, never PHP-serialized).
#include <string>
#include <string_view>

#include "serializer/serializer.hpp"
#include "transport/transport.hpp"

namespace messengerd::transport::redis {

// The stream field value for an encoded envelope.
std::string stream_field_value(const serializer::EncodedEnvelope& encoded, int php_serializer);

// The delayed member: {"body":…,"headers":…,"uniqid":"…"}.
std::string delayed_member(const serializer::EncodedEnvelope& encoded);

// s:N:"…"; -> …, when the value is exactly that (N checked); anything else unchanged.
std::string_view unwrap_php_string(std::string_view value);

// A stream entry (its `message` field) as a received message; a decode failure keeps the raw
// text as the body and sets decode_error, so the worker moves it to the failure transport.
ReceivedMessage decode_entry(std::string id, std::string_view field_value, const serializer::Serializer& serializer,
                             std::string_view stream);

// PHP's uniqid('', true): 13 hex digits of the time, a digit, '.', 8 digits.
std::string php_uniqid();

}  // namespace messengerd::transport::redis
