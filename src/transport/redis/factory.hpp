#pragma once
// redis:// transports for the registry (app/transport_factories.cpp).
#include <memory>
#include <string>
#include <vector>

#include "transport/registry.hpp"

namespace messengerd::transport::redis {

std::vector<std::string> redis_schemes();  // defined in settings.cpp
core::Result<std::unique_ptr<Transport>> create_redis_transport(const TransportContext& context);

}  // namespace messengerd::transport::redis
