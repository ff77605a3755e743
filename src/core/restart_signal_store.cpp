#include "core/restart_signal_store.hpp"

#include <algorithm>

namespace messengerd::core {

double RestartSignal::applying_to(const std::vector<std::string>& consumed) const {
  double latest = all;
  for (const auto& [name, at] : receivers) {
    if (std::find(consumed.begin(), consumed.end(), name) != consumed.end()) latest = std::max(latest, at);
  }
  return latest;
}

}  // namespace messengerd::core
