#pragma once
// The redis transport as a module (transport/module.hpp): kind, schemes, factory, restart-signal store.
#include "transport/module.hpp"

namespace messengerd::transport::redis {

const Module& transport_module();

}  // namespace messengerd::transport::redis
