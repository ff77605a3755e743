#include "transport/sqlite/settings.hpp"

#include <algorithm>
#include <array>
#include <cctype>

#include "transport/doctrine_connection.hpp"
#include "transport/option_reader.hpp"
#include "transport/sqlite/schema.hpp"

namespace messengerd::transport::sqlite {
namespace {

constexpr std::array<std::string_view, 10> kKnownOptions{
    "table_name",  "queue_name", "redeliver_timeout",      "auto_setup",         "synchronous",
    "busy_timeout", "use_notify", "check_delayed_interval", "get_notify_timeout", "prefetch",
};

bool is_sqlite_scheme(std::string_view scheme) {
  return scheme == "sqlite" || scheme == "sqlite3" || scheme == "pdo-sqlite";
}

}  // namespace

core::Result<std::string> database_path(const config::Dsn& dsn, const std::filesystem::path& config_dir) {
  if (!is_sqlite_scheme(dsn.scheme)) {
    return std::unexpected(core::make_error(core::ErrorKind::unsupported,
                                            "not an SQLite URL: " + dsn.redacted()));
  }
  if (!dsn.hosts.empty() && !dsn.hosts.front().host.empty()) {
    return std::unexpected(core::make_error(
        core::ErrorKind::invalid_argument,
        dsn.redacted() + ": an SQLite URL has no host; write sqlite:///relative/file.db or sqlite:////absolute/file.db"));
  }
  std::string path = dsn.path;
  if (!path.empty() && path.front() == '/') path.erase(0, 1);  // Doctrine strips exactly one
  if (path.empty()) {
    return std::unexpected(core::make_error(core::ErrorKind::invalid_argument,
                                            dsn.redacted() + ": the SQLite URL names no database file"));
  }
  if (path == ":memory:") return path;
  std::filesystem::path p(path);
  if (p.is_relative()) p = config_dir / p;
  return p.lexically_normal().string();
}

bool is_sqlite_transport(const TransportContext& context) {
  const auto& scheme = context.transport.dsn_parsed.scheme;
  if (is_sqlite_scheme(scheme)) return true;
  if (scheme != "doctrine") return false;
  auto url = doctrine_connection(context);
  return url && is_sqlite_scheme(url->scheme);
}

core::Result<SqliteSettings> resolve_settings(const TransportContext& context) {
  SqliteSettings settings;
  const auto& dsn = context.transport.dsn_parsed;

  if (dsn.scheme == "doctrine") {
    auto url = doctrine_connection(context);
    if (!url) return std::unexpected(url.error());
    if (!is_sqlite_scheme(url->scheme)) {
      return std::unexpected(core::make_error(
          core::ErrorKind::unsupported, "transport \"" + context.transport.name + "\": doctrine connection URL " +
                                            url->redacted() + " is not SQLite (only SQLite is handled here)"));
    }
    auto path = database_path(*url, context.config.dir);
    if (!path) return std::unexpected(invalid_option(context, path.error().message));
    settings.path = std::move(*path);
  } else {
    auto path = database_path(dsn, context.config.dir);
    if (!path) return std::unexpected(invalid_option(context, path.error().message));
    settings.path = std::move(*path);
  }

  if (const auto* map = context.transport.options.as_map()) {
    for (const auto& [key, value] : *map) {
      if (std::find(kKnownOptions.begin(), kKnownOptions.end(), key) == kKnownOptions.end()) {
        std::string known;
        for (auto k : kKnownOptions) known += (known.empty() ? "" : ", ") + std::string(k);
        return std::unexpected(invalid_option(context, "unknown option \"" + key + "\" (known: " + known + ")"));
      }
    }
  }

  auto table = string_option(context, "table_name", settings.table_name);
  if (!table) return std::unexpected(table.error());
  if (!valid_table_name(*table)) {
    return std::unexpected(invalid_option(context, "table_name \"" + *table + "\" must be letters, digits and '_' only"));
  }
  settings.table_name = std::move(*table);

  auto queue = string_option(context, "queue_name", settings.queue_name);
  if (!queue) return std::unexpected(queue.error());
  if (queue->empty()) return std::unexpected(invalid_option(context, "queue_name must not be empty"));
  settings.queue_name = std::move(*queue);

  auto redeliver = int_option(context, "redeliver_timeout", settings.redeliver_timeout_s, 0);
  if (!redeliver) return std::unexpected(redeliver.error());
  settings.redeliver_timeout_s = *redeliver;

  auto busy = int_option(context, "busy_timeout", settings.busy_timeout_ms, 0);
  if (!busy) return std::unexpected(busy.error());
  settings.busy_timeout_ms = *busy;

  auto prefetch = int_option(context, "prefetch", static_cast<std::int64_t>(settings.prefetch), 1);
  if (!prefetch) return std::unexpected(prefetch.error());
  settings.prefetch = static_cast<std::size_t>(*prefetch);

  if (const auto* value = context.transport.options.find("auto_setup"); value != nullptr && !value->is_null()) {
    auto b = value->as_bool();
    if (!b) return std::unexpected(invalid_option(context, "option auto_setup must be a boolean"));
    settings.auto_setup = *b;
  }

  auto sync = string_option(context, "synchronous", settings.synchronous);
  if (!sync) return std::unexpected(sync.error());
  std::string level = *sync;
  std::transform(level.begin(), level.end(), level.begin(), [](unsigned char c) { return std::toupper(c); });
  if (level != "OFF" && level != "NORMAL" && level != "FULL" && level != "EXTRA") {
    return std::unexpected(invalid_option(context, "option synchronous must be OFF, NORMAL, FULL or EXTRA, got \"" + *sync + "\""));
  }
  settings.synchronous = level;
  return settings;
}

}  // namespace messengerd::transport::sqlite
