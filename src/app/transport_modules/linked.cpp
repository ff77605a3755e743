// load_transport_module() for programs that link the runtime in-process (tests, embedding): the
// kinds are linked in; nothing is loaded. See app/transport_modules.hpp.
#include "app/transport_modules.hpp"
#include "transport/amqp/module.hpp"
#include "transport/postgres/module.hpp"
#include "transport/redis/module.hpp"
#include "transport/sqlite/module.hpp"

namespace messengerd::app {

core::Result<LoadedTransportModule> load_transport_module(std::string_view kind) {
  for (const auto* module : {&transport::sqlite::transport_module(), &transport::redis::transport_module(),
                             &transport::amqp::transport_module(), &transport::postgres::transport_module()}) {
    if (kind == module->kind) return LoadedTransportModule{module, {}};
  }
  return std::unexpected(core::make_error(core::ErrorKind::unsupported,
                                          "no transport of kind \"" + std::string(kind) + "\" in this build"));
}

std::filesystem::path transport_module_dir() { return {}; }

}  // namespace messengerd::app
