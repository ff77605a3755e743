#include "retry/retry_strategy.hpp"

#include <algorithm>
#include <cmath>

namespace messengerd::retry {

namespace {

// Far beyond any useful delay (~285 000 years) yet safe to convert to int64: an uncapped
// multiplier with an always-retried (recoverable) failure must not overflow.
constexpr double kLongestDelayMs = 9.0e15;

}  // namespace

std::int64_t delay_for(const Strategy& strategy, int retry_count, double unit_random) {
  // MultiplierRetryStrategy::getWaitingTime: delay * multiplier ** retries, capped when
  // max_delay != 0, then (int) ceil(...) — ceil, not round, so non-integer multipliers give
  // the same milliseconds as PHP (1000 * 1.1 ** 3 = 1331.0000000000005 -> 1332).
  double delay = static_cast<double>(strategy.delay_ms) * std::pow(strategy.multiplier, std::max(0, retry_count));
  if (strategy.max_delay_ms > 0) delay = std::min(delay, static_cast<double>(strategy.max_delay_ms));
  if (strategy.jitter > 0) {
    const double u = std::clamp(unit_random, 0.0, 1.0);
    delay += (2.0 * u - 1.0) * strategy.jitter * delay;
  }
  if (std::isnan(delay) || delay <= 0) return 0;
  if (delay > kLongestDelayMs) return static_cast<std::int64_t>(kLongestDelayMs);
  return static_cast<std::int64_t>(std::ceil(delay));
}

Decision decide(const Strategy& strategy, core::OutcomeKind outcome, int retry_count, bool has_failure_transport) {
  const auto give_up = has_failure_transport ? Decision::send_to_failure_transport : Decision::discard;
  switch (outcome) {
    case core::OutcomeKind::ok: return Decision::discard;  // not a failure: nothing to retry or keep
    case core::OutcomeKind::unrecoverable: return give_up;
    case core::OutcomeKind::recoverable: return Decision::retry;
    case core::OutcomeKind::retry: return retry_count < strategy.max_retries ? Decision::retry : give_up;
  }
  return give_up;
}

}  // namespace messengerd::retry
