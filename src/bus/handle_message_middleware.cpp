#include "bus/handle_message_middleware.hpp"

#include <algorithm>

#include "serializer/stamps.hpp"

namespace messengerd::bus {

core::HandlerOutcome combine_failures(const std::vector<std::pair<std::string, core::HandlerOutcome>>& failures) {
  if (failures.empty()) return core::HandlerOutcome::success();
  core::HandlerOutcome combined = failures.front().second;  // ErrorDetails show the first failure
  bool any_recoverable = false;
  bool all_unrecoverable = true;
  bool stop = false;
  for (const auto& [name, outcome] : failures) {
    any_recoverable = any_recoverable || outcome.kind == core::OutcomeKind::recoverable;
    all_unrecoverable = all_unrecoverable && outcome.kind == core::OutcomeKind::unrecoverable;
    stop = stop || outcome.stop_worker;
  }
  combined.kind = any_recoverable    ? core::OutcomeKind::recoverable
                  : all_unrecoverable ? core::OutcomeKind::unrecoverable
                                      : core::OutcomeKind::retry;
  if (failures.size() > 1) {
    std::string all;
    for (const auto& [name, outcome] : failures) all += (all.empty() ? "" : "; ") + name + ": " + outcome.message;
    combined.message = all;
  }
  combined.stop_worker = stop;
  return combined;
}

void HandleMessageMiddleware::handle(BusContext& context, const Next& next) {
  const auto& selected = handlers_.select(context.envelope.type(), bus_name_, context.received_from);
  if (selected.empty()) {
    if (!allow_no_handlers_) {
      context.outcome = core::HandlerOutcome::failure(
          core::OutcomeKind::retry, "No handler for message \"" + context.envelope.type() + "\" on bus \"" + bus_name_ + "\".");
      context.outcome.exception_class = std::string(kNoHandlerException);
      context.failures.emplace_back("", context.outcome);
      return;
    }
    next(context);
    return;
  }

  const auto already_handled = serializer::handled_by(context.envelope);
  bool stop_requested = false;
  for (auto* handler : selected) {
    const auto& handler_name = handler->spec().name;
    if (std::find(already_handled.begin(), already_handled.end(), handler_name) != already_handled.end()) continue;
    core::MessageView view{&context.envelope, context.received_from, context.message_id, context.redelivery_count,
                           context.delivery_count};
    auto outcome = handler->handle(view);
    stop_requested = stop_requested || outcome.stop_worker;
    if (outcome.ok()) {
      context.envelope.add(serializer::make_handled_stamp(handler_name));
      context.handled_by.push_back(handler_name);
    } else {
      context.failures.emplace_back(handler_name, std::move(outcome));
    }
  }
  context.outcome = combine_failures(context.failures);
  context.outcome.stop_worker = context.outcome.stop_worker || stop_requested;
  if (context.outcome.ok()) next(context);
}

}  // namespace messengerd::bus
