#include <gtest/gtest.h>

#include "config/config.hpp"
#include "config_test_support.hpp"

namespace messengerd::config {
namespace {

using testing::ConfigFixture;
using testing::write_file;

const char* kFull = R"(framework:
    messenger:
        failure_transport: failed
        default_bus: command.bus
        buses:
            command.bus:
                middleware:
                    - app.audit
                    - { id: app.tracing, arguments: [x] }
                    - app.lock: [orders]
            event.bus:
                default_middleware: allow_no_handlers
        transports:
            async:
                dsn: 'sqlite:///var/messages.db?queue_name=from_dsn&table_name=jobs'
                options:
                    queue_name: from_options
                serializer: messenger.transport.symfony_serializer
                retry_strategy:
                    max_retries: 5
                    delay: 500
                    multiplier: 3
                    max_delay: 60000
                    jitter: 0.25
                failure_transport: failed_high
            failed: 'sqlite:///var/messages.db?queue_name=failed'
            failed_high: 'in-memory://'
            sync: 'sync://'
        routing:
            'App\Message\SmsNotification': async
            'App\Message\*': [async, failed]
            'App\Other\Ping': { senders: [sync] }
            '*': sync
)";

TEST(ConfigLoad, FrameworkMessengerRoot) {
  ConfigFixture fx;
  auto config = fx.ok(kFull);
  EXPECT_EQ(config.file, fx.file());
  EXPECT_EQ(config.dir, fx.dir());
  ASSERT_EQ(config.transports.size(), 4u);
  // File order.
  EXPECT_EQ(config.transports[0].name, "async");
  EXPECT_EQ(config.transports[1].name, "failed");
  EXPECT_EQ(config.transports[2].name, "failed_high");
  EXPECT_EQ(config.transports[3].name, "sync");
  EXPECT_EQ(config.failure_transport, "failed");
  EXPECT_EQ(config.default_bus, "command.bus");
}

TEST(ConfigLoad, BareMessengerRoot) {
  ConfigFixture fx;
  auto config = fx.ok(
      "messenger:\n"
      "    transports:\n"
      "        async: 'in-memory://'\n"
      "    routing:\n"
      "        '*': async\n");
  ASSERT_EQ(config.transports.size(), 1u);
  EXPECT_EQ(config.transports[0].dsn_parsed.scheme, "in-memory");
  ASSERT_EQ(config.routing.size(), 1u);
  EXPECT_EQ(config.routing[0].pattern, "*");
}

TEST(ConfigLoad, TransportAsDsnString) {
  ConfigFixture fx;
  auto config = fx.ok(kFull);
  const auto* failed = config.transport("failed");
  ASSERT_NE(failed, nullptr);
  EXPECT_EQ(failed->dsn, "sqlite:///var/messages.db?queue_name=failed");
  EXPECT_EQ(failed->dsn_parsed.scheme, "sqlite");
  EXPECT_EQ(failed->options.get_string("queue_name", ""), "failed");
  EXPECT_EQ(failed->serializer, "");
  EXPECT_FALSE(failed->failure_transport);
  EXPECT_EQ(failed->where.line, 26);
}

TEST(ConfigLoad, TransportAsMap) {
  ConfigFixture fx;
  auto config = fx.ok(kFull);
  const auto* async = config.transport("async");
  ASSERT_NE(async, nullptr);
  EXPECT_EQ(async->dsn, "sqlite:///var/messages.db?queue_name=from_dsn&table_name=jobs");
  EXPECT_EQ(async->serializer, "messenger.transport.symfony_serializer");
  EXPECT_EQ(async->failure_transport, "failed_high");
  EXPECT_EQ(async->retry.max_retries, 5);
  EXPECT_EQ(async->retry.delay_ms, 500);
  EXPECT_DOUBLE_EQ(async->retry.multiplier, 3.0);
  EXPECT_EQ(async->retry.max_delay_ms, 60000);
  EXPECT_DOUBLE_EQ(async->retry.jitter, 0.25);
  EXPECT_EQ(async->where.line, 15);
}

TEST(ConfigLoad, OptionsOverrideDsnQueryParameters) {
  ConfigFixture fx;
  auto config = fx.ok(kFull);
  const auto& options = config.transport("async")->options;
  EXPECT_EQ(options.get_string("queue_name", ""), "from_options");
  EXPECT_EQ(options.get_string("table_name", ""), "jobs");  // only in the DSN: kept
  // The parsed DSN still has its own query.
  EXPECT_EQ(config.transport("async")->dsn_parsed.query.get_string("queue_name", ""), "from_dsn");
}

TEST(ConfigLoad, NestedOptionsMergeDeeply) {
  ConfigFixture fx;
  auto config = fx.ok(
      "framework:\n"
      "    messenger:\n"
      "        transports:\n"
      "            amqp:\n"
      "                dsn: 'amqp://guest:guest@rabbit/%2f/messages?exchange[name]=from_dsn&exchange[type]=topic'\n"
      "                options:\n"
      "                    exchange:\n"
      "                        name: from_options\n"
      "                    auto_setup: false\n");
  const auto& options = config.transports.at(0).options;
  ASSERT_NE(options.find("exchange"), nullptr);
  EXPECT_EQ(options.find("exchange")->get_string("name", ""), "from_options");
  EXPECT_EQ(options.find("exchange")->get_string("type", ""), "topic");
  EXPECT_FALSE(options.get_bool("auto_setup", true));
}

TEST(ConfigLoad, RetryStrategyDefaults) {
  ConfigFixture fx;
  auto config = fx.ok(
      "framework:\n"
      "    messenger:\n"
      "        transports:\n"
      "            plain: 'in-memory://'\n"
      "            partial:\n"
      "                dsn: 'in-memory://'\n"
      "                retry_strategy:\n"
      "                    max_retries: 0\n"
      "            empty:\n"
      "                dsn: 'in-memory://'\n"
      "                retry_strategy: ~\n");
  for (const char* name : {"plain", "empty"}) {
    const auto& retry = config.transport(name)->retry;
    EXPECT_EQ(retry.max_retries, 3) << name;
    EXPECT_EQ(retry.delay_ms, 1000) << name;
    EXPECT_DOUBLE_EQ(retry.multiplier, 2.0) << name;
    EXPECT_EQ(retry.max_delay_ms, 0) << name;
    EXPECT_DOUBLE_EQ(retry.jitter, 0.1) << name;
    EXPECT_EQ(retry.service, "") << name;
  }
  const auto& partial = config.transport("partial")->retry;
  EXPECT_EQ(partial.max_retries, 0);
  EXPECT_EQ(partial.delay_ms, 1000);
  EXPECT_DOUBLE_EQ(partial.multiplier, 2.0);
}

TEST(ConfigLoad, RetryStrategyBoundsAreAccepted) {
  ConfigFixture fx;
  auto config = fx.ok(
      "framework:\n"
      "    messenger:\n"
      "        transports:\n"
      "            a:\n"
      "                dsn: 'in-memory://'\n"
      "                retry_strategy: { max_retries: 0, delay: 0, multiplier: 1, max_delay: 0, jitter: 1.0 }\n"
      "            b:\n"
      "                dsn: 'in-memory://'\n"
      "                retry_strategy: { jitter: 0, service: app.retry }\n");
  EXPECT_EQ(config.transport("a")->retry.delay_ms, 0);
  EXPECT_DOUBLE_EQ(config.transport("a")->retry.multiplier, 1.0);
  EXPECT_DOUBLE_EQ(config.transport("a")->retry.jitter, 1.0);
  EXPECT_DOUBLE_EQ(config.transport("b")->retry.jitter, 0.0);
  // A custom service is read (and refused later, when the application is built).
  EXPECT_EQ(config.transport("b")->retry.service, "app.retry");
}

TEST(ConfigLoad, Routing) {
  ConfigFixture fx;
  auto config = fx.ok(kFull);
  ASSERT_EQ(config.routing.size(), 4u);
  EXPECT_EQ(config.routing[0].pattern, "App\\Message\\SmsNotification");
  EXPECT_EQ(config.routing[0].transports, (std::vector<std::string>{"async"}));
  EXPECT_EQ(config.routing[0].where.line, 30);
  EXPECT_EQ(config.routing[1].pattern, "App\\Message\\*");
  EXPECT_EQ(config.routing[1].transports, (std::vector<std::string>{"async", "failed"}));
  EXPECT_EQ(config.routing[2].pattern, "App\\Other\\Ping");
  EXPECT_EQ(config.routing[2].transports, (std::vector<std::string>{"sync"}));
  EXPECT_EQ(config.routing[3].pattern, "*");
  EXPECT_EQ(config.routing[3].transports, (std::vector<std::string>{"sync"}));
}

TEST(ConfigLoad, RoutingToNothing) {
  ConfigFixture fx;
  auto config = fx.ok(
      "framework:\n"
      "    messenger:\n"
      "        routing:\n"
      "            'App\\Message\\Local': []\n"
      "            'App\\Message\\Other': ~\n");
  ASSERT_EQ(config.routing.size(), 2u);
  EXPECT_TRUE(config.routing[0].transports.empty());
  EXPECT_TRUE(config.routing[1].transports.empty());
}

TEST(ConfigLoad, Buses) {
  ConfigFixture fx;
  auto config = fx.ok(kFull);
  ASSERT_EQ(config.buses.size(), 2u);
  const auto* command = config.bus("command.bus");
  ASSERT_NE(command, nullptr);
  EXPECT_EQ(command->default_middleware, "true");
  EXPECT_EQ(command->middleware, (std::vector<std::string>{"app.audit", "app.tracing", "app.lock"}));
  const auto* event = config.bus("event.bus");
  ASSERT_NE(event, nullptr);
  EXPECT_EQ(event->default_middleware, "allow_no_handlers");
  EXPECT_TRUE(event->middleware.empty());
  EXPECT_EQ(config.bus("query.bus"), nullptr);
}

TEST(ConfigLoad, DefaultMiddlewareForms) {
  ConfigFixture fx;
  auto config = fx.ok(
      "framework:\n"
      "    messenger:\n"
      "        default_bus: a\n"
      "        buses:\n"
      "            a: { default_middleware: false }\n"
      "            b: { default_middleware: true }\n"
      "            c: { default_middleware: { enabled: true, allow_no_handlers: true } }\n"
      "            d: { default_middleware: { enabled: false } }\n"
      "            e: { default_middleware: { enabled: true, allow_no_senders: false } }\n"
      "            f: ~\n");
  EXPECT_EQ(config.bus("a")->default_middleware, "false");
  EXPECT_EQ(config.bus("b")->default_middleware, "true");
  EXPECT_EQ(config.bus("c")->default_middleware, "allow_no_handlers");
  EXPECT_EQ(config.bus("d")->default_middleware, "false");
  EXPECT_EQ(config.bus("e")->default_middleware, "true");
  EXPECT_EQ(config.bus("f")->default_middleware, "true");
}

TEST(ConfigLoad, DefaultBusWithoutBuses) {
  ConfigFixture fx;
  auto config = fx.ok("framework:\n    messenger: ~\n");
  EXPECT_TRUE(config.transports.empty());
  EXPECT_EQ(config.default_bus, "messenger.bus.default");
  ASSERT_EQ(config.buses.size(), 1u);
  EXPECT_EQ(config.buses[0].name, "messenger.bus.default");
  EXPECT_EQ(config.buses[0].default_middleware, "true");
}

TEST(ConfigLoad, OneBusIsTheDefault) {
  ConfigFixture fx;
  auto config = fx.ok("framework:\n    messenger:\n        buses:\n            my.bus: ~\n");
  EXPECT_EQ(config.default_bus, "my.bus");
  ASSERT_EQ(config.buses.size(), 1u);
}

TEST(ConfigLoad, DefaultBusNameWithoutBusesCreatesIt) {
  ConfigFixture fx;
  auto config = fx.ok("framework:\n    messenger:\n        default_bus: command.bus\n");
  ASSERT_EQ(config.buses.size(), 1u);
  EXPECT_EQ(config.buses[0].name, "command.bus");
}

TEST(ConfigLoad, PluginsAndPluginDirsAreRelativeToTheConfigFile) {
  ConfigFixture fx;
  auto config = fx.ok(
      "framework:\n"
      "    messenger: ~\n"
      "messengerd:\n"
      "    plugins:\n"
      "        - plugins/libsms.so\n"
      "        - /usr/lib/messengerd/plugins/libaudit.so\n"
      "        - path: ../shared/libmail.so\n"
      "          options:\n"
      "              from: noreply@example.com\n"
      "              retries: 3\n"
      "    plugin_dirs:\n"
      "        - plugins.d\n"
      "        - /opt/plugins\n");
  ASSERT_EQ(config.plugins.size(), 3u);
  EXPECT_EQ(config.plugins[0].path, fx.dir() / "plugins/libsms.so");
  EXPECT_EQ(config.plugins[0].where.line, 5);
  EXPECT_EQ(config.plugins[1].path, std::filesystem::path("/usr/lib/messengerd/plugins/libaudit.so"));
  EXPECT_EQ(config.plugins[2].path, fx.dir() / "../shared/libmail.so");
  EXPECT_EQ(config.plugins[2].options.get_string("from", ""), "noreply@example.com");
  EXPECT_EQ(config.plugins[2].options.get_int("retries", 0), 3);
  EXPECT_TRUE(config.plugins[0].options.is_null());
  EXPECT_EQ(config.plugin_dirs,
            (std::vector<std::filesystem::path>{fx.dir() / "plugins.d", std::filesystem::path("/opt/plugins")}));
}

TEST(ConfigLoad, PluginDirsAsOneString) {
  ConfigFixture fx;
  auto config = fx.ok("framework: { messenger: ~ }\nmessengerd: { plugin_dirs: plugins }\n");
  EXPECT_EQ(config.plugin_dirs, (std::vector<std::filesystem::path>{fx.dir() / "plugins"}));
}

TEST(ConfigLoad, ShippedConfigLoads) {
  // config/messenger.yaml: plugin_dirs from MESSENGERD_PLUGIN_DIR, else a parameter.
  const std::filesystem::path file = std::filesystem::path(MESSENGERD_SOURCE_DIR) / "config/messenger.yaml";
  const testing::Env env;
  LoadOptions options;
  options.environment = &env;
  auto config = load_config(file, options);
  ASSERT_TRUE(config) << testing::all_text(config.error());
  ASSERT_EQ(config->transports.size(), 2u);
  EXPECT_EQ(config->transports[0].options.get_string("queue_name", ""), "default");
  EXPECT_EQ(config->transports[1].options.get_string("queue_name", ""), "failed");
  EXPECT_EQ(config->failure_transport, "failed");
  EXPECT_EQ(config->plugin_dirs, (std::vector<std::filesystem::path>{file.parent_path() / "../build/dev/plugins"}));

  const testing::Env with_dir = {{"MESSENGERD_PLUGIN_DIR", "/usr/lib/messengerd/plugins"}};
  options.environment = &with_dir;
  auto packaged = load_config(file, options);
  ASSERT_TRUE(packaged);
  EXPECT_EQ(packaged->plugin_dirs, (std::vector<std::filesystem::path>{"/usr/lib/messengerd/plugins"}));
}

TEST(ConfigLoad, MessengerdSectionIsKeptForLaterOptions) {
  ConfigFixture fx;
  auto config = fx.ok(
      "framework: { messenger: ~ }\n"
      "messengerd:\n"
      "    state_dir: var/state\n"
      "    restart_signal: 'sqlite:///var/messages.db'\n"
      "    metrics: { listen: '127.0.0.1:9464' }\n"
      "    health: { stuck_after: 30, handler_timeout: 600 }\n"
      "    consumer_name: worker-1\n"
      "    logging: { format: json }\n");
  EXPECT_EQ(config.messengerd.get_string("state_dir", ""), "var/state");
  EXPECT_EQ(config.messengerd.get_string("restart_signal", ""), "sqlite:///var/messages.db");
  EXPECT_EQ(config.messengerd.find("metrics")->get_string("listen", ""), "127.0.0.1:9464");
  EXPECT_EQ(config.messengerd.find("health")->get_int("stuck_after", 0), 30);
  EXPECT_EQ(config.messengerd.get_string("consumer_name", ""), "worker-1");
}

TEST(ConfigLoad, ParametersAndEnvInTheMessengerdSection) {
  ConfigFixture fx;
  auto config = fx.ok(
      "parameters:\n"
      "    state: '/var/lib/%app%'\n"
      "    app: shop\n"
      "framework:\n"
      "    messenger:\n"
      "        transports:\n"
      "            async: '%env(DSN)%'\n"
      "messengerd:\n"
      "    state_dir: '%state%'\n",
      {{"DSN", "in-memory://"}});
  EXPECT_EQ(config.messengerd.get_string("state_dir", ""), "/var/lib/shop");
  EXPECT_EQ(config.transports.at(0).dsn, "in-memory://");
}

const char* kWhen = R"(framework:
    messenger:
        transports:
            async: 'sqlite:///var/messages.db'
        routing:
            '*': async
when@test:
    framework:
        messenger:
            transports:
                async: 'in-memory://'
when@prod:
    framework:
        messenger:
            transports:
                async:
                    dsn: 'sqlite:////srv/queue.db'
                    retry_strategy: { max_retries: 10 }
)";

