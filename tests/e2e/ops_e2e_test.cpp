// End-to-end: the operations commands (stats, failed:*, setup-transports, stop-workers, metrics)
// on the embedded SQLite transport, through the real binary.
#include <arpa/inet.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <regex>

#include "e2e_fixture.hpp"

namespace messengerd::testing {
namespace {

using std::chrono::seconds;

struct Ops : E2eFixture {
  // A message that lands in the failure transport at once.
  std::string fail_one(const std::string& id) {
    dispatch(R"({"id":")" + id + R"(","unrecoverable":true})");
    auto r = messengerd({"consume", "async", "--limit", "1"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return db().text("SELECT id FROM messenger_messages WHERE queue_name = 'failed' ORDER BY id DESC LIMIT 1");
  }
};

TEST_F(Ops, StatsCountsEveryTransportAsTextAndJson) {
  write_config();
  for (int i = 0; i < 3; ++i) dispatch(R"({"id":"s"})");
  auto text = messengerd({"stats"});
  ASSERT_EQ(text.exit_code, 0) << text.err;
  EXPECT_TRUE(std::regex_search(text.out, std::regex("async +3\n"))) << text.out;
  EXPECT_TRUE(std::regex_search(text.out, std::regex("failed +0\n"))) << text.out;
  auto json = messengerd({"stats", "async", "--format", "json"});
  ASSERT_EQ(json.exit_code, 0) << json.err;
  EXPECT_EQ(json.out, "{\"transports\":[{\"name\":\"async\",\"count\":3}]}\n");
  EXPECT_EQ(messengerd({"stats", "nope"}).exit_code, 2);
}

TEST_F(Ops, StatsSaysWhenATransportCannotCount) {
  write_config("redeliver_timeout=2", 2, "      memory: 'sync://'\n");
  auto r = messengerd({"stats", "memory"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("cannot count"), std::string::npos) << r.out;
}

TEST_F(Ops, FailedShowListsDetailsAndStats) {
  write_config();
  auto id = fail_one("broken");
  auto list = messengerd({"failed:show"});
  ASSERT_EQ(list.exit_code, 0) << list.err;
  EXPECT_NE(list.out.find(id), std::string::npos) << list.out;
  EXPECT_NE(list.out.find("App\\Message\\TestBehaviour"), std::string::npos) << list.out;

  auto detail = messengerd({"failed:show", id, "-vv"});
  ASSERT_EQ(detail.exit_code, 0) << detail.err;
  EXPECT_NE(detail.out.find("UnrecoverableMessageHandlingException"), std::string::npos) << detail.out;
  EXPECT_NE(detail.out.find("Original receiver: async"), std::string::npos) << detail.out;
  EXPECT_NE(detail.out.find("SentToFailureTransportStamp"), std::string::npos) << detail.out;
  EXPECT_NE(detail.out.find(R"("id":"broken")"), std::string::npos) << detail.out;

  auto stats = messengerd({"failed:show", "--stats"});
  EXPECT_NE(stats.out.find("1  App\\Message\\TestBehaviour"), std::string::npos) << stats.out;
  EXPECT_EQ(messengerd({"failed:show", "999999"}).exit_code, 1);
}

TEST_F(Ops, FailedRemoveNeedsForceWithoutATerminal) {
  write_config();
  auto id = fail_one("gone");
  auto refused = messengerd({"failed:remove", id});
  EXPECT_EQ(refused.exit_code, 2) << refused.err;
  EXPECT_EQ(db().count("failed"), 1);
  auto removed = messengerd({"failed:remove", id, "--force"});
  EXPECT_EQ(removed.exit_code, 0) << removed.err;
  EXPECT_EQ(db().count("failed"), 0);
}

TEST_F(Ops, FailedRemoveAll) {
  write_config();
  fail_one("a");
  fail_one("b");
  ASSERT_EQ(db().count("failed"), 2);
  auto r = messengerd({"failed:remove", "--all", "--force"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(db().count("failed"), 0);
}

TEST_F(Ops, FailedRetryHandlesAgainThroughTheOriginalReceiver) {
  write_config();
  const auto marker = dir / "still-broken";
  std::ofstream(marker) << "x";
  dispatch(R"({"id":"comeback","fail_if_exists":")" + marker.string() + R"("})");
  // max_retries 2: three failures, then the failure transport.
  ASSERT_EQ(messengerd({"consume", "async", "--limit", "3"}).exit_code, 0);
  ASSERT_EQ(db().count("failed"), 1);
  auto refused = messengerd({"failed:retry"});
  EXPECT_EQ(refused.exit_code, 2);

  std::filesystem::remove(marker);  // the cause is fixed
  auto r = messengerd({"failed:retry", "--force"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("1 handled"), std::string::npos) << r.out;
  EXPECT_EQ(db().count("failed"), 0);
  EXPECT_EQ(db().count("default"), 0);
  EXPECT_EQ(journal_count("failed comeback"), 3u);
  EXPECT_EQ(journal_count("handled comeback"), 1u);
}

TEST_F(Ops, FailedRetryOfAMessageThatFailsAgainFollowsTheRetryRules) {
  write_config();
  auto id = fail_one("hopeless");
  auto r = messengerd({"failed:retry", id});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("1 failed again"), std::string::npos) << r.out;
  EXPECT_EQ(db().count("failed"), 1);  // unrecoverable: straight back to the failure transport
}

TEST_F(Ops, SetupTransportsCreatesTheTable) {
  write_config("auto_setup=false");
  auto r = messengerd({"setup-transports"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("[OK] async"), std::string::npos) << r.out;
  EXPECT_EQ(db().count("default"), 0);  // the table exists now
}

TEST_F(Ops, StopWorkersStopsIdleWorkersAndWaitsForThem) {
  write_config();
  auto a = start({"consume", "async", "--sleep", "30"});
  auto b = start({"consume", "async", "failed", "--sleep", "30"});
  ASSERT_TRUE(await([&] { return a->err().find("consuming") != std::string::npos && b->err().find("consuming") != std::string::npos; }));
  // Both registered themselves.
  ASSERT_TRUE(await([&] {
    std::error_code ec;
    auto it = std::filesystem::directory_iterator(dir / "var" / "workers", ec);
    return !ec && std::distance(it, std::filesystem::directory_iterator()) == 2;
  }));
  auto r = messengerd({"stop-workers", "--wait", "--timeout", "20"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("Waiting for 2 worker(s)"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("All workers have exited"), std::string::npos) << r.out;
  EXPECT_EQ(a->wait(seconds(5)), 0);
  EXPECT_EQ(b->wait(seconds(5)), 0);
  EXPECT_NE(a->err().find("restart signal"), std::string::npos) << a->err();
}

TEST_F(Ops, StopWorkersForOtherReceiversLeavesAWorkerRunning) {
  write_config();
  auto a = start({"consume", "async", "--sleep", "0.2"});
  ASSERT_TRUE(await([&] { return a->err().find("consuming") != std::string::npos; }));
  ASSERT_EQ(messengerd({"stop-workers", "--receivers", "failed"}).exit_code, 0);
  dispatch(R"({"id":"still-here"})");
  EXPECT_TRUE(await([&] { return journal_count("handled still-here") == 1; }));  // it still consumes
  ASSERT_EQ(messengerd({"stop-workers", "--receivers", "async"}).exit_code, 0);
  EXPECT_EQ(a->wait(seconds(10)), 0);
}

TEST_F(Ops, AWorkerStartedAfterTheSignalKeepsRunning) {
  write_config();
  ASSERT_EQ(messengerd({"stop-workers"}).exit_code, 0);
  dispatch(R"({"id":"after-signal"})");
  auto r = messengerd({"consume", "async", "--limit", "1", "--sleep", "0.2"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(journal_count("handled after-signal"), 1u);
}

std::string http_get(int port, const std::string& path) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<std::uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  std::string response;
  if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0) {
    std::string request = "GET " + path + " HTTP/1.0\r\n\r\n";
    [[maybe_unused]] auto sent = ::send(fd, request.data(), request.size(), 0);
    char buffer[4096];
    for (ssize_t n; (n = ::recv(fd, buffer, sizeof(buffer), 0)) > 0;) response.append(buffer, static_cast<std::size_t>(n));
  }
  ::close(fd);
  return response;
}

TEST_F(Ops, MetricsCountTheHandledMessagesOfARunningWorker) {
  write_config();
  for (int i = 0; i < 4; ++i) dispatch(R"({"id":"metered"})");
  dispatch(R"({"id":"bad","unrecoverable":true})");
  auto worker = start({"consume", "async", "--metrics-listen", "127.0.0.1:0", "--sleep", "0.2"});
  std::smatch found;
  int port = 0;
  ASSERT_TRUE(await([&] {
    auto err = worker->err();
    if (!std::regex_search(err, found, std::regex("metrics on http://127.0.0.1:([0-9]+)/metrics"))) return false;
    port = std::stoi(found[1]);
    return true;
  })) << worker->err();
  ASSERT_TRUE(await([&] { return journal_count("handled metered") == 4 && journal_count("failed bad") == 1; }));
  std::string metrics;
  // The plugin journals before the worker finishes moving the failed message: await both.
  EXPECT_TRUE(await([&] {
    metrics = http_get(port, "/metrics");
    return metrics.find(R"(messengerd_messages_handled_total{transport="async",type="App\\Message\\TestBehaviour"} 4)") !=
               std::string::npos &&
           metrics.find(R"(messengerd_messages_sent_to_failure_total{transport="async",type="App\\Message\\TestBehaviour"} 1)") !=
               std::string::npos;
  })) << metrics;
  EXPECT_NE(http_get(port, "/healthz").find("200 OK"), std::string::npos);
  worker->signal(SIGTERM);
  EXPECT_EQ(worker->wait(seconds(10)), 0);
}

}  // namespace
}  // namespace messengerd::testing
