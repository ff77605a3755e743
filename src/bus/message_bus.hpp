#pragma once
// A message bus: an ordered chain of middleware, as Symfony builds it by default:
//   add_bus_name_stamp_middleware, dispatch_after_current_bus, failed_message_processing_middleware,
//   <the bus's user middleware>, send_message, handle_message
// With default_middleware: false only the user middleware run (and handle_message, so that
// handlers still run). Not thread-safe: one bus object per thread role.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "bus/bus_context.hpp"
#include "bus/dispatch_after_current_bus_middleware.hpp"
#include "bus/handler_registry.hpp"
#include "bus/middleware.hpp"
#include "bus/outbox.hpp"
#include "routing/router.hpp"

namespace messengerd::bus {

struct BusOptions {
  std::string name = "messenger.bus.default";
  bool default_middleware = true;
  bool allow_no_handlers = false;
  std::vector<std::shared_ptr<core::Middleware>> user_middleware;  // in config order
};

class MessageBus {
 public:
  MessageBus(BusOptions options, const routing::Router& router, const HandlerRegistry& handlers, Outbox& outbox);

  const std::string& name() const { return name_; }

  // A new message: routed and sent, or handled at once when no transport is routed.
  // `forced_transports` overrides routing (Symfony's TransportNamesStamp).
  BusContext dispatch(core::Envelope envelope, std::vector<std::string> forced_transports = {});

  // A message a worker received from `transport`: handled, never sent. `delivery_count` is the
  // transport's (transport::ReceivedMessage), passed on to handlers and middleware.
  BusContext handle_received(core::Envelope envelope, std::string transport, std::string message_id,
                             int redelivery_count, std::uint32_t delivery_count = 0);

  // A message dispatched by handler code: queued until the current handling succeeded when
  // called during one, else dispatched now.
  void dispatch_from_handler(core::Envelope envelope);

  // Switches where send_message puts envelopes (the worker collects them on its handler thread).
  void set_outbox(Outbox& outbox) { outbox_ = &outbox; }

  std::vector<std::string> middleware_names() const;

  // The bus running a message on this thread right now (nullptr outside any dispatch), so
  // that a handler's dispatch goes back to the bus that called it.
  static MessageBus* current();

 private:
  void run(BusContext& context);
  void run_from(std::size_t position, BusContext& context);

  std::string name_;
  Outbox* outbox_;
  std::vector<std::unique_ptr<BusMiddleware>> chain_;
  DispatchAfterCurrentBusMiddleware* after_current_bus_ = nullptr;  // owned by chain_
};

}  // namespace messengerd::bus
