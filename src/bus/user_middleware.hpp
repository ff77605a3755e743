#pragma once
// Runs a plugin's middleware (buses.<bus>.middleware) around the rest of the chain.
#include <memory>

#include "bus/middleware.hpp"
#include "core/handler.hpp"

namespace messengerd::bus {

class UserMiddleware final : public BusMiddleware {
 public:
  explicit UserMiddleware(std::shared_ptr<core::Middleware> middleware) : middleware_(std::move(middleware)) {}
  std::string_view name() const override { return middleware_->name(); }
  void handle(BusContext& context, const Next& next) override;

 private:
  std::shared_ptr<core::Middleware> middleware_;
};

}  // namespace messengerd::bus