TEST(ConfigLoad, WhenAppEnvBlocks) {
  ConfigFixture fx;
  auto dev = fx.ok(kWhen);
  EXPECT_EQ(dev.transports.at(0).dsn, "sqlite:///var/messages.db");
  auto test = fx.ok(kWhen, {{"APP_ENV", "test"}});
  EXPECT_EQ(test.transports.at(0).dsn, "in-memory://");
  EXPECT_EQ(test.routing.size(), 1u);  // the rest of the root is kept
  auto prod = fx.ok(kWhen, {{"APP_ENV", "prod"}});
  EXPECT_EQ(prod.transports.at(0).dsn, "sqlite:////srv/queue.db");
  EXPECT_EQ(prod.transports.at(0).retry.max_retries, 10);
}

TEST(ConfigLoad, WhenBlockChosenByDotEnv) {
  ConfigFixture fx;
  write_file(fx.dir() / ".env", "APP_ENV=test\n");
  EXPECT_EQ(fx.ok(kWhen).transports.at(0).dsn, "in-memory://");
}

TEST(ConfigLoad, DoctrineConnections) {
  ConfigFixture fx;
  auto config = fx.ok(
      "framework:\n"
      "    messenger:\n"
      "        transports:\n"
      "            async: 'doctrine://default'\n"
      "doctrine:\n"
      "    dbal:\n"
      "        url: '%env(DATABASE_URL)%'\n"
      "        connections:\n"
      "            queue: { url: 'sqlite:///var/queue.db' }\n",
      {{"DATABASE_URL", "sqlite:///%kernel.project_dir%/var/app.db"}});
  EXPECT_EQ(config.doctrine_connections.at("default"), "sqlite:///%kernel.project_dir%/var/app.db");
  EXPECT_EQ(config.doctrine_connections.at("queue"), "sqlite:///var/queue.db");
  EXPECT_EQ(config.transports.at(0).dsn_parsed.hosts.at(0).host, "default");
}

