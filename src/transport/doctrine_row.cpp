#include "transport/doctrine_row.hpp"

#include "serializer/php_json.hpp"
#include "serializer/stamps.hpp"
#include "transport/decode_received.hpp"

namespace messengerd::transport {

ReceivedMessage decode_doctrine_row(std::string id, std::uint64_t row_id, std::string body, std::string_view headers_json,
                                    std::string queue, std::string_view table, const serializer::Serializer& serializer) {
  ReceivedMessage message;
  message.id = std::move(id);
  message.tag = row_id;
  message.queue = std::move(queue);
  auto headers = serializer::parse_headers_json(headers_json);
  if (!headers) {
    message.envelope = core::Envelope("", std::move(body));
    message.decode_error = core::make_error(core::ErrorKind::decode, "message " + message.id + " of table " +
                                                                         std::string(table) +
                                                                         ": headers column is not a JSON object of "
                                                                         "strings: " + headers.error().message);
  } else {
    serializer::EncodedEnvelope encoded{std::move(body), std::move(*headers)};
    decode_received(message, encoded, serializer);
  }
  message.envelope.add(serializer::make_transport_message_id_stamp(message.id));
  return message;
}

}  // namespace messengerd::transport
