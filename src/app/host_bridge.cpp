#include "app/host_bridge.hpp"

#include <spdlog/spdlog.h>

#include "serializer/stamps.hpp"

namespace messengerd::app {

void HostBridge::dispatch(std::string type, std::string body, std::int64_t delay_ms) {
  core::Envelope envelope(std::move(type), std::move(body));
  if (delay_ms > 0) envelope.add(serializer::make_delay_stamp(delay_ms));
  auto* bus = bus::MessageBus::current() != nullptr ? bus::MessageBus::current() : default_bus_;
  if (bus == nullptr) {
    spdlog::error("a plugin dispatched {} before any bus existed; dropped", envelope.type());
    return;
  }
  bus->dispatch_from_handler(std::move(envelope));
}

}  // namespace messengerd::app
