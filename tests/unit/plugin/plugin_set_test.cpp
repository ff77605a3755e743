// Loading real plugin files into a PluginSet and calling what they registered through the
// same adapters the bus and the worker use.
#include "plugin/plugin_set.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>

#include "messengerd/plugin.h"
#include "plugin_test_support.hpp"
#include "temp_dir.hpp"

namespace messengerd::plugin {
namespace {

using namespace testing;
using config::Value;

std::shared_ptr<core::Handler> handler_named(const PluginSet& set, std::string_view name) {
  for (const auto& h : set.handlers()) {
    if (h->spec().name == name) return h;
  }
  return nullptr;
}

std::string joined(const std::vector<std::string>& problems) {
  std::string all;
  for (const auto& p : problems) all += p + "\n";
  return all;
}

struct PluginSetTest : ::testing::Test {
  RecordingHost host;
  messengerd::testing::TempDir dir;
  std::filesystem::path journal = dir / "journal";

  std::unique_ptr<PluginSet> load(std::vector<config::PluginConfig> plugins) {
    auto loaded = PluginSet::load(config_with(std::move(plugins)), host);
    EXPECT_TRUE(loaded) << (loaded ? "" : joined(loaded.error()));
    return loaded ? std::move(*loaded) : nullptr;
  }
  std::vector<std::string> problems_of(config::Config config) {
    auto loaded = PluginSet::load(config, host);
    EXPECT_FALSE(loaded);
    return loaded ? std::vector<std::string>{} : loaded.error();
  }
  std::vector<std::string> journal_lines() {
    std::vector<std::string> lines;
    std::ifstream in(journal);
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    return lines;
  }
  Value observer_options() {
    return Value::map({{"journal", Value::string(journal.string())},
                       {"greeting", Value::string("hello")},
                       {"nested", Value::map({{"key", Value::integer(7)}})}});
  }
};

TEST_F(PluginSetTest, TheSmsExampleHandlesItsMessageAndDeclaresItsParentType) {
  auto set = load({plugin_entry(example_plugin("sms_notification"))});
  ASSERT_TRUE(set);
  ASSERT_EQ(set->plugins().size(), 1u);
  EXPECT_EQ(set->plugins()[0].name, "sms-notification");
  EXPECT_EQ(set->plugins()[0].version, "1.0.0");

  auto sms = handler_named(*set, "sms_notification.send");
  ASSERT_TRUE(sms);
  EXPECT_EQ(sms->spec().types, std::vector<std::string>{"App\\Message\\SmsNotification"});
  EXPECT_EQ(sms->spec().plugin, "sms-notification");
  auto lineage = set->types().lineage("App\\Message\\SmsNotification");
  EXPECT_NE(std::find(lineage.begin(), lineage.end(), "App\\Message\\AsyncMessageInterface"), lineage.end());

  core::Envelope good("App\\Message\\SmsNotification", R"({"phoneNumber":"+15550001","content":"hi"})");
  EXPECT_TRUE(sms->handle(view_of(good)).ok());

  core::Envelope no_phone("App\\Message\\SmsNotification", R"({"content":"hi"})");
  auto failed = sms->handle(view_of(no_phone));
  EXPECT_EQ(failed.kind, core::OutcomeKind::unrecoverable);
  EXPECT_EQ(failed.message, "the SMS has no phoneNumber");
  EXPECT_EQ(failed.exception_class, "Symfony\\Component\\Messenger\\Exception\\UnrecoverableMessageHandlingException");
}

TEST_F(PluginSetTest, OptionsReachThePluginIncludingNestedKeys) {
  auto set = load({plugin_entry(test_plugin("observer"), observer_options())});
  ASSERT_TRUE(set);
  EXPECT_EQ(journal_lines().at(0), "init greeting=hello nested=7");
}

TEST_F(PluginSetTest, AThrowingHandlerBecomesARetryableFailureWithItsMessage) {
  auto set = load({plugin_entry(test_plugin("throwing_handler"))});
  ASSERT_TRUE(set);
  core::Envelope envelope("App\\Message\\Throws", "{}");
  auto outcome = handler_named(*set, "throwing.handle")->handle(view_of(envelope));
  EXPECT_EQ(outcome.kind, core::OutcomeKind::retry);
  EXPECT_EQ(outcome.message, "the payment gateway timed out");
  EXPECT_EQ(outcome.exception_class, "RuntimeException");
}

TEST_F(PluginSetTest, TheTestBehavioursPluginFailsAsAsked) {
  auto set = load({plugin_entry(example_plugin("test_behaviours"), Value::map({{"journal", Value::string(journal.string())}}))});
  ASSERT_TRUE(set);
  auto behave = handler_named(*set, "test_behaviours.behave");
  ASSERT_TRUE(behave);
  core::Envelope flaky("App\\Message\\TestBehaviour", R"({"id":"f","fail_times":1})");
  EXPECT_EQ(behave->handle(view_of(flaky, "async", 0)).kind, core::OutcomeKind::retry);
  EXPECT_TRUE(behave->handle(view_of(flaky, "async", 1)).ok());
  core::Envelope doomed("App\\Message\\TestBehaviour", R"({"id":"d","unrecoverable":true})");
  EXPECT_EQ(behave->handle(view_of(doomed)).kind, core::OutcomeKind::unrecoverable);
  core::Envelope again("App\\Message\\TestBehaviour", R"({"id":"r","recoverable":true})");
  EXPECT_EQ(behave->handle(view_of(again)).kind, core::OutcomeKind::recoverable);
  core::Envelope stop("App\\Message\\TestBehaviour", R"({"id":"s","stop_worker":true})");
  EXPECT_TRUE(behave->handle(view_of(stop)).stop_worker);
  EXPECT_EQ(journal_lines(), (std::vector<std::string>{"failed f 0 async", "handled f 1 async", "failed d 0 async",
                                                       "failed r 0 async", "handled s 0 async"}));
}

TEST_F(PluginSetTest, APluginHandlerSeesTheTransportsDeliveryCount) {
  auto set = load({plugin_entry(example_plugin("test_behaviours"),
                                Value::map({{"journal", Value::string(journal.string())},
                                            {"journal_delivery_count", Value::boolean(true)}}))});
  ASSERT_TRUE(set);
  auto behave = handler_named(*set, "test_behaviours.behave");
  ASSERT_TRUE(behave);
  core::Envelope first("App\\Message\\TestBehaviour", R"({"id":"first"})");
  core::Envelope again("App\\Message\\TestBehaviour", R"({"id":"again"})");
  auto first_view = view_of(first);
  first_view.delivery_count = 1;
  auto again_view = view_of(again);
  again_view.delivery_count = 2;  // e.g. claimed from a dead consumer
  EXPECT_TRUE(behave->handle(first_view).ok());
  EXPECT_TRUE(behave->handle(again_view).ok());
  EXPECT_EQ(journal_lines(), (std::vector<std::string>{"handled first 0 async 1", "handled again 0 async 2"}));
}

TEST_F(PluginSetTest, HandlersReachTheHostServices) {
  auto set = load({plugin_entry(test_plugin("observer"), observer_options())});
  ASSERT_TRUE(set);
  auto high = handler_named(*set, "observer.high");
  ASSERT_TRUE(high);
  EXPECT_EQ(high->spec().priority, 10);
  core::Envelope envelope("App\\Message\\Observed", R"({"dispatch":true,"stop":true})");
  auto outcome = high->handle(view_of(envelope));
  EXPECT_TRUE(outcome.ok());
  EXPECT_TRUE(outcome.stop_worker);
  ASSERT_EQ(host.dispatched.size(), 1u);
  EXPECT_EQ(host.dispatched[0].type, "App\\Message\\Followup");
}

TEST_F(PluginSetTest, ABatchHandlerAnswersForEachMessage) {
  auto set = load({plugin_entry(test_plugin("observer"), observer_options())});
  ASSERT_TRUE(set);
  auto batch = handler_named(*set, "observer.batch");
  ASSERT_TRUE(batch);
  EXPECT_EQ(batch->spec().batch_size, 3u);
  core::Envelope a("App\\Message\\Batched", "a"), bad("App\\Message\\Batched", "bad"), c("App\\Message\\Batched", "c");
  std::vector<core::MessageView> views{view_of(a), view_of(bad), view_of(c)};
  auto outcomes = batch->handle_batch(views);
  ASSERT_EQ(outcomes.size(), 3u);
  EXPECT_TRUE(outcomes[0].ok());
  EXPECT_EQ(outcomes[1].kind, core::OutcomeKind::unrecoverable);
  EXPECT_EQ(outcomes[1].message, "bad item");
  EXPECT_TRUE(outcomes[2].ok());
}

TEST_F(PluginSetTest, MiddlewareIsFoundByNameAndMayStopAMessage) {
  auto set = load({plugin_entry(test_plugin("observer"), observer_options())});
  ASSERT_TRUE(set);
  EXPECT_EQ(set->middleware("nope"), nullptr);
  auto audit = set->middleware("observer.audit");
  ASSERT_TRUE(audit);
  core::Envelope fine("App\\Message\\Observed", "{}"), blocked("App\\Message\\Observed", "blocked");
  EXPECT_TRUE(audit->before(view_of(fine)).ok());
  audit->after(view_of(fine), core::HandlerOutcome::failure(core::OutcomeKind::retry, "db down"));
  auto stopped = audit->before(view_of(blocked));
  EXPECT_EQ(stopped.kind, core::OutcomeKind::unrecoverable);
  EXPECT_EQ(stopped.message, "blocked by audit");
  auto lines = journal_lines();
  EXPECT_NE(std::find(lines.begin(), lines.end(), "after App\\Message\\Observed failed: db down"), lines.end());
}

TEST_F(PluginSetTest, ListenersSeeWorkerEventsAndResetRunsBetweenMessages) {
  auto set = load({plugin_entry(test_plugin("observer"), observer_options())});
  ASSERT_TRUE(set);
  ASSERT_EQ(set->listeners().size(), 1u);
  core::Envelope envelope("App\\Message\\Observed", "{}");
  auto view = view_of(envelope);
  core::WorkerEvent handled;
  handled.kind = core::WorkerEventKind::message_handled;
  handled.message = &view;
  set->listeners()[0]->on_event(handled);
  set->reset();
  auto lines = journal_lines();
  ASSERT_GE(lines.size(), 3u);
  EXPECT_EQ(lines[lines.size() - 2], "event " + std::to_string(MESSENGERD_EVENT_MESSAGE_HANDLED) + " App\\Message\\Observed");
  EXPECT_EQ(lines.back(), "reset");
}

TEST_F(PluginSetTest, AnOlderPluginInPlainCWorksAndDescribesItsFailure) {
  auto set = load({plugin_entry(test_plugin("older_minor"))});
  ASSERT_TRUE(set);
  auto ping = handler_named(*set, "c.ping");
  ASSERT_TRUE(ping);
  EXPECT_EQ(ping->spec().batch_size, 0u);
  core::Envelope ok("App\\Message\\CPing", "ok"), fail("App\\Message\\CPing", "fail");
  EXPECT_TRUE(ping->handle(view_of(ok)).ok());
  auto failed = ping->handle(view_of(fail));
  EXPECT_EQ(failed.kind, core::OutcomeKind::retry);
  EXPECT_EQ(failed.message, "ping asked to fail");
  EXPECT_EQ(failed.exception_class, "App\\Exception\\PingFailed");
}

TEST_F(PluginSetTest, EveryBrokenPluginIsReportedAtOnce) {
  auto problems = problems_of(config_with({
      plugin_entry(example_plugin("sms_notification")),
      plugin_entry(test_plugin("bad_magic")),
      plugin_entry(test_plugin("failing_init")),
      plugin_entry(test_plugin("duplicate_handler")),
      plugin_entry(test_plugin("renamed_sms")),
      plugin_entry("/nonexistent/libgone.so"),
  }));
  const auto all = joined(problems);
  ASSERT_EQ(problems.size(), 5u) << all;
  EXPECT_NE(all.find("libbad_magic.so: bad magic number"), std::string::npos) << all;
  EXPECT_NE(all.find("plugin \"failing-init\" failed to initialise (init returned 7)"), std::string::npos) << all;
  EXPECT_NE(all.find("registers handler \"sms_notification.send\", a name already registered by plugin \"sms-notification\""),
            std::string::npos)
      << all;
  EXPECT_NE(all.find("a plugin named \"sms-notification\" is already loaded from"), std::string::npos) << all;
  EXPECT_NE(all.find("/nonexistent/libgone.so: no such plugin file"), std::string::npos) << all;
}

TEST_F(PluginSetTest, PluginDirsLoadEverySharedObjectOnceAndAMissingFolderIsAProblem) {
  std::filesystem::copy_file(example_plugin("sms_notification"), dir / "libsms_notification.so");
  std::filesystem::copy_file(test_plugin("throwing_handler"), dir / "libthrowing_handler.so");
  std::ofstream(dir / "README") << "not a plugin";
  auto config = config_with({plugin_entry(dir / "libsms_notification.so", Value::map({{"sender", Value::string("ACME")}}))});
  config.plugin_dirs = {dir.path()};
  auto set = load(config.plugins);  // the explicit entry alone
  ASSERT_TRUE(set);
  auto loaded = PluginSet::load(config, host);
  ASSERT_TRUE(loaded) << joined(loaded.error());
  EXPECT_EQ((*loaded)->plugins().size(), 2u);  // the listed one is not loaded a second time

  config.plugin_dirs.push_back(dir / "missing");
  auto problems = problems_of(config);
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_NE(problems[0].find("plugin folder (messengerd.plugin_dirs) does not exist"), std::string::npos);
}

}  // namespace
}  // namespace messengerd::plugin
