#include "core/type_hierarchy.hpp"

#include <algorithm>

namespace messengerd::core {

void TypeHierarchy::declare(const std::string& type, const std::vector<std::string>& parents) {
  auto& known = parents_[type];
  for (const auto& p : parents) {
    if (std::find(known.begin(), known.end(), p) == known.end()) known.push_back(p);
  }
}

std::vector<std::string> TypeHierarchy::lineage(std::string_view type) const {
  std::vector<std::string> out{std::string(type)};
  // Breadth-first over declared parents; the `seen` check also guards against cycles.
  for (std::size_t i = 0; i < out.size(); ++i) {
    auto it = parents_.find(out[i]);
    if (it == parents_.end()) continue;
    for (const auto& p : it->second) {
      if (std::find(out.begin(), out.end(), p) == out.end()) out.push_back(p);
    }
  }
  return out;
}

}  // namespace messengerd::core
