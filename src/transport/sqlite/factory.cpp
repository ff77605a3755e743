#include "transport/sqlite/factory.hpp"

#include "transport/sqlite/settings.hpp"
#include "transport/sqlite/sqlite_transport.hpp"

namespace messengerd::transport::sqlite {

std::vector<std::string> sqlite_schemes() { return {"sqlite", "doctrine"}; }

bool handles_transport(const TransportContext& context) { return is_sqlite_transport(context); }

core::Result<std::unique_ptr<Transport>> create_sqlite_transport(const TransportContext& context) {
  auto settings = resolve_settings(context);
  if (!settings) return std::unexpected(settings.error());
  auto transport = SqliteTransport::open(context.transport.name, std::move(*settings), context.serializer);
  if (!transport) return std::unexpected(transport.error());
  return std::unique_ptr<Transport>(std::move(*transport));
}

}  // namespace messengerd::transport::sqlite
