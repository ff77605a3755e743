// End-to-end on AMQP: the real binary, ONE real rabbitmq-server for the whole binary (started
// lazily by tests/support/rabbitmq_server.hpp, its start-up costs seconds), each test on its
// own exchange and queues, the test-behaviours plugin journaling each outcome. Crashes and
// outages are counted: nothing may be lost (duplicates are allowed: at-least-once).
#include <amqp.h>
#include <amqp_tcp_socket.h>
#include <signal.h>

#include <algorithm>
#include <optional>
#include <set>

#include "e2e_fixture.hpp"
#include "rabbitmq_server.hpp"

namespace messengerd::testing {
namespace {

using std::chrono::seconds;

// Asks the broker about queues and exchanges without changing them (passive declares), on a
// fresh connection per question: a failed passive declare closes the channel.
class BrokerProbe {
 public:
  explicit BrokerProbe(int port) : port_(port) {}

  // Ready messages of the queue, or nullopt when it does not exist.
  std::optional<long> ready(const std::string& queue) const {
    std::optional<long> count;
    with_channel([&](amqp_connection_state_t c) {
      auto* ok = amqp_queue_declare(c, 1, amqp_cstring_bytes(queue.c_str()), 1, 0, 0, 0, amqp_empty_table);
      if (ok != nullptr) count = static_cast<long>(ok->message_count);
    });
    return count;
  }
  bool exchange_exists(const std::string& name) const {
    bool exists = false;
    with_channel([&](amqp_connection_state_t c) {
      exists = amqp_exchange_declare(c, 1, amqp_cstring_bytes(name.c_str()), amqp_cstring_bytes("direct"), 1, 0, 0, 0,
                                     amqp_empty_table) != nullptr;
    });
    return exists;
  }

 private:
  template <typename F>
  void with_channel(F&& f) const {
    amqp_connection_state_t c = amqp_new_connection();
    amqp_socket_t* socket = amqp_tcp_socket_new(c);
    if (socket != nullptr && amqp_socket_open(socket, "127.0.0.1", port_) == AMQP_STATUS_OK &&
        amqp_login(c, "/", 0, 131072, 0, AMQP_SASL_METHOD_PLAIN, "guest", "guest").reply_type == AMQP_RESPONSE_NORMAL &&
        amqp_channel_open(c, 1) != nullptr) {
      f(c);
      amqp_channel_close(c, 1, AMQP_REPLY_SUCCESS);
      amqp_connection_close(c, AMQP_REPLY_SUCCESS);
    }
    amqp_destroy_connection(c);
  }
  int port_;
};

struct AmqpE2e : E2eFixture {
  RabbitMqServer& server = shared_rabbitmq();
  std::string exchange = unique_name("e2e");
  BrokerProbe broker{server.port()};

