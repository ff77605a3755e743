#pragma once
// Where the send_message middleware hands envelopes to transports. The CLI sends at once; the
// worker's handler thread collects them so that only the loop thread touches connections.
#include <string>
#include <string_view>

#include "core/envelope.hpp"
#include "core/error.hpp"

namespace messengerd::bus {

class Outbox {
 public:
  virtual ~Outbox() = default;
  // Returns the transport's message id (may be empty when sending is deferred).
  virtual core::Result<std::string> send(std::string_view transport, const core::Envelope& envelope) = 0;
  virtual bool knows(std::string_view transport) const = 0;
};

}  // namespace messengerd::bus
