#pragma once
// Direct access to a messenger_messages table in SQLite for end-to-end tests: fill it the way
// Symfony's Doctrine transport writes rows, and count what is left.
#include <sqlite3.h>

#include <filesystem>
#include <stdexcept>
#include <string>

namespace messengerd::testing {

class QueueDb {
 public:
  explicit QueueDb(const std::filesystem::path& file) {
    if (sqlite3_open(file.c_str(), &db_) != SQLITE_OK) throw std::runtime_error("cannot open " + file.string());
    sqlite3_busy_timeout(db_, 10000);
  }
  ~QueueDb() { sqlite3_close(db_); }
  QueueDb(const QueueDb&) = delete;
  QueueDb& operator=(const QueueDb&) = delete;

  // Rows of a queue; `where` adds a condition ("delivered_at IS NOT NULL").
  long long count(const std::string& queue, const std::string& where = "1") {
    return scalar("SELECT COUNT(*) FROM messenger_messages WHERE queue_name = '" + queue + "' AND (" + where + ")");
  }
  long long scalar(const std::string& sql) {
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &stmt, nullptr) != SQLITE_OK) return -1;  // e.g. no table yet
    long long value = -1;
    if (sqlite3_step(stmt) == SQLITE_ROW) value = sqlite3_column_int64(stmt, 0);
    sqlite3_finalize(stmt);
    return value;
  }
  std::string text(const std::string& sql) {
    sqlite3_stmt* stmt = nullptr;
    std::string value;
    if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &stmt, nullptr) != SQLITE_OK) return value;
    if (sqlite3_step(stmt) == SQLITE_ROW && sqlite3_column_text(stmt, 0) != nullptr) {
      value = reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0));
    }
    sqlite3_finalize(stmt);
    return value;
  }
  void exec(const std::string& sql) {
    char* error = nullptr;
    if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &error) != SQLITE_OK) {
      std::string message = error != nullptr ? error : "?";
      sqlite3_free(error);
      throw std::runtime_error(message);
    }
  }

 private:
  sqlite3* db_ = nullptr;
};

}  // namespace messengerd::testing
