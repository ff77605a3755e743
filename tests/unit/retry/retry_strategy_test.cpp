#include "retry/retry_strategy.hpp"

#include <gtest/gtest.h>

#include <limits>

namespace messengerd::retry {
namespace {

Strategy no_jitter(std::int64_t delay, double multiplier, std::int64_t max_delay = 0) {
  return Strategy{3, delay, multiplier, max_delay, 0.0};
}

TEST(DelayFor, DelayTimesMultiplierToTheRetryCount) {
  const auto s = no_jitter(1000, 2.0);
  EXPECT_EQ(delay_for(s, 0, 0.5), 1000);
  EXPECT_EQ(delay_for(s, 1, 0.5), 2000);
  EXPECT_EQ(delay_for(s, 2, 0.5), 4000);
  EXPECT_EQ(delay_for(s, 3, 0.5), 8000);
  EXPECT_EQ(delay_for(no_jitter(500, 1.0), 7, 0.5), 500);  // multiplier 1: a constant delay
  EXPECT_EQ(delay_for(no_jitter(1000, 3.0), 2, 0.5), 9000);
  EXPECT_EQ(delay_for(s, -1, 0.5), 1000);                  // nonsense counts read as 0
}

TEST(DelayFor, RoundsUpLikePhpCeil) {
  // PHP: (int) ceil(1000 * 1.5 ** 1) = 1500, (int) ceil(1000 * 1.1 ** 3) = 1332 (1331.0000000000005).
  EXPECT_EQ(delay_for(no_jitter(1000, 1.5), 1, 0.5), 1500);
  EXPECT_EQ(delay_for(no_jitter(1000, 1.1), 3, 0.5), 1332);
  EXPECT_EQ(delay_for(no_jitter(10, 1.25), 1, 0.5), 13);  // 12.5 -> 13
}

TEST(DelayFor, MaxDelayCapsWhenPositive) {
  EXPECT_EQ(delay_for(no_jitter(1000, 2.0, 5000), 2, 0.5), 4000);
  EXPECT_EQ(delay_for(no_jitter(1000, 2.0, 5000), 3, 0.5), 5000);
  EXPECT_EQ(delay_for(no_jitter(1000, 2.0, 5000), 60, 0.5), 5000);
  EXPECT_EQ(delay_for(no_jitter(1000, 2.0, 0), 10, 0.5), 1024000);  // 0 = no cap
}

TEST(DelayFor, HugeUncappedDelaysDoNotOverflow) {
  const auto d = delay_for(no_jitter(1000, 10.0), 400, 0.5);  // inf
  EXPECT_GT(d, 0);
  EXPECT_LT(d, std::numeric_limits<std::int64_t>::max());
  EXPECT_EQ(delay_for(no_jitter(1000, 10.0, 60000), 400, 0.5), 60000);
}

TEST(DelayFor, JitterStaysWithinItsBounds) {
  const Strategy s{3, 1000, 2.0, 0, 0.1};
  EXPECT_EQ(delay_for(s, 0, 0.5), 1000);  // the middle of the range: unchanged
  EXPECT_EQ(delay_for(s, 0, 0.0), 900);   // -10 %
  EXPECT_EQ(delay_for(s, 0, 0.999), 1100);  // +9.98 %, rounded up
  EXPECT_EQ(delay_for(s, 2, 0.0), 3600);
  EXPECT_EQ(delay_for(s, 2, 0.999), 4400);  // 4399.2 -> 4400
  for (double u = 0.0; u < 1.0; u += 0.0625) {
    const auto d = delay_for(s, 1, u);
    EXPECT_GE(d, 1800) << u;
    EXPECT_LE(d, 2200) << u;
  }
  // Jitter applies to the capped delay.
  const Strategy capped{3, 1000, 2.0, 5000, 0.2};
  EXPECT_EQ(delay_for(capped, 5, 0.0), 4000);
  EXPECT_EQ(delay_for(capped, 5, 0.999), 5998);  // 5000 + 0.998 × 0.2 × 5000
}

TEST(DelayFor, NeverNegative) {
  EXPECT_EQ(delay_for(Strategy{3, 1000, 2.0, 0, 1.0}, 0, 0.0), 0);
  EXPECT_EQ(delay_for(Strategy{3, 0, 2.0, 0, 0.1}, 3, 0.0), 0);
  EXPECT_EQ(delay_for(Strategy{3, -100, 2.0, 0, 0.0}, 0, 0.5), 0);
  EXPECT_GE(delay_for(Strategy{3, 1000, 2.0, 0, 1.0}, 0, -3.0), 0);  // out-of-range randomness is clamped
}

TEST(Decide, FollowsSymfonysRules) {
  const Strategy s{2, 1000, 2.0, 0, 0.1};
  using core::OutcomeKind;
  struct Row {
    OutcomeKind outcome;
    int retries;
    bool failure_transport;
    Decision expected;
  };
  const Row rows[] = {
      {OutcomeKind::retry, 0, true, Decision::retry},
      {OutcomeKind::retry, 1, true, Decision::retry},
      {OutcomeKind::retry, 2, true, Decision::send_to_failure_transport},
      {OutcomeKind::retry, 5, true, Decision::send_to_failure_transport},
      {OutcomeKind::retry, 1, false, Decision::retry},
      {OutcomeKind::retry, 2, false, Decision::discard},
      {OutcomeKind::unrecoverable, 0, true, Decision::send_to_failure_transport},
      {OutcomeKind::unrecoverable, 0, false, Decision::discard},
      {OutcomeKind::recoverable, 0, true, Decision::retry},
      {OutcomeKind::recoverable, 99, true, Decision::retry},
      {OutcomeKind::recoverable, 99, false, Decision::retry},
  };
  for (const auto& row : rows) {
    EXPECT_EQ(decide(s, row.outcome, row.retries, row.failure_transport), row.expected)
        << static_cast<int>(row.outcome) << " after " << row.retries << " retries, failure transport "
        << row.failure_transport;
  }
  EXPECT_EQ(decide(Strategy{0, 1000, 2.0, 0, 0.1}, OutcomeKind::retry, 0, true), Decision::send_to_failure_transport);
}

}  // namespace
}  // namespace messengerd::retry
