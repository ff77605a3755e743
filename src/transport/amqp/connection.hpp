#pragma once
// One AMQP 0-9-1 connection with one channel (librabbitmq-c), the only file that includes
// <amqp.h>. Plain TCP or TLS, endpoints tried in order, bounded waits everywhere (connect,
// RPC, write, publisher confirm). Not thread-safe: the worker's loop thread owns it.
//
// Failures are core::Error values: kind `connection` when the connection is unusable (the
// caller closes it and reconnects with backoff), `not_found` for a passive declare of a
// missing queue/exchange, `timeout` for an unconfirmed publish, `internal` for any other
// broker refusal (PRECONDITION_FAILED, ACCESS_REFUSED, ...). After a broker refusal the
// channel is gone, so the connection closes itself; the next call reconnects.
#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "serializer/serializer.hpp"
#include "transport/amqp/settings.hpp"

struct amqp_connection_state_t_;

namespace messengerd::transport::amqp {

// A complete basic.deliver (method + header + body), copied out of librabbitmq's buffers.
struct Delivery {
  std::uint64_t delivery_tag = 0;
  std::string consumer_tag;
  std::string routing_key;
  bool redelivered = false;
  // A quorum queue's `x-delivery-count` header: how often the message was delivered before
  // (returned, its consumer gone); -1 when absent (first delivery, or a classic queue).
  std::int64_t x_delivery_count = -1;
  std::string content_type;
  int delivery_mode = 0;        // 2 = persistent
  // The other properties set on the message, by their php-amqp attribute names, as text
  // (content_encoding, delivery_mode, priority, timestamp, app_id, message_id, user_id,
  // expiration, type, reply_to, correlation_id): a retried or failed copy keeps them, as
  // Symfony's AmqpStamp::createFromAmqpEnvelope does. Unset properties are absent.
  serializer::Headers properties;
  serializer::Headers headers;  // the AMQP headers table, values as text
  std::string body;
};

struct Outgoing {
  std::string_view exchange;
  std::string_view routing_key;
  std::string_view body;
  std::string_view content_type;          // empty: no content_type property
  const serializer::Headers* headers = nullptr;  // sent as AMQP long strings, in order
  std::string_view skip_header;           // a header name not to send (Content-Type)
  // Headers sent first unless `headers` has them too (a retried message's own AMQP headers).
  const serializer::Headers* extra_headers = nullptr;
  // See Delivery::properties; delivery_mode and timestamp given here replace the defaults
  // (2 and now), as in Symfony's Connection::publishOnExchange.
  const serializer::Headers* properties = nullptr;
};

class Connection {
 public:
  // `settings` must outlive the connection.
  explicit Connection(const AmqpSettings& settings, std::string purpose);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Connects to the first endpoint that answers, logs in, opens channel 1, and with
  // `confirms` puts it in confirm mode.
  core::Status open(bool confirms);
  // Drops the connection (a polite close when it still works). Idempotent.
  void close();
  bool connected() const { return state_ != nullptr; }
  // The socket, for poll(); -1 when closed.
  int fd() const;
  // True when librabbitmq already holds received bytes or frames: the fd would not wake us.
  bool has_buffered_input() const;
  // The negotiated heartbeat in seconds (0 = off).
  int heartbeat_seconds() const;
  const std::string& endpoint() const { return endpoint_; }

  core::Status declare_exchange(const std::string& name, const std::string& type, int flags, const Arguments& arguments);
  // Returns the queue's message count (ready messages).
  core::Result<std::uint32_t> declare_queue(const std::string& name, int flags, const Arguments& arguments,
                                            bool passive);
  core::Status bind_queue(const std::string& queue, const std::string& exchange, const std::string& routing_key,
                          const Arguments& arguments);
  core::Status qos(std::uint16_t prefetch_count);
  // basic.consume with manual acks; returns the broker's consumer tag.
  core::Result<std::string> consume(const std::string& queue);

  // basic.publish (delivery_mode 2 and timestamp now unless `properties` say otherwise) and, in confirm mode, waits for the broker's
  // ack up to `confirm_timeout`: a nack is an internal error, no answer a timeout error.
  core::Status publish(const Outgoing& message);

  // Reads what has arrived without blocking: complete deliveries are appended to `out`, a
  // partly received one is kept for the next call; sends a heartbeat when one is due. A
  // consumer cancelled by the broker or a closed channel/connection is a `connection` error.
  core::Status poll(std::deque<Delivery>& out);

  // basic.ack; `multiple` acks every unacked delivery of the channel up to `delivery_tag` too.
  core::Status ack(std::uint64_t delivery_tag, bool multiple = false);
  core::Status nack(std::uint64_t delivery_tag, bool requeue);

 private:
  core::Status open_endpoint(const AmqpEndpoint& endpoint, bool confirms);
  // Turns the last RPC reply into an error (closing the connection); ok when it was normal.
  core::Status check_rpc(std::string_view what);
  core::Error fail(core::ErrorKind kind, std::string message);
  core::Status handle_frame(const void* frame, std::deque<Delivery>& out);
  core::Status wait_confirm(std::uint64_t sequence);

  const AmqpSettings& settings_;
  std::string purpose_;
  amqp_connection_state_t_* state_ = nullptr;
  std::string endpoint_;
  bool confirms_ = false;
  std::uint64_t published_ = 0;  // publish sequence number in confirm mode
  std::uint64_t confirmed_ = 0;  // highest sequence number the broker acked
  bool nacked_ = false;
  // A delivery whose header/body frames are still arriving.
  bool partial_active_ = false;
  std::uint64_t partial_expected_ = 0;
  Delivery partial_;
  bool partial_has_header_ = false;
  std::vector<char> table_storage_;  // reused amqp_table_entry_t array for publish headers
};

}  // namespace messengerd::transport::amqp
