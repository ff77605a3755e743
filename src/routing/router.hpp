#pragma once
// The routing table (Symfony's SendersLocator): which transports a message type is sent to.
#include <string>
#include <string_view>
#include <vector>

#include "config/config.hpp"
#include "core/type_hierarchy.hpp"

namespace messengerd::routing {

// The names a type is matched under, most specific first, as Symfony's
// HandlersLocator::listTypes: the type, its declared parents (transitively), the namespace
// wildcards from the innermost out ("App\Message\*", "App\*"), then "*".
std::vector<std::string> matchable_names(std::string_view type, const core::TypeHierarchy& types);

class Router {
 public:
  // `types` must outlive the router (plugins declare parent types while loading).
  Router(std::vector<config::RoutingRule> rules, const core::TypeHierarchy& types);

  // Every transport any matching rule names, in matchable_names() order then rule order,
  // each once. Empty: the message is not routed (handled synchronously).
  std::vector<std::string> senders_for(std::string_view type) const;

  const std::vector<config::RoutingRule>& rules() const { return rules_; }

 private:
  std::vector<config::RoutingRule> rules_;
  const core::TypeHierarchy& types_;
};

}  // namespace messengerd::routing
