#include "transport/amqp/connection.hpp"

#include <amqp.h>
#include <amqp_ssl_socket.h>
#include <amqp_tcp_socket.h>
#include <sys/socket.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <memory>

#include <spdlog/spdlog.h>

namespace messengerd::transport::amqp {
namespace {

// Method ids (class << 16 | method). librabbitmq's macros use C casts, which -Wold-style-cast refuses.
constexpr amqp_method_number_t kConnectionClose = 0x000A0032;
constexpr amqp_method_number_t kConnectionCloseOk = 0x000A0033;
constexpr amqp_method_number_t kConnectionBlocked = 0x000A003C;
constexpr amqp_method_number_t kConnectionUnblocked = 0x000A003D;
constexpr amqp_method_number_t kChannelClose = 0x00140028;
constexpr amqp_method_number_t kChannelCloseOk = 0x00140029;
constexpr amqp_method_number_t kBasicCancel = 0x003C001E;
constexpr amqp_method_number_t kBasicReturn = 0x003C0032;
constexpr amqp_method_number_t kBasicDeliver = 0x003C003C;
constexpr amqp_method_number_t kBasicAck = 0x003C0050;
constexpr amqp_method_number_t kBasicNack = 0x003C0078;
constexpr amqp_channel_t kChannel = 1;
constexpr int kNotFound = 404;

amqp_bytes_t bytes(std::string_view text) {
  amqp_bytes_t b;
  b.len = text.size();
  b.bytes = const_cast<char*>(text.data());  // librabbitmq only reads it
  return b;
}

std::string text(amqp_bytes_t b) { return b.len == 0 ? std::string() : std::string(static_cast<const char*>(b.bytes), b.len); }

timeval to_timeval(std::chrono::milliseconds ms) {
  timeval tv{};
  tv.tv_sec = static_cast<time_t>(ms.count() / 1000);
  tv.tv_usec = static_cast<suseconds_t>((ms.count() % 1000) * 1000);
  return tv;
}

// An AMQP field table over `arguments`; the entries point into `arguments` (no copies).
class Table {
 public:
  explicit Table(const Arguments& arguments) {
    entries_.reserve(arguments.size());
    for (const auto& [key, value] : arguments) {
      amqp_table_entry_t e{};
      e.key = bytes(key);
      if (const auto* s = std::get_if<std::string>(&value)) {
        e.value.kind = AMQP_FIELD_KIND_UTF8;
        e.value.value.bytes = bytes(*s);
      } else if (const auto* i = std::get_if<std::int64_t>(&value)) {
        e.value.kind = AMQP_FIELD_KIND_I64;
        e.value.value.i64 = *i;
      } else {
        e.value.kind = AMQP_FIELD_KIND_BOOLEAN;
        e.value.value.boolean = std::get<bool>(value) ? 1 : 0;
      }
      entries_.push_back(e);
    }
  }
  amqp_table_t table() {
    amqp_table_t t;
    t.num_entries = static_cast<int>(entries_.size());
    t.entries = entries_.empty() ? nullptr : entries_.data();
    return t;
  }

