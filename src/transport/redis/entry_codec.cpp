#include "transport/redis/entry_codec.hpp"

#include <charconv>
#include <chrono>
#include <cstdio>
#include <random>

#include "serializer/php_json.hpp"

namespace messengerd::transport::redis {

std::string stream_field_value(const serializer::EncodedEnvelope& encoded, int php_serializer) {
  std::string json = serializer::php_json_envelope(encoded);
  if (php_serializer == 0) return json;
  std::string value;
  value.reserve(json.size() + 16);
  value.append("s:").append(std::to_string(json.size())).append(":\"").append(json).append("\";");
  return value;
}

std::string delayed_member(const serializer::EncodedEnvelope& encoded) {
  std::string json = serializer::php_json_envelope(encoded);
  json.pop_back();  // the closing brace: uniqid is the last key, as PHP writes it
  json.append(",\"uniqid\":\"").append(php_uniqid()).append("\"}");
  return json;
}

std::string_view unwrap_php_string(std::string_view value) {
  if (!value.starts_with("s:") || !value.ends_with("\";")) return value;
  const auto colon = value.find(':', 2);
  if (colon == std::string_view::npos || colon + 1 >= value.size() || value[colon + 1] != '"') return value;
  std::size_t length = 0;
  auto [end, ec] = std::from_chars(value.data() + 2, value.data() + colon, length);
  if (ec != std::errc{} || end != value.data() + colon) return value;
  const std::size_t start = colon + 2;
  if (start + length + 2 != value.size()) return value;
  return value.substr(start, length);
}

ReceivedMessage decode_entry(std::string id, std::string_view field_value, const serializer::Serializer& serializer,
                             std::string_view stream) {
  ReceivedMessage message;
  message.id = std::move(id);
  const std::string_view json = unwrap_php_string(field_value);
  auto encoded = serializer::parse_envelope_json(json);
  if (!encoded) {
    message.envelope = core::Envelope("", std::string(json));
    message.decode_error = core::make_error(core::ErrorKind::decode, "entry " + message.id + " of stream " +
                                                                         std::string(stream) +
                                                                         " is not a Symfony envelope: " +
                                                                         encoded.error().message);
  } else {
    auto decoded = serializer.decode(*encoded);
    if (decoded) {
      message.envelope = std::move(*decoded);
    } else {
      const auto* type = encoded->header("type");
      message.envelope = core::Envelope(type != nullptr ? *type : std::string(), std::move(encoded->body));
      message.decode_error = decoded.error();
      message.decode_error->kind = core::ErrorKind::decode;
    }
  }
  // No TransportMessageIdStamp: Symfony's Redis receiver adds none (only the non-sendable
  // RedisReceivedStamp), so retried and failed copies carry exactly what PHP's would.
  return message;
}

std::string php_uniqid() {
  static thread_local std::mt19937_64 random{std::random_device{}()};
  const auto now = std::chrono::system_clock::now().time_since_epoch();
  const auto us = std::chrono::duration_cast<std::chrono::microseconds>(now).count();
  // sprintf("%08x%05x%.8F", sec, usec, lcg_value() * 10): 23 characters, e.g. 6b05ad88bdee06.23412692
  char buffer[32];
  std::snprintf(buffer, sizeof(buffer), "%08llx%05llx%llu.%08llu", static_cast<unsigned long long>(us / 1000000),
                static_cast<unsigned long long>(us % 1000000), static_cast<unsigned long long>(random() % 10),
                static_cast<unsigned long long>(random() % 100000000ULL));
  return buffer;
}

}  // namespace messengerd::transport::redis
