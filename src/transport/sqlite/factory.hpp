#pragma once
// Factory of the embedded SQLite transport, registered by app/ in the transport Registry for
// sqlite:// and for doctrine://NAME when the doctrine connection NAME has an SQLite URL.
#include <memory>
#include <string>
#include <vector>

#include "transport/registry.hpp"

namespace messengerd::transport::sqlite {

// {"sqlite", "doctrine"}. doctrine:// is handled only for SQLite connections: a registry that
// also has a PostgreSQL doctrine factory routes with handles_doctrine_connection().
std::vector<std::string> sqlite_schemes();

// True for sqlite://, and for doctrine://NAME when config.doctrine_connections[NAME] is an
// SQLite URL (sqlite://, sqlite3://, pdo-sqlite://).
bool handles_transport(const TransportContext& context);

// Resolves settings (settings.hpp) and opens the database. Fails with invalid_argument for bad
// options/paths, unsupported for a non-SQLite doctrine connection, internal when the file
// cannot be opened.
core::Result<std::unique_ptr<Transport>> create_sqlite_transport(const TransportContext& context);

}  // namespace messengerd::transport::sqlite
