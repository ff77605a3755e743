#include "transport/sync/sync_transport.hpp"

namespace messengerd::transport::sync {

SyncTransport::SyncTransport(std::string name, HandleNow handle_now)
    : Transport(std::move(name)), handle_now_(std::move(handle_now)) {}

core::Result<std::string> SyncTransport::send(const core::Envelope& envelope) {
  if (!handle_now_) {
    return std::unexpected(core::make_error(core::ErrorKind::internal,
                                            "transport \"" + name() + "\" (sync://) has no bus to handle messages with"));
  }
  if (auto handled = handle_now_(envelope); !handled) return std::unexpected(handled.error());
  return std::string{};
}

core::Result<std::vector<ReceivedMessage>> SyncTransport::get(std::size_t) { return std::vector<ReceivedMessage>{}; }

// Symfony throws "You cannot receive messages from the Messenger SyncTransport." for both.
core::Status SyncTransport::ack(const ReceivedMessage&) {
  return std::unexpected(core::make_error(core::ErrorKind::unsupported,
                                          "transport \"" + name() + "\": you cannot receive messages from sync://"));
}

core::Status SyncTransport::reject(const ReceivedMessage& message) { return ack(message); }

}  // namespace messengerd::transport::sync
