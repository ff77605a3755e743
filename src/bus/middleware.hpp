#pragma once
// A bus middleware (Symfony's MiddlewareInterface): does its part and calls `next` to go on,
// or returns without calling it to stop the chain.
#include <concepts>
#include <memory>
#include <string_view>
#include <type_traits>

#include "bus/bus_context.hpp"

namespace messengerd::bus {

// "The rest of the chain", given to a middleware for the duration of its handle() call: a
// borrowed callable (two pointers), so running a message through the chain allocates nothing.
class Next {
 public:
  template <class F>
    requires(!std::same_as<std::remove_cvref_t<F>, Next> && std::invocable<F&, BusContext&>)
  Next(F&& rest)  // NOLINT(google-explicit-constructor): lambdas convert, as to std::function
      : rest_(const_cast<void*>(static_cast<const void*>(std::addressof(rest)))),
        call_([](void* r, BusContext& context) { (*static_cast<std::remove_reference_t<F>*>(r))(context); }) {}

  void operator()(BusContext& context) const { call_(rest_, context); }

 private:
  void* rest_;
  void (*call_)(void*, BusContext&);
};

class BusMiddleware {
 public:
  virtual ~BusMiddleware() = default;
  virtual std::string_view name() const = 0;
  virtual void handle(BusContext& context, const Next& next) = 0;
};

}  // namespace messengerd::bus
