#pragma once
// What a worker needs from the application around it. app/ implements it; tests fake it.
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bus/message_bus.hpp"
#include "bus/outbox.hpp"
#include "core/worker_event.hpp"
#include "retry/retry_strategy.hpp"
#include "transport/transport.hpp"

namespace messengerd::worker {

class WorkerEnvironment {
 public:
  virtual ~WorkerEnvironment() = default;
  // A configured transport by name, opened on first use (loop thread only).
  virtual core::Result<transport::Transport*> transport(std::string_view name) = 0;
  virtual retry::Strategy retry_strategy(std::string_view transport) const = 0;
  // The transport's own failure transport, else the global one, else nullopt.
  virtual std::optional<std::string> failure_transport_for(std::string_view transport) const = 0;
  // The bus a received message goes to: `forced_bus` when given, else its BusNameStamp's bus,
  // else the default bus (handler thread only).
  virtual bus::MessageBus& bus_for(const core::Envelope& envelope, std::string_view forced_bus) = 0;
  // Where every bus's send_message middleware puts messages while the worker runs.
  virtual void set_outbox(bus::Outbox& outbox) = 0;
  // The batch handler a received message goes to, when its only matching handler is one
  // with batch_size > 1; nullptr otherwise (loop thread: reads handler specs, runs no code).
  virtual core::Handler* batch_handler_for(const core::Envelope& envelope, std::string_view transport,
                                           std::string_view forced_bus) = 0;
  // Plugins' reset callbacks (handler thread).
  virtual void reset_plugins() = 0;
  virtual std::vector<std::shared_ptr<core::WorkerListener>> plugin_listeners() const = 0;
};

}  // namespace messengerd::worker
