#pragma once
// Factory of sync:// transports, registered by app/ in the transport Registry.
#include <memory>
#include <string>
#include <vector>

#include "transport/registry.hpp"

namespace messengerd::transport::sync {

// {"sync"}
std::vector<std::string> sync_schemes();

// Never fails; the transport uses context.handle_now.
core::Result<std::unique_ptr<Transport>> create_sync_transport(const TransportContext& context);

}  // namespace messengerd::transport::sync
