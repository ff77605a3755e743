#include "bus/failed_message_processing_middleware.hpp"

#include "serializer/stamps.hpp"

namespace messengerd::bus {

void FailedMessageProcessingMiddleware::handle(BusContext& context, const Next& next) {
  if (!context.received_from.empty()) {
    if (auto original = serializer::original_receiver_name(context.envelope)) context.received_from = *original;
  }
  next(context);
}

}  // namespace messengerd::bus
