#pragma once
// An outbox that sends at once through the application's transports.
#include <functional>

#include "bus/outbox.hpp"
#include "transport/transport.hpp"

namespace messengerd::app {

class DirectOutbox final : public bus::Outbox {
 public:
  using Lookup = std::function<core::Result<transport::Transport*>(std::string_view)>;
  using Exists = std::function<bool(std::string_view)>;
  DirectOutbox(Lookup lookup, Exists exists) : lookup_(std::move(lookup)), exists_(std::move(exists)) {}

  core::Result<std::string> send(std::string_view name, const core::Envelope& envelope) override {
    auto transport = lookup_(name);
    if (!transport) return std::unexpected(transport.error());
    return (*transport)->send(envelope);
  }
  bool knows(std::string_view name) const override { return exists_(name); }

 private:
  Lookup lookup_;
  Exists exists_;
};

}  // namespace messengerd::app
