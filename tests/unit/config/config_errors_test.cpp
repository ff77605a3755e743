// Every problem names file, line, column, key path, what was found and what was expected; all
// problems of a file are reported at once.
#include <gtest/gtest.h>

#include "config/config.hpp"
#include "config_test_support.hpp"

namespace messengerd::config {
namespace {

using testing::ConfigFixture;

// The only problem, checked for position, key path and message.
void expect_one(const std::vector<ConfigProblem>& problems, int line, int column, const std::string& key_path,
                const std::string& message) {
  ASSERT_EQ(problems.size(), 1u) << testing::all_text(problems);
  EXPECT_EQ(problems[0].where.line, line) << problems[0].to_string();
  EXPECT_EQ(problems[0].where.column, column) << problems[0].to_string();
  EXPECT_EQ(problems[0].key_path, key_path) << problems[0].to_string();
  EXPECT_EQ(problems[0].message, message) << problems[0].to_string();
}

std::string transports(const std::string& body) {
  return "framework:\n"
         "    messenger:\n"
         "        transports:\n" +
         body;
}

TEST(ConfigErrors, FormatOfAProblem) {
  ConfigFixture fx;
  auto problems = fx.problems(transports("            async: 'in-memory://'\n            bad: 'nope'\n"));
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0].where.file, fx.file().string());
  EXPECT_EQ(problems[0].to_string(),
            fx.file().string() +
                ":5:18: framework.messenger.transports.bad: invalid DSN \"nope\": scheme: expected scheme://..., e.g. "
                "redis://localhost or sqlite:///var/messages.db");
  EXPECT_EQ((ConfigProblem{{"f.yaml", 0, 0}, "", "m"}).to_string(), "f.yaml: m");
  EXPECT_EQ((ConfigProblem{{"", 0, 0}, "a.b", "m"}).to_string(), "<config>: a.b: m");
}

TEST(ConfigErrors, MissingFile) {
  messengerd::testing::TempDir dir;
  auto config = load_config(dir / "nope.yaml");
  ASSERT_FALSE(config);
  ASSERT_EQ(config.error().size(), 1u);
  EXPECT_EQ(config.error()[0].to_string(), (dir / "nope.yaml").string() + ": cannot read the configuration file (does it exist?)");
}

TEST(ConfigErrors, YamlSyntax) {
  ConfigFixture fx;
  auto problems = fx.problems("framework:\n  messenger:\n    transports: [a\n");
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0].where.file, fx.file().string());
  EXPECT_GT(problems[0].where.line, 0);
  EXPECT_EQ(problems[0].message.rfind("YAML syntax error: ", 0), 0u) << problems[0].message;
}

TEST(ConfigErrors, TopLevelNotAMap) {
  ConfigFixture fx;
  expect_one(fx.problems("- a\n- b\n"), 1, 1, "", "found a list at the top, expected a map (framework: messenger: ...)");
}

TEST(ConfigErrors, EmptyFileHasNoMessengerSection) {
  ConfigFixture fx;
  expect_one(fx.problems(""), 1, 1, "framework.messenger",
             "no messenger configuration: expected a framework.messenger (or messenger) section");
  expect_one(fx.problems("framework:\n    secret: x\n"), 1, 1, "framework.messenger",
             "no messenger configuration: expected a framework.messenger (or messenger) section");
}

TEST(ConfigErrors, UnknownTopLevelKey) {
  ConfigFixture fx;
  auto problems = fx.problems("framework:\n    messenger: ~\nmesenger:\n    transports: ~\n");
  expect_one(problems, 3, 1, "mesenger",
             "unknown top-level key \"mesenger\" (did you mean \"messenger\"?); expected framework (with messenger), "
             "messenger, messengerd, parameters, doctrine or when@ENV");
}

TEST(ConfigErrors, BothRoots) {
  ConfigFixture fx;
  expect_one(fx.problems("framework:\n    messenger: ~\nmessenger: ~\n"), 3, 1, "messenger",
             "both framework.messenger and messenger are set; keep one (a Symfony app has framework.messenger)");
}

