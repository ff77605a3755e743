#pragma once
// Redis Sentinel: which server is the master right now. Asked before every (re)connection, so
// a failover is followed by the next reconnect (a demoted master answers writes with READONLY,
// which the transport treats as a lost connection).
#include <string>
#include <vector>

#include "core/error.hpp"
#include "transport/redis/settings.hpp"
#include "transport/registry.hpp"

namespace messengerd::transport::redis {

struct SentinelSettings {
  std::string master;                   // the name sentinels monitor (`redis_sentinel`/`sentinel_master`)
  std::vector<RedisEndpoint> sentinels; // the DSN's hosts, asked in order
};

// The Sentinel settings of a transport: none (nullopt-like empty master) unless the options name
// a master. With a master, every host of the DSN is a sentinel (default port 26379).
core::Result<SentinelSettings> resolve_sentinel(const TransportContext& context);

// Asks the sentinels in turn for the master's address; the first answer wins.
core::Result<RedisEndpoint> ask_for_master(const SentinelSettings& sentinel, const RedisSettings& settings);

}  // namespace messengerd::transport::redis
