#pragma once
// The postgres transport as a module (transport/module.hpp): kind, schemes, factory, restart-signal store.
#include "transport/module.hpp"

namespace messengerd::transport::postgres {

const Module& transport_module();

}  // namespace messengerd::transport::postgres