TEST(ConfigErrors, MessengerNotAMap) {
  ConfigFixture fx;
  expect_one(fx.problems("framework:\n    messenger: [a]\n"), 2, 16, "framework.messenger", "found a list, expected a map");
}

TEST(ConfigErrors, UnknownMessengerKey) {
  ConfigFixture fx;
  expect_one(fx.problems("framework:\n    messenger:\n        tranports: ~\n"), 3, 9, "framework.messenger.tranports",
             "unknown key \"tranports\" (did you mean \"transports\"?); expected one of: enabled, routing, serializer, "
             "transports, failure_transport, reset_on_message, stop_worker_on_signals, default_bus, buses");
}

TEST(ConfigErrors, TransportsNotAMap) {
  ConfigFixture fx;
  expect_one(fx.problems("messenger:\n    transports: 'sync://'\n"), 2, 17, "messenger.transports", "found a string, expected a map");
}

TEST(ConfigErrors, TransportWithoutDsn) {
  ConfigFixture fx;
  expect_one(fx.problems(transports("            async:\n                options: { queue_name: q }\n")), 5, 17,
             "framework.messenger.transports.async.dsn",
             "missing; expected the transport's DSN, e.g. 'sqlite:///var/messages.db'");
}

TEST(ConfigErrors, TransportWithNoValue) {
  ConfigFixture fx;
  expect_one(fx.problems(transports("            async:\n")), 4, 13, "framework.messenger.transports.async",
             "no value, expected a string");
}

TEST(ConfigErrors, DsnNotAString) {
  ConfigFixture fx;
  expect_one(fx.problems(transports("            async:\n                dsn: [a, b]\n")), 5, 22,
             "framework.messenger.transports.async.dsn", "found a list, expected a string");
}

TEST(ConfigErrors, UnknownTransportKeyWithHint) {
  ConfigFixture fx;
  expect_one(fx.problems(transports("            async:\n                dsn: 'in-memory://'\n                retry_stategy: ~\n")),
             6, 17, "framework.messenger.transports.async.retry_stategy",
             "unknown key \"retry_stategy\" (did you mean \"retry_strategy\"?); expected one of: dsn, options, serializer, "
             "retry_strategy, failure_transport, rate_limiter");
}

TEST(ConfigErrors, OptionsNotAMap) {
  ConfigFixture fx;
  expect_one(fx.problems(transports("            async:\n                dsn: 'in-memory://'\n                options: yes\n")),
             6, 26, "framework.messenger.transports.async.options", "found a string, expected a map");
}

TEST(ConfigErrors, BadDsnSaysWhichPart) {
  ConfigFixture fx;
  expect_one(fx.problems(transports("            async: 'redis://cache:65536'\n")), 4, 20,
             "framework.messenger.transports.async", "invalid DSN \"redis://cache:65536\": port: 65536 is not between 1 and 65535");
  expect_one(fx.problems(transports("            async: { dsn: 'redis://cache:port' }\n")), 4, 27,
             "framework.messenger.transports.async.dsn", "invalid DSN \"redis://cache:port\": port: \"port\" is not a port number");
  expect_one(fx.problems(transports("            async: '9p://x'\n")), 4, 20, "framework.messenger.transports.async",
             "invalid DSN \"9p://x\": scheme: \"9p\" is not a valid scheme");
  expect_one(fx.problems(transports("            async: 'amqp://[::1:5672'\n")), 4, 20, "framework.messenger.transports.async",
             "invalid DSN \"amqp://[::1:5672\": host: an IPv6 address must end with ']'");
}

TEST(ConfigErrors, BadDsnIsRedacted) {
  ConfigFixture fx;
  auto problems = fx.problems(transports("            async: 'redis://user:hunter2@cache:99999?auth=hunter3'\n"));
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0].message,
            "invalid DSN \"redis://user:****@cache:99999?auth=****\": port: 99999 is not between 1 and 65535");
  EXPECT_EQ(problems[0].to_string().find("hunter"), std::string::npos);
  auto lone = fx.problems(transports("            async: 'redis://hunter2@cache:0'\n"));
  ASSERT_EQ(lone.size(), 1u);
  EXPECT_EQ(lone[0].message, "invalid DSN \"redis://****@cache:0\": port: 0 is not between 1 and 65535");
}

