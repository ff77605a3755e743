#include "worker/worker.hpp"

#include <signal.h>

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "fake_handler.hpp"
#include "fake_transport.hpp"
#include "serializer/stamps.hpp"
#include "worker/failure_policy.hpp"

namespace messengerd::worker {
namespace {

using testing::FakeHandler;
using testing::FakeTransport;

class FakeEnvironment final : public WorkerEnvironment {
 public:
  FakeEnvironment() : registry(types) {
    transports.emplace("async", std::make_unique<FakeTransport>("async"));
    transports.emplace("failed", std::make_unique<FakeTransport>("failed"));
  }
  void build_bus() {
    router = std::make_unique<routing::Router>(rules, types);
    bus = std::make_unique<bus::MessageBus>(bus::BusOptions{}, *router, registry, *outbox_holder);
  }
  FakeTransport& t(const std::string& name) { return *transports.at(name); }

  core::Result<transport::Transport*> transport(std::string_view name) override {
    auto it = transports.find(std::string(name));
    if (it == transports.end()) return std::unexpected(core::make_error(core::ErrorKind::not_found, "no transport"));
    return it->second.get();
  }
  retry::Strategy retry_strategy(std::string_view) const override { return strategy; }
  std::optional<std::string> failure_transport_for(std::string_view name) const override {
    if (!failure || name == *failure) return std::nullopt;
    return failure;
  }
  bus::MessageBus& bus_for(const core::Envelope&, std::string_view) override { return *bus; }
  void set_outbox(bus::Outbox& outbox) override { bus->set_outbox(outbox); }
  void reset_plugins() override { ++resets; }
  core::Handler* batch_handler_for(const core::Envelope& envelope, std::string_view transport, std::string_view) override {
    auto selected = registry.select(envelope.type(), bus->name(), transport);
    return selected.size() == 1 && selected.front()->spec().batch_size > 1 ? selected.front() : nullptr;
  }
  std::vector<std::shared_ptr<core::WorkerListener>> plugin_listeners() const override { return listeners; }

  core::TypeHierarchy types;
  std::vector<config::RoutingRule> rules;
  bus::HandlerRegistry registry;
  std::unique_ptr<routing::Router> router;
  std::unique_ptr<bus::MessageBus> bus;
  std::map<std::string, std::unique_ptr<FakeTransport>> transports;
  retry::Strategy strategy{3, 0, 2.0, 0, 0.0};
  std::optional<std::string> failure = "failed";
  int resets = 0;
  std::vector<std::shared_ptr<core::WorkerListener>> listeners;

  struct NullOutbox final : bus::Outbox {
    core::Result<std::string> send(std::string_view, const core::Envelope&) override { return std::string(); }
    bool knows(std::string_view) const override { return true; }
  };
  std::unique_ptr<bus::Outbox> outbox_holder = std::make_unique<NullOutbox>();
};

struct WorkerFixture : ::testing::Test {
  FakeEnvironment env;
  SharedFlags flags;

