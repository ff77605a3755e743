#include "transport/amqp/module.hpp"

#include "transport/amqp/factory.hpp"

namespace messengerd::transport::amqp {

const Module& transport_module() {
  static const Module module{"amqp", amqp_schemes, create_amqp_transport, nullptr};  // no restart-signal store
  return module;
}

}  // namespace messengerd::transport::amqp