TEST(ConfigErrors, DuplicateTransport) {
  ConfigFixture fx;
  auto problems = fx.problems(transports("            async: 'in-memory://'\n            async: 'sync://'\n"));
  ASSERT_EQ(problems.size(), 1u) << testing::all_text(problems);
  EXPECT_EQ(problems[0].key_path, "framework.messenger.transports.async");
  EXPECT_EQ(problems[0].message, "transport \"async\" is defined twice");
  EXPECT_EQ(problems[0].where.line, 5);
}

const char* kRetry =
    "framework:\n"
    "    messenger:\n"
    "        transports:\n"
    "            async:\n"
    "                dsn: 'in-memory://'\n"
    "                retry_strategy:\n"
    "                    RETRY\n";

std::string retry(const std::string& line) {
  std::string text = kRetry;
  return text.replace(text.find("RETRY"), 5, line);
}

TEST(ConfigErrors, RetryStrategyValues) {
  ConfigFixture fx;
  const std::string p = "framework.messenger.transports.async.retry_strategy.";
  expect_one(fx.problems(retry("delay: soon")), 7, 28, p + "delay", "found \"soon\", expected an integer >= 0 (milliseconds)");
  expect_one(fx.problems(retry("delay: 1.5")), 7, 28, p + "delay", "found \"1.5\", expected an integer >= 0 (milliseconds)");
  expect_one(fx.problems(retry("max_delay: -1")), 7, 32, p + "max_delay", "found \"-1\", expected an integer >= 0 (milliseconds)");
  expect_one(fx.problems(retry("max_retries: -1")), 7, 34, p + "max_retries", "found \"-1\", expected an integer >= 0");
  expect_one(fx.problems(retry("max_retries: [1]")), 7, 34, p + "max_retries", "found a list, expected an integer >= 0");
  expect_one(fx.problems(retry("multiplier: 0.5")), 7, 33, p + "multiplier", "found \"0.5\", expected a number from 1.0 up");
  expect_one(fx.problems(retry("multiplier: x2")), 7, 33, p + "multiplier", "found \"x2\", expected a number from 1.0 up");
  expect_one(fx.problems(retry("jitter: 1.5")), 7, 29, p + "jitter", "found \"1.5\", expected a number from 0.0 to 1.0");
  expect_one(fx.problems(retry("jitter: -0.1")), 7, 29, p + "jitter", "found \"-0.1\", expected a number from 0.0 to 1.0");
  expect_one(fx.problems(retry("service: [a]")), 7, 30, p + "service", "found a list, expected a string");
}

TEST(ConfigErrors, RetryStrategyKeysAndShape) {
  ConfigFixture fx;
  expect_one(fx.problems(retry("delays: 10")), 7, 21, "framework.messenger.transports.async.retry_strategy.delays",
             "unknown key \"delays\" (did you mean \"delay\"?); expected one of: service, max_retries, delay, multiplier, "
             "max_delay, jitter");
  expect_one(fx.problems(transports("            async:\n                dsn: 'in-memory://'\n                retry_strategy: 3\n")),
             6, 33, "framework.messenger.transports.async.retry_strategy", "found a string, expected a map");
}

