#include "bus/add_bus_name_stamp_middleware.hpp"

#include "serializer/stamps.hpp"

namespace messengerd::bus {

void AddBusNameStampMiddleware::handle(BusContext& context, const Next& next) {
  if (!context.envelope.has(core::stamp_class::kBusName)) {
    context.envelope.add(serializer::make_bus_name_stamp(bus_name_));
  }
  next(context);
}

}  // namespace messengerd::bus
