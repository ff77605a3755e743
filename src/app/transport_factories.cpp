#include "app/transport_factories.hpp"

#include "transport/in_memory/factory.hpp"
#include "transport/redis/factory.hpp"
#include "transport/sqlite/factory.hpp"
#include "transport/sync/factory.hpp"

namespace messengerd::app {

void register_transport_factories(transport::Registry& registry) {
  registry.add(transport::sync::sync_schemes(), transport::sync::create_sync_transport);
  registry.add(transport::in_memory::in_memory_schemes(), transport::in_memory::create_in_memory_transport);
  // sqlite:// and doctrine://NAME. doctrine:// connections that are not SQLite are refused by
  // the SQLite factory with "unsupported" until a PostgreSQL factory shares the scheme.
  registry.add(transport::sqlite::sqlite_schemes(), transport::sqlite::create_sqlite_transport);
  registry.add(transport::redis::redis_schemes(), transport::redis::create_redis_transport);
}

}  // namespace messengerd::app
