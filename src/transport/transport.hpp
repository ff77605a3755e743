#pragma once
// The transport contract (docs/DESIGN.md, Transports). A transport is a Sender and a Receiver;
// roles it opts into are the interfaces in roles.hpp, found with dynamic_cast.
//
// Threading: a transport object is used by one thread at a time (the worker's loop thread).
// Acknowledgement: a message counts as acknowledged only when ack() or reject() returned
// success; until then the transport must be able to deliver it again (after a crash, after
// redeliver_timeout, ...).
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/envelope.hpp"
#include "core/error.hpp"

namespace messengerd::transport {

struct ReceivedMessage {
  core::Envelope envelope;  // when decode_error is set: raw body and what headers could be read
  std::string id;           // transport message id: row id, stream entry id, ...
  std::uint64_t tag = 0;    // transport-private handle (delivery tag, connection generation)
  std::string queue;        // the queue it came from, for transports with several
  std::optional<core::Error> decode_error;  // the message could not be decoded
  // Deliveries of this message by its transport, this one included: 1 on a first delivery, 2+
  // when it was delivered before and never acknowledged (a worker crashed, a stream entry was
  // claimed from a dead consumer, a lease expired, a connection was lost). A lower bound where
  // the broker only says "redelivered"; 0 when the transport cannot tell. Handlers see it, so
  // they can tell a redelivery from a first attempt (the retry count is RedeliveryStamp's).
  std::uint32_t delivery_count = 0;
};

// How an idle worker waits for this receiver without polling: it waits until `fd` is
// readable (when >= 0) or `max_wait` elapsed, then calls get() again.
struct Readiness {
  int fd = -1;
  std::chrono::milliseconds max_wait = std::chrono::milliseconds::max();
};

class Transport {
 public:
  virtual ~Transport() = default;

  const std::string& name() const { return name_; }

  // Stores a message durably (honouring its DelayStamp) and returns its transport id.
  virtual core::Result<std::string> send(const core::Envelope& envelope) = 0;

  // Up to `max_messages` messages that are due, without blocking longer than a short bounded
  // wait. An empty vector means none now. Fetched messages stay owned by this consumer until
  // acked or rejected.
  virtual core::Result<std::vector<ReceivedMessage>> get(std::size_t max_messages) = 0;
  virtual core::Status ack(const ReceivedMessage& message) = 0;
  virtual core::Status reject(const ReceivedMessage& message) = 0;

  // See Readiness. Default: no fd, the worker's --sleep bounds the wait.
  virtual Readiness readiness() { return {}; }
  // Called after the readiness fd became readable, to drain it.
  virtual void on_readable() {}

 protected:
  explicit Transport(std::string name) : name_(std::move(name)) {}

 private:
  std::string name_;
};

}  // namespace messengerd::transport
