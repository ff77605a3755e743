#pragma once
// sync:// — Symfony's SyncTransport: "sending" handles the envelope at once through the bus
// (TransportContext::handle_now) in the caller's thread. Nothing is ever stored, so there is
// nothing to receive: get() returns no messages; ack() and reject() are refused.
#include <functional>
#include <string>

#include "transport/transport.hpp"

namespace messengerd::transport::sync {

class SyncTransport final : public Transport {
 public:
  using HandleNow = std::function<core::Status(const core::Envelope&)>;

  // `handle_now` may be empty: send() then fails with ErrorKind::internal.
  SyncTransport(std::string name, HandleNow handle_now);

  // Returns "" (there is no transport id) or the handler's error unchanged.
  core::Result<std::string> send(const core::Envelope& envelope) override;
  core::Result<std::vector<ReceivedMessage>> get(std::size_t max_messages) override;  // always empty
  core::Status ack(const ReceivedMessage& message) override;     // ErrorKind::unsupported
  core::Status reject(const ReceivedMessage& message) override;  // ErrorKind::unsupported

 private:
  HandleNow handle_now_;
};

}  // namespace messengerd::transport::sync