TEST(ConfigErrors, UnknownTransportReferences) {
  ConfigFixture fx;
  const std::string yaml =
      "framework:\n"
      "    messenger:\n"
      "        failure_transport: faild\n"
      "        transports:\n"
      "            async:\n"
      "                dsn: 'in-memory://'\n"
      "                failure_transport: nowhere\n"
      "            failed: 'in-memory://'\n"
      "        routing:\n"
      "            'App\\Message\\A': asyn\n"
      "            'App\\Message\\B': [async, failled]\n"
      "            'App\\Message\\C': { senders: [zzz] }\n";
  auto problems = fx.problems(yaml);
  ASSERT_EQ(problems.size(), 5u) << testing::all_text(problems);
  const std::string configured = "; configured transports: async, failed";
  EXPECT_EQ(problems[0].key_path, "framework.messenger.failure_transport");
  EXPECT_EQ(problems[0].where.line, 3);
  EXPECT_EQ(problems[0].where.column, 28);
  EXPECT_EQ(problems[0].message, "unknown transport \"faild\" (did you mean \"failed\"?)" + configured);
  EXPECT_EQ(problems[1].key_path, "framework.messenger.transports.async.failure_transport");
  EXPECT_EQ(problems[1].where.line, 6);
  EXPECT_EQ(problems[1].message, "unknown transport \"nowhere\"" + configured);
  EXPECT_EQ(problems[2].key_path, "framework.messenger.routing.App\\Message\\A");
  EXPECT_EQ(problems[2].where.line, 10);
  EXPECT_EQ(problems[2].message, "unknown transport \"asyn\" (did you mean \"async\"?)" + configured);
  EXPECT_EQ(problems[3].where.line, 11);
  EXPECT_EQ(problems[3].message, "unknown transport \"failled\" (did you mean \"failed\"?)" + configured);
  EXPECT_EQ(problems[4].where.line, 12);
  EXPECT_EQ(problems[4].message, "unknown transport \"zzz\"" + configured);
}

TEST(ConfigErrors, RoutingWithoutTransports) {
  ConfigFixture fx;
  expect_one(fx.problems("messenger:\n    routing:\n        '*': async\n"), 3, 14, "messenger.routing.*",
             "unknown transport \"async\"; no transport is configured");
}

TEST(ConfigErrors, RoutingShapes) {
  ConfigFixture fx;
  expect_one(fx.problems("messenger:\n    routing: [a]\n"), 2, 14, "messenger.routing", "found a list, expected a map");
  auto senders = fx.problems(
      "messenger:\n    transports: { a: 'sync://' }\n    routing:\n        '*': { sender: [a] }\n");
  expect_one(senders, 4, 16, "messenger.routing.*.sender",
             "unknown key \"sender\" (did you mean \"senders\"?); expected one of: senders");
  expect_one(fx.problems("messenger:\n    transports: { a: 'sync://' }\n    routing:\n        '*': [a, [b]]\n"), 4, 18,
             "messenger.routing.*[1]", "found a list, expected a string");
}

TEST(ConfigErrors, UnknownDefaultBus) {
  ConfigFixture fx;
  expect_one(fx.problems("messenger:\n    default_bus: comand.bus\n    buses:\n        command.bus: ~\n        event.bus: ~\n"),
             2, 18, "messenger.default_bus",
             "unknown bus \"comand.bus\" (did you mean \"command.bus\"?); configured buses: command.bus, event.bus");
  // Several buses and no default_bus: Symfony's default name is not among them.
  auto problems = fx.problems("messenger:\n    buses:\n        command.bus: ~\n        event.bus: ~\n");
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0].key_path, "messenger.default_bus");
  EXPECT_EQ(problems[0].message, "unknown bus \"messenger.bus.default\"; configured buses: command.bus, event.bus");
}

TEST(ConfigErrors, Buses) {
  ConfigFixture fx;
  const std::string head = "messenger:\n    buses:\n";
  expect_one(fx.problems("messenger:\n    buses: [a]\n"), 2, 12, "messenger.buses", "found a list, expected a map");
  expect_one(fx.problems(head + "        a: yes\n"), 3, 12, "messenger.buses.a", "found a string, expected a map");
  expect_one(fx.problems(head + "        a: { midleware: [x] }\n"), 3, 14, "messenger.buses.a.midleware",
             "unknown key \"midleware\" (did you mean \"middleware\"?); expected one of: default_middleware, middleware");
  expect_one(fx.problems(head + "        a: { default_middleware: maybe }\n"), 3, 34, "messenger.buses.a.default_middleware",
             "found \"maybe\", expected true, false or allow_no_handlers");
  expect_one(fx.problems(head + "        a: { default_middleware: { enabled: true, allow_no_handler: true } }\n"), 3, 51,
             "messenger.buses.a.default_middleware.allow_no_handler",
             "unknown key \"allow_no_handler\" (did you mean \"allow_no_handlers\"?); expected one of: enabled, "
             "allow_no_handlers, allow_no_senders");
  expect_one(fx.problems(head + "        a: { middleware: app.audit }\n"), 3, 26, "messenger.buses.a.middleware",
             "found a string, expected a list");
  expect_one(fx.problems(head + "        a: { middleware: [ok, [x]] }\n"), 3, 31, "messenger.buses.a.middleware[1]",
             "found a list, expected a string");
}

