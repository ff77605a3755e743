#include "transport/decode_received.hpp"

namespace messengerd::transport {

void decode_received(ReceivedMessage& message, serializer::EncodedEnvelope& encoded, const serializer::Serializer& serializer) {
  auto decoded = serializer.decode(encoded);
  if (decoded) {
    message.envelope = std::move(*decoded);
    return;
  }
  const auto* type = encoded.header("type");
  message.envelope = core::Envelope(type != nullptr ? *type : std::string(), std::move(encoded.body));
  message.decode_error = decoded.error();
  message.decode_error->kind = core::ErrorKind::decode;
}

}  // namespace messengerd::transport
