#pragma once
// Every handler of every plugin, and which of them a message goes to (Symfony's
// HandlersLocator): matching types (the type, its declared parents, namespace wildcards, "*"),
// the handler's bus and from_transport; ordered by priority, higher first.
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/handler.hpp"
#include "core/type_hierarchy.hpp"

namespace messengerd::bus {

class HandlerRegistry {
 public:
  explicit HandlerRegistry(const core::TypeHierarchy& types) : types_(types) {}

  void add(std::shared_ptr<core::Handler> handler);
  const std::vector<std::shared_ptr<core::Handler>>& all() const { return handlers_; }

  // `received_from` empty = dispatched synchronously (handlers with a from_transport skip it).
  // Computed once per (type, bus, transport) and remembered: this runs for every message, on
  // both worker threads. The reference stays valid until the next add().
  const std::vector<core::Handler*>& select(std::string_view type, std::string_view bus,
                                            std::string_view received_from) const;

 private:
  std::vector<core::Handler*> compute(std::string_view type, std::string_view bus, std::string_view received_from) const;

  const core::TypeHierarchy& types_;
  std::vector<std::shared_ptr<core::Handler>> handlers_;
  mutable std::mutex cache_mutex_;
  mutable std::unordered_map<std::string, std::vector<core::Handler*>> cache_;
};

}  // namespace messengerd::bus
