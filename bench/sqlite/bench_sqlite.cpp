// Throughput of the embedded SQLite transport, without the worker around it:
//   1. the RAW SQLite loop: insert N rows of ~200 bytes (one commit each, as send() does), then
//      per message: BEGIN IMMEDIATE; SELECT the next due row; UPDATE delivered_at; COMMIT;
//      DELETE (the ack) — the same statements and batching as the transport with get(1);
//   2. the same through the Transport interface: send() N envelopes, then get(1) + ack().
// The gap between 1 and 2 is what encoding, decoding and the abstraction cost.
// Usage: bench_sqlite [N] [DIR]   (default 20000 messages, a temp folder). Prints, asserts nothing.
#include <sqlite3.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <string>

#include "serializer/serializer.hpp"
#include "transport/sqlite/schema.hpp"
#include "transport/sqlite/sqlite_transport.hpp"

namespace {

using Clock = std::chrono::steady_clock;
namespace sq = messengerd::transport::sqlite;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

void report(const char* what, long n, double secs) {
  std::printf("  %-44s %9.0f messages/s  (%ld in %.3f s)\n", what, static_cast<double>(n) / secs, n, secs);
}

void check(int rc, sqlite3* db, const char* what) {
  if (rc != SQLITE_OK && rc != SQLITE_DONE && rc != SQLITE_ROW) {
    std::fprintf(stderr, "bench_sqlite: %s: %s\n", what, sqlite3_errmsg(db));
    std::exit(1);
  }
}

sqlite3_stmt* prepare(sqlite3* db, const char* sql) {
  sqlite3_stmt* stmt = nullptr;
  check(sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, nullptr), db, sql);
  return stmt;
}

void step_reset(sqlite3* db, sqlite3_stmt* stmt, const char* what) {
  check(sqlite3_step(stmt), db, what);
  sqlite3_reset(stmt);
}

std::string now_text(long offset_s = 0) {
  std::time_t t = std::time(nullptr) + offset_s;
  std::tm tm{};
  gmtime_r(&t, &tm);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%d %H:%M:%S", &tm);
  return text;
}

const std::string kPad(150, 'x');
const std::string kHeaders = R"({"type":"App\\Message\\TestBehaviour","Content-Type":"application\/json"})";

