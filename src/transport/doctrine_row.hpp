#pragma once
// A row of Doctrine's messenger_messages table as a ReceivedMessage. Shared by the SQLite and
// PostgreSQL transports, which keep the same table (docs/symfony-wire-spec.md, Doctrine).
#include <cstdint>
#include <string>
#include <string_view>

#include "serializer/serializer.hpp"
#include "transport/transport.hpp"

namespace messengerd::transport {

// `body` and `headers_json` are the row's columns; Symfony's serializer decodes them. A row that
// does not decode is still returned, with decode_error naming the row and `table`, so that the
// worker moves it to the failure transport instead of losing it. The envelope gets the
// TransportMessageIdStamp Doctrine's receiver adds; tag = the numeric row id.
ReceivedMessage decode_doctrine_row(std::string id, std::uint64_t row_id, std::string body, std::string_view headers_json,
                                    std::string queue, std::string_view table, const serializer::Serializer& serializer);

}  // namespace messengerd::transport
