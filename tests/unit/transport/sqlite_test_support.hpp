#pragma once
// Shared set-up of the SQLite transport tests: a temp folder, a fixed injectable clock, the
// Symfony JSON serializer and a raw sqlite3 handle to look at (and write) rows directly.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <chrono>
#include <memory>
#include <string>

#include "serializer/serializer.hpp"
#include "serializer/stamps.hpp"
#include "temp_dir.hpp"
#include "transport/sqlite/sqlite_transport.hpp"

namespace messengerd::transport::sqlite::testing {

using namespace std::chrono_literals;

class RawDb {
 public:
  explicit RawDb(const std::string& path) {
    if (sqlite3_open(path.c_str(), &db_) != SQLITE_OK) ADD_FAILURE() << "cannot open " << path;
    sqlite3_busy_timeout(db_, 10000);
  }
  ~RawDb() { sqlite3_close(db_); }
  RawDb(const RawDb&) = delete;
  RawDb& operator=(const RawDb&) = delete;

  void exec(const std::string& sql) {
    char* error = nullptr;
    if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &error) != SQLITE_OK) {
      ADD_FAILURE() << sql << ": " << (error != nullptr ? error : "?");
    }
    sqlite3_free(error);
  }
  // Rows of the first column as text ("NULL" for null); a failure is a test failure.
  std::vector<std::string> column(const std::string& sql) {
    std::vector<std::string> out;
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &stmt, nullptr) != SQLITE_OK) {
      ADD_FAILURE() << sql << ": " << sqlite3_errmsg(db_);
      return out;
    }
    while (sqlite3_step(stmt) == SQLITE_ROW) {
      const auto* text = sqlite3_column_text(stmt, 0);
      out.emplace_back(text != nullptr ? reinterpret_cast<const char*>(text) : "NULL");
    }
    sqlite3_finalize(stmt);
    return out;
  }
  std::string value(const std::string& sql) {
    auto rows = column(sql);
    return rows.empty() ? "<no row>" : rows.front();
  }

 private:
  sqlite3* db_ = nullptr;
};

struct SqliteFixture : ::testing::Test {
  messengerd::testing::TempDir dir;
  // 2026-11-24 12:00:00 UTC
  std::chrono::system_clock::time_point clock_now =
      std::chrono::sys_days{std::chrono::year{2026} / 11 / 24} + std::chrono::hours{12};
  std::shared_ptr<const serializer::Serializer> serializer = std::make_shared<serializer::SymfonyJsonSerializer>();

  std::string db_path() const { return (dir / "queue.db").string(); }

  SqliteSettings settings(const std::string& queue = "default") const {
    SqliteSettings s;
    s.path = db_path();
    s.queue_name = queue;
    return s;
  }

  std::unique_ptr<SqliteTransport> open(SqliteSettings s, bool real_clock = false) {
    SqliteTransport::Clock clock;
    if (!real_clock) clock = [this] { return clock_now; };
    auto t = SqliteTransport::open("async", std::move(s), serializer, clock);
    EXPECT_TRUE(t.has_value()) << (t ? "" : t.error().message);
    return t ? std::move(*t) : nullptr;
  }
  std::unique_ptr<SqliteTransport> open(const std::string& queue = "default") { return open(settings(queue)); }

  static core::Envelope hello(int n, std::int64_t delay_ms = -1) {
    core::Envelope e("App\\Message\\Hello", "{\"n\":" + std::to_string(n) + "}");
    if (delay_ms >= 0) e.add(serializer::make_delay_stamp(delay_ms));
    return e;
  }
};

}  // namespace messengerd::transport::sqlite::testing
