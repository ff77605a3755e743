#include "bus/message_bus.hpp"

#include <gtest/gtest.h>

#include "bus/handle_message_middleware.hpp"
#include "fake_handler.hpp"
#include "serializer/stamps.hpp"

namespace messengerd::bus {
namespace {

using testing::FakeHandler;

class RecordingOutbox final : public Outbox {
 public:
  core::Result<std::string> send(std::string_view transport, const core::Envelope& envelope) override {
    if (transport == "broken") return std::unexpected(core::make_error(core::ErrorKind::connection, "down"));
    sent.emplace_back(std::string(transport), envelope);
    return std::to_string(sent.size());
  }
  bool knows(std::string_view) const override { return true; }
  std::vector<std::pair<std::string, core::Envelope>> sent;
};

class RecordingMiddleware final : public core::Middleware {
 public:
  RecordingMiddleware(std::string name, std::vector<std::string>& log, bool reject = false)
      : name_(std::move(name)), log_(log), reject_(reject) {}
  std::string_view name() const override { return name_; }
  core::HandlerOutcome before(const core::MessageView&) override {
    log_.push_back(name_ + ":before");
    return reject_ ? core::HandlerOutcome::failure(core::OutcomeKind::unrecoverable, "rejected by " + name_)
                   : core::HandlerOutcome::success();
  }
  void after(const core::MessageView&, const core::HandlerOutcome& outcome) override {
    log_.push_back(name_ + ":after:" + (outcome.ok() ? "ok" : "failed"));
  }

 private:
  std::string name_;
  std::vector<std::string>& log_;
  bool reject_;
};

struct BusFixture : ::testing::Test {
  core::TypeHierarchy types;
  std::vector<config::RoutingRule> rules;
  HandlerRegistry registry{types};
  RecordingOutbox outbox;
  std::vector<std::string> log;

