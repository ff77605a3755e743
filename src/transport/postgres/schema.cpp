#include "transport/postgres/schema.hpp"

#include "transport/doctrine_index_name.hpp"

namespace messengerd::transport::postgres {

std::vector<std::string> create_table_sql(const std::string& table) {
  std::vector<std::string> sql{
      "CREATE TABLE " + table +
      " (id BIGSERIAL NOT NULL, body TEXT NOT NULL, headers TEXT NOT NULL, queue_name VARCHAR(190) NOT NULL, "
      "created_at TIMESTAMP(0) WITHOUT TIME ZONE NOT NULL, available_at TIMESTAMP(0) WITHOUT TIME ZONE NOT NULL, "
      "delivered_at TIMESTAMP(0) WITHOUT TIME ZONE DEFAULT NULL, PRIMARY KEY(id))"};
  // DBAL names indexes after the table name as configured (schema included, as Symfony passes it).
  for (const char* column : {"queue_name", "available_at", "delivered_at"}) {
    sql.push_back("CREATE INDEX " + doctrine_index_name(table, column) + " ON " + table + " (" + column + ")");
  }
  return sql;
}

std::string trigger_function_name(const std::string& table) {
  const auto dot = table.find('.');
  if (dot == std::string::npos) return "notify_" + table;
  return table.substr(0, dot) + ".notify_" + table.substr(dot + 1);
}

std::vector<std::string> create_trigger_sql(const std::string& table) {
  const std::string function = trigger_function_name(table);
  // The function text is Symfony's heredoc byte for byte (pg_proc.prosrc shows it).
  return {
      "CREATE OR REPLACE FUNCTION " + function +
          "() RETURNS TRIGGER AS $$\n"
          "    BEGIN\n"
          "        PERFORM pg_notify('" + table + "', NEW.queue_name::text);\n"
          "        RETURN NEW;\n"
          "    END;\n"
          "$$ LANGUAGE plpgsql;",
      "DROP TRIGGER IF EXISTS notify_trigger ON " + table + ";",
      "CREATE TRIGGER notify_trigger AFTER INSERT OR UPDATE ON " + table + " FOR EACH ROW EXECUTE PROCEDURE " +
          function + "();",
  };
}

}  // namespace messengerd::transport::postgres
