#pragma once
// What a postgresql:// or doctrine://NAME (PostgreSQL connection) transport is configured with
// (docs/transports/postgres.md). Options have Symfony's names and defaults
// (Bridge/Doctrine/Transport/Connection.php, PostgreSqlConnection.php).
#include <chrono>
#include <cstdint>
#include <string>

#include "core/error.hpp"
#include "transport/registry.hpp"

namespace messengerd::transport::postgres {

struct PostgresSettings {
  std::string conninfo;      // libpq "key='value' ..." string; holds the password: never print it
  std::string redacted_dsn;  // what logs and errors show
  std::string table_name = "messenger_messages";
  std::string queue_name = "default";
  std::int64_t redeliver_timeout_s = 3600;
  bool auto_setup = true;
  bool use_notify = true;  // LISTEN on the table's channel while idle
  // Longest idle wait without a notification (delayed messages become due without one).
  std::chrono::milliseconds check_delayed_interval{60000};
  // Longest single idle wait for a notification before the table is checked again (0: no bound
  // beyond check_delayed_interval, the next due row and the worker's --sleep).
  std::chrono::milliseconds get_notify_timeout{0};
  // messengerd only: rows claimed per round trip; acks are deleted with the next claim.
  std::size_t prefetch = 10;
};

// True for doctrine:// URL schemes of PostgreSQL: postgresql, postgres, pgsql, pdo-pgsql.
bool is_postgres_scheme(std::string_view scheme);

// Resolves the connection (doctrine://NAME through context.config.doctrine_connections, or the
// transport's own postgresql:// URL) into a libpq conninfo and reads the options. libpq
// parameters in the URL query (sslmode, sslrootcert, connect_timeout, application_name, ...)
// pass through; DBAL's charset becomes client_encoding, serverVersion is ignored. Fails with
// invalid_argument naming the transport and the option; messages never contain a password.
// connect_timeout defaults to 5 s (a connect blocks the worker's loop thread).
core::Result<PostgresSettings> resolve_settings(const TransportContext& context);

// A table name Symfony accepts and we write unquoted into SQL: [A-Za-z0-9_]+, optionally
// prefixed by "schema.".
bool valid_table_name(std::string_view table);

}  // namespace messengerd::transport::postgres
