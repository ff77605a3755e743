#include "retry/retry_strategy.hpp"

#include <gtest/gtest.h>

namespace messengerd::retry {
namespace {

TEST(DelayFor, MultipliesCapsAndJitters) {
  Strategy s{3, 1000, 2.0, 0, 0.0};
  EXPECT_EQ(delay_for(s, 0, 0.5), 1000);
  EXPECT_EQ(delay_for(s, 1, 0.5), 2000);
  EXPECT_EQ(delay_for(s, 3, 0.5), 8000);
  s.max_delay_ms = 5000;
  EXPECT_EQ(delay_for(s, 3, 0.5), 5000);
  s = {3, 1000, 1.0, 0, 0.1};
  EXPECT_EQ(delay_for(s, 0, 0.5), 1000);   // middle of the range: no change
  EXPECT_EQ(delay_for(s, 0, 0.0), 900);    // -10 %
  EXPECT_NEAR(delay_for(s, 0, 0.999), 1100, 1);  // +10 %
}

TEST(Decide, FollowsSymfonysRules) {
  Strategy s{2, 1000, 2.0, 0, 0.1};
  EXPECT_EQ(decide(s, core::OutcomeKind::retry, 0, true), Decision::retry);
  EXPECT_EQ(decide(s, core::OutcomeKind::retry, 1, true), Decision::retry);
  EXPECT_EQ(decide(s, core::OutcomeKind::retry, 2, true), Decision::send_to_failure_transport);
  EXPECT_EQ(decide(s, core::OutcomeKind::retry, 2, false), Decision::discard);
  EXPECT_EQ(decide(s, core::OutcomeKind::unrecoverable, 0, true), Decision::send_to_failure_transport);
  EXPECT_EQ(decide(s, core::OutcomeKind::recoverable, 99, true), Decision::retry);
}

}  // namespace
}  // namespace messengerd::retry
