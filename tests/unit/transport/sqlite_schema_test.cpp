#include "sqlite_test_support.hpp"
#include "transport/sqlite/datetime.hpp"
#include "transport/sqlite/schema.hpp"

namespace messengerd::transport::sqlite::testing {
namespace {

// What PHP (Symfony 5.4 Doctrine transport, DBAL 3, SQLite) leaves in sqlite_master, captured.
const std::vector<std::string> kDoctrineSchema{
    "CREATE TABLE messenger_messages (id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, body CLOB NOT NULL, headers "
    "CLOB NOT NULL, queue_name VARCHAR(190) NOT NULL, created_at DATETIME NOT NULL, available_at DATETIME NOT NULL, "
    "delivered_at DATETIME DEFAULT NULL)",
    "CREATE INDEX IDX_75EA56E0FB7336F0 ON messenger_messages (queue_name)",
    "CREATE INDEX IDX_75EA56E0E3BD61CE ON messenger_messages (available_at)",
    "CREATE INDEX IDX_75EA56E016BA31DB ON messenger_messages (delivered_at)",
};

TEST(SqliteSchema, IndexNamesAreDoctrines) {
  EXPECT_EQ(doctrine_index_name("messenger_messages", "queue_name"), "IDX_75EA56E0FB7336F0");
  EXPECT_EQ(doctrine_index_name("messenger_messages", "available_at"), "IDX_75EA56E0E3BD61CE");
  EXPECT_EQ(doctrine_index_name("messenger_messages", "delivered_at"), "IDX_75EA56E016BA31DB");
  EXPECT_EQ(create_schema_sql("messenger_messages"), kDoctrineSchema);
  // Computed by PHP: strtoupper("idx_" . dechex(crc32($table)) . dechex(crc32($column))),
  // dechex without leading zeros.
  EXPECT_EQ(doctrine_index_name("jobs", "queue_name"), "IDX_A8936DC5FB7336F0");
  EXPECT_EQ(doctrine_index_name("c", "queue_name"), "IDX_6B9DF6FFB7336F0");
  EXPECT_EQ(doctrine_index_name("ae", "queue_name"), "IDX_E7DDCEFB7336F0");
}

TEST(SqliteSchema, TableNamesAreChecked) {
  EXPECT_TRUE(valid_table_name("messenger_messages"));
  EXPECT_FALSE(valid_table_name("x; DROP TABLE y"));
  EXPECT_FALSE(valid_table_name(""));
}

TEST(SqliteDatetime, FormatsAndParsesUtcSeconds) {
  using namespace std::chrono;
  const auto t = sys_days{year{2026} / 1 / 2} + hours{3} + minutes{4} + seconds{5} + milliseconds{999};
  EXPECT_EQ(format_datetime(t), "2026-01-02 03:04:05");
  EXPECT_EQ(parse_datetime("2026-01-02 03:04:05"), floor<seconds>(t));
  EXPECT_EQ(parse_datetime("2026-01-02 03:04:05.123"), floor<seconds>(t));
  EXPECT_FALSE(parse_datetime("2026-13-02 03:04:05").has_value());
  EXPECT_FALSE(parse_datetime("yesterday").has_value());
}

TEST_F(SqliteFixture, SetupCreatesExactlyDoctrinesTableAndIndexes) {
  auto t = open();
  ASSERT_TRUE(t);
  ASSERT_TRUE(t->setup().has_value());
  ASSERT_TRUE(t->setup().has_value());  // idempotent
  RawDb db(db_path());
  EXPECT_EQ(db.column("SELECT sql FROM sqlite_master WHERE tbl_name = 'messenger_messages' ORDER BY rowid"),
            kDoctrineSchema);
  EXPECT_EQ(db.column("SELECT name FROM pragma_table_info('messenger_messages') ORDER BY cid"),
            (std::vector<std::string>{"id", "body", "headers", "queue_name", "created_at", "available_at",
                                      "delivered_at"}));
  EXPECT_EQ(db.column("SELECT type FROM pragma_table_info('messenger_messages') ORDER BY cid"),
            (std::vector<std::string>{"INTEGER", "CLOB", "CLOB", "VARCHAR(190)", "DATETIME", "DATETIME", "DATETIME"}));
  EXPECT_EQ(db.column("SELECT \"notnull\" FROM pragma_table_info('messenger_messages') ORDER BY cid"),
            (std::vector<std::string>{"1", "1", "1", "1", "1", "1", "0"}));
  EXPECT_EQ(db.value("PRAGMA journal_mode"), "wal");
}

TEST_F(SqliteFixture, AutoSetupCreatesTheTableOnFirstUse) {
  auto t = open();
  ASSERT_TRUE(t);
  ASSERT_TRUE(t->send(hello(1)).has_value());
  RawDb db(db_path());
  EXPECT_EQ(db.value("SELECT COUNT(*) FROM sqlite_master WHERE type = 'index' AND tbl_name = 'messenger_messages'"),
            "3");
}

TEST_F(SqliteFixture, AnExistingTableIsNeverAltered) {
  {
    RawDb db(db_path());
    db.exec("CREATE TABLE messenger_messages (id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, body TEXT NOT NULL, "
            "headers TEXT NOT NULL, queue_name VARCHAR(255) NOT NULL, created_at DATETIME NOT NULL, available_at "
            "DATETIME NOT NULL, delivered_at DATETIME DEFAULT NULL, extra TEXT)");
  }
  auto t = open();
  ASSERT_TRUE(t);
  ASSERT_TRUE(t->setup().has_value());
  ASSERT_TRUE(t->send(hello(1)).has_value());
  RawDb db(db_path());
  EXPECT_EQ(db.value("SELECT COUNT(*) FROM sqlite_master WHERE type = 'index'"), "0");
  EXPECT_NE(db.value("SELECT sql FROM sqlite_master WHERE name = 'messenger_messages'").find("extra TEXT"),
            std::string::npos);
}

TEST_F(SqliteFixture, WithoutAutoSetupAMissingTableIsAnError) {
  auto s = settings();
  s.auto_setup = false;
  auto t = open(s);
  ASSERT_TRUE(t);
  auto sent = t->send(hello(1));
  ASSERT_FALSE(sent.has_value());
  EXPECT_NE(sent.error().message.find("messenger_messages"), std::string::npos);
  EXPECT_NE(sent.error().message.find(db_path()), std::string::npos);
  ASSERT_TRUE(t->setup().has_value());
  EXPECT_TRUE(t->send(hello(1)).has_value());
}

TEST_F(SqliteFixture, OtherTableNameGetsItsOwnDoctrineIndexNames) {
  auto s = settings();
  s.table_name = "jobs";
  auto t = open(s);
  ASSERT_TRUE(t);
  ASSERT_TRUE(t->setup().has_value());
  RawDb db(db_path());
  EXPECT_EQ(db.column("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'jobs' ORDER BY rowid"),
            (std::vector<std::string>{doctrine_index_name("jobs", "queue_name"),
                                      doctrine_index_name("jobs", "available_at"),
                                      doctrine_index_name("jobs", "delivered_at")}));
}

}  // namespace
}  // namespace messengerd::transport::sqlite::testing
