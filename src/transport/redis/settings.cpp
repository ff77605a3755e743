#include "transport/redis/settings.hpp"

#include <algorithm>
#include <array>

#include "transport/option_reader.hpp"

namespace messengerd::transport::redis {
namespace {

constexpr std::array<std::string_view, 24> kKnownOptions{
    "stream",          "group",          "consumer",   "auto_setup",        "delete_after_ack",
    "delete_after_reject", "stream_max_entries", "dbindex", "redeliver_timeout", "claim_interval",
    "lazy",            "auth",           "serializer", "tls",               "persistent_id",
    "read_timeout",    "timeout",        "retry_interval", "prefetch",      "block_timeout",
    "redis_sentinel",  "ssl",            "cafile",     "sentinel_master",
};

// The `ssl` map: PHP stream context names, as Symfony hands them to phpredis.
constexpr std::array<std::string_view, 9> kKnownSslOptions{
    "verify_peer", "verify_peer_name", "cafile", "capath", "local_cert", "local_pk", "passphrase", "peer_name",
    "SNI_enabled",
};

// TLS from the scheme, `tls`, `ssl` and `cafile`. The key passphrase never appears in a message.
core::Result<RedisTls> tls_settings(const TransportContext& context) {
  const auto& dsn = context.transport.dsn_parsed;
  RedisTls tls;
  auto tls_option = bool_option(context, "tls", false);
  if (!tls_option) return std::unexpected(tls_option.error());
  tls.enabled = dsn.scheme == "rediss" || dsn.scheme == "valkeys" || *tls_option;

  const auto* ssl = find_option(context, "ssl");
  if (ssl != nullptr && ssl->as_map() == nullptr) {
    return std::unexpected(invalid_option(context, "option ssl must be a map (ssl: {cafile: …} or ssl[cafile]=… in the query)"));
  }
  auto ssl_string = [&](std::string_view key, std::string& out) -> core::Status {
    const auto* value = ssl != nullptr ? ssl->find(key) : nullptr;
    if (value == nullptr || value->is_null()) return {};
    auto text = value->as_string();
    if (!text) return std::unexpected(invalid_option(context, "option ssl." + std::string(key) + " must be a string"));
    out = *text;
    return {};
  };
  auto ssl_bool = [&](std::string_view key, bool& out) -> core::Status {
    const auto* value = ssl != nullptr ? ssl->find(key) : nullptr;
    if (value == nullptr || value->is_null()) return {};
    if (auto b = value->as_bool()) {
      out = *b;
      return {};
    }
    auto text = value->as_string().value_or("");
    if (text == "true" || text == "1" || text == "on" || text == "yes") {
      out = true;
    } else if (text == "false" || text == "0" || text == "off" || text == "no" || text.empty()) {
      out = false;
    } else {
      return std::unexpected(invalid_option(context, "option ssl." + std::string(key) + " must be true or false, got " + text));
    }
    return {};
  };
  if (ssl != nullptr) {
    for (const auto& [key, value] : *ssl->as_map()) {
      if (std::find(kKnownSslOptions.begin(), kKnownSslOptions.end(), key) == kKnownSslOptions.end()) {
        std::string known;
        for (auto k : kKnownSslOptions) known += (known.empty() ? "" : ", ") + std::string(k);
        return std::unexpected(invalid_option(context, "unknown option ssl." + key + "; known: " + known));
      }
    }
  }
  for (auto status : {ssl_bool("verify_peer", tls.verify_peer), ssl_bool("verify_peer_name", tls.verify_peer_name),
                      ssl_bool("SNI_enabled", tls.sni_enabled), ssl_string("cafile", tls.cafile),
                      ssl_string("capath", tls.capath), ssl_string("local_cert", tls.local_cert),
                      ssl_string("local_pk", tls.local_pk), ssl_string("passphrase", tls.passphrase),
                      ssl_string("peer_name", tls.peer_name)}) {
    if (!status) return std::unexpected(status.error());
  }
  // A plain `cafile` option, for convenience; ssl.cafile wins.
  auto cafile = string_option(context, "cafile", "");
  if (!cafile) return std::unexpected(cafile.error());
  if (tls.cafile.empty()) tls.cafile = *cafile;

  if (!tls.enabled && (ssl != nullptr || !cafile->empty())) {
    // Symfony would ignore them and talk in clear: refuse instead, the intent was TLS.
    return std::unexpected(invalid_option(context, "options ssl/cafile given but TLS is off: use rediss:// or tls: true"));
  }
  if (tls.enabled && !dsn.socket_path.empty()) {
    return std::unexpected(invalid_option(context, "TLS needs host:port, not a unix socket"));
  }
  if (const auto* query_ssl = dsn.query.find("ssl"); query_ssl != nullptr && query_ssl->find("passphrase") != nullptr) {
    // The redacted DSN (in every message) hides the password only.
    // Not invalid_option(): that quotes the DSN.
    return std::unexpected(core::make_error(core::ErrorKind::invalid_argument,
                                            "transport \"" + context.transport.name +
                                                "\": ssl.passphrase must not be in the DSN, where logs would show it: "
                                                "put it in the options map (e.g. from %env()%)"));
  }
  if (!tls.local_pk.empty() && tls.local_cert.empty()) {
    return std::unexpected(invalid_option(context, "option ssl.local_pk needs ssl.local_cert (the client certificate)"));
  }
  return tls;
}

}  // namespace

std::vector<std::string> redis_schemes() { return {"redis", "rediss", "valkey", "valkeys"}; }

core::Result<RedisSettings> resolve_settings(const TransportContext& context) {
  const auto& dsn = context.transport.dsn_parsed;
  RedisSettings s;
  s.redacted_dsn = dsn.redacted();

  const auto* options = context.transport.options.as_map();
  for (const auto& [key, value] : options != nullptr ? *options : config::Value::Map{}) {
    if (std::find(kKnownOptions.begin(), kKnownOptions.end(), key) == kKnownOptions.end()) {
      std::string known;
      for (auto k : kKnownOptions) known += (known.empty() ? "" : ", ") + std::string(k);
      return std::unexpected(invalid_option(context, "unknown option \"" + key + "\"; known: " + known));
    }
  }
  if (auto tls = tls_settings(context); tls) {
    s.tls = std::move(*tls);
  } else {
    return std::unexpected(tls.error());
  }
  // With redis_sentinel / sentinel_master the hosts are sentinels (transport/redis/sentinel.hpp):
  // the master's address is asked for at each connection. Without, one host only.
  const bool sentinel = find_option(context, "redis_sentinel") != nullptr || find_option(context, "sentinel_master") != nullptr;
  if (!sentinel && dsn.hosts.size() > 1) {
    return std::unexpected(invalid_option(context, "several hosts need redis_sentinel=<master name> (Redis Cluster is not supported)"));
  }

  // Endpoint: redis://host:port, redis:///path/to.sock, redis://password@host.
  if (!dsn.socket_path.empty()) {
    s.endpoint.socket_path = dsn.socket_path;
  } else if (!dsn.hosts.empty()) {
    if (!dsn.hosts.front().host.empty()) s.endpoint.host = dsn.hosts.front().host;
    if (dsn.hosts.front().port != 0) s.endpoint.port = dsn.hosts.front().port;
  }
  // Symfony: a lone user part (redis://secret@host) is the password.
  if (dsn.has_password) {
    s.user = dsn.user;
    s.password = dsn.password;
  } else if (!dsn.user.empty()) {
    s.password = dsn.user;
  }
  if (const auto* auth = find_option(context, "auth")) {
    if (auto text = auth->as_string()) {
      s.password = *text;
    } else if (const auto* pair = auth->as_list(); pair != nullptr && pair->size() == 2) {
      s.user = (*pair)[0].as_string().value_or("");
      s.password = (*pair)[1].as_string().value_or("");
    } else {
      return std::unexpected(invalid_option(context, "option auth must be a password or [user, password]"));
    }
  }

  // Path segments: /stream/group/consumer (for a TCP DSN; a socket path has none).
  if (s.endpoint.socket_path.empty()) {
    std::vector<std::string> segments;
    for (const auto& segment : dsn.path_segments) {
      if (!segment.empty()) segments.push_back(segment);
    }
    if (segments.size() > 3) return std::unexpected(invalid_option(context, "path: expected /stream[/group[/consumer]]"));
    if (segments.size() > 0) s.stream = segments[0];
    if (segments.size() > 1) s.group = segments[1];
    if (segments.size() > 2) s.consumer = segments[2];
  }

  auto stream = string_option(context, "stream", s.stream);
  auto group = string_option(context, "group", s.group);
  auto consumer = string_option(context, "consumer", s.consumer);
  auto auto_setup = bool_option(context, "auto_setup", s.auto_setup);
  auto delete_after_ack = bool_option(context, "delete_after_ack", s.delete_after_ack);
  auto delete_after_reject = bool_option(context, "delete_after_reject", s.delete_after_reject);
  auto lazy = bool_option(context, "lazy", s.lazy);
  auto max_entries = int_option(context, "stream_max_entries", 0, 0);
  auto dbindex = int_option(context, "dbindex", 0, 0);
  // Symfony 5.4: redeliver_timeout in seconds, claim_interval in milliseconds.
  auto redeliver = int_option(context, "redeliver_timeout", 3600, 0);
  auto claim = int_option(context, "claim_interval", 60000, 1);
  auto serializer = int_option(context, "serializer", 1, 0);
  auto prefetch = int_option(context, "prefetch", 20, 1);
  auto block = int_option(context, "block_timeout", 5000, 1);
  for (const auto* error : {stream ? nullptr : &stream.error(), group ? nullptr : &group.error(),
                            consumer ? nullptr : &consumer.error(), auto_setup ? nullptr : &auto_setup.error(),
                            delete_after_ack ? nullptr : &delete_after_ack.error(),
                            delete_after_reject ? nullptr : &delete_after_reject.error(), lazy ? nullptr : &lazy.error(),
                            max_entries ? nullptr : &max_entries.error(), dbindex ? nullptr : &dbindex.error(),
                            redeliver ? nullptr : &redeliver.error(), claim ? nullptr : &claim.error(),
                            serializer ? nullptr : &serializer.error(), prefetch ? nullptr : &prefetch.error(),
                            block ? nullptr : &block.error()}) {
    if (error != nullptr) return std::unexpected(*error);
  }
  if (stream->empty() || group->empty() || consumer->empty()) {
    return std::unexpected(invalid_option(context, "stream, group and consumer must not be empty"));
  }
  if (*serializer > 1) {
    return std::unexpected(invalid_option(context, "option serializer must be 0 (none) or 1 (\\Redis::SERIALIZER_PHP), got " +
                                                std::to_string(*serializer)));
  }
  s.stream = *stream;
  s.group = *group;
  s.consumer = *consumer;
  s.auto_setup = *auto_setup;
  s.delete_after_ack = *delete_after_ack;
  s.delete_after_reject = *delete_after_reject;
  s.lazy = *lazy;
  s.stream_max_entries = *max_entries;
  s.dbindex = *dbindex;
  s.redeliver_timeout = std::chrono::seconds(*redeliver);
  s.claim_interval = std::chrono::milliseconds(*claim);
  s.php_serializer = static_cast<int>(*serializer);
  s.prefetch = static_cast<std::size_t>(*prefetch);
  s.block = std::chrono::milliseconds(*block);
  return s;
}

}  // namespace messengerd::transport::redis
