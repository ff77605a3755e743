#pragma once
// Symfony's SendMessageMiddleware: a new message that routing (or the caller) assigns to
// transports is sent there and the chain stops; a received or unrouted message goes on to
// be handled.
#include "bus/middleware.hpp"
#include "bus/outbox.hpp"
#include "routing/router.hpp"

namespace messengerd::bus {

class SendMessageMiddleware final : public BusMiddleware {
 public:
  SendMessageMiddleware(const routing::Router& router, Outbox*& outbox) : router_(router), outbox_(outbox) {}
  std::string_view name() const override { return "send_message"; }
  void handle(BusContext& context, const Next& next) override;

 private:
  const routing::Router& router_;
  Outbox*& outbox_;  // the bus's current outbox (the worker swaps it per thread role)
};

}  // namespace messengerd::bus
