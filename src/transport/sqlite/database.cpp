#include "transport/sqlite/database.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <filesystem>
#include <system_error>
#include <thread>

namespace messengerd::transport::sqlite {

// ---- Statement ----

Statement::~Statement() {
  if (stmt_ != nullptr) sqlite3_finalize(stmt_);
}

Statement::Statement(Statement&& other) noexcept : db_(other.db_), stmt_(other.stmt_) { other.stmt_ = nullptr; }

Statement& Statement::operator=(Statement&& other) noexcept {
  if (this != &other) {
    if (stmt_ != nullptr) sqlite3_finalize(stmt_);
    db_ = other.db_;
    stmt_ = other.stmt_;
    other.stmt_ = nullptr;
  }
  return *this;
}

void Statement::bind(int index, std::string_view text) {
  sqlite3_bind_text64(stmt_, index, text.data(), text.size(), SQLITE_STATIC, SQLITE_UTF8);
}

void Statement::bind(int index, std::int64_t value) { sqlite3_bind_int64(stmt_, index, value); }

void Statement::bind_null(int index) { sqlite3_bind_null(stmt_, index); }

core::Result<bool> Statement::step() {
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  auto error = db_->error(rc, sqlite3_sql(stmt_));
  sqlite3_reset(stmt_);
  return std::unexpected(std::move(error));
}

core::Status Statement::run() {
  ResetGuard guard(*this);
  while (true) {
    auto row = step();
    if (!row) return std::unexpected(row.error());
    if (!*row) return {};
  }
}

void Statement::reset() {
  if (stmt_ == nullptr) return;
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

std::int64_t Statement::column_int64(int index) const { return sqlite3_column_int64(stmt_, index); }

std::string_view Statement::column_text(int index) const {
  const auto* text = sqlite3_column_text(stmt_, index);
  if (text == nullptr) return {};
  return {reinterpret_cast<const char*>(text), static_cast<std::size_t>(sqlite3_column_bytes(stmt_, index))};
}

bool Statement::column_is_null(int index) const { return sqlite3_column_type(stmt_, index) == SQLITE_NULL; }

// ---- Database ----

core::Result<std::unique_ptr<Database>> Database::open(const std::string& path, std::int64_t busy_timeout_ms,
                                                       std::string_view synchronous) {
  if (path != ":memory:") {
    // messengerd's default DSN points into var/ next to the config: create the folder.
    const auto dir = std::filesystem::path(path).parent_path();
    std::error_code ec;
    if (!dir.empty()) std::filesystem::create_directories(dir, ec);
    if (ec) {
      return std::unexpected(core::make_error(
          core::ErrorKind::internal, "SQLite database " + path + ": cannot create its folder: " + ec.message()));
    }
  }
  sqlite3* raw = nullptr;
  // NOMUTEX: a connection is used by one thread at a time (transport.hpp), so SQLite's own
  // per-call mutex would only cost time.
  const int rc = sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                                 nullptr);
  std::unique_ptr<Database> db(new Database(raw, path));
  if (rc != SQLITE_OK) return std::unexpected(db->error(rc, "opening the database"));
  sqlite3_extended_result_codes(raw, 1);
  sqlite3_busy_timeout(raw, static_cast<int>(std::clamp<std::int64_t>(busy_timeout_ms, 0, 0x7fffffff)));

  // WAL: readers never block the writer and a commit is one append; required by the
  // readiness fd too (another process's insert shows up as a write to the -wal file).
  // Switching a new database to WAL while another worker opens it too can fail with BUSY
  // without SQLite waiting (its deadlock avoidance skips the busy handler): a start-up step,
  // so it is simply tried again until busy_timeout has passed.
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::milliseconds(std::max<std::int64_t>(busy_timeout_ms, 0));
  for (;;) {
    auto mode = db->prepare("PRAGMA journal_mode=WAL");
    auto row = mode ? mode->step() : core::Result<bool>(std::unexpected(mode.error()));
    if (row) {
      if (*row) db->journal_mode_ = std::string(mode->column_text(0));
      break;
    }
    if (row.error().kind != core::ErrorKind::connection || std::chrono::steady_clock::now() >= give_up) {
      return std::unexpected(row.error());
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  std::string level(synchronous);
  std::transform(level.begin(), level.end(), level.begin(), [](unsigned char c) { return std::toupper(c); });
  if (auto s = db->exec("PRAGMA synchronous=" + level); !s) return std::unexpected(s.error());
  return db;
}

Database::~Database() {
  begin_ = Statement();
  commit_ = Statement();
  rollback_ = Statement();
  // The transport's statements are finalized before; close_v2 tolerates leftovers anyway.
  sqlite3_close_v2(db_);
}

core::Status Database::run_cached(Statement& statement, std::string_view sql) {
  if (!statement) {
    auto prepared = prepare(sql);
    if (!prepared) return std::unexpected(prepared.error());
    statement = std::move(*prepared);
  }
  return statement.run();
}

core::Status Database::begin_immediate() { return run_cached(begin_, "BEGIN IMMEDIATE"); }

core::Status Database::commit() { return run_cached(commit_, "COMMIT"); }

void Database::rollback() {
  // Only when a transaction is open: a failed COMMIT with SQLITE_BUSY keeps it open, other
  // failures may already have rolled it back.
  if (sqlite3_get_autocommit(db_) == 0) (void)run_cached(rollback_, "ROLLBACK");
}

core::Status Database::exec(std::string_view sql) {
  const std::string text(sql);
  char* message = nullptr;
  const int rc = sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &message);
  sqlite3_free(message);
  if (rc != SQLITE_OK) return std::unexpected(error(rc, text));
  return {};
}

core::Result<Statement> Database::prepare(std::string_view sql) const {
  sqlite3_stmt* stmt = nullptr;
  const int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT, &stmt,
                                    nullptr);
  if (rc != SQLITE_OK) {
    sqlite3_finalize(stmt);
    return std::unexpected(error(rc, sql));
  }
  return Statement(this, stmt);
}

std::int64_t Database::last_insert_rowid() const { return sqlite3_last_insert_rowid(db_); }

std::int64_t Database::changes() const { return sqlite3_changes64(db_); }

core::Error Database::error(int rc, std::string_view what) const {
  const int primary = rc & 0xff;
  std::string detail = db_ != nullptr ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
  if (primary == SQLITE_BUSY || primary == SQLITE_LOCKED) {
    return core::make_error(core::ErrorKind::connection,
                            "SQLite database " + path_ + " is busy (" + detail + ") while " + std::string(what) +
                                "; retry later");
  }
  return core::make_error(core::ErrorKind::internal,
                          "SQLite database " + path_ + ": " + detail + " (while " + std::string(what) + ")");
}

// ---- Transaction ----

core::Result<Transaction> Transaction::begin(Database& db) {
  if (auto s = db.begin_immediate(); !s) return std::unexpected(s.error());
  return Transaction(&db);
}

Transaction::~Transaction() {
  if (db_ != nullptr) db_->rollback();
}

core::Status Transaction::commit() {
  auto s = db_->commit();
  if (s) db_ = nullptr;  // on failure the destructor rolls back
  return s;
}

}  // namespace messengerd::transport::sqlite
