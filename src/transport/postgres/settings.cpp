#include "transport/postgres/settings.hpp"

#include <algorithm>
#include <array>
#include <cctype>

#include "transport/doctrine_connection.hpp"
#include "transport/option_reader.hpp"

namespace messengerd::transport::postgres {
namespace {

constexpr int kDefaultConnectTimeoutS = 5;

constexpr std::array<std::string_view, 8> kMessengerOptions{
    "table_name", "queue_name", "redeliver_timeout", "auto_setup", "use_notify", "check_delayed_interval",
    "get_notify_timeout", "prefetch",
};

// libpq connection parameters a URL query may carry; they go to the conninfo unchanged.
constexpr std::array<std::string_view, 22> kLibpqParameters{
    "host", "hostaddr", "port", "dbname", "user", "connect_timeout", "client_encoding", "options",
    "application_name", "fallback_application_name", "keepalives", "keepalives_idle", "keepalives_interval",
    "keepalives_count", "tcp_user_timeout", "sslmode", "sslcert", "sslkey", "sslrootcert", "sslcrl",
    "gssencmode", "target_session_attrs",
};

// DBAL connection parameters that are not libpq's: charset is client_encoding, the rest only
// concern DBAL itself.
constexpr std::array<std::string_view, 4> kDbalParameters{"charset", "serverVersion", "driver", "server_version"};

template <std::size_t N>
bool contains(const std::array<std::string_view, N>& list, std::string_view key) {
  return std::find(list.begin(), list.end(), key) != list.end();
}

template <std::size_t N>
std::string joined(const std::array<std::string_view, N>& list) {
  std::string out;
  for (auto k : list) out += (out.empty() ? "" : ", ") + std::string(k);
  return out;
}

// libpq's quoting of a conninfo value: single quotes, backslash-escaped ' and \.
std::string quote(std::string_view value) {
  std::string out = "'";
  for (char c : value) {
    if (c == '\'' || c == '\\') out += '\\';
    out += c;
  }
  return out + "'";
}

void add(std::string& conninfo, std::string_view key, std::string_view value) {
  conninfo += (conninfo.empty() ? "" : " ") + std::string(key) + "=" + quote(value);
}

// host/port/user/password/dbname from the URL, then libpq parameters of its query.
core::Result<std::string> conninfo_from_url(const TransportContext& context, const config::Dsn& url,
                                            bool query_has_messenger_options) {
  // Connecting blocks the worker's loop thread: never for a TCP timeout's minutes. A
  // connect_timeout in the query comes later and wins (libpq takes the last value).
  std::string conninfo = "connect_timeout='" + std::to_string(kDefaultConnectTimeoutS) + "'";
  if (!url.socket_path.empty()) {
    add(conninfo, "host", url.socket_path);
  } else if (!url.hosts.empty() && !url.hosts.front().host.empty()) {
    std::string hosts, ports;
    for (const auto& h : url.hosts) {
      hosts += (hosts.empty() ? "" : ",") + h.host;
      ports += (ports.empty() ? "" : ",") + (h.port != 0 ? std::to_string(h.port) : std::string("5432"));
    }
    add(conninfo, "host", hosts);
    add(conninfo, "port", ports);
  }
  if (!url.user.empty()) add(conninfo, "user", url.user);
  if (url.has_password) add(conninfo, "password", url.password);
  std::string dbname = url.path;
  if (!dbname.empty() && dbname.front() == '/') dbname.erase(0, 1);
  if (!dbname.empty()) add(conninfo, "dbname", dbname);

  if (const auto* map = url.query.as_map()) {
    for (const auto& [key, value] : *map) {
      if (query_has_messenger_options && contains(kMessengerOptions, key)) continue;
      auto text = value.as_string();
      if (contains(kLibpqParameters, key)) {
        if (!text) return std::unexpected(invalid_option(context, "connection parameter " + key + " must be a string"));
        add(conninfo, key, *text);
      } else if (key == "charset") {
        if (text) add(conninfo, "client_encoding", *text);
      } else if (!contains(kDbalParameters, key)) {
        return std::unexpected(invalid_option(
            context, "unknown " + std::string(query_has_messenger_options ? "option" : "connection parameter") + " \"" +
                         key + "\" (known: " + (query_has_messenger_options ? joined(kMessengerOptions) + ", " : "") +
                         joined(kLibpqParameters) + ", " + joined(kDbalParameters) + ")"));
      }
    }
  }
  return conninfo;
}

}  // namespace

bool is_postgres_scheme(std::string_view scheme) {
  return scheme == "postgresql" || scheme == "postgres" || scheme == "pgsql" || scheme == "pdo-pgsql";
}

bool valid_table_name(std::string_view table) {
  if (table.empty() || table.size() > 127) return false;
  const auto dot = table.find('.');
  if (dot != std::string_view::npos && (dot == 0 || dot + 1 == table.size() || table.find('.', dot + 1) != std::string_view::npos)) {
    return false;
  }
  return std::all_of(table.begin(), table.end(), [](unsigned char c) { return std::isalnum(c) || c == '_' || c == '.'; });
}

core::Result<PostgresSettings> resolve_settings(const TransportContext& context) {
  PostgresSettings settings;
  const auto& dsn = context.transport.dsn_parsed;

  if (dsn.scheme == "doctrine") {
    auto url = doctrine_connection(context);
    if (!url) return std::unexpected(url.error());
    if (!is_postgres_scheme(url->scheme)) {
      return std::unexpected(invalid_option(context, "doctrine connection \"" + doctrine_connection_name(dsn) +
                                                         "\" URL " + url->redacted() +
                                                         " is neither PostgreSQL nor SQLite"));
    }
    auto conninfo = conninfo_from_url(context, *url, false);
    if (!conninfo) return std::unexpected(conninfo.error());
    settings.conninfo = std::move(*conninfo);
    settings.redacted_dsn = dsn.redacted() + " (" + url->redacted() + ")";
    // doctrine://NAME?... carries only messenger options (Symfony refuses anything else).
    if (const auto* map = context.transport.options.as_map()) {
      for (const auto& [key, value] : *map) {
        if (!contains(kMessengerOptions, key)) {
          return std::unexpected(
              invalid_option(context, "unknown option \"" + key + "\" (known: " + joined(kMessengerOptions) + ")"));
        }
      }
    }
  } else {
    // The options map may hold libpq parameters too: check them as part of the URL query.
    config::Dsn url = dsn;
    url.query = context.transport.options;
    auto conninfo = conninfo_from_url(context, url, true);
    if (!conninfo) return std::unexpected(conninfo.error());
    settings.conninfo = std::move(*conninfo);
    settings.redacted_dsn = dsn.redacted();
  }

  auto table = string_option(context, "table_name", settings.table_name);
  if (!table) return std::unexpected(table.error());
  if (!valid_table_name(*table)) {
    return std::unexpected(invalid_option(
        context, "table_name \"" + *table + "\" must be letters, digits and '_' only (optionally \"schema.table\")"));
  }
  settings.table_name = std::move(*table);

  auto queue = string_option(context, "queue_name", settings.queue_name);
  if (!queue) return std::unexpected(queue.error());
  if (queue->empty()) return std::unexpected(invalid_option(context, "queue_name must not be empty"));
  if (queue->size() > 190) return std::unexpected(invalid_option(context, "queue_name is longer than 190 characters"));
  settings.queue_name = std::move(*queue);

  auto redeliver = int_option(context, "redeliver_timeout", settings.redeliver_timeout_s, 0);
  if (!redeliver) return std::unexpected(redeliver.error());
  settings.redeliver_timeout_s = *redeliver;

  auto auto_setup = bool_option(context, "auto_setup", settings.auto_setup);
  if (!auto_setup) return std::unexpected(auto_setup.error());
  settings.auto_setup = *auto_setup;

  auto use_notify = bool_option(context, "use_notify", settings.use_notify);
  if (!use_notify) return std::unexpected(use_notify.error());
  settings.use_notify = *use_notify;

  auto check = int_option(context, "check_delayed_interval", settings.check_delayed_interval.count(), 0);
  if (!check) return std::unexpected(check.error());
  settings.check_delayed_interval = std::chrono::milliseconds(*check);

  auto notify_timeout = int_option(context, "get_notify_timeout", settings.get_notify_timeout.count(), 0);
  if (!notify_timeout) return std::unexpected(notify_timeout.error());
  settings.get_notify_timeout = std::chrono::milliseconds(*notify_timeout);

  auto prefetch = int_option(context, "prefetch", static_cast<std::int64_t>(settings.prefetch), 1);
  if (!prefetch) return std::unexpected(prefetch.error());
  settings.prefetch = static_cast<std::size_t>(*prefetch);
  return settings;
}

}  // namespace messengerd::transport::postgres
