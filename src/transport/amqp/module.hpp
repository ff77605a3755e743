#pragma once
// The amqp transport as a module (transport/module.hpp): kind, schemes, factory.
#include "transport/module.hpp"

namespace messengerd::transport::amqp {

const Module& transport_module();

}  // namespace messengerd::transport::amqp