  std::shared_ptr<FakeHandler> add(std::string name, FakeHandler::Behaviour behaviour = nullptr) {
    auto h = std::make_shared<FakeHandler>(std::move(name), std::vector<std::string>{"App\\Sms"}, std::move(behaviour));
    env.registry.add(h);
    return h;
  }
  void enqueue(int n, const std::string& transport = "async") {
    for (int i = 0; i < n; ++i) env.t(transport).queue.push_back(core::Envelope("App\\Sms", "{\"n\":" + std::to_string(i) + "}"));
  }
  Worker make(WorkerOptions options, std::vector<std::string> names = {"async"}) {
    env.build_bus();
    std::vector<ReceiverBinding> receivers;
    for (auto& n : names) receivers.push_back({n, &env.t(n)});
    options.sleep = std::chrono::milliseconds(10);
    return Worker(std::move(receivers), options, env, flags);
  }
};

TEST_F(WorkerFixture, HandlesAcksAndStopsAtTheLimit) {
  auto h = add("sms");
  enqueue(5);
  WorkerOptions options;
  options.limit = 3;
  auto worker = make(options);
  EXPECT_EQ(worker.run(), 0);
  EXPECT_EQ(h->calls.size(), 3u);
  EXPECT_EQ(env.t("async").acked.size(), 3u);
  EXPECT_EQ(env.t("async").queue.size(), 2u);
  EXPECT_EQ(env.resets, 3);
  EXPECT_NE(worker.stop_reason().find("message limit"), std::string::npos);
}

TEST_F(WorkerFixture, NoResetSkipsPluginReset) {
  add("sms");
  enqueue(2);
  WorkerOptions options;
  options.limit = 2;
  options.reset = false;
  make(options).run();
  EXPECT_EQ(env.resets, 0);
}

TEST_F(WorkerFixture, FirstReceiverIsDrainedBeforeTheNext) {
  std::vector<std::string> order;
  add("sms", [&](const core::MessageView& m) {
    order.emplace_back(m.transport);
    return core::HandlerOutcome::success();
  });
  env.transports.emplace("low", std::make_unique<FakeTransport>("low"));
  enqueue(2, "low");
  enqueue(2, "async");
  WorkerOptions options;
  options.limit = 4;
  make(options, {"async", "low"}).run();
  EXPECT_EQ(order, (std::vector<std::string>{"async", "async", "low", "low"}));
}

TEST_F(WorkerFixture, FailureIsRetriedThenSentToTheFailureTransport) {
  add("broken", [](const core::MessageView&) { return core::HandlerOutcome::failure(core::OutcomeKind::retry, "boom"); });
  env.t("async").deliver_sent = true;  // retries come back to this worker
  enqueue(1);
  WorkerOptions options;
  options.limit = 4;  // the original and its three retries
  auto worker = make(options);
  worker.run();
  auto& async = env.t("async");
  EXPECT_EQ(async.sent.size(), 3u);
  EXPECT_EQ(serializer::retry_count(async.sent.back()), 3);
  EXPECT_EQ(async.rejected.size(), 4u);
  EXPECT_TRUE(async.acked.empty());
  ASSERT_EQ(env.t("failed").sent.size(), 1u);
  const auto& failed = env.t("failed").sent[0];
  EXPECT_EQ(serializer::original_receiver_name(failed), "async");
  EXPECT_EQ(serializer::last_error_details(failed)->message, "boom");
  EXPECT_EQ(worker.stats().retried, 3u);
  EXPECT_EQ(worker.stats().sent_to_failure, 1u);
}

TEST_F(WorkerFixture, UnavailableFailureTransportLeavesTheOriginalInPlace) {
  add("broken", [](const core::MessageView&) {
    return core::HandlerOutcome::failure(core::OutcomeKind::unrecoverable, "bad");
  });
  env.t("failed").fail_sends = true;
  enqueue(1);
  WorkerOptions options;
  options.limit = 1;
  auto worker = make(options);
  worker.run();
  EXPECT_TRUE(env.t("async").acked.empty());
  EXPECT_TRUE(env.t("async").rejected.empty());
  EXPECT_EQ(worker.stats().left_for_redelivery, 1u);
}

TEST_F(WorkerFixture, UndecodableMessageGoesToTheFailureTransportAndTheWorkerGoesOn) {
  auto h = add("sms");
  env.t("async").queue.push_back(core::Envelope("", "O:36:\"Symfony..."));
  enqueue(1);
  // Mark the first queued message undecodable through a wrapping transport.
  struct Undecodable final : transport::Transport {
    FakeTransport& inner;
    bool first = true;
    explicit Undecodable(FakeTransport& t) : Transport("async"), inner(t) {}
    core::Result<std::string> send(const core::Envelope& e) override { return inner.send(e); }
    core::Result<std::vector<transport::ReceivedMessage>> get(std::size_t n) override {
      auto got = inner.get(n);
      if (got && !got->empty() && first) {
        first = false;
        (*got)[0].decode_error = core::make_error(core::ErrorKind::decode, "written by PhpSerializer");
      }
      return got;
    }
    core::Status ack(const transport::ReceivedMessage& m) override { return inner.ack(m); }
    core::Status reject(const transport::ReceivedMessage& m) override { return inner.reject(m); }
  } undecodable(env.t("async"));
  env.build_bus();
  WorkerOptions options;
  options.limit = 2;
  options.sleep = std::chrono::milliseconds(10);
  Worker worker({{"async", &undecodable}}, options, env, flags);
  worker.run();
  ASSERT_EQ(env.t("failed").sent.size(), 1u);
  EXPECT_EQ(serializer::last_error_details(env.t("failed").sent[0])->exception_class, kDecodingFailedException);
  EXPECT_EQ(env.t("async").rejected.size(), 1u);
  EXPECT_EQ(h->calls.size(), 1u);
  EXPECT_EQ(env.t("async").acked.size(), 1u);
}

TEST_F(WorkerFixture, HandlerMayStopTheWorker) {
  add("stopper", [](const core::MessageView&) {
    auto o = core::HandlerOutcome::success();
    o.stop_worker = true;
    return o;
  });
  enqueue(3);
  make({}).run();
  EXPECT_EQ(env.t("async").acked.size(), 1u);
}

TEST_F(WorkerFixture, FailureLimitStopsTheWorker) {
  add("broken", [](const core::MessageView&) { return core::HandlerOutcome::failure(core::OutcomeKind::retry, "x"); });
  enqueue(5);
  WorkerOptions options;
  options.failure_limit = 2;
  auto worker = make(options);
  worker.run();
  EXPECT_EQ(worker.stats().failed, 2u);
}

TEST_F(WorkerFixture, TimeLimitStopsAnIdleWorker) {
  WorkerOptions options;
  options.time_limit = std::chrono::milliseconds(50);
  auto worker = make(options);
  EXPECT_EQ(worker.run(), 0);
  EXPECT_NE(worker.stop_reason().find("time limit"), std::string::npos);
}

TEST_F(WorkerFixture, SigtermDuringASlowHandlerFinishesAndAcksIt) {
  add("slow", [](const core::MessageView&) {
    ::kill(::getpid(), SIGTERM);  // the loop thread sees it while this handler is still running
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    return core::HandlerOutcome::success();
  });
  enqueue(3);
  auto worker = make({});
  EXPECT_EQ(worker.run(), 0);
  EXPECT_EQ(env.t("async").acked.size(), 1u);
  EXPECT_EQ(env.t("async").queue.size(), 2u);
  EXPECT_NE(worker.stop_reason().find("signal"), std::string::npos);
}

TEST_F(WorkerFixture, KeepaliveIsSentWhileAHandlerRuns) {
  add("slow", [](const core::MessageView&) {
    std::this_thread::sleep_for(std::chrono::milliseconds(120));
    return core::HandlerOutcome::success();
  });
  enqueue(1);
  WorkerOptions options;
  options.limit = 1;
  options.keepalive = std::chrono::milliseconds(20);
  make(options).run();
  EXPECT_GE(env.t("async").keepalives.size(), 2u);
}

// The handle-ahead window (docs/worker.md): fast handlers get the next message without a
// thread wake-up, but stopping, limits and failures behave as if messages came one by one.
TEST_F(WorkerFixture, StoppingGivesBackWhatWasFetchedAheadInOrder) {
  std::vector<std::string> seen;
  add("stopper", [&](const core::MessageView& m) {
    seen.push_back(m.envelope->body());
    auto o = core::HandlerOutcome::success();
    o.stop_worker = true;
    return o;
  });
  enqueue(6);
  make({}).run();
  EXPECT_EQ(seen, (std::vector<std::string>{"{\"n\":0}"}));
  EXPECT_EQ(env.t("async").acked.size(), 1u);
  ASSERT_EQ(env.t("async").queue.size(), 5u);
  EXPECT_EQ(env.t("async").queue.front().body(), "{\"n\":1}");
  EXPECT_EQ(env.t("async").queue.back().body(), "{\"n\":5}");
}

TEST_F(WorkerFixture, BigMessagesAreNotFetchedAheadPastTheByteBudget) {
  // The window holds up to 64 messages but only about 4 MiB of bodies: ten 1 MiB messages are
  // not all decoded and held while the first one is handled.
  int fetched_while_first_ran = -1;
  std::vector<std::size_t> sizes;
  add("big", [&](const core::MessageView& m) {
    if (sizes.empty()) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));  // time to fetch ahead, if it would
      fetched_while_first_ran = env.t("async").fetched_count.load();
    }
    sizes.push_back(m.envelope->body().size());
    return core::HandlerOutcome::success();
  });
  const std::string mib(1 << 20, 'x');
  for (int i = 0; i < 10; ++i) env.t("async").queue.push_back(core::Envelope("App\\Sms", "\"" + mib + "\""));
  WorkerOptions options;
  options.limit = 10;
  make(options).run();
  EXPECT_GE(fetched_while_first_ran, 1);
  EXPECT_LE(fetched_while_first_ran, 5);
  EXPECT_EQ(sizes.size(), 10u);
  EXPECT_EQ(env.t("async").acked.size(), 10u);
}

