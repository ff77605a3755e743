#include "transport/redis/module.hpp"

#include "transport/redis/factory.hpp"
#include "transport/redis/restart_signal_store.hpp"

namespace messengerd::transport::redis {

namespace {

core::Result<std::unique_ptr<core::RestartSignalStore>> open_store(const config::Dsn& dsn,
                                                                   const std::filesystem::path& /*config_dir*/) {
  return open_restart_signal_store(dsn);
}

}  // namespace

const Module& transport_module() {
  static const Module module{"redis", redis_schemes, create_redis_transport, open_store};
  return module;
}

}  // namespace messengerd::transport::redis
