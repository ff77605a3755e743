#include "config/dsn.hpp"

#include <algorithm>
#include <cctype>
#include <regex>

#include "config/query_string.hpp"

namespace messengerd::config {

namespace {

std::unexpected<DsnError> fail(std::string part, std::string message) {
  return std::unexpected(DsnError{std::move(part), std::move(message)});
}

bool valid_scheme(std::string_view scheme) {
  if (scheme.empty() || !std::isalpha(static_cast<unsigned char>(scheme.front()))) return false;
  return std::all_of(scheme.begin(), scheme.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '.' || c == '-' || c == '_';
  });
}

// Where the parts of a DSN are, without decoding (shared by parsing and redaction).
struct Layout {
  std::string_view scheme;
  std::string_view userinfo;  // without '@'
  bool has_userinfo = false;
  std::string_view hosts;
  std::string_view path;   // from the first '/' after the hosts, without the query
  std::string_view query;  // without '?'
  bool has_query = false;
};

std::optional<Layout> split(std::string_view text) {
  const auto sep = text.find("://");
  if (sep == std::string_view::npos) return std::nullopt;
  Layout layout;
  layout.scheme = text.substr(0, sep);
  std::string_view rest = text.substr(sep + 3);
  if (const auto q = rest.find('?'); q != std::string_view::npos) {
    layout.query = rest.substr(q + 1);
    layout.has_query = true;
    rest = rest.substr(0, q);
  }
  // The last '@' ends the user info, so passwords may contain '@' or '/' unencoded.
  if (const auto at = rest.rfind('@'); at != std::string_view::npos) {
    layout.userinfo = rest.substr(0, at);
    layout.has_userinfo = true;
    rest = rest.substr(at + 1);
  }
  const auto slash = rest.find('/');
  layout.hosts = rest.substr(0, slash);
  if (slash != std::string_view::npos) layout.path = rest.substr(slash);
  return layout;
}

// Schemes whose lone user info is a password (redis://secret@host, as Symfony reads it).
bool user_info_is_password(std::string_view scheme) {
  return scheme == "redis" || scheme == "rediss" || scheme == "redis_sentinel";
}

bool is_secret_option(std::string_view key) {
  return key == "password" || key == "auth" || key == "pass" || key == "secret" || key == "token" ||
         key.ends_with("[password]") || key.ends_with("[auth]");
}

std::string redact_query(std::string_view query) {
  std::string out;
  std::size_t start = 0;
  while (start <= query.size()) {
    auto end = query.find('&', start);
    if (end == std::string_view::npos) end = query.size();
    auto pair = query.substr(start, end - start);
    const auto eq = pair.find('=');
    if (!out.empty() || start > 0) out += '&';
    if (eq != std::string_view::npos && is_secret_option(percent_decode(pair.substr(0, eq)))) {
      out += std::string(pair.substr(0, eq)) + "=****";
    } else {
      out += pair;
    }
    start = end + 1;
  }
  return out;
}

std::expected<DsnHost, DsnError> parse_host(std::string_view text) {
  DsnHost host;
  std::string_view port;
  if (text.starts_with('[')) {
    const auto close = text.find(']');
    if (close == std::string_view::npos) return fail("host", "an IPv6 address must end with ']'");
    host.host = std::string(text.substr(1, close - 1));
    auto after = text.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return fail("host", "unexpected text after the IPv6 address");
      port = after.substr(1);
    }
  } else {
    const auto colon = text.rfind(':');
    host.host = percent_decode(text.substr(0, colon));
    if (colon != std::string_view::npos) port = text.substr(colon + 1);
  }
  if (!port.empty()) {
    if (port.size() > 5 || !std::all_of(port.begin(), port.end(), [](char c) { return c >= '0' && c <= '9'; })) {
      return fail("port", "\"" + std::string(port) + "\" is not a port number");
    }
    host.port = std::stoi(std::string(port));
    if (host.port < 1 || host.port > 65535) return fail("port", std::string(port) + " is not between 1 and 65535");
  }
  return host;
}

}  // namespace

std::expected<Dsn, DsnError> parse_dsn(std::string_view text) {
  if (text.empty()) return fail("scheme", "the DSN is empty");
  auto layout = split(text);
  if (!layout) return fail("scheme", "expected scheme://..., e.g. redis://localhost or sqlite:///var/messages.db");
  if (!valid_scheme(layout->scheme)) return fail("scheme", "\"" + std::string(layout->scheme) + "\" is not a valid scheme");

  Dsn dsn;
  dsn.original = std::string(text);
  dsn.scheme = std::string(layout->scheme);
  std::transform(dsn.scheme.begin(), dsn.scheme.end(), dsn.scheme.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (layout->has_userinfo) {
    const auto colon = layout->userinfo.find(':');
    dsn.user = percent_decode(layout->userinfo.substr(0, colon));
    if (colon != std::string_view::npos) {
      dsn.password = percent_decode(layout->userinfo.substr(colon + 1));
      dsn.has_password = true;
    }
  }
  if (!layout->hosts.empty()) {
    std::size_t start = 0;
    while (start <= layout->hosts.size()) {
      auto end = layout->hosts.find(',', start);
      if (end == std::string_view::npos) end = layout->hosts.size();
      auto host = parse_host(layout->hosts.substr(start, end - start));
      if (!host) return std::unexpected(host.error());
      dsn.hosts.push_back(std::move(*host));
      start = end + 1;
    }
  }
  dsn.path = percent_decode(layout->path);
  if (!layout->path.empty()) {
    std::string_view raw = layout->path.substr(1);
    std::size_t start = 0;
    while (start <= raw.size()) {
      auto end = raw.find('/', start);
      if (end == std::string_view::npos) end = raw.size();
      dsn.path_segments.push_back(percent_decode(raw.substr(start, end - start)));
      start = end + 1;
    }
  }
  const bool no_host = dsn.hosts.empty() || (dsn.hosts.size() == 1 && dsn.hosts.front().host.empty());
  if (no_host && dsn.path.ends_with(".sock")) dsn.socket_path = dsn.path;
  dsn.query = layout->has_query ? parse_query_string(layout->query) : Value::map({});
  return dsn;
}

std::string Dsn::redacted() const { return redact(original); }

std::string redact(std::string_view text) {
  // A whole DSN: rebuild it with the secrets replaced.
  if (auto layout = split(text); layout && valid_scheme(layout->scheme) && text.find(' ') == std::string_view::npos) {
    std::string out = std::string(layout->scheme) + "://";
    if (layout->has_userinfo) {
      const auto colon = layout->userinfo.find(':');
      if (colon != std::string_view::npos) {
        out += std::string(layout->userinfo.substr(0, colon)) + ":****";
      } else if (user_info_is_password(layout->scheme) && !layout->userinfo.empty()) {
        out += "****";
      } else {
        out += layout->userinfo;
      }
      out += '@';
    }
    out += layout->hosts;
    out += layout->path;
    if (layout->has_query) out += "?" + redact_query(layout->query);
    return out;
  }
  // Free text: every scheme://user:password@ inside it.
  static const std::regex kUserInfo(R"(([A-Za-z][A-Za-z0-9+.\-_]*://[^:@/\s]*):[^@\s]*@)");
  return std::regex_replace(std::string(text), kUserInfo, "$1:****@");
}

}  // namespace messengerd::config
