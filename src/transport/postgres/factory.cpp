#include "transport/postgres/factory.hpp"

namespace messengerd::transport::postgres {

std::vector<std::string> postgres_schemes() { return {"postgresql", "postgres", "pgsql"}; }

core::Result<std::unique_ptr<Transport>> create_postgres_transport(const TransportContext& context) {
  return std::unexpected(core::make_error(core::ErrorKind::unsupported,
                                          "transport \"" + context.transport.name + "\": PostgreSQL is not built yet"));
}

}  // namespace messengerd::transport::postgres
