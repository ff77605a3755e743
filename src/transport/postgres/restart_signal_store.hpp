#pragma once
// The restart signal and worker registry of `stop-workers` kept in PostgreSQL, so one command
// reaches the workers of every machine that uses the database. Two small tables, created on
// first use (CREATE TABLE IF NOT EXISTS, serialised by an advisory lock so workers starting
// together do not collide):
//   messengerd_restart_signal(scope varchar(190) PRIMARY KEY, restarted_at double precision)
//       scope '*' = every worker, else a receiver name; restarted_at in Unix seconds
//   messengerd_workers(id varchar(255) PRIMARY KEY, host, pid, receivers, started_at, seen_at)
// Selected with `messengerd.restart_signal: 'postgresql://user:pass@host:5432/db'` (also
// postgres:// and pgsql://). Query parameters: libpq's connection parameters, as for the
// transport (sslmode, sslrootcert, connect_timeout, application_name, host = a unix socket
// directory, ...); any other is refused by name (connect_timeout defaults to 3 s). Not thread-safe (one user, like every
// RestartSignalStore). A lost connection is reopened once per call; after a failed connect,
// calls fail at once for 5 s (the worker's loop thread must not wait on each check).
#include <memory>

#include "config/dsn.hpp"
#include "core/restart_signal_store.hpp"

namespace messengerd::transport::postgres {

core::Result<std::unique_ptr<core::RestartSignalStore>> open_restart_signal_store(const config::Dsn& dsn);

}  // namespace messengerd::transport::postgres
