#include "transport_kinds.hpp"

#include <sqlite3.h>

#include <atomic>
#include <cstdlib>

#include "postgres_server.hpp"
#include "rabbitmq_server.hpp"
#include "transport/amqp/connection.hpp"

namespace messengerd::conformance {
namespace {

class InMemoryKind final : public TransportKind {
 public:
  std::string name() const override { return "in-memory"; }
  std::unique_ptr<transport::Transport> open(const std::string&, bool) override { return from_dsn("in-memory://?serialize=true"); }
  bool supports(Behaviour b) const override {
    return b != Behaviour::shared_between_receivers && b != Behaviour::redelivery_after_crash &&
           b != Behaviour::undecodable_injection;
  }
  std::string why_not(Behaviour) const override { return "in-memory:// lives in one transport object of one process"; }
};

class SqliteKind final : public TransportKind {
 public:
  std::string name() const override { return "sqlite"; }
  std::unique_ptr<transport::Transport> open(const std::string&, bool redeliver_quickly) override {
    return from_dsn("sqlite:///queue.db?redeliver_timeout=" + std::string(redeliver_quickly ? "1" : "3600"));
  }
  void inject_undecodable() override {
    sqlite3* db = nullptr;
    sqlite3_open((dir_.path() / "queue.db").c_str(), &db);
    sqlite3_exec(db,
                 "INSERT INTO messenger_messages (body, headers, queue_name, created_at, available_at) "
                 "VALUES ('x', 'not json', 'default', datetime('now'), datetime('now'))",
                 nullptr, nullptr, nullptr);
    sqlite3_close(db);
  }
};

class RedisKind final : public TransportKind {
 public:
  std::string name() const override { return "redis"; }
  std::unique_ptr<transport::Transport> open(const std::string& consumer, bool redeliver_quickly) override {
    return from_dsn(server_.url() + "/stream/group/" + consumer + "?redeliver_timeout=" +
                    (redeliver_quickly ? "1&claim_interval=100" : "3600"));
  }
  void inject_undecodable() override { server_.command({"XADD", "stream", "*", "message", "s:7:\"garbage\";"}); }

 private:
  messengerd::testing::RedisServer server_;
};

// One rabbitmq-server for the whole process (it takes seconds to start), shared by every AMQP
// case; each case has its own exchange and queue. Started only by the `conformance_amqp` ctest
// (MESSENGERD_CONFORMANCE_AMQP=1), which runs every AMQP case in one process: the per-case
// processes of the other kinds skip them instead of starting a broker each.
class AmqpKind final : public TransportKind {
 public:
  AmqpKind() : exchange_(messengerd::testing::unique_name("conformance")) {}
  std::string name() const override { return "amqp"; }
  std::string skip_reason() const override {
    const char* enabled = std::getenv("MESSENGERD_CONFORMANCE_AMQP");
    if (enabled != nullptr && std::string(enabled) == "1") return {};
    return "the AMQP cases run in the conformance_amqp test (one rabbitmq-server for all)";
  }
  std::unique_ptr<transport::Transport> open(const std::string&, bool) override {
    // Every receiver consumes the one queue (named like the exchange): they compete.
    return from_dsn(messengerd::testing::shared_rabbitmq().url() + "/%2f/" + exchange_ + "?prefetch_count=5");
  }
  bool supports(Behaviour b) const override { return b != Behaviour::listing && b != Behaviour::counting; }
  std::string why_not(Behaviour b) const override {
    if (b == Behaviour::listing) return "AMQP cannot list messages (a queue is not browsable)";
    return "AMQP counts the ready messages of its queues, like Symfony; delayed ones wait in per-delay queues";
  }
  void inject_undecodable() override {
    transport::amqp::AmqpSettings settings;
    settings.endpoints = {{"127.0.0.1", messengerd::testing::shared_rabbitmq().port()}};
    transport::amqp::Connection raw(settings, "conformance");
    if (!raw.open(false)) return;
    transport::amqp::Outgoing out;
    out.exchange = exchange_;
    out.body = "garbage";
    (void)raw.publish(out);
  }

 private:
  std::string exchange_;
};

// Every postgres test shares the process-wide cluster; each kind object gets a table of its own.
class PostgresKind final : public TransportKind {
 public:
  PostgresKind() : table_("conformance_" + std::to_string(::getpid()) + "_" + std::to_string(counter_++)) {}
  std::string name() const override { return "postgres"; }
  std::unique_ptr<transport::Transport> open(const std::string&, bool redeliver_quickly) override {
    return from_dsn(server_.url() + "?table_name=" + table_ +
                    "&redeliver_timeout=" + std::string(redeliver_quickly ? "1" : "3600"));
  }
  void inject_undecodable() override {
    server_.exec("INSERT INTO " + table_ + " (body, headers, queue_name, created_at, available_at) "
                 "VALUES ('x', 'not json', 'default', date_trunc('second', now() AT TIME ZONE 'UTC'), date_trunc('second', now() AT TIME ZONE 'UTC'))");
  }

 private:
  static inline std::atomic<int> counter_{0};
  messengerd::testing::PostgresServer& server_ = messengerd::testing::PostgresServer::shared();
  std::string table_;
};

}  // namespace

std::unique_ptr<TransportKind> make_kind(const std::string& name) {
  if (name == "in-memory") return std::make_unique<InMemoryKind>();
  if (name == "sqlite") return std::make_unique<SqliteKind>();
  if (name == "redis") return std::make_unique<RedisKind>();
  if (name == "amqp") return std::make_unique<AmqpKind>();
  if (name == "postgres") return std::make_unique<PostgresKind>();
  throw std::runtime_error("unknown transport kind " + name);
}

}  // namespace messengerd::conformance
