#include "transport_kinds.hpp"

#include <sqlite3.h>

#include <atomic>

#include "postgres_server.hpp"

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
  if (name == "postgres") return std::make_unique<PostgresKind>();
  throw std::runtime_error("unknown transport kind " + name);
}

}  // namespace messengerd::conformance
