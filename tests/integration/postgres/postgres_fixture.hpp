#pragma once
// Shared by the PostgreSQL integration tests: the process-wide cluster, a table name of its own
// per test (tests isolate by table), transports opened from a DSN through the real factory.
#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <string>

#include "config/dsn.hpp"
#include "postgres_server.hpp"
#include "serializer/serializer.hpp"
#include "transport/postgres/factory.hpp"
#include "transport/postgres/postgres_transport.hpp"
#include "transport/postgres/settings.hpp"

namespace messengerd::transport::postgres {

struct PostgresTest : ::testing::Test {
  messengerd::testing::PostgresServer& server = messengerd::testing::PostgresServer::shared();
  config::Config config;
  std::string table = unique_table();

  static std::string unique_table() {
    static std::atomic<int> counter{0};
    std::string name = ::testing::UnitTest::GetInstance()->current_test_info()->name();
    std::string out = "t_";
    for (char c : name) out += static_cast<char>(std::isalnum(static_cast<unsigned char>(c)) ? std::tolower(c) : '_');
    return out.substr(0, 40) + "_" + std::to_string(::getpid()) + "_" + std::to_string(counter++);
  }

  TransportContext context_for(config::TransportConfig& tc, const std::string& query) {
    tc.name = "async";
    tc.dsn = server.url() + "?table_name=" + table + query;
    tc.dsn_parsed = *config::parse_dsn(tc.dsn);
    tc.options = tc.dsn_parsed.query;
    return TransportContext{tc, config, serializer::serializer_for(""), {}};
  }

  // `query` is appended to "?table_name=<table>", e.g. "&queue_name=q&prefetch=1".
  std::unique_ptr<PostgresTransport> open(const std::string& query = "", PostgresTransport::Clock clock = {}) {
    config::TransportConfig tc;
    auto context = context_for(tc, query);
    auto settings = resolve_settings(context);
    EXPECT_TRUE(settings) << (settings ? "" : settings.error().message);
    if (!settings) return nullptr;
    return std::make_unique<PostgresTransport>("async", std::move(*settings), serializer::serializer_for(""),
                                               std::move(clock));
  }

  static std::vector<ReceivedMessage> get_within(Transport& t, std::chrono::milliseconds deadline, std::size_t max = 1) {
    std::vector<ReceivedMessage> got;
    messengerd::testing::await([&] {
      auto r = t.get(max);
      if (r && !r->empty()) got = std::move(*r);
      return !got.empty();
    }, deadline);
    return got;
  }
  static core::Envelope sms(const std::string& content) {
    return core::Envelope("App\\Message\\SmsNotification", R"({"phoneNumber":"+1","content":")" + content + R"("})");
  }
  std::string count_rows(const std::string& where = "true") {
    return server.scalar("SELECT count(*) FROM " + table + " WHERE " + where);
  }
};

}  // namespace messengerd::transport::postgres
