#pragma once
// Splits a JSON array of objects into the exact text of each element, so stamps keep the
// bytes Symfony wrote (nlohmann would re-format them on dump).
#include <optional>
#include <string_view>
#include <vector>

namespace messengerd::serializer {

// nullopt when `json` is not a well-formed array whose elements are all objects.
std::optional<std::vector<std::string_view>> split_object_array(std::string_view json);

}  // namespace messengerd::serializer
