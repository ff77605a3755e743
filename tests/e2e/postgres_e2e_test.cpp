// End-to-end on PostgreSQL: the real binary, ONE PostgreSQL cluster for this whole test binary
// (started on first use, tests/support/postgres_server.hpp), one table per test, the
// test-behaviours plugin journaling each outcome. Crashes and outages are counted: nothing may
// be lost, and with several workers nothing may be handled twice.
#include <signal.h>

#include <cctype>
#include <iostream>
#include <set>

#include "e2e_fixture.hpp"
#include "postgres_server.hpp"

namespace messengerd::testing {
namespace {

using std::chrono::seconds;

struct PostgresE2e : E2eFixture {
  PostgresServer& server = PostgresServer::shared();
  // A table of its own per test (lower case: PostgreSQL folds unquoted names).
  std::string table = lower("e2e_" + std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));

  static std::string lower(std::string text) {
    for (auto& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return text;
  }

  // async and failed in one PostgreSQL table, reached as a Symfony app does:
  // doctrine://default, the connection being doctrine.dbal.url from $DATABASE_URL.
  void write_postgres_config(const std::string& async_query = "", int max_retries = 2, const std::string& extra = "") {
    std::ofstream(config) << "framework:\n"
                             "  messenger:\n"
                             "    failure_transport: failed\n"
                             "    transports:\n"
                             "      async:\n"
                             "        dsn: 'doctrine://default?table_name=" << table << async_query << "'\n"
                             "        retry_strategy: {max_retries: " << max_retries << ", delay: 100, multiplier: 1, jitter: 0}\n"
                             "      failed: 'doctrine://default?table_name=" << table << "&queue_name=failed'\n"
                             "    routing:\n"
                             "      'App\\Message\\*': async\n"
                             "doctrine:\n"
                             "  dbal:\n"
                             "    url: '%env(DATABASE_URL)%'\n"
                             "messengerd:\n"
                             "  plugins:\n"
                             "    - path: '" MESSENGERD_EXAMPLE_PLUGIN_DIR "/libtest_behaviours.so'\n"
                             "      options: {journal: '" << journal.string() << "'}\n"
                          << extra;
    ::setenv("DATABASE_URL", server.url().c_str(), 1);  // inherited by every messengerd this test runs
  }
  long long rows(const std::string& queue = "default") {
    return std::stoll(server.scalar("SELECT count(*) FROM " + table + " WHERE queue_name = '" + queue + "'"));
  }
  // Distinct ids the journal says were handled, and how many handlings there were in all.
  std::pair<std::size_t, std::size_t> handled() {
    std::set<std::string> ids;
    std::size_t all = 0;
    for (const auto& line : journal_lines()) {
      if (!line.starts_with("handled ")) continue;
      ids.insert(line.substr(8, line.find(' ', 8) - 8));
      ++all;
    }
    return {ids.size(), all};
  }
};

TEST_F(PostgresE2e, SetupConsumeRetryFailAndTheFailedCommands) {
  write_postgres_config();
  auto setup = messengerd({"setup-transports"});
  ASSERT_EQ(setup.exit_code, 0) << setup.err;
  EXPECT_EQ(server.scalar("SELECT count(*) FROM pg_trigger WHERE tgname = 'notify_trigger' AND tgrelid = '" + table + "'::regclass"), "1");
  for (int i = 0; i < 3; ++i) dispatch(R"({"id":"ok)" + std::to_string(i) + R"("})");
  dispatch(R"({"id":"flaky","fail_times":1})");
  dispatch(R"({"id":"doomed","unrecoverable":true})");
  dispatch(R"({"id":"hopeless","fail_always":true})");
  auto r = messengerd({"consume", "async", "--limit", "9", "--sleep", "0.1"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(journal_count("handled ok"), 3u);
  EXPECT_EQ(journal_count("handled flaky 1 async"), 1u);
  EXPECT_EQ(journal_count("failed doomed 0 async"), 1u);
  EXPECT_EQ(journal_count("failed hopeless"), 3u);  // max_retries 2
  EXPECT_EQ(rows(), 0);
  EXPECT_EQ(rows("failed"), 2);

  auto stats = messengerd({"stats", "--format", "json"});
  EXPECT_EQ(stats.out, "{\"transports\":[{\"name\":\"async\",\"count\":0},{\"name\":\"failed\",\"count\":2}]}\n") << stats.err;
  auto shown = messengerd({"failed:show"});
  ASSERT_EQ(shown.exit_code, 0) << shown.err;
  EXPECT_NE(shown.out.find("asked to fail for good"), std::string::npos) << shown.out;
  const std::string doomed_id = server.scalar("SELECT id FROM " + table + " WHERE queue_name = 'failed' AND body LIKE '%doomed%'");
  const std::string hopeless_id = server.scalar("SELECT id FROM " + table + " WHERE queue_name = 'failed' AND body LIKE '%hopeless%'");
  auto one = messengerd({"failed:show", hopeless_id});
  ASSERT_EQ(one.exit_code, 0) << one.err;
  EXPECT_NE(one.out.find("hopeless"), std::string::npos) << one.out;

  auto removed = messengerd({"failed:remove", hopeless_id, "--force"});
  EXPECT_EQ(removed.exit_code, 0) << removed.err;
  EXPECT_EQ(server.scalar("SELECT count(*) FROM " + table + " WHERE id = " + hopeless_id), "0");
  auto retried = messengerd({"failed:retry", doomed_id, "--force"});
  EXPECT_EQ(retried.exit_code, 0) << retried.err;
  EXPECT_EQ(journal_count("failed doomed"), 2u);  // handled again (and failed for good again)
  EXPECT_EQ(rows("failed"), 1);                   // back in the failure queue, once
}

TEST_F(PostgresE2e, AKilledWorkersMessageIsRedeliveredAfterRedeliverTimeout) {
  write_postgres_config("&redeliver_timeout=1");
  const auto hold = dir / "hold";
  std::ofstream(hold) << "the first worker stays busy while this file exists";
  dispatch(R"({"id":"victim","sleep_while_exists":")" + hold.string() + R"("})");
  {
    auto doomed = start({"consume", "async"});
    ASSERT_TRUE(await([&] { return rows() == 1 && server.scalar("SELECT count(*) FROM " + table + " WHERE delivered_at IS NOT NULL") == "1"; }))
        << doomed->err();
    doomed->signal(SIGKILL);
    doomed->wait();
  }
  std::filesystem::remove(hold);  // the second worker will not be held up
  auto rescuer = start({"consume", "async", "--limit", "1", "--sleep", "0.1"});
  EXPECT_TRUE(await([&] { return journal_count("handled victim") == 1; }, seconds(30))) << rescuer->err();
  EXPECT_EQ(rescuer->wait(seconds(10)), 0);
  EXPECT_EQ(rows(), 0);
}

TEST_F(PostgresE2e, AServerRestartMidConsumeLosesNothing) {
  write_postgres_config();
  ASSERT_EQ(messengerd({"setup-transports"}).exit_code, 0);
  constexpr int kBefore = 100, kAfter = 20;
  server.exec("INSERT INTO " + table + " (body, headers, queue_name, created_at, available_at) "
              "SELECT '{\"id\":\"m' || i || '\",\"sleep_ms\":5}', "
              "'{\"type\":\"App\\\\Message\\\\TestBehaviour\",\"Content-Type\":\"application\\/json\"}', 'default', "
              "now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC' FROM generate_series(1, " + std::to_string(kBefore) + ") i");
  auto worker = start({"consume", "async", "--sleep", "0.1"});
  ASSERT_TRUE(await([&] { return handled().first >= 30; })) << worker->err();
  server.stop();
  server.start();
  EXPECT_TRUE(await([&] { return worker->err().find("reconnected") != std::string::npos; }, seconds(30))) << worker->err();
  for (int i = 0; i < kAfter; ++i) dispatch(R"({"id":"n)" + std::to_string(i) + R"("})");
  EXPECT_TRUE(await([&] { return handled().first == kBefore + kAfter; }, seconds(60))) << handled().first;
  EXPECT_TRUE(await([&] { return rows() == 0; }));
  worker->signal(SIGTERM);
  EXPECT_EQ(worker->wait(), 0);
  const std::string log = worker->err();
  std::size_t outages = 0;
  for (auto at = log.find("reconnecting with backoff"); at != std::string::npos; at = log.find("reconnecting with backoff", at + 1)) ++outages;
  EXPECT_EQ(outages, 1u) << log;  // logged once per outage, not once per attempt
}

TEST_F(PostgresE2e, FourWorkersHandleEachOfTenThousandMessagesExactlyOnce) {
  write_postgres_config();
  ASSERT_EQ(messengerd({"setup-transports"}).exit_code, 0);
  constexpr int kMessages = 10000;
  server.exec("INSERT INTO " + table + " (body, headers, queue_name, created_at, available_at) "
              "SELECT '{\"id\":\"m' || i || '\"}', "
              "'{\"type\":\"App\\\\Message\\\\TestBehaviour\",\"Content-Type\":\"application\\/json\"}', 'default', "
              "now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC' FROM generate_series(1, " + std::to_string(kMessages) + ") i");
  const auto begin = std::chrono::steady_clock::now();
  std::vector<std::unique_ptr<Process>> workers;
  for (int i = 0; i < 4; ++i) workers.push_back(start({"consume", "async", "--sleep", "0.1"}));
  EXPECT_TRUE(await([&] { return rows() == 0; }, seconds(120))) << rows() << " left";
  const auto wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - begin).count();
  for (auto& w : workers) w->signal(SIGTERM);
  for (auto& w : workers) EXPECT_EQ(w->wait(), 0) << w->err();
  const auto [distinct, all] = handled();
  EXPECT_EQ(distinct, static_cast<std::size_t>(kMessages));
  EXPECT_EQ(all, static_cast<std::size_t>(kMessages));  // no message handled twice
  std::cout << "[ info ] 4 workers handled " << kMessages << " messages in " << wall << " s\n";
}

TEST_F(PostgresE2e, StopWorkersReachesWorkersOfEveryMachineThroughPostgres) {
  // Two "machines": each worker has its own state folder; only PostgreSQL is shared. The
  // store does not depend on the transport: the queue here is the embedded SQLite one.
  std::ofstream(config) << "framework:\n"
                           "  messenger:\n"
                           "    transports:\n"
                           "      async: 'sqlite:///queue.db'\n"
                           "messengerd:\n"
                           "  restart_signal: '" << server.url() << "?application_name=messengerd-e2e'\n"
                           "  state_dir: '%env(STATE)%'\n"
                           "  plugins: ['" MESSENGERD_EXAMPLE_PLUGIN_DIR "/libtest_behaviours.so']\n";
  server.exec("DROP TABLE IF EXISTS messengerd_workers; DROP TABLE IF EXISTS messengerd_restart_signal");
  std::filesystem::create_directories(dir / "machine-a");
  std::filesystem::create_directories(dir / "machine-b");
  auto a = std::make_unique<Process>(cmd({"consume", "async", "--sleep", "30"}), dir.path(),
                                     std::vector<std::string>{"STATE=" + (dir / "machine-a").string()});
  auto b = std::make_unique<Process>(cmd({"consume", "async", "--sleep", "30"}), dir.path(),
                                     std::vector<std::string>{"STATE=" + (dir / "machine-b").string()});
  ASSERT_TRUE(await([&] {
    try {
      return server.scalar("SELECT count(*) FROM messengerd_workers") == "2";
    } catch (const std::exception&) {
      return false;  // not created yet
    }
  })) << a->err() << b->err();
  auto r = run(cmd({"stop-workers", "--wait", "--timeout", "20"}), dir.path(), {"STATE=" + (dir / "machine-c").string()});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("Waiting for 2 worker(s)"), std::string::npos) << r.out;
  EXPECT_EQ(a->wait(seconds(5)), 0) << a->err();
  EXPECT_EQ(b->wait(seconds(5)), 0) << b->err();
  EXPECT_EQ(server.scalar("SELECT count(*) FROM messengerd_workers"), "0");  // they unregistered on the way out
  EXPECT_EQ(server.scalar("SELECT count(*) FROM messengerd_restart_signal WHERE scope = '*'"), "1");
}

TEST_F(PostgresE2e, ABadRestartSignalDsnIsRefusedByNameWithoutThePassword) {
  std::ofstream(config) << "framework:\n"
                           "  messenger:\n"
                           "    transports:\n"
                           "      async: 'sqlite:///queue.db'\n"
                           "messengerd:\n"
                           "  restart_signal: 'postgresql://app:s3cret@127.0.0.1:" << server.port() << "/postgres?tabel=x'\n";
  auto r = messengerd({"stop-workers"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("unknown option \"tabel\""), std::string::npos) << r.err;
  EXPECT_EQ((r.out + r.err).find("s3cret"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace messengerd::testing
