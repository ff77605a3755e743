#pragma once
// amqp:// and amqps:// transports for the registry (app/transport_factories.cpp).
#include <memory>
#include <string>
#include <vector>

#include "transport/registry.hpp"

namespace messengerd::transport::amqp {

std::vector<std::string> amqp_schemes();
core::Result<std::unique_ptr<Transport>> create_amqp_transport(const TransportContext& context);

}  // namespace messengerd::transport::amqp
