#include "config/query_string.hpp"

#include <vector>

namespace messengerd::config {

namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// "a[b][]" -> {"a", "b", ""}
std::vector<std::string> key_path(const std::string& key) {
  std::vector<std::string> parts;
  const auto open = key.find('[');
  if (open == std::string::npos || open == 0) return {key};
  parts.push_back(key.substr(0, open));
  std::size_t i = open;
  while (i < key.size() && key[i] == '[') {
    const auto close = key.find(']', i);
    if (close == std::string::npos) break;
    parts.push_back(key.substr(i + 1, close - i - 1));
    i = close + 1;
  }
  return parts;
}

void assign(Value& node, const std::vector<std::string>& path, std::size_t at, Value value) {
  const auto& part = path[at];
  const bool last = at + 1 == path.size();
  if (part.empty()) {
    // "[]": append to a list kept as a map with numeric keys, as PHP arrays are.
    std::size_t next = node.as_map() != nullptr ? node.as_map()->size() : 0;
    if (last) {
      node.set(std::to_string(next), std::move(value));
    } else {
      Value child;
      assign(child, path, at + 1, std::move(value));
      node.set(std::to_string(next), std::move(child));
    }
    return;
  }
  if (last) {
    node.set(part, std::move(value));
    return;
  }
  const Value* existing = node.find(part);
  Value child = existing != nullptr && existing->is_map() ? *existing : Value();
  assign(child, path, at + 1, std::move(value));
  node.set(part, std::move(child));
}

}  // namespace

std::string percent_decode(std::string_view text, bool plus_is_space) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '%' && i + 2 < text.size() && hex_value(text[i + 1]) >= 0 && hex_value(text[i + 2]) >= 0) {
      out += static_cast<char>(hex_value(text[i + 1]) * 16 + hex_value(text[i + 2]));
      i += 2;
    } else if (c == '+' && plus_is_space) {
      out += ' ';
    } else {
      out += c;
    }
  }
  return out;
}

Value parse_query_string(std::string_view query) {
  Value result = Value::map({});
  std::size_t start = 0;
  while (start <= query.size()) {
    auto end = query.find('&', start);
    if (end == std::string_view::npos) end = query.size();
    const auto pair = query.substr(start, end - start);
    if (!pair.empty()) {
      const auto eq = pair.find('=');
      const std::string key = percent_decode(pair.substr(0, eq), true);
      const std::string value = eq == std::string_view::npos ? "" : percent_decode(pair.substr(eq + 1), true);
      if (!key.empty()) assign(result, key_path(key), 0, Value::string(value));
    }
    start = end + 1;
  }
  return result;
}

}  // namespace messengerd::config
