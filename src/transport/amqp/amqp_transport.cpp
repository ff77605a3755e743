#include "transport/amqp/amqp_transport.hpp"

#include <algorithm>

#include <spdlog/spdlog.h>

#include "serializer/php_json.hpp"
#include "serializer/stamps.hpp"
#include "transport/decode_received.hpp"

namespace messengerd::transport::amqp {
namespace {

using std::chrono::milliseconds;

constexpr int kGenerationShift = 48;
constexpr std::uint64_t kDeliveryTagMask = (std::uint64_t{1} << kGenerationShift) - 1;
// A delay queue expires 10 s after it was last declared with no use (x-expires = delay + 10 s);
// redeclaring renews it, so a queue declared longer ago than this is declared again before a
// publish: the message always finds a queue that lives at least its delay.
constexpr milliseconds kDelayQueueLease{5000};
// The longest a held ack waits while the worker is busy (a long handler, a slow stream).
constexpr milliseconds kAckDelay{200};
// Broker-managed headers a copy must not inherit: a quorum queue's delivery count would count
// the original's deliveries as the copy's.
constexpr std::string_view kXDeliveryCount = "x-delivery-count";
// Keys of the received stamp's JSON for a message's properties and its own headers.
const std::string kPropertyPrefix = "property.";
const std::string kHeaderPrefix = "header.";

std::string header_value(const serializer::Headers& headers, std::string_view name) {
  for (const auto& [k, v] : headers) {
    if (k == name) return v;
  }
  return {};
}

}  // namespace

AmqpTransport::AmqpTransport(std::string name, AmqpSettings settings, std::shared_ptr<const serializer::Serializer> serializer)
    : Transport(std::move(name)),
      settings_(std::move(settings)),
      serializer_(std::move(serializer)),
      publisher_(settings_, "publisher"),
      consumer_(settings_, "consumer") {
  for (const auto& q : settings_.queues) consume_queues_.push_back(q.name);
}

AmqpTransport::~AmqpTransport() {
  // Stopping: acks of handled messages still held go out before the connection closes.
  if (auto ok = flush_acks(); !ok) {
    spdlog::warn("transport \"{}\": acks not sent at shutdown ({}); those messages will be delivered again", name(),
                 ok.error().message);
  }
}

void AmqpTransport::forget_channel() {
  incoming_.clear();
  returned_.clear();
  consumer_tags_.clear();
  open_tags_.clear();
  held_acks_ = 0;
  held_ack_upto_ = 0;
}

std::size_t AmqpTransport::ack_batch_limit() const { return std::max<std::size_t>(1, settings_.prefetch_count / 2); }

void AmqpTransport::settle(std::uint64_t delivery_tag) {
  // Mostly the oldest; a binary search otherwise (open_tags_ is ascending, at most prefetch_count).
  if (!open_tags_.empty() && open_tags_.front() == delivery_tag) {
    open_tags_.pop_front();
    return;
  }
  auto it = std::lower_bound(open_tags_.begin(), open_tags_.end(), delivery_tag);
  if (it != open_tags_.end() && *it == delivery_tag) open_tags_.erase(it);
}

core::Status AmqpTransport::flush_acks() {
  if (held_acks_ == 0) return {};
  const auto upto = held_ack_upto_;
  const bool multiple = held_acks_ > 1;
  held_acks_ = 0;
  held_ack_upto_ = 0;
  if (!consumer_.connected()) return {};  // the channel is gone: the broker redelivers them
  if (auto ok = consumer_.ack(upto, multiple); !ok) return std::unexpected(on_error(ok.error(), consumer_));
  return {};
}

core::Status AmqpTransport::read_deliveries() {
  const auto before = incoming_.size();
  if (auto ok = consumer_.poll(incoming_); !ok) return ok;
  for (auto it = incoming_.begin() + static_cast<std::ptrdiff_t>(before); it != incoming_.end(); ++it) {
    open_tags_.push_back(it->delivery_tag);
  }
  return {};
}

core::Status AmqpTransport::may_connect() const {
  if (Clock::now() < next_connect_attempt_) {
    return std::unexpected(core::make_error(core::ErrorKind::connection,
                                            "transport \"" + name() + "\": not connected to " + settings_.redacted_dsn +
                                                " (reconnecting with backoff)"));
  }
  return {};
}

core::Error AmqpTransport::on_error(core::Error error, const Connection& failed, bool connect_failed) {
  // A broker refusal or an unconfirmed publish leaves a working connection: no outage.
  if (failed.connected()) return error;
  if (&failed == &consumer_) {
    // Deliveries of a lost channel are redelivered by the broker; their tags are void.
    forget_channel();
    // The publisher's connection went the same way (broker restart, connections closed by an
    // operator) but, idle, it would only notice at the next publish: reopen it then, quietly.
    if (!connect_failed) publisher_.close();
  }
  if (!publisher_.connected()) {
    delay_exchange_declared_ = false;
    delay_queues_declared_.clear();
  }
  const auto now = Clock::now();
  if (connect_failed) {
    backoff_ = backoff_.count() == 0 ? milliseconds(100) : std::min(backoff_ * 2, milliseconds(10000));
    next_connect_attempt_ = now + backoff_;
  }
  if (error.kind != core::ErrorKind::connection) {
    // A refusal (PRECONDITION_FAILED, ACCESS_REFUSED on a queue...): the broker is there but
    // says no; each attempt says why. The channel is gone, so the next call reconnects.
    spdlog::error("transport \"{}\" ({}): {}", name(), settings_.redacted_dsn, error.message);
    return error;
  }
  if (!outage_logged_) {
    spdlog::error("transport \"{}\" ({}): {}; reconnecting{} (logged once per outage)", name(), settings_.redacted_dsn,
                  error.message, connect_failed ? " with backoff" : "");
    outage_logged_ = true;
    outage_since_ = now;
  }
  return error;
}

void AmqpTransport::on_connected() {
  if (outage_logged_) {
    const auto seconds = std::chrono::duration<double>(Clock::now() - outage_since_).count();
    spdlog::info("transport \"{}\": reconnected to {} after {:.1f} s", name(), settings_.redacted_dsn, seconds);
  }
  outage_logged_ = false;
  backoff_ = milliseconds(0);
}

core::Status AmqpTransport::declare_topology(Connection& connection) {
  // Connection::setupExchangeAndQueues of Symfony 5.4, call for call.
  const auto& ex = settings_.exchange;
  if (auto ok = connection.declare_exchange(ex.name, ex.type, ex.flags, ex.arguments); !ok) return ok;
  for (const auto& q : settings_.queues) {
    if (auto ok = connection.declare_queue(q.name, q.flags, q.arguments, false); !ok) return std::unexpected(ok.error());
    for (const auto& key : q.binding_keys) {
      if (auto ok = connection.bind_queue(q.name, ex.name, key, q.binding_arguments); !ok) return ok;
    }
  }
  return {};
}

core::Status AmqpTransport::ensure_publisher() {
  if (publisher_.connected()) return {};
  if (auto ok = may_connect(); !ok) return ok;
  if (auto ok = publisher_.open(true); !ok) return std::unexpected(on_error(ok.error(), publisher_, true));
  delay_exchange_declared_ = false;
  delay_queues_declared_.clear();
  if (settings_.auto_setup) {
    if (auto ok = declare_topology(publisher_); !ok) return std::unexpected(on_error(ok.error(), publisher_, true));
  }
  on_connected();
  return {};
}

core::Status AmqpTransport::ensure_consumer() {
  if (consumer_.connected()) return {};
  if (auto ok = may_connect(); !ok) return ok;
  forget_channel();
  if (auto ok = consumer_.open(false); !ok) return std::unexpected(on_error(ok.error(), consumer_, true));
  ++generation_;
  if (settings_.auto_setup) {
    if (auto ok = declare_topology(consumer_); !ok) return std::unexpected(on_error(ok.error(), consumer_, true));
  }
  if (auto ok = consumer_.qos(settings_.prefetch_count); !ok) return std::unexpected(on_error(ok.error(), consumer_, true));
  for (const auto& queue : consume_queues_) {
    auto tag = consumer_.consume(queue);
    if (!tag) return std::unexpected(on_error(tag.error(), consumer_, true));
    consumer_tags_.emplace_back(std::move(*tag), queue);
  }
  on_connected();
  return {};
}

core::Status AmqpTransport::setup() {
  if (auto ok = ensure_publisher(); !ok) return ok;
  if (!settings_.auto_setup) {
    if (auto ok = declare_topology(publisher_); !ok) return std::unexpected(on_error(ok.error(), publisher_));
  }
  if (auto ok = publisher_.declare_exchange(settings_.delay.exchange_name, "direct", kFlagDurable, {}); !ok) {
    return std::unexpected(on_error(ok.error(), publisher_));
  }
  delay_exchange_declared_ = true;
  return {};
}

core::Status AmqpTransport::declare_delay_queue(const std::string& name, std::int64_t delay_ms,
                                                const std::string& routing_key, bool retry) {
  // Connection::setupDelay: the delay exchange (when auto_setup), then the queue and its
  // binding, always, "because the name is dynamic and cannot be declared in advance".
  if (settings_.auto_setup && !delay_exchange_declared_) {
    if (auto ok = publisher_.declare_exchange(settings_.delay.exchange_name, "direct", kFlagDurable, {}); !ok) return ok;
    delay_exchange_declared_ = true;
  }
  const auto now = Clock::now();
  if (auto it = delay_queues_declared_.find(name); it != delay_queues_declared_.end() && now - it->second < kDelayQueueLease) {
    return {};
  }
  const auto arguments = delay_queue_arguments(settings_, delay_ms, routing_key, retry);
  if (auto ok = publisher_.declare_queue(name, kFlagDurable, arguments, false); !ok) return std::unexpected(ok.error());
  if (auto ok = publisher_.bind_queue(name, settings_.delay.exchange_name, name, {}); !ok) return ok;
  if (delay_queues_declared_.size() > 1000) delay_queues_declared_.clear();  // many distinct delays: stay bounded
  delay_queues_declared_[name] = now;
  return {};
}

core::Status AmqpTransport::publish(const core::Envelope& envelope) {
  const auto encoded = serializer_->encode(envelope);
  const std::int64_t delay = serializer::delay_ms(envelope).value_or(0);

  // AmqpSender + Connection::getRoutingKeyForMessage: a retry of a message received from AMQP
  // goes back to its queue only; else the AmqpStamp's key, else the original routing key,
  // else exchange[default_publish_routing_key].
  std::optional<std::string> routing_key;
  bool retry = false;
  std::optional<serializer::Headers> received;
  if (const auto* stamp = envelope.last(kAmqpReceivedStamp)) {
    if (auto parsed = serializer::parse_headers_json(stamp->json)) received = std::move(*parsed);
  }
  std::optional<std::string> stamp_key;
  if (const auto* stamp = envelope.last(core::stamp_class::kAmqp)) {
    if (auto parsed = serializer::parse_headers_json(stamp->json)) {
      for (const auto& [k, v] : *parsed) {
        if (k == "routingKey") stamp_key = v;
      }
    }
  }
  if (received && envelope.has(core::stamp_class::kRedelivery)) {
    routing_key = header_value(*received, "queueName");
    retry = true;
  } else if (stamp_key) {
    routing_key = stamp_key;
  } else if (received) {
    routing_key = header_value(*received, "routingKey");
  } else {
    routing_key = settings_.exchange.default_publish_routing_key;
  }
  const std::string key = routing_key.value_or("");

  Outgoing out;
  serializer::Headers properties;
  serializer::Headers extra_headers;
  if (received) {
    for (const auto& [k, v] : *received) {
      if (k.starts_with(kPropertyPrefix)) properties.emplace_back(k.substr(kPropertyPrefix.size()), v);
      if (k.starts_with(kHeaderPrefix)) extra_headers.emplace_back(k.substr(kHeaderPrefix.size()), v);
    }
    out.properties = &properties;
    out.extra_headers = &extra_headers;
  }
  out.body = encoded.body;
  out.headers = &encoded.headers;
  out.skip_header = "Content-Type";  // travels as the content_type property
  const std::string content_type = header_value(encoded.headers, "Content-Type");
  out.content_type = content_type;
  if (delay > 0) {
    const std::string queue = delay_queue_name(settings_, delay, key, retry);
    if (auto ok = declare_delay_queue(queue, delay, key, retry); !ok) return ok;
    out.exchange = settings_.delay.exchange_name;
    out.routing_key = queue;
    return publisher_.publish(out);
  }
  out.exchange = settings_.exchange.name;
  out.routing_key = key;
  return publisher_.publish(out);
}

core::Result<std::string> AmqpTransport::send(const core::Envelope& envelope) {
  if (auto ok = ensure_publisher(); !ok) return std::unexpected(ok.error());
  auto sent = publish(envelope);
  if (!sent && sent.error().kind == core::ErrorKind::connection) {
    // A connection that died while idle (broker restart, closed by an operator) is only noticed
    // now: reconnect and publish once more (Symfony retries too). At-least-once: a message whose
    // confirm was lost with the connection may be stored twice.
    auto reopened = publisher_.open(true);
    if (!reopened) return std::unexpected(on_error(reopened.error(), publisher_, true));
    delay_exchange_declared_ = false;
    delay_queues_declared_.clear();
    auto declared = settings_.auto_setup ? declare_topology(publisher_) : core::Status{};
    sent = declared ? publish(envelope) : core::Status(std::unexpected(declared.error()));
  }
  if (!sent) return std::unexpected(on_error(sent.error(), publisher_));
  return std::string();
}

std::size_t AmqpTransport::queue_rank(const std::string& consumer_tag) const {
  for (std::size_t i = 0; i < consumer_tags_.size(); ++i) {
    if (consumer_tags_[i].first == consumer_tag) return i;
  }
  return consumer_tags_.size();
}

ReceivedMessage AmqpTransport::to_received(Delivery& delivery) {
  ReceivedMessage message;
  message.id = std::to_string(delivery.delivery_tag);
  message.tag = (std::uint64_t{generation_} << kGenerationShift) | (delivery.delivery_tag & kDeliveryTagMask);
  const auto rank = queue_rank(delivery.consumer_tag);
  message.queue = rank < consumer_tags_.size() ? consumer_tags_[rank].second : std::string();
  // A quorum queue counts earlier deliveries; a classic queue only says "delivered before".
  if (delivery.x_delivery_count >= 0) {
    message.delivery_count = static_cast<std::uint32_t>(std::min<std::int64_t>(delivery.x_delivery_count, 0xFFFFFFFE) + 1);
  } else {
    message.delivery_count = delivery.redelivered ? 2 : 1;
  }

  serializer::EncodedEnvelope encoded;
  encoded.body = std::move(delivery.body);
  encoded.headers = std::move(delivery.headers);
  if (!delivery.content_type.empty()) encoded.headers.emplace_back("Content-Type", std::move(delivery.content_type));
  decode_received(message, encoded, *serializer_);
  if (message.decode_error) {
    message.decode_error->message = "message " + message.id + " of queue " + message.queue + ": " + message.decode_error->message;
  }
  message.envelope.add(core::Stamp{std::string(kAmqpReceivedStamp), received_stamp_json(message.queue, delivery, encoded.headers)});
  return message;
}

const std::string& AmqpTransport::received_stamp_json(const std::string& queue, Delivery& delivery,
                                                      const serializer::Headers& encoded_headers) {
  // The received stamp keeps what Symfony's AmqpStamp::createFromAmqpEnvelope takes over to a
  // retried or failed copy: the message's properties and its own AMQP headers (those the
  // serializer does not write: a producer's custom headers).
  auto is_custom = [](const std::string& name) {
    return name != "type" && name != "Content-Type" && name != kXDeliveryCount &&
           !name.starts_with(serializer::kStampHeaderPrefix);
  };
  auto& cache = received_stamp_cache_;
  bool same = cache.valid && cache.queue == queue && cache.routing_key == delivery.routing_key &&
              cache.properties == delivery.properties;
  std::size_t custom = 0;
  for (const auto& header : encoded_headers) {
    if (!same) break;
    if (!is_custom(header.first)) continue;
    same = custom < cache.custom_headers.size() && cache.custom_headers[custom] == header;
    ++custom;
  }
  if (same && custom == cache.custom_headers.size()) return cache.json;

  cache.queue = queue;
  cache.routing_key = delivery.routing_key;
  cache.properties = delivery.properties;
  cache.custom_headers.clear();
  serializer::Headers received{{"queueName", queue}, {"routingKey", delivery.routing_key}};
  for (const auto& [name, value] : delivery.properties) received.emplace_back(kPropertyPrefix + name, value);
  for (const auto& header : encoded_headers) {
    if (!is_custom(header.first)) continue;
    cache.custom_headers.push_back(header);
    received.emplace_back(kHeaderPrefix + header.first, header.second);
  }
  cache.json = serializer::php_json_headers(received);
  cache.valid = true;
  return cache.json;
}

core::Result<std::vector<ReceivedMessage>> AmqpTransport::get(std::size_t max_messages) {
  using Result = core::Result<std::vector<ReceivedMessage>>;
  // A lost connection is an outage (logged once, retried after the backoff), not an error for
  // every poll: the worker just finds nothing and waits (readiness() says how long).
  auto quiet = [](const core::Error& error) -> Result {
    if (error.kind == core::ErrorKind::connection) return Result{std::in_place};
    return std::unexpected(error);
  };
  std::vector<ReceivedMessage> out;
  while (out.size() < max_messages && !returned_.empty()) {
    out.push_back(std::move(returned_.front()));
    returned_.pop_front();
  }
  if (!out.empty() && out.size() == max_messages) return out;
  if (auto ok = ensure_consumer(); !ok) return out.empty() ? quiet(ok.error()) : Result{std::move(out)};
  // Buffered deliveries are handed out without touching the sockets (a read there would only
  // find nothing: a system call per message); they are read again once the buffer is empty.
  if (incoming_.empty()) {
    if (auto ok = read_deliveries(); !ok) {
      auto error = on_error(ok.error(), consumer_);
      return out.empty() ? quiet(error) : Result{std::move(out)};
    }
    // Nothing new arrived. Held acks never starve the broker (fewer than half the prefetch
    // window are held, so it still has credit): they go out when the batch is full or
    // kAckDelay old, not at every gap in the stream of deliveries — that was one basic.ack
    // (a system call) per one or two messages whenever the broker was the slower side.
    if (incoming_.empty() && held_acks_ > 0 && Clock::now() - held_since_ >= kAckDelay) {
      if (auto ok = flush_acks(); !ok) return out.empty() ? quiet(ok.error()) : Result{std::move(out)};
    }
    // An idle worker wakes at least every heartbeat/2: keep the publisher's connection alive too.
    if (publisher_.connected()) {
      std::deque<Delivery> none;
      if (auto ok = publisher_.poll(none); !ok) on_error(ok.error(), publisher_);
    }
  }
  while (out.size() < max_messages && !incoming_.empty()) {
    // Earlier queues first (consume --queues order); the broker interleaves them.
    auto best = incoming_.begin();
    if (consumer_tags_.size() > 1) {
      auto best_rank = queue_rank(best->consumer_tag);
      for (auto it = std::next(best); it != incoming_.end() && best_rank > 0; ++it) {
        if (auto rank = queue_rank(it->consumer_tag); rank < best_rank) {
          best = it;
          best_rank = rank;
        }
      }
    }
    out.push_back(to_received(*best));
    incoming_.erase(best);
  }
  return out;
}

core::Status AmqpTransport::ack(const ReceivedMessage& message) {
  if ((message.tag >> kGenerationShift) != (generation_ & 0xFFFF) || !consumer_.connected()) {
    spdlog::debug("transport \"{}\": not acking message {} of a previous connection; the broker redelivers it", name(),
                  message.id);
    return {};
  }
  const std::uint64_t tag = message.tag & kDeliveryTagMask;
  settle(tag);
  if (open_tags_.empty() || tag < open_tags_.front()) {
    // Every earlier delivery is settled: held, and covered later by one multiple ack.
    held_ack_upto_ = std::max(held_ack_upto_, tag);
    const auto now = Clock::now();
    if (held_acks_++ == 0) held_since_ = now;
    if (held_acks_ >= ack_batch_limit() || now - held_since_ >= kAckDelay) return flush_acks();
    return {};
  }
  // An earlier delivery is still open (being handled, fetched ahead, in a batch): alone, now.
  if (auto ok = consumer_.ack(tag); !ok) return std::unexpected(on_error(ok.error(), consumer_));
  return {};
}

core::Status AmqpTransport::reject(const ReceivedMessage& message) {
  if ((message.tag >> kGenerationShift) != (generation_ & 0xFFFF) || !consumer_.connected()) {
    spdlog::debug("transport \"{}\": not rejecting message {} of a previous connection; the broker redelivers it", name(),
                  message.id);
    return {};
  }
  // Acks of the messages handled before go first (a nack breaks a run of acks anyway).
  if (auto ok = flush_acks(); !ok) return ok;
  const std::uint64_t tag = message.tag & kDeliveryTagMask;
  settle(tag);
  if (auto ok = consumer_.nack(tag, false); !ok) return std::unexpected(on_error(ok.error(), consumer_));
  return {};
}

void AmqpTransport::give_back(ReceivedMessage message) {
  // The worker gives back what it fetched ahead when it stops or decides after a failure: the
  // acks of what it handled go out now rather than wait behind the returned message.
  if (auto ok = flush_acks(); !ok) spdlog::warn("transport \"{}\": {}", name(), ok.error().message);
  returned_.push_front(std::move(message));
}

Readiness AmqpTransport::readiness() {
  Readiness r;
  const auto now = Clock::now();
  // Held acks wait at most kAckDelay, also while the worker is idle: it wakes for them (get()).
  if (held_acks_ > 0) {
    r.max_wait = std::max(milliseconds(0), std::chrono::ceil<milliseconds>(held_since_ + kAckDelay - now));
  }
  if (!consumer_.connected()) {
    r.max_wait = std::min(r.max_wait, std::chrono::duration_cast<milliseconds>(
                                          std::max(next_connect_attempt_ - now, Clock::duration::zero())));
    return r;
  }
  if (!incoming_.empty() || !returned_.empty() || consumer_.has_buffered_input()) {
    r.max_wait = milliseconds(0);  // bytes librabbitmq already read would not wake poll()
    return r;
  }
  r.fd = consumer_.fd();
  if (auto interval = heartbeat_interval()) r.max_wait = std::min(r.max_wait, *interval);
  return r;
}

std::optional<std::chrono::milliseconds> AmqpTransport::heartbeat_interval() const {
  int seconds = 0;
  for (const auto* c : {&publisher_, &consumer_}) {
    if (c->connected() && c->heartbeat_seconds() > 0) {
      seconds = seconds == 0 ? c->heartbeat_seconds() : std::min(seconds, c->heartbeat_seconds());
    }
  }
  // Held acks go out within kAckDelay also while a long handler runs (heartbeat() sends them).
  if (held_acks_ > 0) return seconds == 0 ? kAckDelay : std::min(kAckDelay, milliseconds(seconds * 1000 / 2));
  if (seconds == 0) return std::nullopt;
  return milliseconds(seconds * 1000 / 2);
}

void AmqpTransport::heartbeat() {
  // Reads what arrived (deliveries are kept for get(), not lost) and sends heartbeats when due.
  if (auto ok = flush_acks(); !ok) spdlog::warn("transport \"{}\": {}", name(), ok.error().message);
  if (consumer_.connected()) {
    if (auto ok = read_deliveries(); !ok) on_error(ok.error(), consumer_);
  }
  if (publisher_.connected()) {
    std::deque<Delivery> none;
    if (auto ok = publisher_.poll(none); !ok) on_error(ok.error(), publisher_);
  }
}

core::Result<std::vector<std::pair<std::string, std::int64_t>>> AmqpTransport::queue_message_counts() {
  if (auto ok = ensure_publisher(); !ok) return std::unexpected(ok.error());
  std::vector<std::pair<std::string, std::int64_t>> counts;
  for (const auto& q : settings_.queues) {
    auto count = publisher_.declare_queue(q.name, q.flags, q.arguments, true);
    if (!count) return std::unexpected(on_error(count.error(), publisher_));
    counts.emplace_back(q.name, static_cast<std::int64_t>(*count));
  }
  return counts;
}

core::Result<std::int64_t> AmqpTransport::message_count() {
  auto counts = queue_message_counts();
  if (!counts) return std::unexpected(counts.error());
  std::int64_t total = 0;
  for (const auto& [queue, count] : *counts) total += count;
  return total;
}

core::Status AmqpTransport::select_queues(const std::vector<std::string>& queues) {
  std::vector<std::string> selected;
  for (const auto& queue : queues) {
    const bool known = std::any_of(settings_.queues.begin(), settings_.queues.end(), [&](const AmqpQueue& q) { return q.name == queue; });
    if (!known) {
      std::string names;
      for (const auto& q : settings_.queues) names += (names.empty() ? "" : ", ") + q.name;
      return std::unexpected(core::make_error(core::ErrorKind::invalid_argument, "transport \"" + name() + "\" has no queue \"" +
                                                                                      queue + "\"; its queues: " + names));
    }
    selected.push_back(queue);
  }
  if (selected.empty()) return {};
  consume_queues_ = std::move(selected);
  if (consumer_.connected()) {
    (void)flush_acks();
    consumer_.close();  // consume again, from the selected queues only
    forget_channel();
  }
  return {};
}

}  // namespace messengerd::transport::amqp