  std::shared_ptr<FakeHandler> add(std::string name, std::vector<std::string> handled,
                                   FakeHandler::Behaviour behaviour = nullptr, int priority = 0) {
    auto h = std::make_shared<FakeHandler>(std::move(name), std::move(handled), std::move(behaviour), priority);
    h->log = &log;
    registry.add(h);
    return h;
  }
  std::unique_ptr<MessageBus> make_bus(BusOptions options = {}) {
    router = std::make_unique<routing::Router>(rules, types);
    return std::make_unique<MessageBus>(std::move(options), *router, registry, outbox);
  }
  std::unique_ptr<routing::Router> router;
};

TEST_F(BusFixture, HandlerSelectionIsRememberedAndForgottenWhenAHandlerIsAdded) {
  add("first", {"App\\Sms"});
  const auto& once = registry.select("App\\Sms", "messenger.bus.default", "async");
  const auto& twice = registry.select("App\\Sms", "messenger.bus.default", "async");
  EXPECT_EQ(&once, &twice);
  ASSERT_EQ(once.size(), 1u);
  EXPECT_TRUE(registry.select("App\\Other", "messenger.bus.default", "async").empty());
  add("second", {"App\\Sms"}, nullptr, 5);
  const auto& after = registry.select("App\\Sms", "messenger.bus.default", "async");
  ASSERT_EQ(after.size(), 2u);
  EXPECT_EQ(after.front()->spec().name, "second");
}

TEST_F(BusFixture, DefaultMiddlewareRunInSymfonysOrder) {
  std::vector<std::string> mw_log;
  BusOptions options;
  options.user_middleware.push_back(std::make_shared<RecordingMiddleware>("audit", mw_log));
  auto bus = make_bus(options);
  EXPECT_EQ(bus->middleware_names(),
            (std::vector<std::string>{"add_bus_name_stamp_middleware", "dispatch_after_current_bus",
                                      "failed_message_processing_middleware", "audit", "send_message", "handle_message"}));
}

TEST_F(BusFixture, UnroutedMessageIsHandledAndStampedWithBusName) {
  auto h = add("sms", {"App\\Sms"});
  auto bus = make_bus();
  auto result = bus->dispatch(core::Envelope("App\\Sms", "{}"));
  EXPECT_TRUE(result.outcome.ok());
  EXPECT_EQ(h->calls.size(), 1u);
  EXPECT_EQ(serializer::bus_name(result.envelope), "messenger.bus.default");
  EXPECT_EQ(result.handled_by, std::vector<std::string>{"sms"});
  EXPECT_TRUE(result.sent_to.empty());
}

TEST_F(BusFixture, RoutedMessageIsSentNotHandled) {
  rules.push_back({"App\\*", {"async", "audit"}, {}});
  auto h = add("sms", {"App\\Sms"});
  auto bus = make_bus();
  auto result = bus->dispatch(core::Envelope("App\\Sms", "{}"));
  EXPECT_TRUE(result.outcome.ok());
  EXPECT_EQ(result.sent_to, (std::vector<std::string>{"async", "audit"}));
  ASSERT_EQ(outbox.sent.size(), 2u);
  EXPECT_TRUE(outbox.sent[0].second.has(core::stamp_class::kBusName));
  EXPECT_TRUE(h->calls.empty());
}

TEST_F(BusFixture, ForcedTransportsOverrideRouting) {
  rules.push_back({"*", {"async"}, {}});
  auto bus = make_bus();
  auto result = bus->dispatch(core::Envelope("App\\Sms", "{}"), {"other"});
  EXPECT_EQ(result.sent_to, std::vector<std::string>{"other"});
}

TEST_F(BusFixture, FailedSendIsReported) {
  rules.push_back({"*", {"broken"}, {}});
  auto bus = make_bus();
  auto result = bus->dispatch(core::Envelope("App\\Sms", "{}"));
  EXPECT_FALSE(result.outcome.ok());
  EXPECT_NE(result.outcome.message.find("broken"), std::string::npos);
}

TEST_F(BusFixture, ReceivedMessageIsHandledNeverResent) {
  rules.push_back({"*", {"async"}, {}});
  auto h = add("sms", {"App\\Sms"});
  auto bus = make_bus();
  auto result = bus->handle_received(core::Envelope("App\\Sms", "{}"), "async", "1", 0);
  EXPECT_TRUE(result.outcome.ok());
  EXPECT_TRUE(outbox.sent.empty());
  EXPECT_EQ(h->calls.size(), 1u);
}

TEST_F(BusFixture, HandlersRunByPriorityHigherFirst) {
  add("low", {"App\\Sms"}, nullptr, -5);
  add("high", {"App\\Sms"}, nullptr, 10);
  add("parent", {"App\\*"}, nullptr, 0);
  auto bus = make_bus();
  bus->dispatch(core::Envelope("App\\Sms", "{}"));
  EXPECT_EQ(log, (std::vector<std::string>{"high", "parent", "low"}));
}

TEST_F(BusFixture, FromTransportAndBusRestrictHandlers) {
  auto only_async = add("only-async", {"App\\Sms"});
  only_async->mutable_spec().from_transport = "async";
  auto other_bus = add("other-bus", {"App\\Sms"});
  other_bus->mutable_spec().bus = "event.bus";
  auto any = add("any", {"App\\Sms"});
  auto bus = make_bus();
  bus->handle_received(core::Envelope("App\\Sms", "{}"), "slow", "1", 0);
  EXPECT_EQ(log, std::vector<std::string>{"any"});
  log.clear();
  bus->handle_received(core::Envelope("App\\Sms", "{}"), "async", "2", 0);
  EXPECT_EQ(log, (std::vector<std::string>{"only-async", "any"}));
}

TEST_F(BusFixture, NoHandlerIsAnErrorNamingTypeAndBus) {
  auto bus = make_bus();
  auto result = bus->dispatch(core::Envelope("App\\Nobody", "{}"));
  EXPECT_FALSE(result.outcome.ok());
  EXPECT_NE(result.outcome.message.find("App\\Nobody"), std::string::npos);
  EXPECT_NE(result.outcome.message.find("messenger.bus.default"), std::string::npos);
  EXPECT_EQ(result.outcome.exception_class, kNoHandlerException);
}

TEST_F(BusFixture, AllowNoHandlers) {
  BusOptions options;
  options.allow_no_handlers = true;
  auto bus = make_bus(options);
  EXPECT_TRUE(bus->dispatch(core::Envelope("App\\Nobody", "{}")).outcome.ok());
}

TEST_F(BusFixture, PartialFailureRecordsSucceededHandlersAndRetrySkipsThem) {
  int attempts = 0;
  auto good = add("good", {"App\\Sms"});
  add("flaky", {"App\\Sms"}, [&](const core::MessageView&) {
    return ++attempts == 1 ? core::HandlerOutcome::failure(core::OutcomeKind::retry, "boom")
                           : core::HandlerOutcome::success();
  });
  auto bus = make_bus();
  auto first = bus->handle_received(core::Envelope("App\\Sms", "{}"), "async", "1", 0);
  EXPECT_FALSE(first.outcome.ok());
  EXPECT_EQ(first.outcome.message, "boom");
  EXPECT_EQ(serializer::handled_by(first.envelope), std::vector<std::string>{"good"});
  // The retry copy carries the HandledStamp: only the failed handler runs again.
  auto second = bus->handle_received(first.envelope, "async", "2", 1);
  EXPECT_TRUE(second.outcome.ok());
  EXPECT_EQ(good->calls.size(), 1u);
  EXPECT_EQ(attempts, 2);
}

TEST(CombineFailures, FollowsSymfonysRetryRules) {
  using core::HandlerOutcome;
  using core::OutcomeKind;
  auto f = [](OutcomeKind k) { return HandlerOutcome::failure(k, "x"); };
  EXPECT_EQ(combine_failures({{"a", f(OutcomeKind::unrecoverable)}, {"b", f(OutcomeKind::unrecoverable)}}).kind,
            OutcomeKind::unrecoverable);
  EXPECT_EQ(combine_failures({{"a", f(OutcomeKind::unrecoverable)}, {"b", f(OutcomeKind::retry)}}).kind, OutcomeKind::retry);
  EXPECT_EQ(combine_failures({{"a", f(OutcomeKind::unrecoverable)}, {"b", f(OutcomeKind::recoverable)}}).kind,
            OutcomeKind::recoverable);
  EXPECT_TRUE(combine_failures({}).ok());
}

TEST_F(BusFixture, MessagesDispatchedByAHandlerGoOutOnlyAfterItSucceeded) {
  rules.push_back({"App\\Followup", {"async"}, {}});
  std::unique_ptr<MessageBus> bus;
  bool fail = false;
  std::size_t sent_before = 0;
  add("parent", {"App\\Parent"}, [&](const core::MessageView&) {
    sent_before = outbox.sent.size();
    bus->dispatch_from_handler(core::Envelope("App\\Followup", "{}"));
    EXPECT_EQ(outbox.sent.size(), sent_before);  // not yet: the handler has not finished
    return fail ? core::HandlerOutcome::failure(core::OutcomeKind::retry, "nope") : core::HandlerOutcome::success();
  });
  bus = make_bus();
  bus->dispatch(core::Envelope("App\\Parent", "{}"));
  ASSERT_EQ(outbox.sent.size(), 1u);
  EXPECT_EQ(outbox.sent[0].second.type(), "App\\Followup");

  fail = true;
  bus->dispatch(core::Envelope("App\\Parent", "{}"));
  EXPECT_EQ(outbox.sent.size(), 1u);  // dropped with the failed handling
}

TEST_F(BusFixture, UserMiddlewareWrapsHandlersAndMayStopTheMessage) {
  std::vector<std::string> mw_log;
  auto h = add("sms", {"App\\Sms"});
  BusOptions options;
  options.user_middleware.push_back(std::make_shared<RecordingMiddleware>("outer", mw_log));
  options.user_middleware.push_back(std::make_shared<RecordingMiddleware>("gate", mw_log, true));
  auto bus = make_bus(options);
  auto result = bus->dispatch(core::Envelope("App\\Sms", "{}"));
  EXPECT_EQ(result.outcome.kind, core::OutcomeKind::unrecoverable);
  EXPECT_TRUE(h->calls.empty());
  EXPECT_EQ(mw_log, (std::vector<std::string>{"outer:before", "gate:before", "outer:after:failed"}));
}

TEST_F(BusFixture, MessageFromFailureTransportIsHandledAsFromItsOriginalReceiver) {
  auto h = add("only-async", {"App\\Sms"});
  h->mutable_spec().from_transport = "async";
  auto bus = make_bus();
  core::Envelope envelope("App\\Sms", "{}");
  envelope.add(serializer::make_sent_to_failure_transport_stamp("async"));
  auto result = bus->handle_received(envelope, "failed", "9", 0);
  EXPECT_TRUE(result.outcome.ok());
  EXPECT_EQ(result.received_from, "async");
  EXPECT_EQ(h->calls.size(), 1u);
}

TEST_F(BusFixture, StopWorkerFlagIsCarried) {
  add("stopper", {"App\\Sms"}, [](const core::MessageView&) {
    auto o = core::HandlerOutcome::success();
    o.stop_worker = true;
    return o;
  });
  auto bus = make_bus();
  EXPECT_TRUE(bus->dispatch(core::Envelope("App\\Sms", "{}")).outcome.stop_worker);
}

// Notes the delivery count user middleware is shown, before and after the handlers.
class DeliveryCountMiddleware final : public core::Middleware {
 public:
  std::string_view name() const override { return "delivery_count"; }
  core::HandlerOutcome before(const core::MessageView& m) override {
    seen.push_back(m.delivery_count);
    return core::HandlerOutcome::success();
  }
  void after(const core::MessageView& m, const core::HandlerOutcome&) override { seen.push_back(m.delivery_count); }
  std::vector<std::uint32_t> seen;
};

TEST_F(BusFixture, HandlersAndMiddlewareSeeTheTransportsDeliveryCount) {
  std::vector<std::uint32_t> handler_saw;
  add("sms", {"App\\Sms"}, [&](const core::MessageView& m) {
    handler_saw.push_back(m.delivery_count);
    return core::HandlerOutcome::success();
  });
  auto middleware = std::make_shared<DeliveryCountMiddleware>();
  BusOptions options;
  options.user_middleware.push_back(middleware);
  auto bus = make_bus(options);
  auto result = bus->handle_received(core::Envelope("App\\Sms", "{}"), "async", "1", 0, 2);
  EXPECT_TRUE(result.outcome.ok());
  EXPECT_EQ(result.delivery_count, 2u);
  bus->dispatch(core::Envelope("App\\Sms", "{}"));  // handled synchronously: no transport delivered it
  EXPECT_EQ(handler_saw, (std::vector<std::uint32_t>{2, 0}));
  EXPECT_EQ(middleware->seen, (std::vector<std::uint32_t>{2, 2, 0, 0}));
}

}  // namespace
}  // namespace messengerd::bus