void raw_loop(const std::filesystem::path& file, long n) {
  sqlite3* db = nullptr;
  sqlite3_open(file.c_str(), &db);
  sqlite3_busy_timeout(db, 5000);
  check(sqlite3_exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL", nullptr, nullptr, nullptr), db, "pragmas");
  for (const auto& sql : sq::create_schema_sql("messenger_messages")) {
    check(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr), db, "schema");
  }
  auto* insert = prepare(db, "INSERT INTO messenger_messages (body, headers, queue_name, created_at, available_at) "
                             "VALUES (?1, ?2, 'default', ?3, ?3)");
  auto start = Clock::now();
  for (long i = 0; i < n; ++i) {
    const std::string body = "{\"id\":\"m" + std::to_string(i) + "\",\"pad\":\"" + kPad + "\"}";
    const std::string t = now_text();
    sqlite3_bind_text(insert, 1, body.c_str(), static_cast<int>(body.size()), SQLITE_STATIC);
    sqlite3_bind_text(insert, 2, kHeaders.c_str(), static_cast<int>(kHeaders.size()), SQLITE_STATIC);
    sqlite3_bind_text(insert, 3, t.c_str(), static_cast<int>(t.size()), SQLITE_STATIC);
    step_reset(db, insert, "insert");
  }
  report("raw insert (one commit per message)", n, seconds_since(start));

  auto* begin = prepare(db, "BEGIN IMMEDIATE");
  auto* commit = prepare(db, "COMMIT");
  auto* select = prepare(db, "SELECT id, body, headers FROM messenger_messages WHERE +queue_name = 'default' AND "
                             "(delivered_at IS NULL OR delivered_at < ?1) AND available_at <= ?2 "
                             "ORDER BY available_at ASC, id ASC LIMIT 1");
  auto* mark = prepare(db, "UPDATE messenger_messages SET delivered_at = ?1 WHERE id = ?2");
  auto* remove = prepare(db, "DELETE FROM messenger_messages WHERE id = ?1");
  long done = 0;
  std::size_t bytes = 0;
  start = Clock::now();
  while (true) {
    const std::string now = now_text();
    const std::string limit = now_text(-3600);
    step_reset(db, begin, "begin");
    sqlite3_bind_text(select, 1, limit.c_str(), -1, SQLITE_STATIC);
    sqlite3_bind_text(select, 2, now.c_str(), -1, SQLITE_STATIC);
    if (sqlite3_step(select) != SQLITE_ROW) {
      sqlite3_reset(select);
      step_reset(db, commit, "commit");
      break;
    }
    const sqlite3_int64 id = sqlite3_column_int64(select, 0);
    // Copy as the transport does (the row outlives the statement).
    std::string body(reinterpret_cast<const char*>(sqlite3_column_text(select, 1)));
    std::string headers(reinterpret_cast<const char*>(sqlite3_column_text(select, 2)));
    bytes += body.size() + headers.size();
    sqlite3_reset(select);
    sqlite3_bind_text(mark, 1, now.c_str(), -1, SQLITE_STATIC);
    sqlite3_bind_int64(mark, 2, id);
    step_reset(db, mark, "mark delivered");
    step_reset(db, commit, "commit");
    sqlite3_bind_int64(remove, 1, id);
    step_reset(db, remove, "delete");  // the ack
    ++done;
  }
  report("raw select-mark-commit + delete loop", done, seconds_since(start));
  for (auto* stmt : {insert, begin, commit, select, mark, remove}) sqlite3_finalize(stmt);
  sqlite3_close(db);
  if (bytes == 0 && done > 0) std::printf("  (no payload read?)\n");
}

void transport_loop(const std::filesystem::path& file, long n) {
  sq::SqliteSettings settings;
  settings.path = file.string();
  auto serializer = std::make_shared<messengerd::serializer::SymfonyJsonSerializer>();
  auto opened = sq::SqliteTransport::open("bench", settings, serializer);
  if (!opened) {
    std::fprintf(stderr, "bench_sqlite: %s\n", opened.error().message.c_str());
    std::exit(1);
  }
  messengerd::transport::Transport& transport = **opened;
  auto start = Clock::now();
  for (long i = 0; i < n; ++i) {
    messengerd::core::Envelope e("App\\Message\\TestBehaviour",
                                 "{\"id\":\"m" + std::to_string(i) + "\",\"pad\":\"" + kPad + "\"}");
    if (auto sent = transport.send(e); !sent) {
      std::fprintf(stderr, "bench_sqlite: send: %s\n", sent.error().message.c_str());
      std::exit(1);
    }
  }
  report("Transport::send", n, seconds_since(start));
  long done = 0;
  start = Clock::now();
  while (true) {
    auto got = transport.get(1);
    if (!got) {
      std::fprintf(stderr, "bench_sqlite: get: %s\n", got.error().message.c_str());
      std::exit(1);
    }
    if (got->empty()) break;
    for (const auto& m : *got) {
      if (auto acked = transport.ack(m); !acked) {
        std::fprintf(stderr, "bench_sqlite: ack: %s\n", acked.error().message.c_str());
        std::exit(1);
      }
      ++done;
    }
  }
  report("Transport::get(1) + ack", done, seconds_since(start));
}

}  // namespace

int main(int argc, char** argv) {
  const long n = argc > 1 ? std::atol(argv[1]) : 20000;
  std::filesystem::path dir = argc > 2 ? std::filesystem::path(argv[2])
                                       : std::filesystem::temp_directory_path() /
                                             ("bench-sqlite-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::printf("SQLite transport, %ld messages of ~200 bytes, WAL + synchronous=NORMAL, one process\n", n);
  raw_loop(dir / "raw.db", n);
  transport_loop(dir / "transport.db", n);
  if (argc <= 2) std::filesystem::remove_all(dir);
  return 0;
}
