#include "bus/handler_registry.hpp"

#include <algorithm>

#include "routing/router.hpp"

namespace messengerd::bus {

void HandlerRegistry::add(std::shared_ptr<core::Handler> handler) {
  handlers_.push_back(std::move(handler));
  std::lock_guard lock(cache_mutex_);
  cache_.clear();
}

const std::vector<core::Handler*>& HandlerRegistry::select(std::string_view type, std::string_view bus,
                                                           std::string_view received_from) const {
  thread_local std::string key;  // reused: no allocation per message once warm
  key.assign(type);
  key += '\0';
  key += bus;
  key += '\0';
  key += received_from;
  std::lock_guard lock(cache_mutex_);
  auto found = cache_.find(key);
  if (found == cache_.end()) found = cache_.emplace(key, compute(type, bus, received_from)).first;
  return found->second;
}

std::vector<core::Handler*> HandlerRegistry::compute(std::string_view type, std::string_view bus,
                                                     std::string_view received_from) const {
  std::vector<core::Handler*> selected;
  // Most specific name first, so that among equal priorities the exact type's handlers run first.
  for (const auto& name : routing::matchable_names(type, types_)) {
    for (const auto& h : handlers_) {
      const auto& spec = h->spec();
      if (!spec.bus.empty() && spec.bus != bus) continue;
      if (!spec.from_transport.empty() && spec.from_transport != received_from) continue;
      if (std::find(spec.types.begin(), spec.types.end(), name) == spec.types.end()) continue;
      if (std::find(selected.begin(), selected.end(), h.get()) == selected.end()) selected.push_back(h.get());
    }
  }
  std::stable_sort(selected.begin(), selected.end(),
                   [](const core::Handler* a, const core::Handler* b) { return a->spec().priority > b->spec().priority; });
  return selected;
}

}  // namespace messengerd::bus
