#pragma once
// Resolves Symfony's placeholders in every scalar of a Value tree:
//   %env(NAME)%, with processors chained left to right as Symfony does:
//     string, bool, not, int, float, json, trim, base64, file, csv, resolve,
//     default:FALLBACK_PARAM:NAME (FALLBACK_PARAM empty = null), key:KEY:NAME
//   %parameter_name% from the `parameters:` section;  %% is a literal %.
// A scalar that is exactly one placeholder takes the placeholder's value (possibly a map, a
// list or null); inside a longer string the value is inserted as text.
#include <map>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "config/dotenv.hpp"
#include "config/value.hpp"

namespace messengerd::config {

class PlaceholderResolver {
 public:
  // `environment`: real variables over .env ones. `parameters`: the `parameters:` map.
  PlaceholderResolver(Environment environment, Value parameters);

  // Resolves `value` in place; problems name `key_path` and the scalar's position.
  void resolve(Value& value, const std::string& key_path, std::vector<ConfigProblem>& problems);

 private:
  struct Failure {
    std::string message;
  };
  std::expected<Value, Failure> resolve_string(const std::string& text, int depth);
  std::expected<std::optional<Value>, Failure> env(std::string_view expression, int depth);
  std::expected<Value, Failure> parameter(const std::string& name, int depth);

  Environment environment_;
  Value parameters_;
};

}  // namespace messengerd::config
