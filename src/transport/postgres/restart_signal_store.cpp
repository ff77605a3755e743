#include "transport/postgres/restart_signal_store.hpp"

#include <algorithm>
#include <array>
#include <chrono>
#include <optional>
#include <pqxx/pqxx>
#include <sstream>

namespace messengerd::transport::postgres {
namespace {

// libpq parameters a restart-signal DSN may carry in its query string (the transport's list).
constexpr std::array<std::string_view, 22> kLibpqParameters{
    "host", "hostaddr", "port", "dbname", "user", "connect_timeout", "client_encoding", "options",
    "application_name", "fallback_application_name", "keepalives", "keepalives_idle", "keepalives_interval",
    "keepalives_count", "tcp_user_timeout", "sslmode", "sslcert", "sslkey", "sslrootcert", "sslcrl",
    "gssencmode", "target_session_attrs",
};

// One libpq conninfo value, quoted: 'it''s' is written 'it\'s' (libpq's escaping).
std::string quoted(std::string_view value) {
  std::string out = "'";
  for (const char c : value) {
    if (c == '\'' || c == '\\') out += '\\';
    out += c;
  }
  return out + "'";
}

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : ",") + item;
  return out;
}

std::vector<std::string> split(const std::string& text) {
  std::vector<std::string> items;
  std::istringstream in(text);
  for (std::string item; std::getline(in, item, ',');) {
    if (!item.empty()) items.push_back(item);
  }
  return items;
}

// The tables; the advisory lock makes concurrent first uses wait for one another instead of
// failing on the catalog's unique index (CREATE TABLE IF NOT EXISTS is not race-free).
constexpr const char* kSetupSql =
    "SELECT pg_advisory_xact_lock(hashtext('messengerd_restart_signal'));"
    "CREATE TABLE IF NOT EXISTS messengerd_restart_signal ("
    " scope VARCHAR(190) PRIMARY KEY NOT NULL, restarted_at DOUBLE PRECISION NOT NULL);"
    "CREATE TABLE IF NOT EXISTS messengerd_workers ("
    " id VARCHAR(255) PRIMARY KEY NOT NULL, host TEXT NOT NULL, pid BIGINT NOT NULL, receivers TEXT NOT NULL,"
    " started_at DOUBLE PRECISION NOT NULL, seen_at DOUBLE PRECISION NOT NULL)";

class PostgresRestartSignalStore final : public core::RestartSignalStore {
 public:
  PostgresRestartSignalStore(std::string conninfo, std::string redacted_dsn)
      : conninfo_(std::move(conninfo)), redacted_dsn_(std::move(redacted_dsn)) {}

  std::string describe() const override { return "PostgreSQL tables messengerd_restart_signal, messengerd_workers on " + redacted_dsn_; }

  core::Status signal_restart(double timestamp, const std::vector<std::string>& receivers) override {
    const std::vector<std::string> scopes = receivers.empty() ? std::vector<std::string>{"*"} : receivers;
    return done(run<bool>([&](pqxx::work& tx) {
      for (const auto& scope : scopes) {
        tx.exec_params(
            "INSERT INTO messengerd_restart_signal (scope, restarted_at) VALUES ($1, $2) "
            "ON CONFLICT (scope) DO UPDATE SET restarted_at = EXCLUDED.restarted_at",
            scope, timestamp);
      }
      return true;
    }));
  }

  core::Result<core::RestartSignal> read_signal() override {
    return run<core::RestartSignal>([](pqxx::work& tx) {
      core::RestartSignal signal;
      for (const auto& row : tx.exec("SELECT scope, restarted_at FROM messengerd_restart_signal")) {
        const std::string scope = row[0].as<std::string>();
        const double at = row[1].as<double>();
        if (scope == "*") {
          signal.all = at;
        } else {
          signal.receivers.emplace_back(scope, at);
        }
      }
      return signal;
    });
  }

  core::Status register_worker(const core::WorkerRecord& w) override {
    return done(run<bool>([&](pqxx::work& tx) {
      tx.exec_params(
          "INSERT INTO messengerd_workers (id, host, pid, receivers, started_at, seen_at) VALUES ($1, $2, $3, $4, $5, $6) "
          "ON CONFLICT (id) DO UPDATE SET seen_at = EXCLUDED.seen_at, receivers = EXCLUDED.receivers",
          w.id, w.host, static_cast<long long>(w.pid), join(w.receivers), w.started_at, w.seen_at);
      return true;
    }));
  }

  core::Status unregister_worker(const std::string& id) override {
    return done(run<bool>([&](pqxx::work& tx) {
      tx.exec_params("DELETE FROM messengerd_workers WHERE id = $1", id);
      return true;
    }));
  }

