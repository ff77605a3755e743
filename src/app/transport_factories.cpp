#include "app/transport_factories.hpp"

#include "app/transport_modules.hpp"
#include "transport/doctrine_connection.hpp"
#include "transport/in_memory/factory.hpp"
#include "transport/sync/factory.hpp"

namespace messengerd::app {
namespace {

using TransportResult = core::Result<std::unique_ptr<transport::Transport>>;

TransportResult create_with_module(std::string_view kind, const transport::TransportContext& context) {
  auto loaded = load_transport_module(kind);
  if (!loaded) {
    return std::unexpected(core::make_error(loaded.error().kind,
                                            "transport \"" + context.transport.name + "\": " + loaded.error().message));
  }
  return loaded->module->create(context);
}

bool is_sqlite_url_scheme(std::string_view scheme) {
  return scheme == "sqlite" || scheme == "sqlite3" || scheme == "pdo-sqlite";
}

// doctrine://CONNECTION names a DBAL connection whose URL decides the database: SQLite files are
// the SQLite transport's, everything else (PostgreSQL) the PostgreSQL transport's. Decided from
// the URL, so only the module that handles it is loaded.
TransportResult create_doctrine_transport(const transport::TransportContext& context) {
  auto url = transport::doctrine_connection(context);
  if (!url) return std::unexpected(url.error());
  return create_with_module(is_sqlite_url_scheme(url->scheme) ? "sqlite" : "postgres", context);
}

}  // namespace

const std::vector<ModuleTransportKind>& module_transport_kinds() {
  static const std::vector<ModuleTransportKind> kinds{
      {"sqlite", {"sqlite"}},
      {"postgres", {"postgresql", "postgres", "pgsql", "pdo-pgsql"}},
      {"redis", {"redis", "rediss", "valkey", "valkeys"}},
      {"amqp", {"amqp", "amqps"}},
  };
  return kinds;
}

void register_transport_factories(transport::Registry& registry) {
  registry.add(transport::sync::sync_schemes(), transport::sync::create_sync_transport);
  registry.add(transport::in_memory::in_memory_schemes(), transport::in_memory::create_in_memory_transport);
  for (const auto& entry : module_transport_kinds()) {
    registry.add(entry.schemes, [kind = entry.kind](const transport::TransportContext& context) {
      return create_with_module(kind, context);
    });
  }
  registry.add({"doctrine"}, create_doctrine_transport);
}

}  // namespace messengerd::app
