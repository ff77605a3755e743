#include "serializer/json_array_scanner.hpp"

#include <nlohmann/json.hpp>

namespace messengerd::serializer {

namespace {

void skip_space(std::string_view s, std::size_t& i) {
  while (i < s.size() && (s[i] == ' ' || s[i] == '\n' || s[i] == '\r' || s[i] == '\t')) ++i;
}

// From an opening '{' to just past its matching '}', honouring strings and escapes.
std::optional<std::size_t> end_of_object(std::string_view s, std::size_t i) {
  int depth = 0;
  bool in_string = false;
  for (; i < s.size(); ++i) {
    const char c = s[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      ++depth;
    } else if (c == '}' || c == ']') {
      if (--depth == 0) return i + 1;
    }
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::vector<std::string_view>> split_object_array(std::string_view json) {
  // Validity first (strings, numbers, nesting); the scan below then only finds boundaries.
  if (!nlohmann::json::accept(json)) return std::nullopt;
  std::vector<std::string_view> elements;
  std::size_t i = 0;
  skip_space(json, i);
  if (i >= json.size() || json[i] != '[') return std::nullopt;
  ++i;
  skip_space(json, i);
  if (i < json.size() && json[i] == ']') return elements;
  while (i < json.size()) {
    skip_space(json, i);
    if (i >= json.size() || json[i] != '{') return std::nullopt;
    auto end = end_of_object(json, i);
    if (!end) return std::nullopt;
    elements.push_back(json.substr(i, *end - i));
    i = *end;
    skip_space(json, i);
    if (i < json.size() && json[i] == ',') {
      ++i;
      continue;
    }
    if (i < json.size() && json[i] == ']') return elements;
    return std::nullopt;
  }
  return std::nullopt;
}

}  // namespace messengerd::serializer
