#pragma once
// What a sqlite:// or doctrine:// transport is configured with, resolved from the
// TransportContext (docs/transports/sqlite.md).
#include <cstdint>
#include <filesystem>
#include <string>

#include "core/error.hpp"
#include "transport/registry.hpp"

namespace messengerd::transport::sqlite {

struct SqliteSettings {
  std::string path;  // absolute file path, or ":memory:"
  std::string table_name = "messenger_messages";
  std::string queue_name = "default";
  std::int64_t redeliver_timeout_s = 3600;
  bool auto_setup = true;
  std::string synchronous = "NORMAL";  // OFF | NORMAL | FULL | EXTRA
  std::int64_t busy_timeout_ms = 5000;
  // messengerd only: rows claimed per transaction; acks of handed-out rows are deleted together
  // with the next claim (see SqliteTransport). 1 = one transaction per message, as Symfony.
  std::size_t prefetch = 10;
};

// The database file a DSN names. `sqlite:///rel/x.db` is relative to `config_dir` (one leading
// slash stripped, like Doctrine), `sqlite:////abs/x.db` is absolute, `sqlite:///:memory:`.
// Accepts the schemes sqlite, sqlite3 and pdo-sqlite. Fails with invalid_argument.
core::Result<std::string> database_path(const config::Dsn& dsn, const std::filesystem::path& config_dir);

// True when the transport is sqlite://, or doctrine://NAME whose connection URL is SQLite.
bool is_sqlite_transport(const TransportContext& context);

// Resolves the path (through context.config.doctrine_connections for doctrine://NAME) and reads
// the options (Symfony's names and defaults; also use_notify, check_delayed_interval and
// get_notify_timeout, accepted and ignored as Symfony does for non-PostgreSQL connections).
// Fails with invalid_argument naming the transport and the option; unsupported for a doctrine
// connection that is not SQLite. Messages never contain a password.
core::Result<SqliteSettings> resolve_settings(const TransportContext& context);

}  // namespace messengerd::transport::sqlite
