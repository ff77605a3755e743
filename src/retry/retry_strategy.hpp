#pragma once
// Symfony's MultiplierRetryStrategy and the retry / failure-transport decision, as pure
// functions (docs/symfony-wire-spec.md §5).
#include <cstdint>
#include <optional>
#include <string>

#include "core/handler.hpp"

namespace messengerd::retry {

struct Strategy {
  int max_retries = 3;
  std::int64_t delay_ms = 1000;
  double multiplier = 2.0;
  std::int64_t max_delay_ms = 0;  // 0 = no cap
  double jitter = 0.1;            // 0..1
};

// delay × multiplier^retry_count, capped by max_delay when > 0, then ± jitter × delay
// (Symfony 7.1+). `unit_random` is a number in [0, 1) (injected so tests are exact);
// jitter moves the delay by (2 × unit_random − 1) × jitter × delay. The result is rounded up
// to whole milliseconds ((int) ceil, as Symfony) and is never negative.
std::int64_t delay_for(const Strategy& strategy, int retry_count, double unit_random);

enum class Decision { retry, send_to_failure_transport, discard };

// What to do with a failed message that has been retried `retry_count` times so far.
// unrecoverable → never retried; recoverable → always retried; retry → while
// retry_count < max_retries. Past that: the failure transport if there is one, else discard.
Decision decide(const Strategy& strategy, core::OutcomeKind outcome, int retry_count, bool has_failure_transport);

}  // namespace messengerd::retry
