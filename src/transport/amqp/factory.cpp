#include "transport/amqp/factory.hpp"

#include "transport/amqp/amqp_transport.hpp"
#include "transport/amqp/settings.hpp"

namespace messengerd::transport::amqp {

std::vector<std::string> amqp_schemes() { return {"amqp", "amqps"}; }

core::Result<std::unique_ptr<Transport>> create_amqp_transport(const TransportContext& context) {
  auto settings = resolve_settings(context);
  if (!settings) return std::unexpected(settings.error());
  // Connecting is lazy: a broker that is down at start is an outage like any other (retried
  // with backoff), not a reason for the worker to exit.
  return std::unique_ptr<Transport>(std::make_unique<AmqpTransport>(context.transport.name, std::move(*settings), context.serializer));
}

}  // namespace messengerd::transport::amqp
