#pragma once
// The messenger table exactly as Symfony's Doctrine transport creates it on SQLite
// (docs/symfony-wire-spec.md §4; Connection::addTableToSchema through DBAL's SqlitePlatform),
// byte for byte, so `sqlite_master` looks the same whichever side created it.
#include <string>
#include <string_view>
#include <vector>

#include "transport/doctrine_index_name.hpp"  // the index names, shared with PostgreSQL

namespace messengerd::transport::sqlite {

// "CREATE TABLE <table> (id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, ...)" then one
// "CREATE INDEX ..." per indexed column (queue_name, available_at, delivered_at).
std::vector<std::string> create_schema_sql(std::string_view table);

// Table names are written into SQL unquoted (as Doctrine does): letters, digits, '_' only.
bool valid_table_name(std::string_view table);

}  // namespace messengerd::transport::sqlite
