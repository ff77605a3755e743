#pragma once
// The host API plugins call (core::HostServices), wired to the buses and the worker's flags.
#include <functional>

#include "bus/message_bus.hpp"
#include "core/host.hpp"
#include "worker/shared_flags.hpp"

namespace messengerd::app {

class HostBridge final : public core::HostServices {
 public:
  explicit HostBridge(worker::SharedFlags& flags) : flags_(flags) {}

  // The bus used when a handler dispatches outside any bus run (set once buses exist).
  void set_default_bus(bus::MessageBus* bus) { default_bus_ = bus; }

  void dispatch(std::string type, std::string body, std::int64_t delay_ms) override;
  void request_stop() override { flags_.stop_requested = true; }
  void heartbeat() override { flags_.heartbeats.fetch_add(1); }
  bool stopping() const override { return flags_.stopping.load(); }

 private:
  worker::SharedFlags& flags_;
  bus::MessageBus* default_bus_ = nullptr;
};

}  // namespace messengerd::app
