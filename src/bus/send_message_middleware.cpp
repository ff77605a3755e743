#include "bus/send_message_middleware.hpp"

namespace messengerd::bus {

void SendMessageMiddleware::handle(BusContext& context, const Next& next) {
  if (!context.received_from.empty()) {
    next(context);  // received by a worker: handle it, never send it again
    return;
  }
  auto senders = context.forced_transports.empty() ? router_.senders_for(context.envelope.type())
                                                   : context.forced_transports;
  if (senders.empty()) {
    next(context);  // not routed: handled synchronously
    return;
  }
  for (const auto& transport : senders) {
    auto sent = outbox_->send(transport, context.envelope);
    if (!sent) {
      context.outcome = core::HandlerOutcome::failure(
          core::OutcomeKind::retry, "sending to transport \"" + transport + "\" failed: " + sent.error().message);
      context.outcome.exception_class = "Symfony\\Component\\Messenger\\Exception\\TransportException";
      return;
    }
    context.sent_to.push_back(transport);
  }
}

}  // namespace messengerd::bus
