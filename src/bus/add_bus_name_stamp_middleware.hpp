#pragma once
// Symfony's AddBusNameStampMiddleware: records which bus a message was dispatched on, so a
// worker hands it back to the same bus.
#include <string>

#include "bus/middleware.hpp"

namespace messengerd::bus {

class AddBusNameStampMiddleware final : public BusMiddleware {
 public:
  explicit AddBusNameStampMiddleware(std::string bus_name) : bus_name_(std::move(bus_name)) {}
  std::string_view name() const override { return "add_bus_name_stamp_middleware"; }
  void handle(BusContext& context, const Next& next) override;

 private:
  std::string bus_name_;
};

}  // namespace messengerd::bus