TEST(ConfigLoad, IgnoredSymfonyKeysAreAccepted) {
  ConfigFixture fx;
  auto config = fx.ok(
      "framework:\n"
      "    messenger:\n"
      "        enabled: true\n"
      "        reset_on_message: true\n"
      "        stop_worker_on_signals: [SIGTERM]\n"
      "        serializer:\n"
      "            default_serializer: messenger.transport.symfony_serializer\n"
      "            symfony_serializer: { format: json }\n"
      "        transports:\n"
      "            async: { dsn: 'in-memory://', rate_limiter: my_limiter }\n"
      "services: ~\n"
      "imports: ~\n");
  EXPECT_EQ(config.transports.size(), 1u);
}

TEST(ConfigLoad, FromAFile) {
  ConfigFixture fx;
  write_file(fx.file(), "messenger:\n    transports:\n        q: 'sync://'\n");
  const testing::Env env;
  LoadOptions options;
  options.environment = &env;
  auto config = load_config(fx.file(), options);
  ASSERT_TRUE(config);
  EXPECT_EQ(config->transports.at(0).name, "q");
  EXPECT_EQ(config->file, fx.file());
}

TEST(ConfigLoad, RelativeFileNamesBecomeAbsolute) {
  const testing::Env env;
  LoadOptions options;
  options.environment = &env;
  auto config = load_config_text("messenger: ~\n", "some/dir/messenger.yaml", options);
  ASSERT_TRUE(config) << testing::all_text(config.error());
  EXPECT_TRUE(config->file.is_absolute());
  EXPECT_EQ(config->dir, std::filesystem::absolute("some/dir"));
}

}  // namespace
}  // namespace messengerd::config
