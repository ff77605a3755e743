#include "routing/router.hpp"

#include <algorithm>

namespace messengerd::routing {

namespace {

// "App\Message\Sms" -> "App\Message\*", "App\*" (innermost first), like listWildcards().
void append_wildcards(std::string_view type, std::vector<std::string>& out) {
  auto end = type.rfind('\\');
  while (end != std::string_view::npos && end > 0) {
    out.push_back(std::string(type.substr(0, end)) + "\\*");
    end = type.rfind('\\', end - 1);
  }
}

void push_unique(std::vector<std::string>& out, const std::string& value) {
  if (std::find(out.begin(), out.end(), value) == out.end()) out.push_back(value);
}

}  // namespace

std::vector<std::string> matchable_names(std::string_view type, const core::TypeHierarchy& types) {
  std::vector<std::string> names = types.lineage(type);
  std::vector<std::string> wildcards;
  append_wildcards(type, wildcards);
  for (const auto& w : wildcards) push_unique(names, w);
  push_unique(names, "*");
  return names;
}

Router::Router(std::vector<config::RoutingRule> rules, const core::TypeHierarchy& types)
    : rules_(std::move(rules)), types_(types) {}

std::vector<std::string> Router::senders_for(std::string_view type) const {
  std::vector<std::string> senders;
  for (const auto& name : matchable_names(type, types_)) {
    for (const auto& rule : rules_) {
      if (rule.pattern != name) continue;
      for (const auto& t : rule.transports) push_unique(senders, t);
    }
  }
  return senders;
}

}  // namespace messengerd::routing
