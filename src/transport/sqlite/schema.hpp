#pragma once
// The messenger table exactly as Symfony's Doctrine transport creates it on SQLite
// (docs/symfony-wire-spec.md §4; Connection::addTableToSchema through DBAL's SqlitePlatform),
// byte for byte, so `sqlite_master` looks the same whichever side created it.
#include <string>
#include <string_view>
#include <vector>

namespace messengerd::transport::sqlite {

// DBAL's generated index name: "IDX_" + upper(dechex(crc32(table)) . dechex(crc32(column)))
// (AbstractAsset::_generateIdentifierName), e.g. IDX_75EA56E0FB7336F0 for
// messenger_messages.queue_name.
std::string doctrine_index_name(std::string_view table, std::string_view column);

// "CREATE TABLE <table> (id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, ...)" then one
// "CREATE INDEX ..." per indexed column (queue_name, available_at, delivered_at).
std::vector<std::string> create_schema_sql(std::string_view table);

// Table names are written into SQL unquoted (as Doctrine does): letters, digits, '_' only.
bool valid_table_name(std::string_view table);

}  // namespace messengerd::transport::sqlite
