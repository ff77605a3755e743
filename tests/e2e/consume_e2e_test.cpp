// End-to-end: the real binary consuming the embedded SQLite transport.
#include <signal.h>

#include "e2e_fixture.hpp"

namespace messengerd::testing {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

struct Consume : E2eFixture {};

TEST_F(Consume, HandlesEveryMessageAndEmptiesTheQueue) {
  write_config();
  for (int i = 0; i < 5; ++i) dispatch("{\"id\":\"m" + std::to_string(i) + "\"}");
  EXPECT_EQ(db().count("default"), 5);
  auto r = messengerd({"consume", "async", "--limit", "5"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(journal_count("handled "), 5u);
  EXPECT_EQ(db().count("default"), 0);
}

TEST_F(Consume, NoReceiverIsAnErrorListingTheTransports) {
  write_config();
  auto r = messengerd({"consume"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("async, failed"), std::string::npos) << r.err;
}

TEST_F(Consume, RetriesWithRedeliveryStampsThenSucceeds) {
  write_config();
  dispatch(R"({"id":"flaky","fail_times":2})");
  auto r = messengerd({"consume", "async", "--limit", "3", "-vv"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(journal_lines(), (std::vector<std::string>{"failed flaky 0 async", "failed flaky 1 async", "handled flaky 2 async"}));
  EXPECT_EQ(db().count("default"), 0);
  EXPECT_EQ(db().count("failed"), 0);
}

TEST_F(Consume, PastMaxRetriesTheMessageLandsInTheFailureTransportWithItsError) {
  write_config();
  dispatch(R"({"id":"doomed","fail_always":true})");
  auto r = messengerd({"consume", "async", "--limit", "3"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(journal_count("failed doomed"), 3u);
  EXPECT_EQ(db().count("default"), 0);
  ASSERT_EQ(db().count("failed"), 1);
  auto headers = db().text("SELECT headers FROM messenger_messages WHERE queue_name = 'failed'");
  EXPECT_NE(headers.find("SentToFailureTransportStamp"), std::string::npos) << headers;
  EXPECT_NE(headers.find("ErrorDetailsStamp"), std::string::npos) << headers;
  EXPECT_NE(headers.find("originalReceiverName"), std::string::npos) << headers;
}

TEST_F(Consume, UnrecoverableFailureSkipsRetries) {
  write_config();
  dispatch(R"({"id":"bad","unrecoverable":true})");
  auto r = messengerd({"consume", "async", "--limit", "1"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(journal_count("failed bad 0"), 1u);
  EXPECT_EQ(db().count("failed"), 1);
  EXPECT_NE(db().text("SELECT headers FROM messenger_messages WHERE queue_name = 'failed'").find("UnrecoverableMessageHandlingException"),
            std::string::npos);
}

TEST_F(Consume, RecoverableFailureRetriesPastMaxRetries) {
  write_config("redeliver_timeout=2", 0);
  dispatch(R"({"id":"rec","recoverable":true})");
  auto r = messengerd({"consume", "async", "--limit", "3"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(journal_count("failed rec"), 3u);
  EXPECT_EQ(db().count("failed"), 0);
  EXPECT_EQ(db().count("default"), 1);  // still being retried
}

TEST_F(Consume, SigtermDuringASlowHandlerFinishesAndAcksIt) {
  write_config();
  dispatch(R"({"id":"slow","sleep_ms":1500})");
  dispatch(R"({"id":"next"})");
  auto worker = start({"consume", "async"});
  // Both rows are claimed at once (prefetch); "slow" is being handled.
  ASSERT_TRUE(await([&] { return db().count("default", "delivered_at IS NOT NULL") >= 1; }));
  worker->signal(SIGTERM);
  EXPECT_EQ(worker->wait(seconds(20)), 0) << worker->err();
  EXPECT_EQ(journal_lines(), std::vector<std::string>{"handled slow 0 async"});
  EXPECT_EQ(db().count("default"), 1);  // "next" was not started...
  EXPECT_EQ(db().count("default", "delivered_at IS NULL"), 1);  // ...and was given back at once
}

TEST_F(Consume, SecondSigintWhileFinishingDoesNotLoseTheMessage) {
  write_config();
  dispatch(R"({"id":"slow","sleep_ms":1500})");
  auto worker = start({"consume", "async"});
  ASSERT_TRUE(await([&] { return db().count("default", "delivered_at IS NOT NULL") == 1; }));
  worker->signal(SIGINT);
  worker->signal(SIGINT);
  EXPECT_EQ(worker->wait(seconds(20)), 0) << worker->err();
  EXPECT_EQ(journal_lines(), std::vector<std::string>{"handled slow 0 async"});
  EXPECT_EQ(db().count("default"), 0);
}

TEST_F(Consume, IdleWorkerStopsAtOnceOnSignal) {
  write_config();
  auto worker = start({"consume", "async", "--sleep", "30"});
  ASSERT_TRUE(await([&] { return worker->err().find("consuming") != std::string::npos; }));
  auto sent = std::chrono::steady_clock::now();
  worker->signal(SIGTERM);
  EXPECT_EQ(worker->wait(seconds(10)), 0);
  EXPECT_LT(std::chrono::steady_clock::now() - sent, seconds(5));  // far less than --sleep 30
}

TEST_F(Consume, IdleWorkerWakesUpForANewMessage) {
  write_config();
  auto worker = start({"consume", "async", "--sleep", "30", "--limit", "1"});
  ASSERT_TRUE(await([&] { return worker->err().find("consuming") != std::string::npos; }));
  dispatch(R"({"id":"wake"})");
  EXPECT_EQ(worker->wait(seconds(10)), 0) << worker->err();  // not after --sleep 30
  EXPECT_EQ(journal_count("handled wake"), 1u);
}

TEST_F(Consume, KilledWorkerLeavesTheMessageForRedelivery) {
  write_config();
  dispatch(R"({"id":"victim","sleep_ms":5000})");
  {
    auto worker = start({"consume", "async"});
    ASSERT_TRUE(await([&] { return db().count("default", "delivered_at IS NOT NULL") == 1; }));
    worker->signal(SIGKILL);
    worker->wait();
  }
  EXPECT_EQ(db().count("default"), 1);  // not lost
  EXPECT_TRUE(journal_lines().empty());
  // Redelivered once redeliver_timeout (2 s) passed; this time it is handled.
  auto r = messengerd({"consume", "async", "--limit", "1", "--sleep", "0.2"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(journal_count("handled victim"), 1u);
  EXPECT_EQ(db().count("default"), 0);
}

TEST_F(Consume, LimitsStopTheWorker) {
  write_config();
  for (int i = 0; i < 3; ++i) dispatch(R"({"id":"x"})");
  auto memory = messengerd({"consume", "async", "--memory-limit", "1K"});
  EXPECT_EQ(memory.exit_code, 0) << memory.err;
  EXPECT_NE(memory.err.find("memory limit"), std::string::npos) << memory.err;
  EXPECT_EQ(journal_count("handled"), 1u);
  auto time = messengerd({"consume", "async", "failed", "--time-limit", "1", "--sleep", "0.1"});
  EXPECT_EQ(time.exit_code, 0);
  EXPECT_EQ(journal_count("handled"), 3u);
  auto bad = messengerd({"consume", "async", "--memory-limit", "lots"});
  EXPECT_EQ(bad.exit_code, 2);
}

TEST_F(Consume, FailureLimitStopsTheWorker) {
  write_config();
  for (int i = 0; i < 3; ++i) dispatch(R"({"id":"f","unrecoverable":true})");
  auto r = messengerd({"consume", "async", "--failure-limit", "2"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(journal_count("failed"), 2u);
}

TEST_F(Consume, AllWithExcludedReceivers) {
  write_config();
  dispatch(R"({"id":"a"})");
  auto r = messengerd({"consume", "--all", "--exclude-receivers", "failed", "--limit", "1"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(journal_count("handled a"), 1u);
}

TEST_F(Consume, HandlerCanStopTheWorker) {
  write_config();
  dispatch(R"({"id":"stop","stop_worker":true})");
  dispatch(R"({"id":"after"})");
  auto r = messengerd({"consume", "async"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(journal_lines(), std::vector<std::string>{"handled stop 0 async"});
}

TEST_F(Consume, TwoWorkersHandleEachOf2000MessagesExactlyOnce) {
  write_config("redeliver_timeout=3600");
  dispatch(R"({"id":"seed"})");  // creates the table
  db().exec(
      "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1999) "
      "INSERT INTO messenger_messages (body, headers, queue_name, created_at, available_at) "
      "SELECT '{\"id\":\"m' || i || '\"}', '{\"type\":\"App\\\\Message\\\\TestBehaviour\",\"Content-Type\":\"application\\/json\"}', "
      "'default', datetime('now'), datetime('now') FROM n");
  ASSERT_EQ(db().count("default"), 2000);
  auto a = start({"consume", "async", "--sleep", "0.1"});
  auto b = start({"consume", "async", "--sleep", "0.1"});
  EXPECT_TRUE(await([&] { return journal_count("handled") >= 2000; }, seconds(120)));
  a->signal(SIGTERM);
  b->signal(SIGTERM);
  EXPECT_EQ(a->wait(), 0);
  EXPECT_EQ(b->wait(), 0);
  auto lines = journal_lines();
  std::set<std::string> unique(lines.begin(), lines.end());
  EXPECT_EQ(lines.size(), 2000u);
  EXPECT_EQ(unique.size(), 2000u);
  EXPECT_EQ(db().count("default"), 0);
}

TEST_F(Consume, HandlerDispatchesAreSentAfterItSucceeded) {
  write_config();
  dispatch(R"({"id":"parent","dispatch_type":"App\\Message\\TestBehaviour","dispatch_body":"{\"id\":\"child\"}"})");
  auto r = messengerd({"consume", "async", "--limit", "2"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(journal_lines(), (std::vector<std::string>{"handled parent 0 async", "handled child 0 async"}));
}

}  // namespace
}  // namespace messengerd::testing