TEST_F(WorkerFixture, TheLimitIsNeverFetchedPast) {
  add("fast", [](const core::MessageView&) { return core::HandlerOutcome::success(); });
  enqueue(40);
  WorkerOptions options;
  options.limit = 3;
  make(options).run();
  EXPECT_EQ(env.t("async").acked.size(), 3u);
  EXPECT_EQ(env.t("async").queue.size(), 37u);
  EXPECT_TRUE(env.t("async").given_back.empty());
}

TEST_F(WorkerFixture, MessagesAreHandledOneByOneInOrderAcrossFailures) {
  std::vector<std::string> seen;
  add("picky", [&](const core::MessageView& m) {
    seen.push_back(m.envelope->body());
    if (m.envelope->body() == "{\"n\":2}") return core::HandlerOutcome::failure(core::OutcomeKind::unrecoverable, "no");
    return core::HandlerOutcome::success();
  });
  enqueue(30);
  WorkerOptions options;
  options.limit = 30;
  make(options).run();
  ASSERT_EQ(seen.size(), 30u);
  for (int i = 0; i < 30; ++i) EXPECT_EQ(seen[static_cast<std::size_t>(i)], "{\"n\":" + std::to_string(i) + "}");
  EXPECT_EQ(env.t("async").acked.size(), 29u);
}

