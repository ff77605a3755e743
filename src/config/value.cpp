#include "config/value.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdlib>

namespace messengerd::config {

namespace {

std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

}  // namespace

Value Value::string(std::string s, SourceLocation where) {
  Value v;
  v.data_ = std::move(s);
  v.where_ = std::move(where);
  return v;
}
Value Value::boolean(bool b, SourceLocation where) {
  Value v;
  v.data_ = b;
  v.where_ = std::move(where);
  return v;
}
Value Value::integer(std::int64_t i, SourceLocation where) {
  Value v;
  v.data_ = i;
  v.where_ = std::move(where);
  return v;
}
Value Value::number(double d, SourceLocation where) {
  Value v;
  v.data_ = d;
  v.where_ = std::move(where);
  return v;
}
Value Value::list(List items, SourceLocation where) {
  Value v;
  v.data_ = std::move(items);
  v.where_ = std::move(where);
  return v;
}
Value Value::map(Map entries, SourceLocation where) {
  Value v;
  v.data_ = std::move(entries);
  v.where_ = std::move(where);
  return v;
}

bool Value::is_null() const { return std::holds_alternative<std::monostate>(data_); }
bool Value::is_string() const { return std::holds_alternative<std::string>(data_); }
bool Value::is_bool() const { return std::holds_alternative<bool>(data_); }
bool Value::is_int() const { return std::holds_alternative<std::int64_t>(data_); }
bool Value::is_double() const { return std::holds_alternative<double>(data_); }
bool Value::is_list() const { return std::holds_alternative<List>(data_); }
bool Value::is_map() const { return std::holds_alternative<Map>(data_); }

std::optional<std::string> Value::as_string() const {
  if (const auto* s = std::get_if<std::string>(&data_)) return *s;
  if (const auto* b = std::get_if<bool>(&data_)) return *b ? "true" : "false";
  if (const auto* i = std::get_if<std::int64_t>(&data_)) return std::to_string(*i);
  if (const auto* d = std::get_if<double>(&data_)) {
    std::string text = std::to_string(*d);
    text.erase(text.find_last_not_of('0') + 1);
    if (!text.empty() && text.back() == '.') text.pop_back();
    return text;
  }
  return std::nullopt;
}

std::optional<bool> Value::as_bool() const {
  if (const auto* b = std::get_if<bool>(&data_)) return *b;
  if (const auto* i = std::get_if<std::int64_t>(&data_)) return *i != 0;
  if (const auto* s = std::get_if<std::string>(&data_)) {
    const auto text = lower(*s);
    if (text == "true" || text == "1" || text == "yes" || text == "on") return true;
    if (text == "false" || text == "0" || text == "no" || text == "off" || text.empty()) return false;
  }
  return std::nullopt;
}

std::optional<std::int64_t> Value::as_int() const {
  if (const auto* i = std::get_if<std::int64_t>(&data_)) return *i;
  if (const auto* d = std::get_if<double>(&data_)) {
    if (*d == static_cast<double>(static_cast<std::int64_t>(*d))) return static_cast<std::int64_t>(*d);
    return std::nullopt;
  }
  if (const auto* s = std::get_if<std::string>(&data_)) {
    std::string_view text = *s;
    if (!text.empty() && text.front() == '+') text.remove_prefix(1);
    std::int64_t value = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec == std::errc() && end == text.data() + text.size() && !text.empty()) return value;
  }
  return std::nullopt;
}

std::optional<double> Value::as_double() const {
  if (const auto* d = std::get_if<double>(&data_)) return *d;
  if (const auto* i = std::get_if<std::int64_t>(&data_)) return static_cast<double>(*i);
  if (const auto* s = std::get_if<std::string>(&data_)) {
    if (s->empty()) return std::nullopt;
    char* end = nullptr;
    const double value = std::strtod(s->c_str(), &end);
    if (end == s->c_str() + s->size()) return value;
  }
  return std::nullopt;
}

const Value::List* Value::as_list() const { return std::get_if<List>(&data_); }
const Value::Map* Value::as_map() const { return std::get_if<Map>(&data_); }
Value::Map* Value::as_map() { return std::get_if<Map>(&data_); }

const Value* Value::find(std::string_view key) const {
  const auto* entries = as_map();
  if (entries == nullptr) return nullptr;
  for (const auto& [k, v] : *entries) {
    if (k == key) return &v;
  }
  return nullptr;
}

void Value::set(std::string key, Value value) {
  if (is_null()) data_ = Map{};
  auto* entries = as_map();
  if (entries == nullptr) return;
  for (auto& [k, v] : *entries) {
    if (k == key) {
      v = std::move(value);
      return;
    }
  }
  entries->emplace_back(std::move(key), std::move(value));
}

std::string Value::get_string(std::string_view key, std::string_view fallback) const {
  const auto* v = find(key);
  if (v == nullptr || v->is_null()) return std::string(fallback);
  return v->as_string().value_or(std::string(fallback));
}

std::int64_t Value::get_int(std::string_view key, std::int64_t fallback) const {
  const auto* v = find(key);
  return v == nullptr ? fallback : v->as_int().value_or(fallback);
}

bool Value::get_bool(std::string_view key, bool fallback) const {
  const auto* v = find(key);
  if (v == nullptr || v->is_null()) return fallback;
  return v->as_bool().value_or(fallback);
}

double Value::get_double(std::string_view key, double fallback) const {
  const auto* v = find(key);
  return v == nullptr ? fallback : v->as_double().value_or(fallback);
}

Value Value::merged(const Value& base, const Value& overrides) {
  if (!base.is_map() || !overrides.is_map()) return overrides.is_null() ? base : overrides;
  Value result = base;
  for (const auto& [key, value] : *overrides.as_map()) {
    const Value* existing = result.find(key);
    result.set(key, existing != nullptr ? merged(*existing, value) : value);
  }
  return result;
}

std::string Value::kind_name() const {
  if (is_null()) return "null";
  if (is_string()) return "a string";
  if (is_bool()) return "a boolean";
  if (is_int()) return "an integer";
  if (is_double()) return "a number";
  if (is_list()) return "a list";
  return "a map";
}

}  // namespace messengerd::config
