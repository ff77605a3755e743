#include "bus/dispatch_after_current_bus_middleware.hpp"

#include <spdlog/spdlog.h>

namespace messengerd::bus {

void DispatchAfterCurrentBusMiddleware::handle(BusContext& context, const Next& next) {
  ++depth_;
  next(context);
  --depth_;
  if (depth_ > 0) return;  // an inner dispatch: the outermost one decides

  std::vector<core::Envelope> queued;
  queued.swap(queued_);
  if (!context.outcome.ok()) {
    if (!queued.empty()) {
      spdlog::info("dropping {} message(s) dispatched by the failed handling of {}", queued.size(),
                   context.envelope.type());
    }
    return;
  }
  for (auto& envelope : queued) {
    if (dispatch_) dispatch_(std::move(envelope));
  }
}

}  // namespace messengerd::bus
