#pragma once
// The index names Doctrine DBAL generates for the messenger table, shared by the Doctrine-table
// transports (SQLite, PostgreSQL).
#include <string>
#include <string_view>

namespace messengerd::transport {

// DBAL's generated index name: "IDX_" + upper(dechex(crc32(table)) . dechex(crc32(column)))
// (AbstractAsset::_generateIdentifierName), truncated to 63 characters, e.g.
// IDX_75EA56E0FB7336F0 for messenger_messages.queue_name. PostgreSQL folds it to lower case.
std::string doctrine_index_name(std::string_view table, std::string_view column);

}  // namespace messengerd::transport
