#pragma once
// Symfony's FailedMessageProcessingMiddleware: a message received from a failure transport is
// handled as if it came from its original receiver (SentToFailureTransportStamp), so the same
// handlers (from_transport) and retry rules apply.
#include "bus/middleware.hpp"

namespace messengerd::bus {

class FailedMessageProcessingMiddleware final : public BusMiddleware {
 public:
  std::string_view name() const override { return "failed_message_processing_middleware"; }
  void handle(BusContext& context, const Next& next) override;
};

}  // namespace messengerd::bus
