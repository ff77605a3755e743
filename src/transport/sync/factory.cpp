#include "transport/sync/factory.hpp"

#include "transport/sync/sync_transport.hpp"

namespace messengerd::transport::sync {

std::vector<std::string> sync_schemes() { return {"sync"}; }

core::Result<std::unique_ptr<Transport>> create_sync_transport(const TransportContext& context) {
  return std::make_unique<SyncTransport>(context.transport.name, context.handle_now);
}

}  // namespace messengerd::transport::sync
