// PostgreSQL transport settings: DSNs (direct and doctrine://), libpq parameters, Symfony's option
// names and defaults, clear errors without credentials. No server needed.
#include <gtest/gtest.h>

#include "config/dsn.hpp"
#include "serializer/serializer.hpp"
#include "transport/doctrine_index_name.hpp"
#include "transport/postgres/factory.hpp"
#include "transport/postgres/schema.hpp"
#include "transport/postgres/settings.hpp"

namespace messengerd::transport::postgres {
namespace {

struct PostgresSettingsTest : ::testing::Test {
  config::Config cfg;
  config::TransportConfig tc;

  TransportContext context(const std::string& dsn, config::Value options = {}) {
    tc.name = "async";
    tc.dsn = dsn;
    auto parsed = config::parse_dsn(dsn);
    EXPECT_TRUE(parsed.has_value()) << dsn;
    if (parsed) tc.dsn_parsed = *parsed;
    tc.options = config::Value::merged(tc.dsn_parsed.query, options);
    return TransportContext{tc, cfg, serializer::serializer_for(""), {}};
  }
};

TEST_F(PostgresSettingsTest, SchemesAndSymfonysDefaults) {
  EXPECT_EQ(postgres_schemes(), (std::vector<std::string>{"postgresql", "postgres", "pgsql", "pdo-pgsql"}));
  auto s = resolve_settings(context("postgresql://app@db.example:5433/messages"));
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_EQ(s->conninfo, "connect_timeout='5' host='db.example' port='5433' user='app' dbname='messages'");
  EXPECT_EQ(s->table_name, "messenger_messages");
  EXPECT_EQ(s->queue_name, "default");
  EXPECT_EQ(s->redeliver_timeout_s, 3600);
  EXPECT_TRUE(s->auto_setup);
  EXPECT_TRUE(s->use_notify);
  EXPECT_EQ(s->check_delayed_interval, std::chrono::milliseconds(60000));
  EXPECT_EQ(s->get_notify_timeout, std::chrono::milliseconds(0));
  EXPECT_EQ(s->prefetch, 10u);
}

TEST_F(PostgresSettingsTest, OptionsAndLibpqParametersShareTheQuery) {
  auto s = resolve_settings(context(
      "pgsql://app:s3cr%27et@db:5432/app?sslmode=verify-full&sslrootcert=/etc/ca.pem&queue_name=high&table_name=jobs"
      "&redeliver_timeout=60&auto_setup=false&use_notify=0&check_delayed_interval=1000&get_notify_timeout=5"
      "&prefetch=1&connect_timeout=3&serverVersion=15&charset=utf8"));
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_EQ(s->conninfo,
            "connect_timeout='5' host='db' port='5432' user='app' password='s3cr\\'et' dbname='app' sslmode='verify-full' "
            "sslrootcert='/etc/ca.pem' connect_timeout='3' client_encoding='utf8'");
  EXPECT_EQ(s->queue_name, "high");
  EXPECT_EQ(s->table_name, "jobs");
  EXPECT_EQ(s->redeliver_timeout_s, 60);
  EXPECT_FALSE(s->auto_setup);
  EXPECT_FALSE(s->use_notify);
  EXPECT_EQ(s->check_delayed_interval, std::chrono::milliseconds(1000));
  EXPECT_EQ(s->get_notify_timeout, std::chrono::milliseconds(5));
  EXPECT_EQ(s->prefetch, 1u);
  EXPECT_EQ(s->redacted_dsn.find("s3cr"), std::string::npos) << s->redacted_dsn;
}

TEST_F(PostgresSettingsTest, OptionsMapIsReadLikeTheQuery) {
  config::Value options = config::Value::map({{"queue_name", config::Value::string("q")}, {"sslmode", config::Value::string("require")}});
  auto s = resolve_settings(context("postgres://u@h/db", options));
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_EQ(s->queue_name, "q");
  EXPECT_NE(s->conninfo.find("sslmode='require'"), std::string::npos) << s->conninfo;
}

TEST_F(PostgresSettingsTest, DoctrineConnectionIsResolvedFromTheConfig) {
  cfg.doctrine_connections["default"] = "postgresql://app:pw@127.0.0.1:5432/app?serverVersion=15&charset=utf8&sslmode=disable";
  cfg.doctrine_connections["other"] = "pgsql://x@otherhost/otherdb";
  auto s = resolve_settings(context("doctrine://default?queue_name=failed"));
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_EQ(s->conninfo,
            "connect_timeout='5' host='127.0.0.1' port='5432' user='app' password='pw' dbname='app' client_encoding='utf8' sslmode='disable'");
  EXPECT_EQ(s->queue_name, "failed");
  EXPECT_EQ(s->redacted_dsn, "doctrine://default?queue_name=failed (postgresql://app:****@127.0.0.1:5432/app?serverVersion=15&charset=utf8&sslmode=disable)");
  auto other = resolve_settings(context("doctrine://other"));
  ASSERT_TRUE(other) << other.error().message;
  EXPECT_EQ(other->conninfo, "connect_timeout='5' host='otherhost' port='5432' user='x' dbname='otherdb'");
}

TEST_F(PostgresSettingsTest, ErrorsNameTheOptionAndNeverThePassword) {
  cfg.doctrine_connections["default"] = "postgresql://app:topsecret@h/app";
  struct Case {
    std::string dsn, expected;
  } cases[] = {
      {"doctrine://nope", "no doctrine connection named \"nope\" (known: default)"},
      {"doctrine://default?sslmode=require", "unknown option \"sslmode\""},
      {"postgresql://app:topsecret@h/app?tabel_name=x", "unknown option \"tabel_name\""},
      {"postgresql://app:topsecret@h/app?table_name=bad-name", "table_name \"bad-name\""},
      {"postgresql://app:topsecret@h/app?queue_name=", "queue_name must not be empty"},
      {"postgresql://app:topsecret@h/app?redeliver_timeout=-1", "redeliver_timeout"},
      {"postgresql://app:topsecret@h/app?prefetch=0", "prefetch"},
      {"postgresql://app:topsecret@h/app?use_notify=maybe", "use_notify"},
  };
  for (const auto& c : cases) {
    auto s = resolve_settings(context(c.dsn));
    ASSERT_FALSE(s) << c.dsn;
    EXPECT_EQ(s.error().kind, core::ErrorKind::invalid_argument) << c.dsn;
    EXPECT_NE(s.error().message.find(c.expected), std::string::npos) << s.error().message;
    EXPECT_EQ(s.error().message.find("topsecret"), std::string::npos) << s.error().message;
  }
}

// libpq: a later key=value wins, so ?host= overrides the URL's host, as in DBAL's URL params.
TEST_F(PostgresSettingsTest, UnixSocketDirectoryAsHost) {
  auto s = resolve_settings(context("postgresql://app@localhost/app?host=/var/run/postgresql"));
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_NE(s->conninfo.find("host='/var/run/postgresql'"), std::string::npos) << s->conninfo;
}

TEST_F(PostgresSettingsTest, TableNames) {
  EXPECT_TRUE(valid_table_name("messenger_messages"));
  EXPECT_TRUE(valid_table_name("app.messenger_messages"));
  EXPECT_FALSE(valid_table_name("a.b.c"));
  EXPECT_FALSE(valid_table_name(".x"));
  EXPECT_FALSE(valid_table_name("x;drop"));
  EXPECT_FALSE(valid_table_name(""));
}

TEST(PostgresSchema, SymfonysStatements) {
  EXPECT_EQ(doctrine_index_name("messenger_messages", "queue_name"), "IDX_75EA56E0FB7336F0");
  auto table = create_table_sql("messenger_messages");
  ASSERT_EQ(table.size(), 4u);
  EXPECT_EQ(table[1], "CREATE INDEX IDX_75EA56E0FB7336F0 ON messenger_messages (queue_name)");
  EXPECT_EQ(table[2], "CREATE INDEX IDX_75EA56E0E3BD61CE ON messenger_messages (available_at)");
  EXPECT_EQ(table[3], "CREATE INDEX IDX_75EA56E016BA31DB ON messenger_messages (delivered_at)");
  EXPECT_EQ(trigger_function_name("messenger_messages"), "notify_messenger_messages");
  EXPECT_EQ(trigger_function_name("app.jobs"), "app.notify_jobs");
  auto trigger = create_trigger_sql("app.jobs");
  EXPECT_EQ(trigger[2], "CREATE TRIGGER notify_trigger AFTER INSERT OR UPDATE ON app.jobs FOR EACH ROW EXECUTE PROCEDURE "
                        "app.notify_jobs();");
}

TEST_F(PostgresSettingsTest, TheFactoryDoesNotConnect) {
  // A worker may start before its database: the transport connects on first use.
  auto t = create_postgres_transport(context("postgresql://u@127.0.0.1:1/db?connect_timeout=1"));
  ASSERT_TRUE(t) << t.error().message;
}

}  // namespace
}  // namespace messengerd::transport::postgres
