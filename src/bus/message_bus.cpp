#include "bus/message_bus.hpp"

#include "bus/add_bus_name_stamp_middleware.hpp"
#include "bus/failed_message_processing_middleware.hpp"
#include "bus/handle_message_middleware.hpp"
#include "bus/send_message_middleware.hpp"
#include "bus/user_middleware.hpp"

namespace messengerd::bus {

MessageBus::MessageBus(BusOptions options, const routing::Router& router, const HandlerRegistry& handlers,
                       Outbox& outbox)
    : name_(options.name), outbox_(&outbox) {
  if (options.default_middleware) {
    chain_.push_back(std::make_unique<AddBusNameStampMiddleware>(name_));
    auto after = std::make_unique<DispatchAfterCurrentBusMiddleware>();
    after_current_bus_ = after.get();
    after_current_bus_->set_dispatch([this](core::Envelope e) { dispatch(std::move(e)); });
    chain_.push_back(std::move(after));
    chain_.push_back(std::make_unique<FailedMessageProcessingMiddleware>());
  }
  for (auto& m : options.user_middleware) chain_.push_back(std::make_unique<UserMiddleware>(std::move(m)));
  if (options.default_middleware) chain_.push_back(std::make_unique<SendMessageMiddleware>(router, outbox_));
  chain_.push_back(std::make_unique<HandleMessageMiddleware>(handlers, name_, options.allow_no_handlers));
}

namespace {
thread_local MessageBus* t_current_bus = nullptr;
}

MessageBus* MessageBus::current() { return t_current_bus; }

void MessageBus::run(BusContext& context) {
  MessageBus* outer = t_current_bus;
  t_current_bus = this;
  run_from(0, context);
  t_current_bus = outer;
}

void MessageBus::run_from(std::size_t position, BusContext& context) {
  if (position == chain_.size()) return;
  // Each middleware gets a `next` that runs the rest of the chain from its position.
  chain_[position]->handle(context, [this, position](BusContext& c) { run_from(position + 1, c); });
}

BusContext MessageBus::dispatch(core::Envelope envelope, std::vector<std::string> forced_transports) {
  BusContext context;
  context.envelope = std::move(envelope);
  context.forced_transports = std::move(forced_transports);
  run(context);
  return context;
}

BusContext MessageBus::handle_received(core::Envelope envelope, std::string transport, std::string message_id,
                                       int redelivery_count, std::uint32_t delivery_count) {
  BusContext context;
  context.envelope = std::move(envelope);
  context.received_from = std::move(transport);
  context.message_id = std::move(message_id);
  context.redelivery_count = redelivery_count;
  context.delivery_count = delivery_count;
  run(context);
  return context;
}

void MessageBus::dispatch_from_handler(core::Envelope envelope) {
  if (after_current_bus_ != nullptr && after_current_bus_->inside_handling()) {
    after_current_bus_->defer(std::move(envelope));
    return;
  }
  dispatch(std::move(envelope));
}

std::vector<std::string> MessageBus::middleware_names() const {
  std::vector<std::string> names;
  for (const auto& m : chain_) names.emplace_back(m->name());
  return names;
}

}  // namespace messengerd::bus
