#pragma once
// What happens to a message whose handling failed (Symfony's AddErrorDetailsStampListener,
// SendFailedMessageForRetryListener and SendFailedMessageToFailureTransportListener), as pure
// functions: the worker only carries the plan out, and acks the original after the copy is
// stored (docs/symfony-wire-spec.md §5).
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "core/envelope.hpp"
#include "core/handler.hpp"
#include "retry/retry_strategy.hpp"

namespace messengerd::worker {

// Symfony exception classes written into ErrorDetailsStamp.exceptionClass.
inline constexpr std::string_view kRuntimeException = "RuntimeException";
inline constexpr std::string_view kUnrecoverableException =
    "Symfony\\Component\\Messenger\\Exception\\UnrecoverableMessageHandlingException";
inline constexpr std::string_view kRecoverableException =
    "Symfony\\Component\\Messenger\\Exception\\RecoverableMessageHandlingException";
inline constexpr std::string_view kDecodingFailedException =
    "Symfony\\Component\\Messenger\\Exception\\MessageDecodingFailedException";

struct FailureInput {
  core::Envelope envelope;  // as handled (HandledStamps of the handlers that succeeded included)
  core::HandlerOutcome outcome;
  std::string receiver;  // the receiver whose retry rules apply (the original one for failed messages)
  retry::Strategy strategy;
  std::optional<std::string> failure_transport;
  std::chrono::system_clock::time_point now;
  double unit_random = 0.5;  // for jitter
};

struct FailurePlan {
  retry::Decision decision = retry::Decision::discard;
  std::string target;     // transport the copy goes to (empty for discard)
  core::Envelope copy;    // the envelope to store there
  int retry_count = 0;    // RedeliveryStamp.retryCount of the copy
  std::int64_t delay_ms = 0;
};

FailurePlan plan_failure(const FailureInput& input);

// Adds an ErrorDetailsStamp for the outcome unless the last one says the same.
void add_error_details(core::Envelope& envelope, const core::HandlerOutcome& outcome);

// Symfony's withLimitedHistory: keeps the first and the latest stamps of the class, at most
// `history` of them, then appends `stamp`.
void add_with_limited_history(core::Envelope& envelope, core::Stamp stamp, std::size_t history = 10);

std::string exception_class_for(const core::HandlerOutcome& outcome);

}  // namespace messengerd::worker