TEST(ConfigErrors, Serializer) {
  ConfigFixture fx;
  expect_one(fx.problems("messenger:\n    serializer: json\n"), 2, 17, "messenger.serializer", "found a string, expected a map");
  expect_one(fx.problems("messenger:\n    serializer:\n        default_serialiser: x\n"), 3, 9,
             "messenger.serializer.default_serialiser",
             "unknown key \"default_serialiser\" (did you mean \"default_serializer\"?); expected one of: default_serializer, "
             "symfony_serializer");
  expect_one(fx.problems("messenger:\n    transports:\n        a: { dsn: 'sync://', serializer: [x] }\n"), 3, 42,
             "messenger.transports.a.serializer", "found a list, expected a string");
}

TEST(ConfigErrors, MessengerdSection) {
  ConfigFixture fx;
  const std::string head = "messenger: ~\n";
  expect_one(fx.problems(head + "messengerd:\n    plugin: [a.so]\n"), 3, 5, "messengerd.plugin",
             "unknown key \"plugin\" (did you mean \"plugins\"?); expected one of: plugins, plugin_dirs, restart_signal, "
             "state_dir, metrics, health, consumer_name, logging");
  // A list-valued unknown key points at the key, not at its first item.
  expect_one(fx.problems(head + "messengerd:\n    plugin:\n        - a.so\n"), 3, 5, "messengerd.plugin",
             "unknown key \"plugin\" (did you mean \"plugins\"?); expected one of: plugins, plugin_dirs, restart_signal, "
             "state_dir, metrics, health, consumer_name, logging");
  expect_one(fx.problems(head + "messengerd: [a]\n"), 2, 13, "messengerd", "found a list, expected a map");
  expect_one(fx.problems(head + "messengerd:\n    plugins: a.so\n"), 3, 14, "messengerd.plugins",
             "found a string, expected a list of paths or {path, options}");
  expect_one(fx.problems(head + "messengerd:\n    plugins:\n        - { options: {} }\n"), 4, 11, "messengerd.plugins[0].path",
             "missing; expected the plugin's .so file");
  expect_one(fx.problems(head + "messengerd:\n    plugins:\n        - { path: a.so, option: {} }\n"), 4, 25,
             "messengerd.plugins[0].option",
             "unknown key \"option\" (did you mean \"options\"?); expected one of: path, options");
  expect_one(fx.problems(head + "messengerd:\n    plugins:\n        - { path: a.so, options: [x] }\n"), 4, 34,
             "messengerd.plugins[0].options", "found a list, expected a map");
  expect_one(fx.problems(head + "messengerd:\n    plugins:\n        - a.so\n        - [b.so]\n"), 5, 11,
             "messengerd.plugins[1]", "found a list, expected a string");
  expect_one(fx.problems(head + "messengerd:\n    plugin_dirs: [plugins, {a: b}]\n"), 3, 28, "messengerd.plugin_dirs[1]",
             "found a map, expected a string");
}

TEST(ConfigErrors, EnvPlaceholderProblems) {
  // A placeholder that cannot be resolved is reported where it is written. The scalar keeps its
  // unresolved text, so a DSN is then also reported as invalid: only the first problem is checked.
  ConfigFixture fx;
  auto missing = fx.problems(transports("            async: '%env(MISSING_DSN)%'\n"));
  ASSERT_GE(missing.size(), 1u);
  EXPECT_EQ(missing[0].to_string(), fx.file().string() +
                                        ":4:20: framework.messenger.transports.async: environment variable MISSING_DSN "
                                        "is not set (in the environment or a .env file)");
  auto unknown = fx.problems(transports("            async: '%env(lower:DSN)%'\n"), {{"DSN", "sync://"}});
  ASSERT_GE(unknown.size(), 1u);
  EXPECT_EQ(unknown[0].where.line, 4);
  EXPECT_EQ(unknown[0].message.rfind("unknown env processor \"lower\"", 0), 0u) << unknown[0].message;
  auto parameter = fx.problems(transports("            async: '%dsn%'\n"));
  ASSERT_GE(parameter.size(), 1u);
  EXPECT_EQ(parameter[0].where.line, 4);
  EXPECT_EQ(parameter[0].where.column, 20);
  EXPECT_EQ(parameter[0].message, "parameter \"dsn\" is not defined under parameters:");
  // Where the value is not validated further, the placeholder problem is the only one.
  expect_one(fx.problems("messenger: ~\nmessengerd:\n    state_dir: '%env(int:STATE)%'\n", {{"STATE", "var"}}), 3, 16,
             "messengerd.state_dir", "\"var\" is not an integer (env processor int)");
}

