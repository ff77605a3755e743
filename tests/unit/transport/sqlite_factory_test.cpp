#include "sqlite_test_support.hpp"
#include "transport/sqlite/factory.hpp"
#include "transport/sqlite/settings.hpp"

namespace messengerd::transport::sqlite::testing {
namespace {

struct FactoryTest : SqliteFixture {
  config::Config cfg;
  config::TransportConfig tc;

  TransportContext context(const std::string& dsn, config::Value options = {}) {
    cfg.dir = dir.path();
    cfg.file = dir / "messenger.yaml";
    tc.name = "async";
    tc.dsn = dsn;
    auto parsed = config::parse_dsn(dsn);
    EXPECT_TRUE(parsed.has_value()) << dsn;
    if (parsed) tc.dsn_parsed = *parsed;
    // The config loader merges the DSN query into the options (the map wins).
    tc.options = config::Value::merged(tc.dsn_parsed.query, options);
    return TransportContext{tc, cfg, serializer, {}};
  }
};

TEST_F(FactoryTest, Schemes) {
  EXPECT_EQ(sqlite_schemes(), (std::vector<std::string>{"sqlite", "doctrine"}));
}

TEST_F(FactoryTest, RelativePathIsUnderTheConfigFolder) {
  auto s = resolve_settings(context("sqlite:///var/queue.db"));
  ASSERT_TRUE(s.has_value()) << s.error().message;
  EXPECT_EQ(s->path, (dir / "var/queue.db").string());
  auto t = create_sqlite_transport(context("sqlite:///var/queue.db"));
  ASSERT_TRUE(t.has_value()) << t.error().message;
  ASSERT_TRUE((*t)->send(hello(1)).has_value());
  EXPECT_TRUE(std::filesystem::exists(dir / "var/queue.db"));  // the folder was created
}

TEST_F(FactoryTest, FourSlashesIsAbsolute) {
  const auto abs = (dir / "abs.db").string();  // starts with '/'
  auto s = resolve_settings(context("sqlite:///" + abs));
  ASSERT_TRUE(s.has_value()) << s.error().message;
  EXPECT_EQ(s->path, abs);
}

TEST_F(FactoryTest, MemoryDatabase) {
  auto s = resolve_settings(context("sqlite:///:memory:"));
  ASSERT_TRUE(s.has_value()) << s.error().message;
  EXPECT_EQ(s->path, ":memory:");
  auto t = create_sqlite_transport(context("sqlite:///:memory:"));
  ASSERT_TRUE(t.has_value());
  ASSERT_TRUE((*t)->send(hello(1)).has_value());
  EXPECT_EQ((*t)->get(1)->size(), 1U);
}

TEST_F(FactoryTest, OptionsAndDefaults) {
  auto defaults = resolve_settings(context("sqlite:///q.db"));
  ASSERT_TRUE(defaults.has_value());
  EXPECT_EQ(defaults->table_name, "messenger_messages");
  EXPECT_EQ(defaults->queue_name, "default");
  EXPECT_EQ(defaults->redeliver_timeout_s, 3600);
  EXPECT_TRUE(defaults->auto_setup);
  EXPECT_EQ(defaults->synchronous, "NORMAL");
  EXPECT_EQ(defaults->busy_timeout_ms, 5000);

  auto s = resolve_settings(context("sqlite:///q.db?queue_name=failed&redeliver_timeout=2&auto_setup=false",
                                    config::Value::map({{"table_name", config::Value::string("jobs")},
                                                        {"synchronous", config::Value::string("full")},
                                                        {"busy_timeout", config::Value::integer(100)}})));
  ASSERT_TRUE(s.has_value()) << s.error().message;
  EXPECT_EQ(s->queue_name, "failed");
  EXPECT_EQ(s->redeliver_timeout_s, 2);
  EXPECT_FALSE(s->auto_setup);
  EXPECT_EQ(s->table_name, "jobs");
  EXPECT_EQ(s->synchronous, "FULL");
  EXPECT_EQ(s->busy_timeout_ms, 100);
}

TEST_F(FactoryTest, BadOptionsAreRefusedByName) {
  for (const char* dsn : {"sqlite:///q.db?queue=x", "sqlite:///q.db?redeliver_timeout=soon",
                          "sqlite:///q.db?synchronous=sometimes", "sqlite:///q.db?table_name=a-b"}) {
    auto s = resolve_settings(context(dsn));
    ASSERT_FALSE(s.has_value()) << dsn;
    EXPECT_EQ(s.error().kind, core::ErrorKind::invalid_argument) << dsn;
    EXPECT_NE(s.error().message.find("async"), std::string::npos) << s.error().message;
  }
}

TEST_F(FactoryTest, DoctrineConnectionByName) {
  cfg.doctrine_connections["default"] = "sqlite:///data/app.db";
  cfg.doctrine_connections["pg"] = "postgresql://app:secret@db:5432/app";
  auto ctx = context("doctrine://default?queue_name=mails");
  EXPECT_TRUE(handles_transport(ctx));
  auto s = resolve_settings(ctx);
  ASSERT_TRUE(s.has_value()) << s.error().message;
  EXPECT_EQ(s->path, (dir / "data/app.db").string());
  EXPECT_EQ(s->queue_name, "mails");
  auto t = create_sqlite_transport(ctx);
  ASSERT_TRUE(t.has_value()) << t.error().message;
  EXPECT_NE(dynamic_cast<QueueReceiver*>(t->get()), nullptr);

  auto pg = context("doctrine://pg");
  EXPECT_FALSE(handles_transport(pg));
  auto refused = create_sqlite_transport(pg);
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().kind, core::ErrorKind::unsupported);
  EXPECT_EQ(refused.error().message.find("secret"), std::string::npos);

  auto missing = create_sqlite_transport(context("doctrine://other"));
  ASSERT_FALSE(missing.has_value());
  EXPECT_NE(missing.error().message.find("default"), std::string::npos);  // lists the known ones
}

TEST_F(FactoryTest, SqliteUrlsWithAHostAreRefused) {
  auto s = resolve_settings(context("sqlite://localhost/q.db"));
  ASSERT_FALSE(s.has_value());
  EXPECT_EQ(s.error().kind, core::ErrorKind::invalid_argument);
}

}  // namespace
}  // namespace messengerd::transport::sqlite::testing
