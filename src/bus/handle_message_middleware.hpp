#pragma once
// Symfony's HandleMessageMiddleware: calls every matching handler in priority order. Handlers
// that already succeeded (HandledStamp) are skipped, so a retry only re-runs the ones that
// failed; the failures are reported together.
#include "bus/handler_registry.hpp"
#include "bus/middleware.hpp"

namespace messengerd::bus {

inline constexpr std::string_view kNoHandlerException =
    "Symfony\\Component\\Messenger\\Exception\\NoHandlerForMessageException";

class HandleMessageMiddleware final : public BusMiddleware {
 public:
  HandleMessageMiddleware(const HandlerRegistry& handlers, std::string bus_name, bool allow_no_handlers)
      : handlers_(handlers), bus_name_(std::move(bus_name)), allow_no_handlers_(allow_no_handlers) {}
  std::string_view name() const override { return "handle_message"; }
  void handle(BusContext& context, const Next& next) override;

 private:
  const HandlerRegistry& handlers_;
  std::string bus_name_;
  bool allow_no_handlers_;
};

// The outcome of several failures, as Symfony's retry listener reads a HandlerFailedException:
// any recoverable -> recoverable; all unrecoverable -> unrecoverable; else retry.
core::HandlerOutcome combine_failures(const std::vector<std::pair<std::string, core::HandlerOutcome>>& failures);

}  // namespace messengerd::bus
