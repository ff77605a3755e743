#pragma once
// What a redis:// transport is configured with: Symfony's DSN forms, option names and 5.4
// defaults (docs/symfony-wire-spec.md §2, docs/transports/redis.md).
#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "transport/registry.hpp"

namespace messengerd::transport::redis {

struct RedisEndpoint {
  std::string host = "127.0.0.1";
  int port = 6379;
  std::string socket_path;  // set: a unix socket instead of host:port
};

// TLS (rediss://, or `tls: true`): Symfony's `ssl` option, i.e. the phpredis/PHP stream
// context names. Read by tls_stream.cpp.
struct RedisTls {
  bool enabled = false;
  bool verify_peer = true;       // the server's chain against cafile/capath (else the system CAs)
  bool verify_peer_name = true;  // the server's certificate names peer_name (else the DSN host)
  std::string cafile;
  std::string capath;
  std::string local_cert;        // client certificate (PEM; may hold the key too)
  std::string local_pk;          // client key (PEM); empty = in local_cert
  std::string passphrase;        // of local_pk; a secret, never logged
  std::string peer_name;         // SNI and the name to verify; empty = the host connected to
  bool sni_enabled = true;       // send that name as SNI (never for an IP address)
};

struct RedisSettings {
  RedisEndpoint endpoint;
  RedisTls tls;
  std::string user;      // ACL user (Redis 6+); empty = default user
  std::string password;  // empty = no AUTH
  std::string redacted_dsn;
  std::int64_t dbindex = 0;
  std::string stream = "messages";
  std::string group = "symfony";
  std::string consumer = "consumer";
  bool auto_setup = true;
  bool delete_after_ack = false;  // Symfony 5.4's default (true from 6.x on)
  bool delete_after_reject = true;
  std::int64_t stream_max_entries = 0;
  std::chrono::milliseconds redeliver_timeout{3600 * 1000};
  std::chrono::milliseconds claim_interval{60000};
  bool lazy = false;
  int php_serializer = 1;  // \Redis::SERIALIZER_PHP: the `message` field is s:N:"...";
  // messengerd's own: entries read per XREADGROUP. They stay in this consumer's pending list
  // until acked, so a crash loses nothing; small enough that several workers share the load.
  std::size_t prefetch = 20;
  std::chrono::milliseconds connect_timeout{2000};
  std::chrono::milliseconds block{5000};  // longest blocking XREADGROUP of an idle worker

  std::string delayed_key() const { return stream + "__queue"; }
};

// True for redis://, rediss://, redis+sentinel...: the schemes this transport answers.
std::vector<std::string> redis_schemes();

// Reads the DSN and the options (the options map wins over the query string). Fails with
// invalid_argument naming the transport and the option, or unsupported for Sentinel, which
// this build does not speak yet. TLS: rediss:// (valkeys://) or `tls: true`, configured by the
// `ssl` map (`ssl[cafile]=…` in a query string) or a plain `cafile` option; `ssl` options
// without TLS are refused rather than silently sent in clear. Messages never contain the
// password or the key passphrase.
core::Result<RedisSettings> resolve_settings(const TransportContext& context);

}  // namespace messengerd::transport::redis
