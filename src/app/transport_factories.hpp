#pragma once
// The one table from DSN scheme to transport kind. Adding a kind adds a line here.
// sync:// and in-memory:// are built in; the kinds that need a client library are modules,
// loaded on the first use of one of their schemes (app/transport_modules.hpp). Their schemes are
// listed here, so that choosing a kind never loads a module.
#include <string>
#include <vector>

#include "transport/registry.hpp"

namespace messengerd::app {

struct ModuleTransportKind {
  std::string kind;                  // messengerd-transport-<kind>.so
  std::vector<std::string> schemes;  // the schemes that load it (doctrine:// is decided apart)
};

// sqlite, redis, amqp, postgres with their schemes (a unit test checks them against the modules').
const std::vector<ModuleTransportKind>& module_transport_kinds();

void register_transport_factories(transport::Registry& registry);

}  // namespace messengerd::app
