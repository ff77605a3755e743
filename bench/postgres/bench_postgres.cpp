// PostgreSQL benchmark helpers (prints numbers, asserts nothing; bench/run-postgres drives it):
//   bench_postgres fill CONNINFO TABLE N      N rows of ~200 bytes as Symfony's Doctrine sender
//                                             writes them (one INSERT … SELECT generate_series)
//   bench_postgres raw CONNINFO TABLE N BATCH [ORDER]  the raw libpqxx loop messengerd is compared with:
//                                             per round trip one prepared statement that deletes
//                                             the previous batch and claims BATCH due rows
//                                             (SELECT … FOR UPDATE SKIP LOCKED + UPDATE
//                                             delivered_at), as the transport does; ORDER is
//                                             its ORDER BY (default "available_at ASC", the
//                                             transport's and Symfony's)
//   bench_postgres latency URL TABLE N RATE   dispatch->receive latency through the PostgreSQL
//                                             transport at a steady low rate (p50/p99), the idle
//                                             consumer waiting in poll() on its LISTEN socket
#include <poll.h>
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <cstdio>
#include <cstdlib>
#include <pqxx/pqxx>
#include <string>
#include <thread>
#include <vector>

#include "config/dsn.hpp"
#include "latency.hpp"
#include "serializer/serializer.hpp"
#include "transport/postgres/factory.hpp"

namespace {

using Clock = std::chrono::steady_clock;

// User + system CPU of this process so far (the client's share of the work, which the load of a
// shared machine moves less than the wall-clock rate).
double cpu_seconds() {
  rusage usage{};
  ::getrusage(RUSAGE_SELF, &usage);
  auto s = [](const timeval& t) { return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6; };
  return s(usage.ru_utime) + s(usage.ru_stime);
}

int fill(const std::string& conninfo, const std::string& table, long n) {
  pqxx::connection c(conninfo);
  pqxx::work tx(c);
  // The body pads to ~200 bytes with headers; headers are PHP's json_encode() of Symfony's map.
  tx.exec("INSERT INTO " + table + " (body, headers, queue_name, created_at, available_at) "
          "SELECT '{\"id\":\"m' || i || '\",\"pad\":\"" + std::string(120, 'x') + "\"}', "
          "'{\"type\":\"App\\\\Message\\\\Noop\",\"Content-Type\":\"application\\/json\"}', 'default', "
          "now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC' FROM generate_series(1, " + std::to_string(n) + ") i");
  tx.commit();
  return 0;
}

int raw(const std::string& conninfo, const std::string& table, long n, long batch, const std::string& order) {
  pqxx::connection c(conninfo);
  // The transport's statement (postgres_transport.cpp, claim_rows): the previous batch's
  // DELETE, then the oldest due rows locked with SKIP LOCKED and marked delivered, in one
  // statement and transaction per round trip. Prepared once: the best libpqxx can do.
  const std::string ts3 = "(to_timestamp($3::bigint) AT TIME ZONE 'UTC')", ts4 = "(to_timestamp($4::bigint) AT TIME ZONE 'UTC')";
  c.prepare("claim",
            "WITH acked AS (DELETE FROM " + table + " WHERE id = ANY($1::bigint[])), "
            "due AS (SELECT id, delivered_at FROM " + table + " WHERE queue_name = $2 "
            "AND (delivered_at IS NULL OR delivered_at < " + ts3 + ") AND available_at <= " + ts4 +
            " AND NOT (id = ANY($1::bigint[])) ORDER BY " + order + " LIMIT $5 FOR UPDATE SKIP LOCKED), "
            "claimed AS (UPDATE " + table + " m SET delivered_at = " + ts4 + " FROM due WHERE m.id = due.id "
            "RETURNING m.id, m.body, m.headers, m.queue_name, m.available_at, due.delivered_at IS NOT NULL AS redelivered) "
            "SELECT id, body, headers, queue_name, redelivered FROM claimed ORDER BY available_at, id");
  const auto start = Clock::now();
  const double cpu_start = cpu_seconds();
  long done = 0;
  std::string acks = "{}";  // handled ids, deleted with the next claim as the transport's deferred acks
  while (true) {
    const long now = static_cast<long>(std::time(nullptr));
    pqxx::nontransaction tx(c);
    const pqxx::result rows = tx.exec_prepared("claim", acks, "default", now - 3600, now, batch);
    acks = "{";
    for (const auto& row : rows) {
      // What a receiver must at least touch: the id, body and headers.
      const std::string body = row[1].c_str(), headers = row[2].c_str();
      if (body.empty() || headers.empty()) return 1;
      if (acks.size() > 1) acks += ',';
      acks += row[0].c_str();
      ++done;
    }
    acks += "}";
    if (rows.empty() || done >= n) {
      if (acks.size() > 2) tx.exec("DELETE FROM " + table + " WHERE id = ANY('" + acks + "'::bigint[])");
      break;
    }
  }
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  const double cpu = cpu_seconds() - cpu_start;
  std::printf("  raw libpqxx loop (the transport's claim statement, ORDER BY %s, %ld rows per round trip): %.0f messages/s, "
              "%.3f CPU s per 1,000 messages (%ld messages)\n",
              order.c_str(), batch, done / seconds, cpu * 1000 / static_cast<double>(done), done);
  return 0;
}

int latency(const std::string& url, const std::string& table, long n, long rate) {
  using namespace messengerd;
  config::Config config;
  config::TransportConfig tc;
  tc.name = "latency";
  tc.dsn = url + (url.find('?') == std::string::npos ? "?" : "&") + "table_name=" + table;
  tc.dsn_parsed = *config::parse_dsn(tc.dsn);
  tc.options = tc.dsn_parsed.query;  // as the config builder merges them (no options: map here)
  transport::TransportContext context{tc, config, serializer::serializer_for(""), {}};
  auto consumer = transport::postgres::create_postgres_transport(context);
  auto producer = transport::postgres::create_postgres_transport(context);
  if (!consumer || !producer) {
    std::fprintf(stderr, "cannot create the transport: %s\n", (!consumer ? consumer : producer).error().message.c_str());
    return 1;
  }
  return bench::measure_latency(**producer, **consumer, n, rate, " (NOTIFY)");
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 5) {
    std::fprintf(stderr, "usage: bench_postgres fill|raw|latency CONNINFO|URL TABLE N [BATCH [ORDER]|RATE]\n");
    return 2;
  }
  const std::string what = argv[1], target = argv[2], table = argv[3];
  const long n = std::atol(argv[4]);
  try {
    if (what == "fill") return fill(target, table, n);
    if (what == "raw") return raw(target, table, n, argc > 5 ? std::atol(argv[5]) : 10, argc > 6 ? argv[6] : "available_at ASC");
    if (what == "latency") return latency(target, table, n, argc > 5 ? std::atol(argv[5]) : 200);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench_postgres %s: %s\n", what.c_str(), e.what());
    return 1;
  }
  return 2;
}
