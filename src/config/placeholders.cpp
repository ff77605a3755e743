#include "config/placeholders.hpp"

#include <algorithm>
#include <fstream>
#include <sstream>

#include "config/yaml_reader.hpp"

namespace messengerd::config {

namespace {

constexpr int kMaxDepth = 16;

std::string trim(std::string text) {
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) return "";
  return text.substr(first, text.find_last_not_of(" \t\r\n") - first + 1);
}

std::string text_of(const Value& v) { return v.as_string().value_or(""); }

std::optional<std::string> base64_decode(std::string_view in) {
  static const std::string kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  int bits = 0;
  unsigned buffer = 0;
  for (char c : in) {
    if (c == '=') break;
    if (c == '-') c = '+';
    if (c == '_') c = '/';
    const auto pos = kAlphabet.find(c);
    if (pos == std::string::npos) return std::nullopt;
    buffer = (buffer << 6) | static_cast<unsigned>(pos);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((buffer >> bits) & 0xFF);
    }
  }
  return out;
}

// A value made by a processor (int, bool, json...) has no position in the config file, or one
// inside the variable's text: every node takes the position of the placeholder instead.
Value relocated(const Value& value, const SourceLocation& where) {
  if (const auto* items = value.as_list()) {
    Value::List out;
    for (const auto& item : *items) out.push_back(relocated(item, where));
    return Value::list(std::move(out), where);
  }
  if (const auto* entries = value.as_map()) {
    Value::Map out;
    for (const auto& [key, child] : *entries) {
      Value moved = relocated(child, where);
      moved.set_key_where(where);
      out.emplace_back(key, std::move(moved));
    }
    return Value::map(std::move(out), where);
  }
  if (value.is_bool()) return Value::boolean(*value.as_bool(), where);
  if (value.is_int()) return Value::integer(*value.as_int(), where);
  if (value.is_double()) return Value::number(*value.as_double(), where);
  if (value.is_string()) return Value::string(*value.as_string(), where);
  return value;
}

}  // namespace

PlaceholderResolver::PlaceholderResolver(Environment environment, Value parameters)
    : environment_(std::move(environment)), parameters_(std::move(parameters)) {}

std::expected<Value, PlaceholderResolver::Failure> PlaceholderResolver::parameter(const std::string& name, int depth) {
  const Value* found = parameters_.find(name);
  if (found == nullptr) return std::unexpected(Failure{"parameter \"" + name + "\" is not defined under parameters:"});
  Value copy = *found;
  if (copy.is_string()) return resolve_string(*copy.as_string(), depth + 1);
  return copy;
}

std::expected<std::optional<Value>, PlaceholderResolver::Failure> PlaceholderResolver::env(std::string_view expression,
                                                                                            int depth) {
  if (depth > kMaxDepth) return std::unexpected(Failure{"placeholders refer to each other in a loop"});
  const auto colon = expression.find(':');
  if (colon == std::string_view::npos) {
    auto it = environment_.find(std::string(expression));
    if (it == environment_.end()) return std::optional<Value>();  // missing: the caller decides
    return std::optional(Value::string(it->second));
  }
  const std::string processor(expression.substr(0, colon));
  std::string_view rest = expression.substr(colon + 1);

  if (processor == "default") {
    const auto second = rest.find(':');
    if (second == std::string_view::npos) return std::unexpected(Failure{"default: expects default:FALLBACK_PARAM:NAME"});
    const std::string fallback(rest.substr(0, second));
    auto inner = env(rest.substr(second + 1), depth + 1);
    if (!inner) return inner;
    if (*inner && !(**inner).is_null() && text_of(**inner) != "") return inner;
    if (fallback.empty()) return std::optional(Value());
    auto value = parameter(fallback, depth);
    if (!value) return std::unexpected(value.error());
    return std::optional(*value);
  }
  if (processor == "key") {
    const auto second = rest.find(':');
    if (second == std::string_view::npos) return std::unexpected(Failure{"key: expects key:KEY:NAME"});
    const std::string key(rest.substr(0, second));
    auto inner = env(rest.substr(second + 1), depth + 1);
    if (!inner || !*inner) return inner;
    const Value* found = (**inner).find(key);
    if (found == nullptr) return std::unexpected(Failure{"key \"" + key + "\" is not in the variable's value"});
    return std::optional(*found);
  }

  auto inner = env(rest, depth + 1);
  if (!inner || !*inner) return inner;
  const Value& value = **inner;
  const std::string text = text_of(value);
  if (processor == "string") return std::optional(Value::string(text));
  if (processor == "trim") return std::optional(Value::string(trim(text)));
  if (processor == "bool" || processor == "not") {
    auto b = Value::string(text).as_bool();
    if (!b) {
      // Symfony: filter_var(BOOL) ?: filter_var(INT) ?: filter_var(FLOAT), so numbers count by
      // value and any other text ("maybe") is false.
      auto n = Value::string(text).as_double();
      b = n && *n != 0;
    }
    return std::optional(Value::boolean(processor == "bool" ? *b : !*b));
  }
  if (processor == "int") {
    auto i = Value::string(trim(text)).as_int();
    if (!i) return std::unexpected(Failure{"\"" + text + "\" is not an integer (env processor int)"});
    return std::optional(Value::integer(*i));
  }
  if (processor == "float") {
    auto d = Value::string(trim(text)).as_double();
    if (!d) return std::unexpected(Failure{"\"" + text + "\" is not a number (env processor float)"});
    return std::optional(Value::number(*d));
  }
  if (processor == "json") {
    auto parsed = read_yaml(text, "");  // JSON is YAML's flow style
    if (!parsed) return std::unexpected(Failure{"the value is not valid JSON (env processor json)"});
    return std::optional(*parsed);
  }
  if (processor == "base64") {
    auto decoded = base64_decode(trim(text));
    if (!decoded) return std::unexpected(Failure{"the value is not base64 (env processor base64)"});
    return std::optional(Value::string(*decoded));
  }
  if (processor == "file") {
    std::ifstream in(text);
    if (!in) return std::unexpected(Failure{"file \"" + text + "\" cannot be read (env processor file)"});
    std::stringstream content;
    content << in.rdbuf();
    return std::optional(Value::string(content.str()));
  }
  if (processor == "csv") {
    Value::List items;
    std::stringstream in(text);
    for (std::string item; std::getline(in, item, ',');) items.push_back(Value::string(item));
    return std::optional(Value::list(std::move(items)));
  }
  if (processor == "resolve") {
    auto resolved = resolve_string(text, depth + 1);
    if (!resolved) return std::unexpected(resolved.error());
    return std::optional(*resolved);
  }
  return std::unexpected(Failure{"unknown env processor \"" + processor +
                                 "\" (known: string, bool, not, int, float, json, trim, base64, file, csv, resolve, "
                                 "default, key)"});
}

