#include "transport/amqp/factory.hpp"

namespace messengerd::transport::amqp {

std::vector<std::string> amqp_schemes() { return {"amqp", "amqps"}; }

core::Result<std::unique_ptr<Transport>> create_amqp_transport(const TransportContext& context) {
  return std::unexpected(core::make_error(core::ErrorKind::unsupported,
                                          "transport \"" + context.transport.name + "\": AMQP is not built yet"));
}

}  // namespace messengerd::transport::amqp