TEST(ConfigErrors, ThreeMistakesGiveThreeProblems) {
  ConfigFixture fx;
  const std::string yaml =
      "framework:\n"                                     // 1
      "    messenger:\n"                                 // 2
      "        transports:\n"                            // 3
      "            async:\n"                             // 4
      "                dsn: 'redis://localhost:port'\n"  // 5  bad port
      "                retry_strategy:\n"                // 6
      "                    delay: soon\n"                // 7  not an integer
      "            failed: 'in-memory://'\n"             // 8
      "        routing:\n"                               // 9
      "            'App\\Message\\*': asynk\n";          // 10 unknown transport
  auto problems = fx.problems(yaml);
  ASSERT_EQ(problems.size(), 3u) << testing::all_text(problems);
  auto find = [&](const std::string& key_path) -> const ConfigProblem* {
    for (const auto& p : problems) {
      if (p.key_path == key_path) return &p;
    }
    ADD_FAILURE() << "no problem for " << key_path << "\n" << testing::all_text(problems);
    return nullptr;
  };
  const auto* dsn = find("framework.messenger.transports.async.dsn");
  const auto* delay = find("framework.messenger.transports.async.retry_strategy.delay");
  const auto* route = find("framework.messenger.routing.App\\Message\\*");
  ASSERT_TRUE(dsn && delay && route);
  EXPECT_EQ(dsn->where.line, 5);
  EXPECT_EQ(dsn->message, "invalid DSN \"redis://localhost:port\": port: \"port\" is not a port number");
  EXPECT_EQ(delay->where.line, 7);
  EXPECT_EQ(delay->message, "found \"soon\", expected an integer >= 0 (milliseconds)");
  EXPECT_EQ(route->where.line, 10);
  // "async" failed to load, so it is not among the configured transports.
  EXPECT_EQ(route->message, "unknown transport \"asynk\"; configured transports: failed");
  for (const auto& p : problems) EXPECT_EQ(p.where.file, fx.file().string());
}

TEST(ConfigErrors, ProblemsFromEverySectionAtOnce) {
  ConfigFixture fx;
  const std::string yaml =
      "framwork:\n"                          // 1  unknown top-level key
      "    messenger: ~\n"                   // 2
      "messenger:\n"                         // 3
      "    transports:\n"                    // 4
      "        async: 'sync://'\n"           // 5
      "    buses:\n"                         // 6
      "        a: { middleware: x }\n"       // 7  not a list
      "messengerd:\n"                        // 8
      "    state_dir: '%env(NOPE)%'\n"       // 9  missing variable
      "    consumer: w1\n";                  // 10 unknown key
  auto problems = fx.problems(yaml);
  ASSERT_EQ(problems.size(), 4u) << testing::all_text(problems);
  std::vector<int> lines;
  for (const auto& p : problems) lines.push_back(p.where.line);
  // Found by different steps, reported in file order.
  EXPECT_EQ(lines, (std::vector<int>{1, 7, 9, 10}));
  EXPECT_NE(problems[0].message.find("did you mean \"framework\""), std::string::npos);
  EXPECT_EQ(problems[1].key_path, "messenger.buses.a.middleware");
  EXPECT_EQ(problems[2].key_path, "messengerd.state_dir");
  EXPECT_EQ(problems[3].key_path, "messengerd.consumer");
  EXPECT_NE(problems[3].message.find("did you mean \"consumer_name\""), std::string::npos) << problems[3].message;
}

}  // namespace
}  // namespace messengerd::config
