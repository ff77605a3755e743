#pragma once
// yaml-cpp -> Value, keeping the line and column of every node (1-based). yaml-cpp throws;
// this is the boundary where its exceptions become a ConfigProblem.
#include <expected>
#include <string>
#include <string_view>

#include "config/config.hpp"
#include "config/value.hpp"

namespace messengerd::config {

std::expected<Value, ConfigProblem> read_yaml(std::string_view text, const std::string& file);

}  // namespace messengerd::config
