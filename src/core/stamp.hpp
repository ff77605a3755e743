#pragma once
// A stamp is a piece of metadata on an envelope, identified by its Symfony class name (FQCN).
// Its payload is kept as the exact JSON object text Symfony writes (one element of the
// `X-Message-Stamp-<FQCN>` header array), so stamps messengerd does not know survive a
// round trip byte for byte. Typed access to the known stamps lives in serializer/stamps.hpp.
#include <string>
#include <string_view>

namespace messengerd::core {

struct Stamp {
  std::string fqcn;  // e.g. "Symfony\\Component\\Messenger\\Stamp\\DelayStamp"
  std::string json;  // one JSON object, e.g. {"delay":5000}

  friend bool operator==(const Stamp&, const Stamp&) = default;
};

// Class names of the stamps Symfony Messenger defines (5.4 .. 7.x).
namespace stamp_class {
inline constexpr std::string_view kPrefix = "Symfony\\Component\\Messenger\\Stamp\\";
inline constexpr std::string_view kDelay = "Symfony\\Component\\Messenger\\Stamp\\DelayStamp";
inline constexpr std::string_view kRedelivery = "Symfony\\Component\\Messenger\\Stamp\\RedeliveryStamp";
inline constexpr std::string_view kErrorDetails = "Symfony\\Component\\Messenger\\Stamp\\ErrorDetailsStamp";
inline constexpr std::string_view kSentToFailureTransport =
    "Symfony\\Component\\Messenger\\Stamp\\SentToFailureTransportStamp";
inline constexpr std::string_view kTransportMessageId =
    "Symfony\\Component\\Messenger\\Stamp\\TransportMessageIdStamp";
inline constexpr std::string_view kBusName = "Symfony\\Component\\Messenger\\Stamp\\BusNameStamp";
inline constexpr std::string_view kHandled = "Symfony\\Component\\Messenger\\Stamp\\HandledStamp";
inline constexpr std::string_view kReceived = "Symfony\\Component\\Messenger\\Stamp\\ReceivedStamp";
inline constexpr std::string_view kConsumedByWorker =
    "Symfony\\Component\\Messenger\\Stamp\\ConsumedByWorkerStamp";
inline constexpr std::string_view kTransportNames = "Symfony\\Component\\Messenger\\Stamp\\TransportNamesStamp";
inline constexpr std::string_view kDispatchAfterCurrentBus =
    "Symfony\\Component\\Messenger\\Stamp\\DispatchAfterCurrentBusStamp";
inline constexpr std::string_view kSent = "Symfony\\Component\\Messenger\\Stamp\\SentStamp";
inline constexpr std::string_view kAck = "Symfony\\Component\\Messenger\\Stamp\\AckStamp";
inline constexpr std::string_view kNoAutoAck = "Symfony\\Component\\Messenger\\Stamp\\NoAutoAckStamp";
inline constexpr std::string_view kFlushBatchHandlers =
    "Symfony\\Component\\Messenger\\Stamp\\FlushBatchHandlersStamp";
inline constexpr std::string_view kAmqp = "Symfony\\Component\\Messenger\\Bridge\\Amqp\\Transport\\AmqpStamp";
}  // namespace stamp_class

// Stamps implementing Symfony's NonSendableStampInterface: never written to a transport.
bool is_non_sendable(std::string_view fqcn);

}  // namespace messengerd::core
