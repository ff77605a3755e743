// Symfony's Serializer with format json (docs/symfony-wire-spec.md §1).
#include <algorithm>
#include <vector>

#include "serializer/json_array_scanner.hpp"
#include "serializer/serializer.hpp"

namespace messengerd::serializer {

namespace {

constexpr std::string_view kContentType = "application/json";

core::Error decode_error(std::string message) { return core::make_error(core::ErrorKind::decode, std::move(message)); }

}  // namespace

const std::string* EncodedEnvelope::header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (key == name) return &value;
  }
  return nullptr;
}

bool looks_php_serialized(std::string_view body) {
  static constexpr std::string_view kPlain = "O:36:\"Symfony\\Component\\Messenger\\Envelope\"";
  static constexpr std::string_view kSlashed = "O:36:\\\"Symfony\\\\Component\\\\Messenger\\\\Envelope\\\"";
  return body.starts_with(kPlain) || body.starts_with(kSlashed);
}

core::Result<core::Envelope> SymfonyJsonSerializer::decode(const EncodedEnvelope& encoded) const {
  if (looks_php_serialized(encoded.body)) {
    return std::unexpected(decode_error(
        "the body is PHP-serialized data written by Symfony's default PhpSerializer, which messengerd cannot read; "
        "configure the Symfony app to use the JSON serializer (framework.messenger.serializer.default_serializer: "
        "messenger.transport.symfony_serializer with symfony_serializer.format: json, or serializer: "
        "messenger.transport.symfony_serializer on the transport)"));
  }
  // Symfony: empty($encodedEnvelope['body']) is refused before anything else is looked at.
  if (encoded.body.empty()) return std::unexpected(decode_error("the encoded envelope has no \"body\""));
  // Symfony reads $headers['type'] exactly (case-sensitive); a PHP array keeps the last of
  // duplicate keys, so the last `type` header wins here too.
  const std::string* type = nullptr;
  for (const auto& [key, value] : encoded.headers) {
    if (key == "type") type = &value;
  }
  if (type == nullptr || type->empty()) {
    return std::unexpected(decode_error("the encoded envelope has no \"type\" header"));
  }
  core::Envelope envelope(*type, encoded.body);
  for (const auto& [key, value] : encoded.headers) {
    if (!key.starts_with(kStampHeaderPrefix)) continue;
    const std::string fqcn = key.substr(kStampHeaderPrefix.size());
    auto elements = split_object_array(value);
    if (!elements) {
      return std::unexpected(decode_error("could not decode stamp header \"" + key + "\": not a JSON array of objects"));
    }
    for (auto element : *elements) envelope.add({fqcn, std::string(element)});
  }
  return envelope;
}

EncodedEnvelope SymfonyJsonSerializer::encode(const core::Envelope& envelope) const {
  EncodedEnvelope encoded;
  encoded.body = envelope.body();
  encoded.headers.emplace_back("type", envelope.type());
  // One header per class, in the order each class first appeared; its stamps in order.
  std::vector<std::pair<std::string_view, std::string>> per_class;
  for (const auto& stamp : envelope.stamps()) {
    if (core::is_non_sendable(stamp.fqcn)) continue;
    auto it = std::find_if(per_class.begin(), per_class.end(), [&](const auto& p) { return p.first == stamp.fqcn; });
    if (it == per_class.end()) {
      per_class.emplace_back(stamp.fqcn, "[" + stamp.json);
    } else {
      it->second += ',';
      it->second += stamp.json;
    }
  }
  for (auto& [fqcn, json] : per_class) {
    encoded.headers.emplace_back(std::string(kStampHeaderPrefix) + std::string(fqcn), std::move(json) + "]");
  }
  encoded.headers.emplace_back("Content-Type", std::string(kContentType));
  return encoded;
}

std::shared_ptr<const Serializer> serializer_for(std::string_view name) {
  static const auto json = std::make_shared<const SymfonyJsonSerializer>();
  if (name.empty() || name == "messenger.transport.symfony_serializer") return json;
  return nullptr;
}

}  // namespace messengerd::serializer
