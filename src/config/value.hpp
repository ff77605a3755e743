#pragma once
// A configuration value tree with the source position of each node, independent of yaml-cpp,
// so transports read their `options` without including YAML headers. DSN query strings are
// parsed into the same tree (`exchange[name]=x` becomes a nested map, like PHP's parse_str).
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace messengerd::config {

struct SourceLocation {
  std::string file;  // empty when the value came from a DSN query string or the environment
  int line = 0;      // 1-based; 0 = unknown
  int column = 0;    // 1-based; 0 = unknown
};

class Value {
 public:
  using List = std::vector<Value>;
  using Map = std::vector<std::pair<std::string, Value>>;  // keeps the file's key order

  Value() = default;  // null
  static Value string(std::string s, SourceLocation where = {});
  static Value boolean(bool b, SourceLocation where = {});
  static Value integer(std::int64_t i, SourceLocation where = {});
  static Value number(double d, SourceLocation where = {});
  static Value list(List items, SourceLocation where = {});
  static Value map(Map entries, SourceLocation where = {});

  bool is_null() const;
  bool is_string() const;
  bool is_bool() const;
  bool is_int() const;
  bool is_double() const;
  bool is_list() const;
  bool is_map() const;

  // Scalars as written. YAML scalars and query-string values are stored as strings and
  // converted on request, as Symfony does for DSN options ("true", "1", "60000").
  std::optional<std::string> as_string() const;
  std::optional<bool> as_bool() const;
  std::optional<std::int64_t> as_int() const;
  std::optional<double> as_double() const;
  const List* as_list() const;
  const Map* as_map() const;
  Map* as_map();

  // Map lookup; nullptr when absent or when this is not a map.
  const Value* find(std::string_view key) const;
  // Sets or replaces a key in a map value (this becomes a map if null).
  void set(std::string key, Value value);

  // Typed lookups with a default, for transport options.
  std::string get_string(std::string_view key, std::string_view fallback) const;
  std::int64_t get_int(std::string_view key, std::int64_t fallback) const;
  bool get_bool(std::string_view key, bool fallback) const;
  double get_double(std::string_view key, double fallback) const;

  // Deep merge: keys of `overrides` win; nested maps are merged (options over DSN query).
  static Value merged(const Value& base, const Value& overrides);

  const SourceLocation& where() const { return where_; }
  // Where this value's key was written, for map entries read from a file (errors about the
  // key itself, like an unknown key, point there). Empty for other values.
  const SourceLocation& key_where() const { return key_where_; }
  void set_key_where(SourceLocation where) { key_where_ = std::move(where); }
  // Short description of the node's kind for error messages: "a string", "a map", ...
  std::string kind_name() const;

 private:
  std::variant<std::monostate, std::string, bool, std::int64_t, double, List, Map> data_;
  SourceLocation where_;
  SourceLocation key_where_;
};

}  // namespace messengerd::config
