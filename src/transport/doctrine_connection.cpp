#include "transport/doctrine_connection.hpp"

#include "transport/option_reader.hpp"

namespace messengerd::transport {

std::string doctrine_connection_name(const config::Dsn& dsn) {
  return dsn.hosts.empty() || dsn.hosts.front().host.empty() ? "default" : dsn.hosts.front().host;
}

core::Result<config::Dsn> doctrine_connection(const TransportContext& context) {
  const std::string name = doctrine_connection_name(context.transport.dsn_parsed);
  const auto& connections = context.config.doctrine_connections;
  auto it = connections.find(name);
  if (it == connections.end()) {
    std::string known;
    for (const auto& [n, url] : connections) known += (known.empty() ? "" : ", ") + n;
    return std::unexpected(invalid_option(context, "no doctrine connection named \"" + name + "\"" +
                                                (known.empty() ? " (none configured)" : " (known: " + known + ")")));
  }
  auto parsed = config::parse_dsn(it->second);
  if (!parsed) {
    return std::unexpected(invalid_option(context, "doctrine connection \"" + name + "\": invalid URL " +
                                                config::redact(it->second) + ": " + parsed.error().message));
  }
  return std::move(*parsed);
}

}  // namespace messengerd::transport
