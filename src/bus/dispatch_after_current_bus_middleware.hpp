#pragma once
// Symfony's DispatchAfterCurrentBusMiddleware, applied to every message a handler dispatches:
// while a message is being handled, new dispatches are queued; they go through the bus only
// once the outermost message was handled successfully, and are dropped if it failed.
#include <functional>
#include <vector>

#include "bus/middleware.hpp"

namespace messengerd::bus {

class DispatchAfterCurrentBusMiddleware final : public BusMiddleware {
 public:
  using Dispatch = std::function<void(core::Envelope)>;

  std::string_view name() const override { return "dispatch_after_current_bus"; }
  void handle(BusContext& context, const Next& next) override;

  // True while a message is going through the chain below this middleware.
  bool inside_handling() const { return depth_ > 0; }
  // Queues a message dispatched by a handler (only valid while inside_handling()).
  void defer(core::Envelope envelope) { queued_.push_back(std::move(envelope)); }
  // How queued messages are finally dispatched (the bus's own dispatch).
  void set_dispatch(Dispatch dispatch) { dispatch_ = std::move(dispatch); }

 private:
  int depth_ = 0;
  std::vector<core::Envelope> queued_;
  Dispatch dispatch_;
};

}  // namespace messengerd::bus
