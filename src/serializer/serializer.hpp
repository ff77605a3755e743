#pragma once
// Symfony Messenger's wire format (docs/symfony-wire-spec.md §1): an envelope encoded as a
// body plus an ordered map of string headers.
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "core/envelope.hpp"
#include "core/error.hpp"

namespace messengerd::serializer {

// Header name -> value, in Symfony's order: `type`, one `X-Message-Stamp-<FQCN>` per stamp
// class (in the order each class first appeared), `Content-Type` last.
using Headers = std::vector<std::pair<std::string, std::string>>;

struct EncodedEnvelope {
  std::string body;
  Headers headers;

  const std::string* header(std::string_view name) const;
  friend bool operator==(const EncodedEnvelope&, const EncodedEnvelope&) = default;
};

inline constexpr std::string_view kStampHeaderPrefix = "X-Message-Stamp-";

class Serializer {
 public:
  virtual ~Serializer() = default;
  // Fails with ErrorKind::decode when `body` or the `type` header is missing, a stamp header
  // is not a JSON array of objects, or the body is PHP-serialized (PhpSerializer) data.
  virtual core::Result<core::Envelope> decode(const EncodedEnvelope& encoded) const = 0;
  // Never writes non-sendable stamps.
  virtual EncodedEnvelope encode(const core::Envelope& envelope) const = 0;
};

// `messenger.transport.symfony_serializer` with format json: body = the message JSON as is.
class SymfonyJsonSerializer final : public Serializer {
 public:
  core::Result<core::Envelope> decode(const EncodedEnvelope& encoded) const override;
  EncodedEnvelope encode(const core::Envelope& envelope) const override;
};

// True when a body is PHP's serialize() of a Symfony Envelope (Symfony's default
// PhpSerializer), possibly addslashes()-escaped.
bool looks_php_serialized(std::string_view body);

// The serializer a transport's `serializer:` setting names; nullptr for an unknown name.
// "" and "messenger.transport.symfony_serializer" give the JSON serializer.
std::shared_ptr<const Serializer> serializer_for(std::string_view name);

}  // namespace messengerd::serializer
