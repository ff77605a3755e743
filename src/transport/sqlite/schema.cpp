#include "transport/sqlite/schema.hpp"

namespace messengerd::transport::sqlite {

std::vector<std::string> create_schema_sql(std::string_view table) {
  const std::string t(table);
  std::vector<std::string> sql{
      "CREATE TABLE " + t +
      " (id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, body CLOB NOT NULL, headers CLOB NOT NULL, "
      "queue_name VARCHAR(190) NOT NULL, created_at DATETIME NOT NULL, available_at DATETIME NOT NULL, "
      "delivered_at DATETIME DEFAULT NULL)"};
  for (const char* column : {"queue_name", "available_at", "delivered_at"}) {
    sql.push_back("CREATE INDEX " + doctrine_index_name(table, column) + " ON " + t + " (" + column + ")");
  }
  return sql;
}

bool valid_table_name(std::string_view table) {
  if (table.empty() || table.size() > 128) return false;
  for (unsigned char c : table) {
    if (!std::isalnum(c) && c != '_') return false;
  }
  return true;
}

}  // namespace messengerd::transport::sqlite
