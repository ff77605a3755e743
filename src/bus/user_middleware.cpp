#include "bus/user_middleware.hpp"

namespace messengerd::bus {

void UserMiddleware::handle(BusContext& context, const Next& next) {
  core::MessageView view{&context.envelope, context.received_from, context.message_id, context.redelivery_count,
                         context.delivery_count};
  auto verdict = middleware_->before(view);
  if (!verdict.ok()) {
    // The middleware stopped the message: that is its outcome, as if a handler had failed.
    context.failures.emplace_back(std::string(middleware_->name()), verdict);
    context.outcome = verdict;
    return;
  }
  next(context);
  view.envelope = &context.envelope;
  middleware_->after(view, context.outcome);
}

}  // namespace messengerd::bus
