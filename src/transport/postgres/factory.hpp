#pragma once
// postgresql:// (and doctrine:// connections to PostgreSQL) transports for the registry
// (app/transport_factories.cpp).
#include <memory>
#include <string>
#include <vector>

#include "transport/registry.hpp"

namespace messengerd::transport::postgres {

// Direct URLs (postgresql, postgres, pgsql, and DBAL's pdo-pgsql); doctrine:// is dispatched in app/.
std::vector<std::string> postgres_schemes();
core::Result<std::unique_ptr<Transport>> create_postgres_transport(const TransportContext& context);

}  // namespace messengerd::transport::postgres
