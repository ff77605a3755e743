#include "transport/postgres/factory.hpp"

#include "transport/postgres/postgres_transport.hpp"
#include "transport/postgres/settings.hpp"

namespace messengerd::transport::postgres {

std::vector<std::string> postgres_schemes() { return {"postgresql", "postgres", "pgsql", "pdo-pgsql"}; }

core::Result<std::unique_ptr<Transport>> create_postgres_transport(const TransportContext& context) {
  auto settings = resolve_settings(context);
  if (!settings) return std::unexpected(settings.error());
  if (!context.serializer) {
    return std::unexpected(core::make_error(core::ErrorKind::internal,
                                            "transport \"" + context.transport.name + "\": no serializer"));
  }
  // Connects on first use: a worker started before its database waits for it (logged, backoff).
  return std::unique_ptr<Transport>(
      std::make_unique<PostgresTransport>(context.transport.name, std::move(*settings), context.serializer));
}

}  // namespace messengerd::transport::postgres