 private:
  std::vector<amqp_table_entry_t> entries_;
};

// A header value as the text Symfony's serializer reads (php-amqp hands PHP scalars over).
bool field_text(const amqp_field_value_t& v, std::string& out) {
  switch (v.kind) {
    case AMQP_FIELD_KIND_UTF8:
    case AMQP_FIELD_KIND_BYTES: out = text(v.value.bytes); return true;
    case AMQP_FIELD_KIND_BOOLEAN: out = v.value.boolean ? "1" : ""; return true;
    case AMQP_FIELD_KIND_I8: out = std::to_string(v.value.i8); return true;
    case AMQP_FIELD_KIND_U8: out = std::to_string(v.value.u8); return true;
    case AMQP_FIELD_KIND_I16: out = std::to_string(v.value.i16); return true;
    case AMQP_FIELD_KIND_U16: out = std::to_string(v.value.u16); return true;
    case AMQP_FIELD_KIND_I32: out = std::to_string(v.value.i32); return true;
    case AMQP_FIELD_KIND_U32: out = std::to_string(v.value.u32); return true;
    case AMQP_FIELD_KIND_I64: out = std::to_string(v.value.i64); return true;
    case AMQP_FIELD_KIND_U64:
    case AMQP_FIELD_KIND_TIMESTAMP: out = std::to_string(v.value.u64); return true;
    default: return false;  // tables, arrays, floats: not something Symfony's headers hold
  }
}


// The header a quorum queue adds to a redelivered message: its earlier deliveries.
constexpr std::string_view kXDeliveryCount = "x-delivery-count";

std::uint64_t to_unsigned(const std::string& value) { return std::strtoull(value.c_str(), nullptr, 10); }

// The message properties Symfony's AmqpStamp::createFromAmqpEnvelope carries over to a retried
// or failed copy (content_type travels on its own), by php-amqp's attribute names; only those
// set on the message.
void read_properties(const amqp_basic_properties_t& p, serializer::Headers& out) {
  const auto flags = p._flags;
  auto add_text = [&](amqp_flags_t flag, const char* name, amqp_bytes_t value) {
    if ((flags & flag) != 0) out.emplace_back(name, text(value));
  };
  add_text(AMQP_BASIC_CONTENT_ENCODING_FLAG, "content_encoding", p.content_encoding);
  if ((flags & AMQP_BASIC_DELIVERY_MODE_FLAG) != 0) out.emplace_back("delivery_mode", std::to_string(p.delivery_mode));
  if ((flags & AMQP_BASIC_PRIORITY_FLAG) != 0) out.emplace_back("priority", std::to_string(p.priority));
  if ((flags & AMQP_BASIC_TIMESTAMP_FLAG) != 0) out.emplace_back("timestamp", std::to_string(p.timestamp));
  add_text(AMQP_BASIC_APP_ID_FLAG, "app_id", p.app_id);
  add_text(AMQP_BASIC_MESSAGE_ID_FLAG, "message_id", p.message_id);
  add_text(AMQP_BASIC_USER_ID_FLAG, "user_id", p.user_id);
  add_text(AMQP_BASIC_EXPIRATION_FLAG, "expiration", p.expiration);
  add_text(AMQP_BASIC_TYPE_FLAG, "type", p.type);
  add_text(AMQP_BASIC_REPLY_TO_FLAG, "reply_to", p.reply_to);
  add_text(AMQP_BASIC_CORRELATION_ID_FLAG, "correlation_id", p.correlation_id);
}

// The reverse of read_properties; `props` points into `properties` (no copies).
void write_properties(const serializer::Headers& properties, amqp_basic_properties_t& props) {
  for (const auto& [name, value] : properties) {
    auto set_text = [&](amqp_flags_t flag, amqp_bytes_t& field) {
      props._flags |= flag;
      field = bytes(value);
    };
    if (name == "content_encoding") {
      set_text(AMQP_BASIC_CONTENT_ENCODING_FLAG, props.content_encoding);
    } else if (name == "delivery_mode") {
      props.delivery_mode = static_cast<std::uint8_t>(to_unsigned(value));
    } else if (name == "priority") {
      props._flags |= AMQP_BASIC_PRIORITY_FLAG;
      props.priority = static_cast<std::uint8_t>(to_unsigned(value));
    } else if (name == "timestamp") {
      props.timestamp = to_unsigned(value);
    } else if (name == "app_id") {
      set_text(AMQP_BASIC_APP_ID_FLAG, props.app_id);
    } else if (name == "message_id") {
      set_text(AMQP_BASIC_MESSAGE_ID_FLAG, props.message_id);
    } else if (name == "user_id") {
      set_text(AMQP_BASIC_USER_ID_FLAG, props.user_id);
    } else if (name == "expiration") {
      set_text(AMQP_BASIC_EXPIRATION_FLAG, props.expiration);
    } else if (name == "type") {
      set_text(AMQP_BASIC_TYPE_FLAG, props.type);
    } else if (name == "reply_to") {
      set_text(AMQP_BASIC_REPLY_TO_FLAG, props.reply_to);
    } else if (name == "correlation_id") {
      set_text(AMQP_BASIC_CORRELATION_ID_FLAG, props.correlation_id);
    }
  }
}

}  // namespace

Connection::Connection(const AmqpSettings& settings, std::string purpose)
    : settings_(settings), purpose_(std::move(purpose)) {}

Connection::~Connection() { close(); }

int Connection::fd() const { return state_ == nullptr ? -1 : amqp_get_sockfd(state_); }

bool Connection::has_buffered_input() const {
  return state_ != nullptr && (amqp_frames_enqueued(state_) != 0 || amqp_data_in_buffer(state_) != 0);
}

int Connection::heartbeat_seconds() const { return state_ == nullptr ? 0 : amqp_get_heartbeat(state_); }

core::Error Connection::fail(core::ErrorKind kind, std::string message) {
  close();
  return core::make_error(kind, "AMQP " + purpose_ + " connection to " + (endpoint_.empty() ? std::string("broker") : endpoint_) +
                                    ": " + message);
}

void Connection::close() {
  if (state_ == nullptr) return;
  // A polite close when the socket still works: the broker requeues unacked deliveries either
  // way, but logs no "client unexpectedly closed TCP connection".
  timeval quick = to_timeval(std::chrono::milliseconds(1000));
  amqp_set_rpc_timeout(state_, &quick);
  amqp_connection_close(state_, AMQP_REPLY_SUCCESS);
  amqp_destroy_connection(state_);
  state_ = nullptr;
  partial_active_ = false;
  published_ = confirmed_ = 0;
}

core::Status Connection::open(bool confirms) {
  close();
  core::Error last = core::make_error(core::ErrorKind::connection, "no endpoint");
  for (const auto& endpoint : settings_.endpoints) {
    auto opened = open_endpoint(endpoint, confirms);
    if (opened) return {};
    last = opened.error();
  }
  return std::unexpected(last);
}

core::Status Connection::open_endpoint(const AmqpEndpoint& endpoint, bool confirms) {
  endpoint_ = (settings_.tls.enabled ? "amqps://" : "amqp://") + endpoint.host + ":" + std::to_string(endpoint.port);
  state_ = amqp_new_connection();
  if (state_ == nullptr) return std::unexpected(fail(core::ErrorKind::internal, "out of memory"));
  amqp_socket_t* socket = nullptr;
  if (settings_.tls.enabled) {
    socket = amqp_ssl_socket_new(state_);
    if (socket == nullptr) return std::unexpected(fail(core::ErrorKind::internal, "cannot create a TLS socket"));
    if (amqp_ssl_socket_set_cacert(socket, settings_.tls.cacert.c_str()) != AMQP_STATUS_OK) {
      return std::unexpected(fail(core::ErrorKind::invalid_argument, "cannot read the CA certificate " + settings_.tls.cacert));
    }
    if (!settings_.tls.cert.empty() &&
        amqp_ssl_socket_set_key(socket, settings_.tls.cert.c_str(), settings_.tls.key.c_str()) != AMQP_STATUS_OK) {
      return std::unexpected(fail(core::ErrorKind::invalid_argument,
                                  "cannot read the client certificate " + settings_.tls.cert + " / key " + settings_.tls.key));
    }
    amqp_ssl_socket_set_verify_peer(socket, settings_.tls.verify ? 1 : 0);
    amqp_ssl_socket_set_verify_hostname(socket, settings_.tls.verify ? 1 : 0);
  } else {
    socket = amqp_tcp_socket_new(state_);
    if (socket == nullptr) return std::unexpected(fail(core::ErrorKind::internal, "cannot create a socket"));
  }
  timeval connect_timeout = to_timeval(settings_.connect_timeout);
  if (int status = amqp_socket_open_noblock(socket, endpoint.host.c_str(), endpoint.port, &connect_timeout);
      status != AMQP_STATUS_OK) {
    return std::unexpected(fail(core::ErrorKind::connection, std::string("cannot connect: ") + amqp_error_string2(status)));
  }
  timeval write_timeout = to_timeval(settings_.write_timeout);
  ::setsockopt(amqp_get_sockfd(state_), SOL_SOCKET, SO_SNDTIMEO, &write_timeout, sizeof(write_timeout));
  amqp_set_handshake_timeout(state_, &connect_timeout);
  timeval rpc_timeout = to_timeval(settings_.read_timeout);
  amqp_set_rpc_timeout(state_, &rpc_timeout);

  amqp_rpc_reply_t login = amqp_login(state_, settings_.vhost.c_str(), settings_.channel_max, settings_.frame_max,
                                      settings_.heartbeat, AMQP_SASL_METHOD_PLAIN, settings_.login.c_str(),
                                      settings_.password.c_str());
  if (login.reply_type != AMQP_RESPONSE_NORMAL) {
    if (login.reply_type == AMQP_RESPONSE_SERVER_EXCEPTION && login.reply.id == kConnectionClose) {
      const auto* m = static_cast<const amqp_connection_close_t*>(login.reply.decoded);
      return std::unexpected(fail(core::ErrorKind::connection, "login refused (vhost \"" + settings_.vhost + "\", user \"" +
                                                                   settings_.login + "\"): " + text(m->reply_text)));
    }
    const bool refused = login.reply_type == AMQP_RESPONSE_LIBRARY_EXCEPTION && login.library_error == AMQP_STATUS_CONNECTION_CLOSED;
    return std::unexpected(fail(core::ErrorKind::connection,
                                refused ? "login refused (wrong user \"" + settings_.login + "\", password or vhost \"" +
                                              settings_.vhost + "\"?)"
                                        : std::string("login failed: ") +
                                              (login.reply_type == AMQP_RESPONSE_LIBRARY_EXCEPTION
                                                   ? amqp_error_string2(login.library_error)
                                                   : "unexpected reply")));
  }
  amqp_channel_open(state_, kChannel);
  if (auto ok = check_rpc("channel.open"); !ok) return ok;
  confirms_ = confirms;
  if (confirms) {
    amqp_confirm_select(state_, kChannel);
    if (auto ok = check_rpc("confirm.select"); !ok) return ok;
  }
  published_ = confirmed_ = 0;
  nacked_ = false;
  partial_active_ = false;
  return {};
}

core::Status Connection::check_rpc(std::string_view what) {
  if (state_ == nullptr) return std::unexpected(fail(core::ErrorKind::connection, "not connected"));
  amqp_rpc_reply_t reply = amqp_get_rpc_reply(state_);
  switch (reply.reply_type) {
    case AMQP_RESPONSE_NORMAL: return {};
    case AMQP_RESPONSE_NONE:
      return std::unexpected(fail(core::ErrorKind::connection, std::string(what) + ": no reply"));
    case AMQP_RESPONSE_LIBRARY_EXCEPTION:
      return std::unexpected(fail(core::ErrorKind::connection, std::string(what) + ": " + amqp_error_string2(reply.library_error)));
    case AMQP_RESPONSE_SERVER_EXCEPTION:
      if (reply.reply.id == kChannelClose) {
        const auto* m = static_cast<const amqp_channel_close_t*>(reply.reply.decoded);
        const auto kind = m->reply_code == kNotFound ? core::ErrorKind::not_found : core::ErrorKind::internal;
        amqp_channel_close_ok_t ok{};
        amqp_send_method(state_, kChannel, kChannelCloseOk, &ok);
        return std::unexpected(fail(kind, std::string(what) + " refused: " + text(m->reply_text)));
      }
      if (reply.reply.id == kConnectionClose) {
        const auto* m = static_cast<const amqp_connection_close_t*>(reply.reply.decoded);
        std::string message = std::string(what) + ": the broker closed the connection: " + text(m->reply_text);
        amqp_connection_close_ok_t ok{};
        amqp_send_method(state_, 0, kConnectionCloseOk, &ok);
        return std::unexpected(fail(core::ErrorKind::connection, message));
      }
      return std::unexpected(fail(core::ErrorKind::internal, std::string(what) + ": unexpected broker reply"));
  }
  return std::unexpected(fail(core::ErrorKind::internal, std::string(what) + ": unknown reply"));
}

core::Status Connection::declare_exchange(const std::string& name, const std::string& type, int flags,
                                          const Arguments& arguments) {
  if (state_ == nullptr) return std::unexpected(fail(core::ErrorKind::connection, "not connected"));
  Table table(arguments);
  amqp_exchange_declare(state_, kChannel, bytes(name), bytes(type), (flags & kFlagPassive) != 0 ? 1 : 0,
                        (flags & kFlagDurable) != 0 ? 1 : 0, (flags & kFlagAutoDelete) != 0 ? 1 : 0,
                        (flags & kFlagInternal) != 0 ? 1 : 0, table.table());
  return check_rpc("exchange.declare " + name);
}

core::Result<std::uint32_t> Connection::declare_queue(const std::string& name, int flags, const Arguments& arguments,
                                                      bool passive) {
  if (state_ == nullptr) return std::unexpected(fail(core::ErrorKind::connection, "not connected"));
  Table table(arguments);
  auto* ok = amqp_queue_declare(state_, kChannel, bytes(name), passive || (flags & kFlagPassive) != 0 ? 1 : 0,
                                (flags & kFlagDurable) != 0 ? 1 : 0, (flags & kFlagExclusive) != 0 ? 1 : 0,
                                (flags & kFlagAutoDelete) != 0 ? 1 : 0, passive ? amqp_empty_table : table.table());
  if (auto status = check_rpc("queue.declare " + name); !status) return std::unexpected(status.error());
  return ok == nullptr ? 0u : ok->message_count;
}

core::Status Connection::bind_queue(const std::string& queue, const std::string& exchange, const std::string& routing_key,
                                    const Arguments& arguments) {
  if (state_ == nullptr) return std::unexpected(fail(core::ErrorKind::connection, "not connected"));
  Table table(arguments);
  amqp_queue_bind(state_, kChannel, bytes(queue), bytes(exchange), bytes(routing_key), table.table());
  return check_rpc("queue.bind " + queue + " to " + exchange);
}

core::Status Connection::qos(std::uint16_t prefetch_count) {
  if (state_ == nullptr) return std::unexpected(fail(core::ErrorKind::connection, "not connected"));
  amqp_basic_qos(state_, kChannel, 0, prefetch_count, 0);
  return check_rpc("basic.qos");
}

core::Result<std::string> Connection::consume(const std::string& queue) {
  if (state_ == nullptr) return std::unexpected(fail(core::ErrorKind::connection, "not connected"));
  auto* ok = amqp_basic_consume(state_, kChannel, bytes(queue), amqp_empty_bytes, 0, 0, 0, amqp_empty_table);
  if (auto status = check_rpc("basic.consume " + queue); !status) return std::unexpected(status.error());
  return text(ok->consumer_tag);
}

core::Status Connection::publish(const Outgoing& message) {
  if (state_ == nullptr) return std::unexpected(fail(core::ErrorKind::connection, "not connected"));
  // Headers: reuse one entry array (no allocation per message once it is large enough).
  std::size_t count = 0;
  const std::size_t extra = message.extra_headers != nullptr ? message.extra_headers->size() : 0;
  const std::size_t own = message.headers != nullptr ? message.headers->size() : 0;
  const std::size_t needed = (extra + own) * sizeof(amqp_table_entry_t);
  if (table_storage_.size() < needed) table_storage_.resize(needed);
  auto* entries = reinterpret_cast<amqp_table_entry_t*>(table_storage_.data());
  auto add = [&](const std::string& name, const std::string& value) {
    amqp_table_entry_t e{};
    e.key = bytes(name);
    e.value.kind = AMQP_FIELD_KIND_UTF8;
    e.value.value.bytes = bytes(value);
    std::memcpy(&entries[count++], &e, sizeof(e));
  };
  if (message.extra_headers != nullptr) {
    for (const auto& [name, value] : *message.extra_headers) {
      const bool overridden = message.headers != nullptr &&
                              std::any_of(message.headers->begin(), message.headers->end(),
                                          [&](const auto& h) { return h.first == name; });
      if (!overridden && name != message.skip_header) add(name, value);
    }
  }
  if (message.headers != nullptr) {
    for (const auto& [name, value] : *message.headers) {
      if (!message.skip_header.empty() && name == message.skip_header) continue;
      add(name, value);
    }
  }
  amqp_basic_properties_t props{};
  props._flags = AMQP_BASIC_DELIVERY_MODE_FLAG | AMQP_BASIC_TIMESTAMP_FLAG | AMQP_BASIC_HEADERS_FLAG;
  props.delivery_mode = 2;  // persistent, as Symfony always sends
  props.timestamp = static_cast<std::uint64_t>(std::time(nullptr));
  props.headers.num_entries = static_cast<int>(count);
  props.headers.entries = count == 0 ? nullptr : reinterpret_cast<amqp_table_entry_t*>(table_storage_.data());
  if (!message.content_type.empty()) {
    props._flags |= AMQP_BASIC_CONTENT_TYPE_FLAG;
    props.content_type = bytes(message.content_type);
  }
  if (message.properties != nullptr) write_properties(*message.properties, props);
  int status = amqp_basic_publish(state_, kChannel, bytes(message.exchange), bytes(message.routing_key), 0, 0, &props,
                                  bytes(message.body));
  if (status != AMQP_STATUS_OK) {
    return std::unexpected(fail(core::ErrorKind::connection, std::string("basic.publish: ") + amqp_error_string2(status)));
  }
  if (!confirms_) return {};
  return wait_confirm(++published_);
}

core::Status Connection::wait_confirm(std::uint64_t sequence) {
  using Clock = std::chrono::steady_clock;
  const auto deadline = Clock::now() + settings_.confirm_timeout;
  while (confirmed_ < sequence) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) {
      // The connection stays usable; a late ack for this sequence number is skipped later.
      return std::unexpected(core::make_error(
          core::ErrorKind::timeout, "AMQP " + purpose_ + " connection to " + endpoint_ +
                                        ": the broker did not confirm the message within confirm_timeout (" +
                                        std::to_string(settings_.confirm_timeout.count()) + " ms)"));
    }
    timeval tv = to_timeval(left);
    amqp_frame_t frame;
    int status = amqp_simple_wait_frame_noblock(state_, &frame, &tv);
    if (status == AMQP_STATUS_TIMEOUT) continue;
    if (status != AMQP_STATUS_OK) {
      return std::unexpected(fail(core::ErrorKind::connection, std::string("waiting for the confirm: ") + amqp_error_string2(status)));
    }
    std::deque<Delivery> none;
    if (auto ok = handle_frame(&frame, none); !ok) return ok;
    if (nacked_) {
      nacked_ = false;
      return std::unexpected(core::make_error(core::ErrorKind::internal,
                                              "AMQP " + purpose_ + " connection to " + endpoint_ +
                                                  ": the broker refused the message (basic.nack)"));
    }
  }
  return {};
}

