#pragma once
// What the bus and the worker know of a handler, a middleware and a worker listener.
// Plugins provide them through the C ABI (plugin/ adapts them to these interfaces); tests
// implement them directly. All of them are called on the worker's handler thread only.
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/envelope.hpp"

namespace messengerd::core {

enum class OutcomeKind {
  ok,
  retry,          // ordinary failure: retried per the transport's retry_strategy
  unrecoverable,  // never retried: straight to the failure transport
  recoverable,    // always retried, max_retries ignored
};

struct HandlerOutcome {
  OutcomeKind kind = OutcomeKind::ok;
  std::string message;          // the failure's message (empty on success)
  std::string exception_class;  // shown as ErrorDetailsStamp.exceptionClass; empty = derived from kind
  bool stop_worker = false;     // Symfony's StopWorkerException: finish this message, then stop

  bool ok() const { return kind == OutcomeKind::ok; }
  static HandlerOutcome success() { return {}; }
  static HandlerOutcome failure(OutcomeKind kind, std::string message) { return {kind, std::move(message), {}, false}; }
};

// A borrowed view of the message being handled; valid only during the call.
struct MessageView {
  const Envelope* envelope = nullptr;
  std::string_view transport;   // receiver name, empty when dispatched synchronously
  std::string_view message_id;  // transport message id, may be empty
  int redelivery_count = 0;     // retries so far (RedeliveryStamp.retryCount)
  // Deliveries of this very message by its transport, this one included: 1 first, 2+ after a
  // crash or a claim from a dead consumer, 0 unknown/synchronous (transport::ReceivedMessage).
  std::uint32_t delivery_count = 0;
};

struct HandlerSpec {
  std::string name;                // unique over all plugins, e.g. "sms.send"
  std::vector<std::string> types;  // message types (or parent types/interfaces) it handles
  std::string from_transport;      // only messages received from this transport; empty = any
  std::string bus;                 // only on this bus; empty = every bus
  int priority = 0;                // higher runs first
  std::size_t batch_size = 0;      // > 1: a batch handler
  std::string plugin;              // the plugin that registered it (for debug output)
};

class Handler {
 public:
  virtual ~Handler() = default;
  virtual const HandlerSpec& spec() const = 0;
  virtual HandlerOutcome handle(const MessageView& message) = 0;
  // Batch handlers: one outcome per message, same order. The default handles one by one.
  virtual std::vector<HandlerOutcome> handle_batch(std::span<const MessageView> messages) {
    std::vector<HandlerOutcome> outcomes;
    outcomes.reserve(messages.size());
    for (const auto& m : messages) outcomes.push_back(handle(m));
    return outcomes;
  }
};

// A user middleware, referenced by name from buses.<bus>.middleware. It runs around the
// handlers: `before` may stop the message with a failure outcome; `after` sees the result.
class Middleware {
 public:
  virtual ~Middleware() = default;
  virtual std::string_view name() const = 0;
  virtual HandlerOutcome before(const MessageView& message) = 0;
  virtual void after(const MessageView& message, const HandlerOutcome& outcome) = 0;
};

}  // namespace messengerd::core
