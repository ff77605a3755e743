#pragma once
// The sqlite transport as a module (transport/module.hpp): kind, schemes, factory, restart-signal store.
#include "transport/module.hpp"

namespace messengerd::transport::sqlite {

const Module& transport_module();

}  // namespace messengerd::transport::sqlite
