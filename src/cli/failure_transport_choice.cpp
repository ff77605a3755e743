#include "cli/failure_transport_choice.hpp"

#include <iostream>
#include <set>

namespace messengerd::cli {

std::optional<FailureTransport> choose_failure_transport(app::Application& app, const std::string& requested,
                                                         const std::string& command) {
  const auto& config = app.config();
  std::string name = requested;
  if (name.empty()) {
    if (!config.failure_transport) {
      std::set<std::string> per_transport;
      for (const auto& t : config.transports) {
        if (t.failure_transport) per_transport.insert(*t.failure_transport);
      }
      if (per_transport.size() == 1) {
        name = *per_transport.begin();
      } else {
        std::cerr << "messengerd " << command
                  << ": no global failure_transport is configured; name one with --transport\n";
        return std::nullopt;
      }
    } else {
      name = *config.failure_transport;
    }
  }
  if (config.transport(name) == nullptr) {
    std::cerr << "messengerd " << command << ": no transport named \"" << name << "\"\n";
    return std::nullopt;
  }
  auto transport = app.transport(name);
  if (!transport) {
    std::cerr << "messengerd " << command << ": transport \"" << name << "\": " << transport.error().message << "\n";
    return std::nullopt;
  }
  auto* listable = dynamic_cast<transport::Listable*>(*transport);
  if (listable == nullptr) {
    const auto scheme = config.transport(name)->dsn_parsed.scheme;
    const bool amqp = scheme == "amqp" || scheme == "amqps";
    std::cerr << "messengerd " << command << ": the failure transport \"" << name << "\" cannot list its messages ("
              << (amqp ? "AMQP queues cannot be browsed, only consumed" : "this kind of transport has no listing")
              << "); use a Doctrine (SQLite, PostgreSQL) or Redis failure transport to inspect failed messages\n";
    return std::nullopt;
  }
  return FailureTransport{name, *transport, listable};
}

}  // namespace messengerd::cli
