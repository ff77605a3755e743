#include "transport/sqlite/module.hpp"

#include "transport/sqlite/factory.hpp"
#include "transport/sqlite/restart_signal_store.hpp"

namespace messengerd::transport::sqlite {

const Module& transport_module() {
  static const Module module{"sqlite", sqlite_schemes, create_sqlite_transport, open_restart_signal_store};
  return module;
}

}  // namespace messengerd::transport::sqlite
