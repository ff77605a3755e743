#pragma once
// Decoding what a transport received, shared by the transports that receive Symfony's
// body + headers.
#include "serializer/serializer.hpp"
#include "transport/transport.hpp"

namespace messengerd::transport {

// Decodes `encoded` into message.envelope. When Symfony's serializer cannot, the message keeps
// what there is (the type header, the raw body, taken from `encoded`) and decode_error (kind
// decode) says why, so that the worker moves it to the failure transport instead of losing it.
void decode_received(ReceivedMessage& message, serializer::EncodedEnvelope& encoded, const serializer::Serializer& serializer);

}  // namespace messengerd::transport
