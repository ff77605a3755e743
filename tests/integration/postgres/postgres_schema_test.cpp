// The table, indexes, function and trigger are exactly what Symfony 5.4 + DBAL create on
// PostgreSQL (captured from PostgreSqlConnection::setup() against PostgreSQL 15: pg_dump of both
// is identical), and auto_setup never alters an existing table.
#include <gtest/gtest.h>

#include "postgres_fixture.hpp"

namespace messengerd::transport::postgres {
namespace {

using Rows = std::vector<std::vector<std::string>>;

TEST_F(PostgresTest, CreatesSymfonysTableIndexesFunctionAndTrigger) {
  table = "messenger_messages";  // Symfony's default: the index names below are its names
  server.exec("DROP TABLE IF EXISTS messenger_messages; DROP FUNCTION IF EXISTS notify_messenger_messages()");
  auto t = open();
  ASSERT_TRUE(t->setup());
  EXPECT_EQ(server.exec("SELECT column_name, data_type, coalesce(character_maximum_length::text, ''), is_nullable, "
                        "coalesce(datetime_precision::text, ''), coalesce(column_default, '') "
                        "FROM information_schema.columns WHERE table_name = 'messenger_messages' ORDER BY ordinal_position"),
            (Rows{
                {"id", "bigint", "", "NO", "", "nextval('messenger_messages_id_seq'::regclass)"},
                {"body", "text", "", "NO", "", ""},
                {"headers", "text", "", "NO", "", ""},
                {"queue_name", "character varying", "190", "NO", "", ""},
                {"created_at", "timestamp without time zone", "", "NO", "0", ""},
                {"available_at", "timestamp without time zone", "", "NO", "0", ""},
                {"delivered_at", "timestamp without time zone", "", "YES", "0", "NULL::timestamp without time zone"},
            }));
  EXPECT_EQ(server.exec("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'messenger_messages' ORDER BY 1"),
            (Rows{
                {"idx_75ea56e016ba31db", "CREATE INDEX idx_75ea56e016ba31db ON public.messenger_messages USING btree (delivered_at)"},
                {"idx_75ea56e0e3bd61ce", "CREATE INDEX idx_75ea56e0e3bd61ce ON public.messenger_messages USING btree (available_at)"},
                {"idx_75ea56e0fb7336f0", "CREATE INDEX idx_75ea56e0fb7336f0 ON public.messenger_messages USING btree (queue_name)"},
                {"messenger_messages_pkey",
                 "CREATE UNIQUE INDEX messenger_messages_pkey ON public.messenger_messages USING btree (id)"},
            }));
  EXPECT_EQ(server.scalar("SELECT pg_get_triggerdef(oid) FROM pg_trigger WHERE tgrelid = 'messenger_messages'::regclass "
                          "AND NOT tgisinternal"),
            "CREATE TRIGGER notify_trigger AFTER INSERT OR UPDATE ON public.messenger_messages FOR EACH ROW EXECUTE "
            "FUNCTION notify_messenger_messages()");
  EXPECT_EQ(server.scalar("SELECT prosrc FROM pg_proc WHERE proname = 'notify_messenger_messages'"),
            "\n    BEGIN\n        PERFORM pg_notify('messenger_messages', NEW.queue_name::text);\n        RETURN NEW;\n"
            "    END;\n");
  ASSERT_TRUE(t->setup()) << "setup is idempotent";
  EXPECT_EQ(server.scalar("SELECT count(*) FROM pg_indexes WHERE tablename = 'messenger_messages'"), "4");
}

TEST_F(PostgresTest, AutoSetupNeverAltersAnExistingTable) {
  // A table someone made differently: no indexes, an extra column.
  server.exec("CREATE TABLE " + table + " (id bigserial PRIMARY KEY, body text NOT NULL, headers text NOT NULL, "
              "queue_name varchar(190) NOT NULL, created_at timestamp(0) NOT NULL, available_at timestamp(0) NOT NULL, "
              "delivered_at timestamp(0), note text)");
  auto t = open("&prefetch=1");
  ASSERT_TRUE(t->send(sms("x")));
  auto got = t->get(1);
  ASSERT_TRUE(got && got->size() == 1);
  ASSERT_TRUE(t->ack(got->front()));
  EXPECT_EQ(server.scalar("SELECT count(*) FROM information_schema.columns WHERE table_name = '" + table + "'"), "8");
  EXPECT_EQ(server.scalar("SELECT count(*) FROM pg_indexes WHERE tablename = '" + table + "'"), "1");
  EXPECT_EQ(server.scalar("SELECT count(*) FROM pg_trigger WHERE tgrelid = '" + table + "'::regclass AND NOT tgisinternal"),
            "1")
      << "the notify trigger is created when missing, as Symfony's setup does";
}

TEST_F(PostgresTest, WithoutAutoSetupAMissingTableIsAClearErrorAndNothingIsCreated) {
  auto t = open("&auto_setup=false");
  auto sent = t->send(sms("x"));
  ASSERT_FALSE(sent);
  EXPECT_NE(sent.error().message.find(table), std::string::npos) << sent.error().message;
  EXPECT_EQ(server.scalar("SELECT to_regclass('" + table + "') IS NULL"), "t");
}

TEST_F(PostgresTest, DoctrineConnectionUrlIsResolvedThroughTheConfig) {
  config.doctrine_connections["default"] = server.url() + "?serverVersion=15&charset=utf8";
  config::TransportConfig tc;
  tc.name = "async";
  tc.dsn = "doctrine://default?table_name=" + table + "&queue_name=high";
  tc.dsn_parsed = *config::parse_dsn(tc.dsn);
  tc.options = tc.dsn_parsed.query;
  TransportContext context{tc, config, serializer::serializer_for(""), {}};
  auto created = create_postgres_transport(context);
  ASSERT_TRUE(created) << created.error().message;
  ASSERT_TRUE((*created)->send(sms("via doctrine")));
  EXPECT_EQ(count_rows("queue_name = 'high'"), "1");
}

}  // namespace
}  // namespace messengerd::transport::postgres
