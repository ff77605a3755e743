#include "transport/redis/factory.hpp"

#include "transport/redis/redis_transport.hpp"
#include "transport/redis/sentinel.hpp"
#include "transport/redis/settings.hpp"

namespace messengerd::transport::redis {

core::Result<std::unique_ptr<Transport>> create_redis_transport(const TransportContext& context) {
  auto settings = resolve_settings(context);
  if (!settings) return std::unexpected(settings.error());
  auto sentinel = resolve_sentinel(context);
  if (!sentinel) return std::unexpected(sentinel.error());
  // Connecting is lazy: a broker that is down at start is an outage like any other (retried
  // with backoff), not a reason for the worker to exit.
  return std::unique_ptr<Transport>(
      std::make_unique<RedisTransport>(context.transport.name, std::move(*settings), context.serializer,
                                       std::move(*sentinel)));
}

}  // namespace messengerd::transport::redis
