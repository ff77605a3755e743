#pragma once
// One PostgreSQL connection (libpqxx 6 behind this interface: the only file including pqxx).
// Every libpqxx exception is caught here and becomes a core::Error:
//   broken connection, commit outcome unknown -> ErrorKind::connection (the connection is
//     then broken() and must be replaced);
//   anything else (SQL errors, bad data)       -> ErrorKind::internal with the server's message
//     and SQLSTATE.
// Deadlocks and serialization failures (SQLSTATE 40P01, 40001) are retried here, transparently:
// exec() and transaction() run their statements again from the start (a few attempts).
// Threading: one thread at a time.
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string_view>
#include <string>
#include <vector>

#include "core/error.hpp"

namespace messengerd::transport::postgres {

struct Rows {
  std::vector<std::vector<std::optional<std::string>>> rows;  // text form; nullopt for NULL
  std::size_t affected = 0;                                    // rows an INSERT/UPDATE/DELETE touched
};

// The fields of one result row as text (nullopt for NULL), valid only while the callback that
// receives it runs.
using RowView = std::span<const std::optional<std::string_view>>;

// Statements inside one transaction (see Connection::transaction).
class Session {
 public:
  virtual ~Session() = default;
  // `params` bind $1, $2, ... as text.
  virtual core::Result<Rows> exec(const std::string& sql, const std::vector<std::string>& params = {}) = 0;
};

class Connection {
 public:
  // Connects (blocking, bounded by libpq's connect_timeout). `redacted` names the server in
  // errors. Fails with ErrorKind::connection.
  static core::Result<std::unique_ptr<Connection>> open(const std::string& conninfo, std::string redacted);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // One statement in its own (implicit) transaction.
  core::Result<Rows> exec(const std::string& sql, const std::vector<std::string>& params = {});
  // One statement prepared on this connection under `name` the first time it is used (`sql`
  // must be the same at every call with that name: later calls skip the server's parse and
  // plan, and send only the name and the parameters). Each row of the result goes to `on_row`
  // in order, read in place (no Rows copied), after the statement completed: a retried
  // deadlock never shows rows twice. Returns the number of rows.
  core::Result<std::size_t> exec_prepared(const std::string& name, const std::string& sql,
                                          const std::vector<std::string>& params,
                                          const std::function<void(RowView)>& on_row);
  // BEGIN; body; COMMIT (ROLLBACK when body fails). Retried as a whole on 40P01/40001.
  core::Status transaction(const std::function<core::Status(Session&)>& body);

  // LISTEN "<channel>"; notifications on it are collected from then on.
  core::Status listen(const std::string& channel);
  // Reads what the socket has without blocking and returns the payloads of the notifications
  // received since the last call (also those libpq collected while running statements).
  core::Result<std::vector<std::string>> take_notifications();

  int socket() const;   // the libpq socket, for poll(); -1 when broken
  bool broken() const;  // true after a connection error: replace the connection

 private:
  struct Impl;
  explicit Connection(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace messengerd::transport::postgres
