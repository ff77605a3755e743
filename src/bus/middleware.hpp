#pragma once
// A bus middleware (Symfony's MiddlewareInterface): does its part and calls `next` to go on,
// or returns without calling it to stop the chain.
#include <functional>
#include <string_view>

#include "bus/bus_context.hpp"

namespace messengerd::bus {

using Next = std::function<void(BusContext&)>;

class BusMiddleware {
 public:
  virtual ~BusMiddleware() = default;
  virtual std::string_view name() const = 0;
  virtual void handle(BusContext& context, const Next& next) = 0;
};

}  // namespace messengerd::bus
