#include "app/transport_factories.hpp"

#include "transport/amqp/factory.hpp"
#include "transport/in_memory/factory.hpp"
#include "transport/postgres/factory.hpp"
#include "transport/redis/factory.hpp"
#include "transport/sqlite/factory.hpp"
#include "transport/sync/factory.hpp"

namespace messengerd::app {
namespace {

// doctrine://CONNECTION names a DBAL connection whose URL decides the database: SQLite files are
// the SQLite transport's, everything else (PostgreSQL) the PostgreSQL transport's.
core::Result<std::unique_ptr<transport::Transport>> create_doctrine_transport(
    const transport::TransportContext& context) {
  if (transport::sqlite::handles_transport(context)) return transport::sqlite::create_sqlite_transport(context);
  return transport::postgres::create_postgres_transport(context);
}

}  // namespace

void register_transport_factories(transport::Registry& registry) {
  registry.add(transport::sync::sync_schemes(), transport::sync::create_sync_transport);
  registry.add(transport::in_memory::in_memory_schemes(), transport::in_memory::create_in_memory_transport);
  registry.add(transport::sqlite::sqlite_schemes(), transport::sqlite::create_sqlite_transport);
  registry.add(transport::postgres::postgres_schemes(), transport::postgres::create_postgres_transport);
  registry.add({"doctrine"}, create_doctrine_transport);
  registry.add(transport::redis::redis_schemes(), transport::redis::create_redis_transport);
  registry.add(transport::amqp::amqp_schemes(), transport::amqp::create_amqp_transport);
}

}  // namespace messengerd::app
