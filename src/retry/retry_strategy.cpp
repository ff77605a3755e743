#include "retry/retry_strategy.hpp"

#include <algorithm>
#include <cmath>

namespace messengerd::retry {

std::int64_t delay_for(const Strategy& strategy, int retry_count, double unit_random) {
  // MultiplierRetryStrategy::getWaitingTime: delay * multiplier ** retries, capped, jittered.
  double delay = static_cast<double>(strategy.delay_ms) * std::pow(strategy.multiplier, std::max(0, retry_count));
  if (strategy.max_delay_ms > 0) delay = std::min(delay, static_cast<double>(strategy.max_delay_ms));
  if (strategy.jitter > 0) delay += (2.0 * unit_random - 1.0) * strategy.jitter * delay;
  if (!std::isfinite(delay) || delay > 9.0e15) return strategy.max_delay_ms > 0 ? strategy.max_delay_ms : 9'000'000'000'000'000;
  return std::max<std::int64_t>(0, static_cast<std::int64_t>(std::llround(delay)));
}

Decision decide(const Strategy& strategy, core::OutcomeKind outcome, int retry_count, bool has_failure_transport) {
  const auto give_up = has_failure_transport ? Decision::send_to_failure_transport : Decision::discard;
  switch (outcome) {
    case core::OutcomeKind::ok: return Decision::discard;  // not a failure: nothing to do
    case core::OutcomeKind::unrecoverable: return give_up;
    case core::OutcomeKind::recoverable: return Decision::retry;
    case core::OutcomeKind::retry: return retry_count < strategy.max_retries ? Decision::retry : give_up;
  }
  return give_up;
}

}  // namespace messengerd::retry
