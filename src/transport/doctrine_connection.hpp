#pragma once
// doctrine://NAME names a DBAL connection (doctrine.dbal.url or doctrine.dbal.connections.NAME.url,
// parsed into config.doctrine_connections); its URL decides the database. Shared by the SQLite
// and PostgreSQL transports.
#include <string>

#include "config/dsn.hpp"
#include "core/error.hpp"
#include "transport/registry.hpp"

namespace messengerd::transport {

// NAME of doctrine://NAME ("default" when empty).
std::string doctrine_connection_name(const config::Dsn& dsn);

// The parsed URL of the connection doctrine://NAME names. Fails with invalid_argument naming the
// transport and the known connections, or the (redacted) URL that does not parse.
core::Result<config::Dsn> doctrine_connection(const TransportContext& context);

}  // namespace messengerd::transport
