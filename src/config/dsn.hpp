#pragma once
// DSN parsing for every scheme messengerd knows, and the one redacting formatter every log
// line, error and `debug` output goes through (docs/DESIGN.md, Errors).
#include <cstdint>
#include <expected>
#include <string>
#include <string_view>
#include <vector>

#include "config/value.hpp"

namespace messengerd::config {

struct DsnHost {
  std::string host;  // percent-decoded; may be an IPv6 literal without brackets
  int port = 0;      // 0 = scheme default / not given
};

struct Dsn {
  std::string scheme;    // lower case: "redis", "amqp", "sqlite", "doctrine", "in-memory", ...
  std::string user;      // percent-decoded
  std::string password;  // percent-decoded; never printed
  bool has_password = false;
  std::vector<DsnHost> hosts;  // several for "redis://h1:1,h2:2" style DSNs
  std::string path;            // percent-decoded, with its leading '/' ("/%2f/ex" -> "//ex")
  std::vector<std::string> path_segments;  // path split on '/', each percent-decoded separately
  std::string socket_path;     // unix socket path when the DSN names one, else empty
  Value query;                 // query parameters as a map (nested for a[b]=c)
  std::string original;        // as given (contains the password: never print it)

  // The DSN with the password replaced by "****"; safe to print.
  std::string redacted() const;
};

struct DsnError {
  std::string part;     // "scheme", "host", "port", "path", "query", "user info"
  std::string message;  // what is wrong, without the password
};

// Parses any URL-shaped DSN: scheme://[user[:pass]@]host[:port][,host[:port]...][/path][?query]
// also `scheme:///abs/path` and `scheme:////abs/path` (sqlite), `redis:///var/run/redis.sock`.
std::expected<Dsn, DsnError> parse_dsn(std::string_view text);

// Replaces the password of any DSN-looking text with "****" (for free text that may hold one).
std::string redact(std::string_view text);

}  // namespace messengerd::config
