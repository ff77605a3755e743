// End-to-end on Redis: the real binary, a real redis-server per test, the test-behaviours
// plugin journaling each outcome. Crashes and outages are counted: nothing may be lost.
#include <signal.h>

#include <regex>
#include <set>

#include "e2e_fixture.hpp"
#include "redis_server.hpp"

namespace messengerd::testing {
namespace {

using std::chrono::seconds;

struct RedisE2e : E2eFixture {
  RedisServer server;

  // async and failed on Redis; `consumer` from the environment as Symfony's docs recommend.
  void write_redis_config(const std::string& async_query = "", int max_retries = 2, const std::string& extra = "") {
    std::ofstream(config) << "framework:\n"
                             "  messenger:\n"
                             "    failure_transport: failed\n"
                             "    transports:\n"
                             "      async:\n"
                             "        dsn: '" << server.url() << "/messages/symfony/%env(default:default_consumer:CONSUMER)%" << async_query << "'\n"
                             "        retry_strategy: {max_retries: " << max_retries << ", delay: 100, multiplier: 1, jitter: 0}\n"
                             "      failed: '" << server.url() << "/failed'\n"
                             "    routing:\n"
                             "      'App\\Message\\*': async\n"
                             "parameters:\n"
                             "  default_consumer: worker\n"
                             "messengerd:\n"
                             "  plugins:\n"
                             "    - path: '" MESSENGERD_EXAMPLE_PLUGIN_DIR "/libtest_behaviours.so'\n"
                             "      options: {journal: '" << journal.string() << "', journal_delivery_count: true}\n"
                          << extra;
  }
  std::unique_ptr<Process> start_as(const std::string& consumer, std::vector<std::string> args) {
    return std::make_unique<Process>(cmd(std::move(args)), dir.path(), std::vector<std::string>{"CONSUMER=" + consumer});
  }
};

TEST_F(RedisE2e, ConsumesRetriesAndFailsLikeOnSqlite) {
  write_redis_config();
  for (int i = 0; i < 3; ++i) dispatch(R"({"id":"ok)" + std::to_string(i) + R"("})");
  dispatch(R"({"id":"flaky","fail_times":1})");
  dispatch(R"({"id":"doomed","unrecoverable":true})");
  auto r = messengerd({"consume", "async", "--limit", "6"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(journal_count("handled ok"), 3u);
  EXPECT_EQ(journal_count("handled flaky 1 async"), 1u);
  EXPECT_EQ(journal_count("failed doomed 0 async"), 1u);
  EXPECT_EQ(server.command({"XPENDING", "messages", "symfony"}).substr(0, 1), "0");

  auto stats = messengerd({"stats", "--format", "json"});
  EXPECT_EQ(stats.out, "{\"transports\":[{\"name\":\"async\",\"count\":0},{\"name\":\"failed\",\"count\":1}]}\n") << stats.err;
  auto shown = messengerd({"failed:show"});
  ASSERT_EQ(shown.exit_code, 0) << shown.err;
  EXPECT_NE(shown.out.find("asked to fail for good"), std::string::npos) << shown.out;
  messengerd({"failed:retry", "--force"});
  EXPECT_EQ(journal_count("failed doomed"), 2u);  // handled again through the original receiver
}

TEST_F(RedisE2e, AKilledWorkersMessageIsClaimedByAnotherWorker) {
  write_redis_config("?redeliver_timeout=1&claim_interval=200");
  const auto hold = dir / "hold";
  std::ofstream(hold) << "worker-a stays busy while this file exists";
  dispatch(R"({"id":"victim","sleep_while_exists":")" + hold.string() + R"("})");
  {
    auto doomed = start_as("worker-a", {"consume", "async"});
    ASSERT_TRUE(await([&] { return server.command({"XPENDING", "messages", "symfony"}).substr(0, 1) == "1"; }));
    doomed->signal(SIGKILL);
    doomed->wait();
  }
  std::filesystem::remove(hold);  // worker-b will not be held up
  auto rescuer = start_as("worker-b", {"consume", "async", "--limit", "1", "--sleep", "0.1"});
  EXPECT_TRUE(await([&] { return journal_count("handled victim") == 1; }, seconds(60))) << rescuer->err();
  EXPECT_EQ(rescuer->wait(seconds(10)), 0);
  EXPECT_NE(rescuer->err().find("claimed 1 message(s)"), std::string::npos) << rescuer->err();
  EXPECT_EQ(server.command({"XPENDING", "messages", "symfony"}).substr(0, 1), "0");
  // The handler of worker-b was told it is a redelivery: Redis delivered the entry to worker-a
  // first ("handled <id> <retries> <transport> <delivery_count>").
  const auto lines = journal_lines();
  ASSERT_EQ(lines.size(), 1u) << read_file(journal);
  std::smatch delivered;
  ASSERT_TRUE(std::regex_match(lines[0], delivered, std::regex("handled victim 0 async (\\d+)"))) << lines[0];
  EXPECT_GE(std::stoi(delivered[1].str()), 2) << lines[0];
}

TEST_F(RedisE2e, ARedisRestartMidConsumeLosesNothing) {
  write_redis_config();
  constexpr int kBefore = 100, kAfter = 20;
  for (int i = 0; i < kBefore; ++i) dispatch(R"({"id":"m)" + std::to_string(i) + R"(","sleep_ms":5})");
  auto worker = start({"consume", "async", "--sleep", "0.1"});
  ASSERT_TRUE(await([&] { return journal_count("handled") >= 30; }));
  // Tests run redis-server without persistence; SAVE stands in for a production server's AOF.
  // Acks after the SAVE are forgotten by the restart, so some messages come again: at least
  // once, never lost.
  server.command({"SAVE"});
  server.stop();
  server.start();
  EXPECT_TRUE(await([&] { return worker->err().find("reconnected") != std::string::npos; }, seconds(30))) << worker->err();
  for (int i = 0; i < kAfter; ++i) dispatch(R"({"id":"n)" + std::to_string(i) + R"("})");
  auto distinct = [&] {
    std::set<std::string> ids;
    for (const auto& line : journal_lines()) {
      if (line.starts_with("handled ")) ids.insert(line.substr(8, line.find(' ', 8) - 8));
    }
    return ids.size();
  };
  EXPECT_TRUE(await([&] { return distinct() == kBefore + kAfter; }, seconds(60))) << distinct();
  worker->signal(SIGTERM);
  EXPECT_EQ(worker->wait(), 0);
  const std::string log = worker->err();
  std::size_t outages = 0;
  for (auto at = log.find("reconnecting with backoff"); at != std::string::npos; at = log.find("reconnecting with backoff", at + 1)) ++outages;
  EXPECT_EQ(outages, 1u) << log;  // logged once per outage, not once per attempt
}

TEST_F(RedisE2e, StopWorkersReachesWorkersOfEveryMachineThroughRedis) {
  // Two "machines": each worker has its own state folder; only Redis is shared.
  write_redis_config("", 2, "  restart_signal: '" + server.url() + "?prefix=e2e'\n  state_dir: '%env(STATE)%'\n");
  std::filesystem::create_directories(dir / "machine-a");
  std::filesystem::create_directories(dir / "machine-b");
  auto a = std::make_unique<Process>(cmd({"consume", "async", "--sleep", "30"}), dir.path(),
                                     std::vector<std::string>{"STATE=" + (dir / "machine-a").string(), "CONSUMER=a"});
  auto b = std::make_unique<Process>(cmd({"consume", "async", "--sleep", "30"}), dir.path(),
                                     std::vector<std::string>{"STATE=" + (dir / "machine-b").string(), "CONSUMER=b"});
  ASSERT_TRUE(await([&] { return server.command({"HLEN", "e2e:workers"}) == "2"; })) << a->err() << b->err();
  auto r = run(cmd({"stop-workers", "--wait", "--timeout", "20"}), dir.path(),
               {"STATE=" + (dir / "machine-c").string()});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("Waiting for 2 worker(s)"), std::string::npos) << r.out;
  EXPECT_EQ(a->wait(seconds(5)), 0);
  EXPECT_EQ(b->wait(seconds(5)), 0);
  EXPECT_EQ(server.command({"HLEN", "e2e:workers"}), "0");  // they unregistered on the way out
}

}  // namespace
}  // namespace messengerd::testing
