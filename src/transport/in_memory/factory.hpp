#pragma once
// Factory of in-memory:// transports, registered by app/ in the transport Registry.
// Option: serialize (bool, default false) — from the DSN query or the options map.
#include <memory>
#include <string>
#include <vector>

#include "transport/registry.hpp"

namespace messengerd::transport::in_memory {

// {"in-memory"}
std::vector<std::string> in_memory_schemes();

// Fails with invalid_argument for an unknown option (Symfony knows only `serialize`).
core::Result<std::unique_ptr<Transport>> create_in_memory_transport(const TransportContext& context);

}  // namespace messengerd::transport::in_memory
