#pragma once
// The one table from DSN scheme to transport kind. Adding a kind adds a line here.
#include "transport/registry.hpp"

namespace messengerd::app {

void register_transport_factories(transport::Registry& registry);

}  // namespace messengerd::app
