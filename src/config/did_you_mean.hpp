#pragma once
// "did you mean" hints for unknown keys and names.
#include <string>
#include <string_view>
#include <vector>

namespace messengerd::config {

// ` (did you mean "x"?)` for the closest candidate within a small edit distance, else "".
std::string did_you_mean(std::string_view name, const std::vector<std::string>& candidates);

}  // namespace messengerd::config