  core::Result<std::vector<core::WorkerRecord>> workers() override {
    return run<std::vector<core::WorkerRecord>>([](pqxx::work& tx) {
      std::vector<core::WorkerRecord> records;
      for (const auto& row : tx.exec("SELECT id, host, pid, receivers, started_at, seen_at FROM messengerd_workers ORDER BY id")) {
        records.push_back({row[0].as<std::string>(), row[1].as<std::string>(), row[2].as<std::int64_t>(),
                           split(row[3].as<std::string>()), row[4].as<double>(), row[5].as<double>()});
      }
      return records;
    });
  }

 private:
  static core::Status done(const core::Result<bool>& result) {
    if (!result) return std::unexpected(result.error());
    return {};
  }

  // Runs `body` in one transaction, (re)connecting and creating the tables first when needed;
  // a connection lost on the way is reopened once. libpqxx throws: nothing escapes this.
  template <typename T, typename Body>
  core::Result<T> run(Body&& body) {
    for (int attempt = 0;; ++attempt) {
      try {
        if (!connection_ || !connection_->is_open()) {
          // The store is used on the worker's loop thread: after a failed connection, calls
          // fail at once for a while instead of each waiting for another connect timeout.
          if (std::chrono::steady_clock::now() < next_connect_) {
            return std::unexpected(core::make_error(core::ErrorKind::connection, "PostgreSQL: " + last_error_));
          }
          open();
        }
        pqxx::work tx(*connection_);
        T value = body(tx);
        tx.commit();
        return value;
      } catch (const pqxx::broken_connection& e) {
        connection_.reset();
        if (attempt == 1) {
          last_error_ = first_line(e.what());
          next_connect_ = std::chrono::steady_clock::now() + std::chrono::seconds(5);
          return std::unexpected(core::make_error(core::ErrorKind::connection, "PostgreSQL: " + last_error_));
        }
      } catch (const std::exception& e) {
        return std::unexpected(core::make_error(core::ErrorKind::internal, "PostgreSQL: " + first_line(e.what())));
      }
    }
  }

  void open() {
    connection_ = std::make_unique<pqxx::connection>(conninfo_);
    pqxx::work tx(*connection_);
    tx.exec(kSetupSql);
    tx.commit();
  }

  // libpq messages end with a newline and sometimes a second line of detail.
  static std::string first_line(std::string_view text) {
    const auto end = text.find('\n');
    return std::string(text.substr(0, end));
  }

  std::string conninfo_;
  std::string redacted_dsn_;
  std::unique_ptr<pqxx::connection> connection_;
  std::chrono::steady_clock::time_point next_connect_{};
  std::string last_error_;
};

}  // namespace

core::Result<std::unique_ptr<core::RestartSignalStore>> open_restart_signal_store(const config::Dsn& dsn) {
  const std::string where = "messengerd.restart_signal: " + dsn.redacted();
  if (dsn.scheme != "postgresql" && dsn.scheme != "postgres" && dsn.scheme != "pgsql") {
    return std::unexpected(core::make_error(core::ErrorKind::unsupported, where + ": expected postgresql://, postgres:// or pgsql://"));
  }
  std::string conninfo;
  auto add = [&](std::string_view key, std::string_view value) {
    if (!value.empty()) conninfo += (conninfo.empty() ? "" : " ") + std::string(key) + "=" + quoted(value);
  };
  if (!dsn.hosts.empty()) {
    add("host", dsn.hosts.front().host);
    if (dsn.hosts.front().port != 0) add("port", std::to_string(dsn.hosts.front().port));
  }
  add("user", dsn.user);
  if (dsn.has_password) add("password", dsn.password);
  std::string database;
  for (const auto& segment : dsn.path_segments) {
    if (segment.empty()) continue;
    if (!database.empty()) return std::unexpected(core::make_error(core::ErrorKind::invalid_argument, where + ": the path must be one database name"));
    database = segment;
  }
  add("dbname", database);
  if (const auto* query = dsn.query.as_map()) {
    for (const auto& [key, value] : *query) {
      if (std::find(kLibpqParameters.begin(), kLibpqParameters.end(), key) == kLibpqParameters.end()) {
        std::string known;
        for (const auto k : kLibpqParameters) known += (known.empty() ? "" : ", ") + std::string(k);
        return std::unexpected(core::make_error(core::ErrorKind::invalid_argument,
                                                where + ": unknown option \"" + key + "\" (known: " + known + ")"));
      }
      add(key, value.as_string().value_or(""));
    }
  }
  // libpq waits for a connection without limit by default; the loop thread must not.
  if (dsn.query.find("connect_timeout") == nullptr) add("connect_timeout", "3");
  return std::make_unique<PostgresRestartSignalStore>(std::move(conninfo), dsn.redacted());
}

}  // namespace messengerd::transport::postgres
