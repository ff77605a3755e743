#pragma once
// URL decoding and PHP's parse_str(): "a=1&b[c]=2&d[]=x" becomes a nested Value map, so
// DSN options like `exchange[name]=x` read like the YAML `options` map.
#include <string>
#include <string_view>

#include "config/value.hpp"

namespace messengerd::config {

// %XX and, when `plus_is_space`, '+' -> ' '. Invalid escapes are kept as written.
std::string percent_decode(std::string_view text, bool plus_is_space = false);

Value parse_query_string(std::string_view query);

}  // namespace messengerd::config
