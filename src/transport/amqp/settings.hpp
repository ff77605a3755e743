#pragma once
// What an amqp:// / amqps:// transport is configured with: Symfony 5.4's DSN form, option names
// and defaults (Bridge/Amqp/Transport/Connection.php; docs/symfony-wire-spec.md §3,
// docs/transports/amqp.md), plus messengerd's own defaults where Symfony has none.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "core/error.hpp"
#include "transport/registry.hpp"

namespace messengerd::transport::amqp {

// php-amqp's flag constants, as Symfony's `flags` options take them.
inline constexpr int kFlagDurable = 2;      // AMQP_DURABLE
inline constexpr int kFlagPassive = 4;      // AMQP_PASSIVE
inline constexpr int kFlagExclusive = 8;    // AMQP_EXCLUSIVE
inline constexpr int kFlagAutoDelete = 16;  // AMQP_AUTODELETE
inline constexpr int kFlagInternal = 32;    // AMQP_INTERNAL

// One value of an AMQP field table (queue/exchange/binding arguments).
using ArgumentValue = std::variant<std::string, std::int64_t, bool>;
using Arguments = std::vector<std::pair<std::string, ArgumentValue>>;

struct AmqpEndpoint {
  std::string host = "localhost";
  int port = 5672;
};

struct AmqpTls {
  bool enabled = false;  // amqps://
  std::string cacert;    // CA file (PEM); required, as in Symfony
  std::string cert;      // client certificate (PEM), optional
  std::string key;       // client key (PEM), with cert
  bool verify = true;    // verify the peer's chain and host name
};

struct AmqpExchange {
  std::string name = "messages";
  std::string type = "fanout";
  std::optional<std::string> default_publish_routing_key;
  int flags = kFlagDurable;
  Arguments arguments;
};

struct AmqpQueue {
  std::string name;
  std::vector<std::string> binding_keys{""};  // Symfony: `binding_keys ?? [null]`, null binds with ""
  Arguments binding_arguments;
  int flags = kFlagDurable;
  Arguments arguments;
};

struct AmqpDelay {
  std::string exchange_name = "delays";
  std::string queue_name_pattern = "delay_%exchange_name%_%routing_key%_%delay%";
};

struct AmqpSettings {
  std::vector<AmqpEndpoint> endpoints;  // tried in order at each (re)connect
  AmqpTls tls;
  std::string login = "guest";
  std::string password = "guest";  // never logged
  std::string vhost = "/";
  AmqpExchange exchange;
  std::vector<AmqpQueue> queues;  // in configuration order; default: one named like the exchange
  AmqpDelay delay;
  bool auto_setup = true;
  // messengerd's: deliveries the broker may push before they are acked (basic.qos per consumer).
  // Symfony 5.4 polls with basic.get and ignores prefetch_count. 100: acks are batched by half
  // the window, so the broker keeps delivering while a batch is being handled and acked (with
  // 20 the broker's round trip is the limit); 1 for long handlers shared by several workers.
  std::uint16_t prefetch_count = 100;
  // Seconds; 0 = off. messengerd services heartbeats while handlers run, so it can afford them
  // (php-amqp's default is 0).
  int heartbeat = 60;
  std::chrono::milliseconds connect_timeout{5000};
  std::chrono::milliseconds read_timeout{30000};   // synchronous RPCs (declare, qos, ...)
  std::chrono::milliseconds write_timeout{30000};  // SO_SNDTIMEO on the socket
  // Publisher confirms are always on; send() fails when the broker has not confirmed within
  // this time (Symfony waits only when confirm_timeout is set).
  std::chrono::milliseconds confirm_timeout{10000};
  int frame_max = 131072;
  int channel_max = 0;
  std::string redacted_dsn;
};

std::vector<std::string> amqp_option_names();

// Reads the DSN and the options (the options map wins over the query string). Fails with
// invalid_argument naming the transport and the option; never includes the password.
core::Result<AmqpSettings> resolve_settings(const TransportContext& context);

// Symfony's names: delay_%exchange_name%_%routing_key%_%delay% + "_delay" or "_retry".
std::string delay_queue_name(const AmqpSettings& settings, std::int64_t delay_ms, const std::string& routing_key,
                             bool retry);
// The arguments Symfony 5.4 declares a delay queue with (Connection::createDelayQueue).
Arguments delay_queue_arguments(const AmqpSettings& settings, std::int64_t delay_ms, const std::string& routing_key,
                                bool retry);

}  // namespace messengerd::transport::amqp
