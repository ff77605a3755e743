#pragma once
// A thin RAII layer over one SQLite connection: prepared statements that stay prepared,
// transactions that roll back unless committed, and SQLite result codes turned into
// core::Error (SQLITE_BUSY/LOCKED => ErrorKind::connection, "retry later"; anything else =>
// ErrorKind::internal with SQLite's message and the file path — SQLite DSNs hold no password).
// sqlite3.h is included only by the .cpp files of this folder.
//
// Threading: a Database and its Statements are used by one thread at a time.
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "core/error.hpp"

struct sqlite3;
struct sqlite3_stmt;

namespace messengerd::transport::sqlite {

class Database;

class Statement {
 public:
  Statement() = default;
  Statement(const Database* db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}
  ~Statement();
  Statement(Statement&& other) noexcept;
  Statement& operator=(Statement&& other) noexcept;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  explicit operator bool() const { return stmt_ != nullptr; }

  // Parameters are 1-based. Text is NOT copied: it must stay alive until the statement is reset.
  void bind(int index, std::string_view text);
  void bind(int index, std::int64_t value);
  void bind_null(int index);

  // One step: true when a row is available, false when done.
  core::Result<bool> step();
  // Steps to the end (for statements that return no rows), then resets.
  core::Status run();
  // Ready for the next use: ends the statement (releasing its read snapshot) and clears bindings.
  void reset();

  std::int64_t column_int64(int index) const;
  // Valid until the next step/reset. Empty for NULL.
  std::string_view column_text(int index) const;
  bool column_is_null(int index) const;

 private:
  const Database* db_ = nullptr;
  sqlite3_stmt* stmt_ = nullptr;
};

// Resets a statement when leaving a scope, so no read transaction stays open by accident.
class ResetGuard {
 public:
  explicit ResetGuard(Statement& statement) : statement_(statement) {}
  ~ResetGuard() { statement_.reset(); }
  ResetGuard(const ResetGuard&) = delete;
  ResetGuard& operator=(const ResetGuard&) = delete;

 private:
  Statement& statement_;
};

class Database {
 public:
  // Opens (creating it and its folder when missing) `path` (":memory:" allowed) with
  // busy_timeout, journal_mode=WAL and the given synchronous level (OFF|NORMAL|FULL|EXTRA).
  static core::Result<std::unique_ptr<Database>> open(const std::string& path, std::int64_t busy_timeout_ms,
                                                      std::string_view synchronous);
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  const std::string& path() const { return path_; }
  // "wal" for files, "memory" for :memory:.
  const std::string& journal_mode() const { return journal_mode_; }

  core::Status exec(std::string_view sql);
  // Prepared with SQLITE_PREPARE_PERSISTENT: meant to be kept and reused.
  core::Result<Statement> prepare(std::string_view sql) const;

  std::int64_t last_insert_rowid() const;
  std::int64_t changes() const;

  // The error for result code `rc` of the operation `what` ("inserting a message").
  core::Error error(int rc, std::string_view what) const;

  // Transaction control through statements prepared once (used by Transaction).
  core::Status begin_immediate();
  core::Status commit();
  void rollback();

 private:
  Database(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}
  core::Status run_cached(Statement& statement, std::string_view sql);

  sqlite3* db_;
  std::string path_;
  std::string journal_mode_;
  Statement begin_;
  Statement commit_;
  Statement rollback_;
};

// BEGIN IMMEDIATE (takes the write lock now, so two connections never select the same rows),
// rolled back on destruction unless commit() succeeded.
class Transaction {
 public:
  static core::Result<Transaction> begin(Database& db);
  Transaction(Transaction&& other) noexcept : db_(other.db_) { other.db_ = nullptr; }
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  Transaction& operator=(Transaction&&) = delete;
  ~Transaction();
  core::Status commit();

 private:
  explicit Transaction(Database* db) : db_(db) {}
  Database* db_;
};

}  // namespace messengerd::transport::sqlite