  std::string dsn(const std::string& name, const std::string& query = "") const {
    return server.url() + "/%2f/" + name + query;
  }
  // async on AMQP (exchange and queue named `exchange`); the failure transport is `failed`.
  void write_amqp_config(const std::string& failed_dsn, const std::string& async_query = "", int max_retries = 1,
                         const std::string& async_options = "") {
    std::ofstream(config) << "framework:\n"
                             "  messenger:\n"
                             "    failure_transport: failed\n"
                             "    transports:\n"
                             "      async:\n"
                             "        dsn: '" << dsn(exchange, async_query) << "'\n"
                             "        retry_strategy: {max_retries: " << max_retries << ", delay: 100, multiplier: 1, jitter: 0}\n"
                          << async_options <<
                             "      failed: '" << failed_dsn << "'\n"
                             "    routing:\n"
                             "      'App\\Message\\*': async\n"
                             "messengerd:\n"
                             "  plugins:\n"
                             "    - path: '" MESSENGERD_EXAMPLE_PLUGIN_DIR "/libtest_behaviours.so'\n"
                             "      options: {journal: '" << journal.string() << "'}\n";
  }
  std::size_t distinct_handled() {
    std::set<std::string> ids;
    for (const auto& line : journal_lines()) {
      if (line.starts_with("handled ")) ids.insert(line.substr(8, line.find(' ', 8) - 8));
    }
    return ids.size();
  }
};

TEST_F(AmqpE2e, AKilledWorkersMessageIsHandledByAnotherWorker) {
  write_amqp_config("sqlite:///queue.db?queue_name=failed");
  const auto hold = dir / "hold";
  std::ofstream(hold) << "worker a stays busy while this file exists";
  dispatch(R"({"id":"victim","sleep_while_exists":")" + hold.string() + R"("})");
  dispatch(R"({"id":"bystander"})");
  ASSERT_EQ(broker.ready(exchange), 2);
  auto a = start({"consume", "async", "--sleep", "0.1"});
  // Worker a has both (prefetch): busy with the victim, the bystander waiting in its prefetch.
  ASSERT_TRUE(await([&] { return broker.ready(exchange) == 0; })) << a->err();
  auto b = start({"consume", "async", "--sleep", "0.1", "--limit", "2"});
  a->signal(SIGKILL);
  EXPECT_EQ(a->wait(), 128 + SIGKILL);
  std::filesystem::remove(hold);  // b is not held up
  // The broker gives a's unacknowledged deliveries to b as soon as a's connection is gone.
  EXPECT_TRUE(await([&] { return journal_count("handled victim") == 1 && journal_count("handled bystander") == 1; },
                    seconds(30)))
      << b->err();
  EXPECT_EQ(b->wait(seconds(10)), 0) << b->err();
  EXPECT_EQ(journal_lines().size(), 2u) << read_file(journal);  // each exactly once: a died before acking
  EXPECT_EQ(broker.ready(exchange), 0);
}

TEST_F(AmqpE2e, ABrokerRestartMidConsumeLosesNothing) {
  // 40 messages of 75 ms: the broker stops after 10 were handled; the worker then holds at most
  // its prefetch (20 here), so some are still in the queue while the broker is down.
  write_amqp_config("sqlite:///queue.db?queue_name=failed", "?prefetch_count=20");
  constexpr int kBefore = 40, kAfter = 5;
  for (int i = 0; i < kBefore; ++i) dispatch(R"({"id":"m)" + std::to_string(i) + R"(","sleep_ms":75})");
  auto worker = start({"consume", "async", "--sleep", "0.1"});
  ASSERT_TRUE(await([&] { return journal_count("handled") >= 10; })) << worker->err();
  // A graceful broker stop keeps the durable queue and its persistent messages; deliveries not
  // acked when the connection dropped are ready again after the restart. Acks lost with the
  // connection make some messages come twice: at least once, never lost.
  server.stop();
  ASSERT_LT(distinct_handled(), static_cast<std::size_t>(kBefore)) << "the worker finished before the broker stopped";
  server.start();
  EXPECT_TRUE(await([&] { return worker->err().find("reconnected") != std::string::npos; }, seconds(30))) << worker->err();
  for (int i = 0; i < kAfter; ++i) dispatch(R"({"id":"n)" + std::to_string(i) + R"("})");
  EXPECT_TRUE(await([&] { return distinct_handled() == kBefore + kAfter; }, seconds(60)))
      << distinct_handled() << "\n" << worker->err();
  EXPECT_TRUE(await([&] { return broker.ready(exchange) == 0; })) << worker->err();
  worker->signal(SIGTERM);
  EXPECT_EQ(worker->wait(), 0) << worker->err();
  EXPECT_EQ(journal_count("failed"), 0u) << read_file(journal);
  const std::string log = worker->err();
  auto occurrences = [&](const std::string& what) {
    std::size_t n = 0;
    for (auto at = log.find(what); at != std::string::npos; at = log.find(what, at + 1)) ++n;
    return n;
  };
  // Logged once per outage, not once per attempt or per poll (as on Redis: an idle worker's
  // polls during an outage find nothing, they do not fail).
  EXPECT_EQ(occurrences("logged once per outage"), 1u) << log;
  EXPECT_EQ(occurrences("receiving failed"), 0u) << log;
  EXPECT_EQ(log.find("guest:guest"), std::string::npos) << log;  // the password never reaches the log
}

TEST_F(AmqpE2e, AHandlerLongerThanTheHeartbeatTimeoutIsAckedOnce) {
  // heartbeat=1: the broker closes a connection it heard nothing from for ~2 s (two missed
  // heartbeats). The handler runs 6 s, 3x that; the worker's loop thread sends the heartbeats
  // meanwhile, so the connection and the unacked delivery survive and the ack goes through.
  write_amqp_config("sqlite:///queue.db?queue_name=failed", "?heartbeat=1");
  dispatch(R"({"id":"slow","sleep_ms":6000})");
  auto r = messengerd({"consume", "async", "--limit", "1", "--time-limit", "30"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(journal_lines(), std::vector<std::string>{"handled slow 0 async"});
  EXPECT_EQ(broker.ready(exchange), 0);  // acked: a dropped connection would have put it back
  EXPECT_EQ(r.err.find(" error "), std::string::npos) << r.err;    // no lost connection, no failed ack
  EXPECT_EQ(r.err.find(" warning "), std::string::npos) << r.err;
}

TEST_F(AmqpE2e, SetupTransportsDeclaresAndStatsCountsPerQueue) {
  // Symfony's multi-queue form: one fanout exchange, two queues bound to it.
  write_amqp_config("sqlite:///queue.db?queue_name=failed", "", 1,
                    "        options:\n"
                    "          queues:\n"
                    "            " + exchange + "_a: ~\n"
                    "            " + exchange + "_b: ~\n");
  ASSERT_FALSE(broker.ready(exchange + "_a").has_value());
  auto setup = messengerd({"setup-transports", "async"});
  ASSERT_EQ(setup.exit_code, 0) << setup.err;
  EXPECT_EQ(broker.ready(exchange + "_a"), 0);
  EXPECT_EQ(broker.ready(exchange + "_b"), 0);
  EXPECT_TRUE(broker.exchange_exists(exchange));
  EXPECT_TRUE(broker.exchange_exists("delays"));

  for (int i = 0; i < 3; ++i) dispatch(R"({"id":"s)" + std::to_string(i) + R"("})");
  ASSERT_TRUE(await([&] { return broker.ready(exchange + "_b") == 3; }));
  auto stats = messengerd({"stats", "async", "--format", "json"});
  ASSERT_EQ(stats.exit_code, 0) << stats.err;
  EXPECT_EQ(stats.out, "{\"transports\":[{\"name\":\"async\",\"count\":6,\"queues\":{\"" + exchange + "_a\":3,\"" +
                           exchange + "_b\":3}}]}\n")
      << stats.err;
  auto text = messengerd({"stats", "async"});
  EXPECT_NE(text.out.find("  queue " + exchange + "_a"), std::string::npos) << text.out;

  // --queues: only one queue is drained.
  auto only_a = messengerd({"consume", "async", "--queues", exchange + "_a", "--limit", "3"});
  ASSERT_EQ(only_a.exit_code, 0) << only_a.err;
  EXPECT_EQ(broker.ready(exchange + "_a"), 0);
  EXPECT_EQ(broker.ready(exchange + "_b"), 3);
}

TEST_F(AmqpE2e, FailedMessagesFromAmqpAreRetriedFromASqliteFailureTransport) {
  write_amqp_config("sqlite:///queue.db?queue_name=failed");
  const auto marker = dir / "marker";
  std::ofstream(marker) << "fail while this file exists";
  dispatch(R"({"id":"doomed","fail_if_exists":")" + marker.string() + R"("})");
  dispatch(R"({"id":"fine"})");
  // doomed: first try, one retry through the AMQP delay queue, then the failure transport.
  auto r = messengerd({"consume", "async", "--limit", "3", "--time-limit", "30"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(journal_count("failed doomed 0 async"), 1u) << read_file(journal);
  EXPECT_EQ(journal_count("failed doomed 1 async"), 1u) << read_file(journal);
  EXPECT_EQ(journal_count("handled fine 0 async"), 1u);
  EXPECT_EQ(broker.ready(exchange), 0);
  EXPECT_EQ(broker.ready("delay_" + exchange + "_" + exchange + "_100_retry"), 0);  // Symfony's retry queue was used
  EXPECT_EQ(db().count("failed"), 1);

  auto shown = messengerd({"failed:show"});
  ASSERT_EQ(shown.exit_code, 0) << shown.err;
  EXPECT_NE(shown.out.find("exists"), std::string::npos) << shown.out;  // the handler's error message

  std::filesystem::remove(marker);
  auto retried = messengerd({"failed:retry", "--force"});
  ASSERT_EQ(retried.exit_code, 0) << retried.err;
  EXPECT_EQ(journal_count("handled doomed"), 1u) << read_file(journal);  // through the original receiver "async"
  EXPECT_EQ(db().count("failed"), 0);
}

TEST_F(AmqpE2e, FailedShowOnAnAmqpFailureTransportSaysItCannotList) {
  write_amqp_config(dsn(exchange + "_failed"));
  dispatch(R"({"id":"doomed","unrecoverable":true})");
  auto r = messengerd({"consume", "async", "--limit", "1", "--time-limit", "30"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(await([&] { return broker.ready(exchange + "_failed") == 1; }));  // AMQP as failure transport works

  auto shown = messengerd({"failed:show"});
  EXPECT_NE(shown.exit_code, 0);
  EXPECT_EQ(std::count(shown.err.begin(), shown.err.end(), '\n'), 1) << shown.err;  // one line
  EXPECT_NE(shown.err.find("cannot list"), std::string::npos) << shown.err;
  EXPECT_NE(shown.err.find("AMQP queues cannot be browsed"), std::string::npos) << shown.err;
  EXPECT_NE(shown.err.find("\"failed\""), std::string::npos) << shown.err;
  EXPECT_EQ(broker.ready(exchange + "_failed"), 1);  // untouched
}

}  // namespace
}  // namespace messengerd::testing
