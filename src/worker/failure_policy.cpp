#include "worker/failure_policy.hpp"

#include "serializer/stamps.hpp"

namespace messengerd::worker {

std::string exception_class_for(const core::HandlerOutcome& outcome) {
  if (!outcome.exception_class.empty()) return outcome.exception_class;
  switch (outcome.kind) {
    case core::OutcomeKind::unrecoverable: return std::string(kUnrecoverableException);
    case core::OutcomeKind::recoverable: return std::string(kRecoverableException);
    default: return std::string(kRuntimeException);
  }
}

void add_error_details(core::Envelope& envelope, const core::HandlerOutcome& outcome) {
  const auto cls = exception_class_for(outcome);
  if (auto last = serializer::last_error_details(envelope)) {
    if (last->exception_class == cls && last->code == 0 && last->message == outcome.message) return;
  }
  const auto trace = "#0 messengerd handler for " + envelope.type() + "\n#1 {main}";
  envelope.add(serializer::make_error_details_stamp(
      cls, 0, outcome.message, serializer::make_flatten_exception_json(cls, outcome.message, 0, trace)));
}

void add_with_limited_history(core::Envelope& envelope, core::Stamp stamp, std::size_t history) {
  auto existing = envelope.all(stamp.fqcn);
  if (existing.size() < history) {
    envelope.add(std::move(stamp));
    return;
  }
  // Keep the first, the last (history - 2), then the new one: `history` in all.
  std::vector<core::Stamp> kept{*existing.front()};
  for (std::size_t i = existing.size() - (history - 2); i < existing.size(); ++i) kept.push_back(*existing[i]);
  kept.push_back(std::move(stamp));
  envelope.remove_all(kept.front().fqcn);
  for (auto& s : kept) envelope.add(std::move(s));
}

FailurePlan plan_failure(const FailureInput& input) {
  FailurePlan plan;
  plan.copy = input.envelope;
  add_error_details(plan.copy, input.outcome);
  const int retries_so_far = serializer::retry_count(input.envelope);
  plan.decision = retry::decide(input.strategy, input.outcome.kind, retries_so_far, input.failure_transport.has_value());

  switch (plan.decision) {
    case retry::Decision::retry:
      plan.target = input.receiver;
      plan.retry_count = retries_so_far + 1;
      plan.delay_ms = retry::delay_for(input.strategy, retries_so_far, input.unit_random);
      add_with_limited_history(plan.copy, serializer::make_delay_stamp(plan.delay_ms));
      add_with_limited_history(plan.copy, serializer::make_redelivery_stamp(plan.retry_count, input.now));
      break;
    case retry::Decision::send_to_failure_transport:
      plan.target = *input.failure_transport;
      // Symfony drops a message that already carries the stamp; messengerd replaces the stamp
      // instead, so a message that fails again after `failed:retry` is never lost.
      plan.copy.remove_all(core::stamp_class::kSentToFailureTransport);
      plan.copy.add(serializer::make_sent_to_failure_transport_stamp(input.receiver));
      plan.copy.add(serializer::make_delay_stamp(0));
      plan.copy.add(serializer::make_redelivery_stamp(0, input.now));
      break;
    case retry::Decision::discard:
      break;
  }
  return plan;
}

}  // namespace messengerd::worker