TEST_F(WorkerFixture, AMessageHandledAheadIsAckedWhileALongerOneRuns) {
  // The handler thread reports finished messages to the loop thread in groups: one finished
  // just before a long handler must still be acked while that handler runs, not after it.
  std::atomic<bool> first_acked_meanwhile{false};
  add("sms", [&](const core::MessageView& m) {
    if (m.envelope->body() == "{\"n\":0}") std::this_thread::sleep_for(std::chrono::milliseconds(20));  // n=1 is queued
    if (m.envelope->body() == "{\"n\":1}") {
      const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
      while (env.t("async").ack_count.load() < 1 && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
      }
      first_acked_meanwhile = env.t("async").ack_count.load() == 1;
    }
    return core::HandlerOutcome::success();
  });
  enqueue(2);
  WorkerOptions options;
  options.limit = 2;
  make(options).run();
  EXPECT_TRUE(first_acked_meanwhile);
  EXPECT_EQ(env.t("async").acked.size(), 2u);
}

TEST_F(WorkerFixture, TransportHeartbeatsAreServicedWhileAHandlerRuns) {
  add("slow", [](const core::MessageView&) {
    std::this_thread::sleep_for(std::chrono::milliseconds(120));
    return core::HandlerOutcome::success();
  });
  enqueue(1);
  env.t("async").heartbeat_every = std::chrono::milliseconds(20);
  WorkerOptions options;
  options.limit = 1;
  make(options).run();
  EXPECT_GE(env.t("async").heartbeats, 3);
  EXPECT_EQ(env.t("async").acked.size(), 1u);
}

TEST_F(WorkerFixture, NoHeartbeatsWhenTheTransportWantsNone) {
  add("slow", [](const core::MessageView&) {
    std::this_thread::sleep_for(std::chrono::milliseconds(60));
    return core::HandlerOutcome::success();
  });
  enqueue(1);
  WorkerOptions options;
  options.limit = 1;
  make(options).run();
  EXPECT_EQ(env.t("async").heartbeats, 0);
}

TEST_F(WorkerFixture, DispatchedMessagesAreSentBeforeTheAck) {
  env.rules.push_back({"App\\Followup", {"failed"}, {}});
  add("parent", [&](const core::MessageView&) {
    env.bus->dispatch_from_handler(core::Envelope("App\\Followup", "{}"));
    return core::HandlerOutcome::success();
  });
  enqueue(1);
  WorkerOptions options;
  options.limit = 1;
  make(options).run();
  ASSERT_EQ(env.t("failed").sent.size(), 1u);
  EXPECT_EQ(env.t("failed").sent[0].type(), "App\\Followup");
  EXPECT_EQ(env.t("async").acked.size(), 1u);
}

