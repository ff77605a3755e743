#include "worker/failure_policy.hpp"

#include <gtest/gtest.h>

#include "serializer/stamps.hpp"

namespace messengerd::worker {
namespace {

FailureInput input(core::OutcomeKind kind, int retries_so_far, std::optional<std::string> failure = "failed") {
  core::Envelope envelope("App\\Sms", "{}");
  for (int i = 1; i <= retries_so_far; ++i) envelope.add(serializer::make_redelivery_stamp(i, std::chrono::system_clock::now()));
  FailureInput in{envelope, core::HandlerOutcome::failure(kind, "boom"), "async", retry::Strategy{}, failure,
                  std::chrono::system_clock::now(), 0.5};
  in.strategy.jitter = 0;
  return in;
}

TEST(FailurePolicy, RetriesToTheSameTransportWithDelayAndRedeliveryStamps) {
  auto plan = plan_failure(input(core::OutcomeKind::retry, 1));
  EXPECT_EQ(plan.decision, retry::Decision::retry);
  EXPECT_EQ(plan.target, "async");
  EXPECT_EQ(plan.retry_count, 2);
  EXPECT_EQ(plan.delay_ms, 2000);  // 1000 x 2^1
  EXPECT_EQ(serializer::retry_count(plan.copy), 2);
  EXPECT_EQ(serializer::delay_ms(plan.copy), 2000);
  auto details = serializer::last_error_details(plan.copy);
  ASSERT_TRUE(details);
  EXPECT_EQ(details->exception_class, "RuntimeException");
  EXPECT_EQ(details->message, "boom");
}

TEST(FailurePolicy, PastMaxRetriesGoesToTheFailureTransport) {
  auto plan = plan_failure(input(core::OutcomeKind::retry, 3));
  EXPECT_EQ(plan.decision, retry::Decision::send_to_failure_transport);
  EXPECT_EQ(plan.target, "failed");
  EXPECT_EQ(serializer::original_receiver_name(plan.copy), "async");
  EXPECT_EQ(serializer::delay_ms(plan.copy), 0);
  EXPECT_EQ(serializer::retry_count(plan.copy), 0);
}

TEST(FailurePolicy, UnrecoverableSkipsRetries) {
  auto plan = plan_failure(input(core::OutcomeKind::unrecoverable, 0));
  EXPECT_EQ(plan.decision, retry::Decision::send_to_failure_transport);
  EXPECT_EQ(serializer::last_error_details(plan.copy)->exception_class, kUnrecoverableException);
}

TEST(FailurePolicy, RecoverableAlwaysRetries) {
  auto plan = plan_failure(input(core::OutcomeKind::recoverable, 50));
  EXPECT_EQ(plan.decision, retry::Decision::retry);
}

TEST(FailurePolicy, WithoutFailureTransportTheMessageIsDiscarded) {
  auto plan = plan_failure(input(core::OutcomeKind::unrecoverable, 0, std::nullopt));
  EXPECT_EQ(plan.decision, retry::Decision::discard);
}

TEST(FailurePolicy, FailingAgainReplacesTheSentToFailureStamp) {
  auto in = input(core::OutcomeKind::unrecoverable, 0);
  in.envelope.add(serializer::make_sent_to_failure_transport_stamp("old"));
  auto plan = plan_failure(in);
  EXPECT_EQ(plan.copy.all(core::stamp_class::kSentToFailureTransport).size(), 1u);
  EXPECT_EQ(serializer::original_receiver_name(plan.copy), "async");
}

TEST(FailurePolicy, SameErrorTwiceIsRecordedOnce) {
  core::Envelope envelope("App\\Sms", "{}");
  auto outcome = core::HandlerOutcome::failure(core::OutcomeKind::retry, "same");
  add_error_details(envelope, outcome);
  add_error_details(envelope, outcome);
  EXPECT_EQ(envelope.all(core::stamp_class::kErrorDetails).size(), 1u);
  add_error_details(envelope, core::HandlerOutcome::failure(core::OutcomeKind::retry, "other"));
  EXPECT_EQ(envelope.all(core::stamp_class::kErrorDetails).size(), 2u);
}

TEST(FailurePolicy, LimitedHistoryKeepsFirstAndLatest) {
  core::Envelope envelope("App\\Sms", "{}");
  for (int i = 0; i < 12; ++i) add_with_limited_history(envelope, serializer::make_delay_stamp(i), 10);
  auto delays = envelope.all(core::stamp_class::kDelay);
  ASSERT_EQ(delays.size(), 10u);
  EXPECT_EQ(delays.front()->json, serializer::make_delay_stamp(0).json);
  EXPECT_EQ(delays.back()->json, serializer::make_delay_stamp(11).json);
  EXPECT_EQ(delays[1]->json, serializer::make_delay_stamp(3).json);
}

}  // namespace
}  // namespace messengerd::worker
