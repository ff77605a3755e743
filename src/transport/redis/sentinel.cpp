#include "transport/redis/sentinel.hpp"

#include <hiredis/hiredis.h>
#include <sys/time.h>

namespace messengerd::transport::redis {

core::Result<SentinelSettings> resolve_sentinel(const TransportContext& context) {
  SentinelSettings sentinel;
  const auto& options = context.transport.options;
  sentinel.master = options.get_string("sentinel_master", options.get_string("redis_sentinel", ""));
  if (sentinel.master.empty()) return sentinel;
  for (const auto& host : context.transport.dsn_parsed.hosts) {
    RedisEndpoint endpoint;
    if (!host.host.empty()) endpoint.host = host.host;
    endpoint.port = host.port != 0 ? host.port : 26379;
    sentinel.sentinels.push_back(std::move(endpoint));
  }
  if (sentinel.sentinels.empty()) sentinel.sentinels.push_back({"127.0.0.1", 26379, {}});
  return sentinel;
}

core::Result<RedisEndpoint> ask_for_master(const SentinelSettings& sentinel, const RedisSettings& settings) {
  std::string tried;
  timeval timeout{};
  timeout.tv_sec = static_cast<time_t>(settings.connect_timeout.count() / 1000);
  timeout.tv_usec = static_cast<suseconds_t>((settings.connect_timeout.count() % 1000) * 1000);
  for (const auto& s : sentinel.sentinels) {
    const std::string where = s.host + ":" + std::to_string(s.port);
    tried += (tried.empty() ? "" : ", ") + where;
    redisContext* c = redisConnectWithTimeout(s.host.c_str(), s.port, timeout);
    if (c == nullptr || c->err != 0) {
      if (c != nullptr) redisFree(c);
      continue;
    }
    redisSetTimeout(c, timeout);
    auto* reply = static_cast<redisReply*>(
        redisCommand(c, "SENTINEL get-master-addr-by-name %s", sentinel.master.c_str()));
    RedisEndpoint master;
    bool found = false;
    if (reply != nullptr && reply->type == REDIS_REPLY_ARRAY && reply->elements == 2) {
      master.host.assign(reply->element[0]->str, reply->element[0]->len);
      master.port = std::atoi(reply->element[1]->str);
      found = master.port > 0;
    }
    if (reply != nullptr) freeReplyObject(reply);
    redisFree(c);
    if (found) return master;
  }
  return std::unexpected(core::make_error(core::ErrorKind::connection,
                                          "no sentinel (" + tried + ") knows a master named \"" + sentinel.master + "\""));
}

}  // namespace messengerd::transport::redis