TEST_F(WorkerFixture, BatchHandlerGetsFullBatchesAndThePartialOneWhenIdle) {
  auto h = add("batch", [](const core::MessageView& m) {
    return m.envelope->body() == "{\"n\":4}" ? core::HandlerOutcome::failure(core::OutcomeKind::unrecoverable, "bad item")
                                             : core::HandlerOutcome::success();
  });
  h->mutable_spec().batch_size = 3;
  enqueue(5);
  WorkerOptions options;
  options.limit = 5;
  auto worker = make(options);
  worker.run();
  EXPECT_EQ(h->batch_sizes, (std::vector<std::size_t>{3, 2}));
  EXPECT_EQ(env.t("async").acked.size(), 4u);
  EXPECT_EQ(env.t("failed").sent.size(), 1u);
  EXPECT_EQ(env.t("async").rejected.size(), 1u);
}

TEST_F(WorkerFixture, PendingBatchIsFlushedWhenTheWorkerStops) {
  auto h = add("batch");
  h->mutable_spec().batch_size = 10;
  auto stopper = std::make_shared<FakeHandler>("stopper", std::vector<std::string>{"App\\Stop"}, [](const core::MessageView&) {
    auto o = core::HandlerOutcome::success();
    o.stop_worker = true;
    return o;
  });
  env.registry.add(stopper);
  enqueue(2);
  env.t("async").queue.push_back(core::Envelope("App\\Stop", "{}"));
  enqueue(1);
  make({}).run();
  EXPECT_EQ(h->batch_sizes, std::vector<std::size_t>{2});  // flushed on the way out, before the exit
  EXPECT_EQ(env.t("async").acked.size(), 3u);
  EXPECT_EQ(env.t("async").queue.size(), 1u);
}

// Records the delivery count of every message event a plugin listener is given.
struct DeliveryCountListener final : core::WorkerListener {
  void on_event(const core::WorkerEvent& event) override {
    if (event.message != nullptr) seen.emplace_back(event.kind, event.message->delivery_count);
  }
  std::vector<std::pair<core::WorkerEventKind, std::uint32_t>> seen;
};

TEST_F(WorkerFixture, HandlersAndListenersSeeTheTransportsDeliveryCount) {
  std::vector<std::uint32_t> seen_by_handler;
  add("sms", [&](const core::MessageView& m) {
    seen_by_handler.push_back(m.delivery_count);
    return core::HandlerOutcome::success();
  });
  auto listener = std::make_shared<DeliveryCountListener>();
  env.listeners.push_back(listener);
  env.t("async").delivery_count = 3;  // redelivered twice before, e.g. claimed from dead consumers
  enqueue(1);
  WorkerOptions options;
  options.limit = 1;
  make(options).run();
  EXPECT_EQ(seen_by_handler, std::vector<std::uint32_t>{3});
  EXPECT_EQ(listener->seen, (std::vector<std::pair<core::WorkerEventKind, std::uint32_t>>{
                                {core::WorkerEventKind::message_received, 3}, {core::WorkerEventKind::message_handled, 3}}));
}

TEST_F(WorkerFixture, AFailedRedeliveryReportsItsDeliveryCountToListeners) {
  add("broken", [](const core::MessageView&) { return core::HandlerOutcome::failure(core::OutcomeKind::unrecoverable, "x"); });
  auto listener = std::make_shared<DeliveryCountListener>();
  env.listeners.push_back(listener);
  env.t("async").delivery_count = 2;
  enqueue(1);
  WorkerOptions options;
  options.limit = 1;
  make(options).run();
  EXPECT_EQ(listener->seen, (std::vector<std::pair<core::WorkerEventKind, std::uint32_t>>{
                                {core::WorkerEventKind::message_received, 2}, {core::WorkerEventKind::message_failed, 2}}));
}

TEST_F(WorkerFixture, BatchHandlersSeeEachMessagesDeliveryCount) {
  std::vector<std::uint32_t> seen;
  auto h = add("batch", [&](const core::MessageView& m) {
    seen.push_back(m.delivery_count);
    return core::HandlerOutcome::success();
  });
  h->mutable_spec().batch_size = 2;
  env.t("async").delivery_count = 4;
  enqueue(2);
  WorkerOptions options;
  options.limit = 2;
  make(options).run();
  EXPECT_EQ(h->batch_sizes, std::vector<std::size_t>{2});
  EXPECT_EQ(seen, (std::vector<std::uint32_t>{4, 4}));
}

}  // namespace
}  // namespace messengerd::worker