std::expected<Value, PlaceholderResolver::Failure> PlaceholderResolver::resolve_string(const std::string& text, int depth) {
  if (depth > kMaxDepth) return std::unexpected(Failure{"placeholders refer to each other in a loop"});
  if (text.find('%') == std::string::npos) return Value::string(text);
  std::string out;
  std::optional<Value> whole;  // the value when `text` is exactly one placeholder
  std::size_t i = 0;
  while (i < text.size()) {
    if (text[i] != '%') {
      out += text[i++];
      continue;
    }
    if (text.compare(i, 2, "%%") == 0) {
      out += '%';
      i += 2;
      continue;
    }
    const auto close = text.find('%', i + 1);
    if (close == std::string::npos) {
      out += text.substr(i);
      break;
    }
    const std::string inner = text.substr(i + 1, close - i - 1);
    Value value;
    if (inner.starts_with("env(") && inner.ends_with(")")) {
      const std::string expression = inner.substr(4, inner.size() - 5);
      auto resolved = env(expression, depth);
      if (!resolved) return std::unexpected(resolved.error());
      if (!*resolved) {
        const auto name = expression.substr(expression.rfind(':') == std::string::npos ? 0 : expression.rfind(':') + 1);
        return std::unexpected(Failure{"environment variable " + name + " is not set (in the environment or a .env file)"});
      }
      value = **resolved;
    } else if (!inner.empty() && inner.find_first_of(" \t\"'") == std::string::npos) {
      auto resolved = parameter(inner, depth);
      if (!resolved) return std::unexpected(resolved.error());
      value = *resolved;
    } else {
      out += text.substr(i, close - i);  // a lone '%' in text: keep it
      i = close;
      continue;
    }
    if (i == 0 && close == text.size() - 1) whole = value;
    if (!value.is_null() && !value.as_string()) {
      if (!whole) return std::unexpected(Failure{"a placeholder with a list or map value cannot be part of a longer string"});
    }
    out += value.as_string().value_or("");
    i = close + 1;
  }
  if (whole) return *whole;
  return Value::string(out);
}

void PlaceholderResolver::resolve(Value& value, const std::string& key_path, std::vector<ConfigProblem>& problems) {
  if (auto* entries = value.as_map()) {
    for (auto& [key, child] : *entries) resolve(child, key_path.empty() ? key : key_path + "." + key, problems);
    return;
  }
  if (const auto* items = value.as_list()) {
    Value::List resolved = *items;
    for (std::size_t i = 0; i < resolved.size(); ++i) resolve(resolved[i], key_path + "[" + std::to_string(i) + "]", problems);
    const auto key_where = value.key_where();
    value = Value::list(std::move(resolved), value.where());
    value.set_key_where(key_where);
    return;
  }
  if (!value.is_string()) return;
  auto resolved = resolve_string(*value.as_string(), 0);
  if (!resolved) {
    problems.push_back({value.where(), key_path, resolved.error().message});
    return;
  }
  // Keep the position of the scalar that held the placeholder.
  const auto where = value.where();
  const auto key_where = value.key_where();
  Value result = std::move(*resolved);
  if (result.is_null()) {
    value = Value();
  } else if (result.where().file.empty()) {
    value = relocated(result, where);
  } else {
    value = std::move(result);  // a map or list from parameters: keeps its own positions
  }
  value.set_key_where(key_where);
}

}  // namespace messengerd::config
