#include "core/envelope.hpp"

#include <algorithm>

namespace messengerd::core {

void Envelope::remove_all(std::string_view fqcn) {
  std::erase_if(stamps_, [&](const Stamp& s) { return s.fqcn == fqcn; });
}

const Stamp* Envelope::last(std::string_view fqcn) const {
  for (auto it = stamps_.rbegin(); it != stamps_.rend(); ++it) {
    if (it->fqcn == fqcn) return &*it;
  }
  return nullptr;
}

std::vector<const Stamp*> Envelope::all(std::string_view fqcn) const {
  std::vector<const Stamp*> found;
  for (const auto& s : stamps_) {
    if (s.fqcn == fqcn) found.push_back(&s);
  }
  return found;
}

}  // namespace messengerd::core
