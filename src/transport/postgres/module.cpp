#include "transport/postgres/module.hpp"

#include "transport/postgres/factory.hpp"
#include "transport/postgres/restart_signal_store.hpp"

namespace messengerd::transport::postgres {

namespace {

core::Result<std::unique_ptr<core::RestartSignalStore>> open_store(const config::Dsn& dsn,
                                                                   const std::filesystem::path& /*config_dir*/) {
  return open_restart_signal_store(dsn);
}

}  // namespace

const Module& transport_module() {
  static const Module module{"postgres", postgres_schemes, create_postgres_transport, open_store};
  return module;
}

}  // namespace messengerd::transport::postgres
