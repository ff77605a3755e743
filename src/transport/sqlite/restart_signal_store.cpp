#include "transport/sqlite/restart_signal_store.hpp"

#include <sstream>

#include "transport/sqlite/database.hpp"
#include "transport/sqlite/settings.hpp"

namespace messengerd::transport::sqlite {

namespace {

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& i : items) out += (out.empty() ? "" : ",") + i;
  return out;
}

std::vector<std::string> split(std::string_view text) {
  std::vector<std::string> items;
  std::istringstream in{std::string(text)};
  for (std::string item; std::getline(in, item, ',');) {
    if (!item.empty()) items.push_back(item);
  }
  return items;
}

// Timestamps are stored as text with full precision: Statement binds text and integers only.
std::string seconds_text(double seconds) {
  std::ostringstream out;
  out.precision(17);
  out << seconds;
  return out.str();
}

class SqliteRestartSignalStore final : public core::RestartSignalStore {
 public:
  explicit SqliteRestartSignalStore(std::unique_ptr<Database> db) : db_(std::move(db)) {}

  core::Status setup() {
    return db_->exec(
        "CREATE TABLE IF NOT EXISTS messengerd_restart_signal (scope TEXT PRIMARY KEY NOT NULL, restarted_at TEXT NOT NULL);"
        "CREATE TABLE IF NOT EXISTS messengerd_workers (id TEXT PRIMARY KEY NOT NULL, host TEXT NOT NULL, "
        "pid INTEGER NOT NULL, receivers TEXT NOT NULL, started_at TEXT NOT NULL, seen_at TEXT NOT NULL);");
  }

  std::string describe() const override { return "SQLite tables in " + db_->path(); }

  core::Status signal_restart(double timestamp, const std::vector<std::string>& receivers) override {
    auto statement = db_->prepare(
        "INSERT INTO messengerd_restart_signal (scope, restarted_at) VALUES (?1, ?2) "
        "ON CONFLICT(scope) DO UPDATE SET restarted_at = excluded.restarted_at");
    if (!statement) return std::unexpected(statement.error());
    const std::string at = seconds_text(timestamp);
    const std::vector<std::string> scopes = receivers.empty() ? std::vector<std::string>{"*"} : receivers;
    for (const auto& scope : scopes) {
      statement->bind(1, scope);
      statement->bind(2, at);
      if (auto done = statement->run(); !done) return done;
    }
    return {};
  }

  core::Result<core::RestartSignal> read_signal() override {
    auto statement = db_->prepare("SELECT scope, restarted_at FROM messengerd_restart_signal");
    if (!statement) return std::unexpected(statement.error());
    ResetGuard guard(*statement);
    core::RestartSignal signal;
    while (true) {
      auto row = statement->step();
      if (!row) return std::unexpected(row.error());
      if (!*row) break;
      const std::string scope(statement->column_text(0));
      const double at = std::stod(std::string(statement->column_text(1)));
      if (scope == "*") {
        signal.all = at;
      } else {
        signal.receivers.emplace_back(scope, at);
      }
    }
    return signal;
  }

  core::Status register_worker(const core::WorkerRecord& w) override {
    auto statement = db_->prepare(
        "INSERT INTO messengerd_workers (id, host, pid, receivers, started_at, seen_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6) "
        "ON CONFLICT(id) DO UPDATE SET seen_at = excluded.seen_at, receivers = excluded.receivers");
    if (!statement) return std::unexpected(statement.error());
    const std::string receivers = join(w.receivers), started = seconds_text(w.started_at), seen = seconds_text(w.seen_at);
    statement->bind(1, w.id);
    statement->bind(2, w.host);
    statement->bind(3, w.pid);
    statement->bind(4, receivers);
    statement->bind(5, started);
    statement->bind(6, seen);
    return statement->run();
  }

  core::Status unregister_worker(const std::string& id) override {
    auto statement = db_->prepare("DELETE FROM messengerd_workers WHERE id = ?1");
    if (!statement) return std::unexpected(statement.error());
    statement->bind(1, id);
    return statement->run();
  }

  core::Result<std::vector<core::WorkerRecord>> workers() override {
    auto statement = db_->prepare("SELECT id, host, pid, receivers, started_at, seen_at FROM messengerd_workers");
    if (!statement) return std::unexpected(statement.error());
    ResetGuard guard(*statement);
    std::vector<core::WorkerRecord> records;
    while (true) {
      auto row = statement->step();
      if (!row) return std::unexpected(row.error());
      if (!*row) break;
      records.push_back({std::string(statement->column_text(0)), std::string(statement->column_text(1)),
                         statement->column_int64(2), split(statement->column_text(3)),
                         std::stod(std::string(statement->column_text(4))), std::stod(std::string(statement->column_text(5)))});
    }
    return records;
  }

 private:
  std::unique_ptr<Database> db_;
};

}  // namespace

core::Result<std::unique_ptr<core::RestartSignalStore>> open_restart_signal_store(const config::Dsn& dsn,
                                                                                  const std::filesystem::path& config_dir) {
  auto path = database_path(dsn, config_dir);
  if (!path) return std::unexpected(path.error());
  auto db = Database::open(*path, 5000, "NORMAL");
  if (!db) return std::unexpected(db.error());
  auto store = std::make_unique<SqliteRestartSignalStore>(std::move(*db));
  if (auto ready = store->setup(); !ready) return std::unexpected(ready.error());
  return store;
}

}  // namespace messengerd::transport::sqlite