core::Status Connection::poll(std::deque<Delivery>& out) {
  if (state_ == nullptr) return std::unexpected(fail(core::ErrorKind::connection, "not connected"));
  for (;;) {
    timeval now{0, 0};
    amqp_frame_t frame;
    int status = amqp_simple_wait_frame_noblock(state_, &frame, &now);
    if (status == AMQP_STATUS_TIMEOUT) break;
    if (status != AMQP_STATUS_OK) {
      return std::unexpected(fail(core::ErrorKind::connection, amqp_error_string2(status)));
    }
    if (auto ok = handle_frame(&frame, out); !ok) return ok;
  }
  // Everything needed was copied out of the decoded frames (a partial delivery too).
  if (state_ != nullptr) amqp_maybe_release_buffers(state_);
  return {};
}

core::Status Connection::handle_frame(const void* raw, std::deque<Delivery>& out) {
  const auto& frame = *static_cast<const amqp_frame_t*>(raw);
  if (frame.frame_type == AMQP_FRAME_METHOD) {
    const auto id = frame.payload.method.id;
    const void* decoded = frame.payload.method.decoded;
    switch (id) {
      case kBasicDeliver: {
        const auto* d = static_cast<const amqp_basic_deliver_t*>(decoded);
        partial_ = Delivery{};
        partial_.delivery_tag = d->delivery_tag;
        partial_.consumer_tag = text(d->consumer_tag);
        partial_.routing_key = text(d->routing_key);
        partial_.redelivered = d->redelivered != 0;
        partial_active_ = true;
        partial_has_header_ = false;
        return {};
      }
      case kBasicAck: {
        const auto* a = static_cast<const amqp_basic_ack_t*>(decoded);
        if (a->delivery_tag > confirmed_ || a->multiple == 0) confirmed_ = std::max(confirmed_, a->delivery_tag);
        return {};
      }
      case kBasicNack: {
        const auto* n = static_cast<const amqp_basic_nack_t*>(decoded);
        if (n->delivery_tag >= published_) nacked_ = true;
        confirmed_ = std::max(confirmed_, n->delivery_tag);
        return {};
      }
      case kBasicCancel:
        return std::unexpected(fail(core::ErrorKind::connection, "the broker cancelled the consumer (queue deleted?)"));
      case kChannelClose: {
        const auto* m = static_cast<const amqp_channel_close_t*>(decoded);
        std::string message = "the broker closed the channel: " + text(m->reply_text);
        amqp_channel_close_ok_t ok{};
        amqp_send_method(state_, kChannel, kChannelCloseOk, &ok);
        return std::unexpected(fail(core::ErrorKind::connection, message));
      }
      case kConnectionClose: {
        const auto* m = static_cast<const amqp_connection_close_t*>(decoded);
        std::string message = "the broker closed the connection: " + text(m->reply_text);
        amqp_connection_close_ok_t ok{};
        amqp_send_method(state_, 0, kConnectionCloseOk, &ok);
        amqp_destroy_connection(state_);  // no polite close: it is closed already
        state_ = nullptr;
        return std::unexpected(fail(core::ErrorKind::connection, message));
      }
      case kConnectionBlocked:
        spdlog::warn("AMQP {} connection to {}: the broker blocks publishing (resource alarm)", purpose_, endpoint_);
        return {};
      case kConnectionUnblocked:
        spdlog::info("AMQP {} connection to {}: the broker unblocked publishing", purpose_, endpoint_);
        return {};
      case kBasicReturn:  // never mandatory, so never returned; ignore the content that follows
      default: return {};
    }
  }
  if (!partial_active_) return {};  // content of a returned message, or stray frames
  if (frame.frame_type == AMQP_FRAME_HEADER) {
    const auto* p = static_cast<const amqp_basic_properties_t*>(frame.payload.properties.decoded);
    partial_expected_ = frame.payload.properties.body_size;
    partial_has_header_ = true;
    if ((p->_flags & AMQP_BASIC_CONTENT_TYPE_FLAG) != 0) partial_.content_type = text(p->content_type);
    if ((p->_flags & AMQP_BASIC_DELIVERY_MODE_FLAG) != 0) partial_.delivery_mode = p->delivery_mode;
    read_properties(*p, partial_.properties);
    if ((p->_flags & AMQP_BASIC_HEADERS_FLAG) != 0) {
      partial_.headers.reserve(static_cast<std::size_t>(p->headers.num_entries));
      for (int i = 0; i < p->headers.num_entries; ++i) {
        const auto& entry = p->headers.entries[i];
        std::string value;
        if (!field_text(entry.value, value)) continue;
        std::string key = text(entry.key);
        if (key == kXDeliveryCount) partial_.x_delivery_count = std::strtoll(value.c_str(), nullptr, 10);
        partial_.headers.emplace_back(std::move(key), std::move(value));
      }
    }
    partial_.body.reserve(partial_expected_);
  } else if (frame.frame_type == AMQP_FRAME_BODY && partial_has_header_) {
    partial_.body.append(static_cast<const char*>(frame.payload.body_fragment.bytes), frame.payload.body_fragment.len);
  }
  if (partial_has_header_ && partial_.body.size() >= partial_expected_) {
    out.push_back(std::move(partial_));
    partial_active_ = false;
  }
  return {};
}

core::Status Connection::ack(std::uint64_t delivery_tag, bool multiple) {
  if (state_ == nullptr) return std::unexpected(fail(core::ErrorKind::connection, "not connected"));
  if (int status = amqp_basic_ack(state_, kChannel, delivery_tag, multiple ? 1 : 0); status != AMQP_STATUS_OK) {
    return std::unexpected(fail(core::ErrorKind::connection, std::string("basic.ack: ") + amqp_error_string2(status)));
  }
  return {};
}

core::Status Connection::nack(std::uint64_t delivery_tag, bool requeue) {
  if (state_ == nullptr) return std::unexpected(fail(core::ErrorKind::connection, "not connected"));
  if (int status = amqp_basic_nack(state_, kChannel, delivery_tag, 0, requeue ? 1 : 0); status != AMQP_STATUS_OK) {
    return std::unexpected(fail(core::ErrorKind::connection, std::string("basic.nack: ") + amqp_error_string2(status)));
  }
  return {};
}

}  // namespace messengerd::transport::amqp
