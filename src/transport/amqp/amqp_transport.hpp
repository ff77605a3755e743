#pragma once
// Symfony 5.4's AMQP transport, wire-compatible (docs/symfony-wire-spec.md §3,
// docs/transports/amqp.md): the same exchange, queues, bindings, delay exchange and delay
// queues, the same message properties and headers; plus what a long-running worker needs:
// push consumption (basic.consume + basic.qos) instead of basic.get polling, publisher
// confirms on every send, heartbeats serviced while handlers run, reconnects with backoff.
//
// Two connections, each with one channel: `publisher_` (confirm mode; declarations, counts and
// publishing) and `consumer_` (consumers on the queues; its socket is the Readiness fd). They
// are opened lazily, so a transport used only to send never consumes and the reverse.
//
// Acknowledgement: a delivery is acked (basic.ack) or rejected (basic.nack, no requeue, like
// Symfony) on the channel it came from. A ReceivedMessage::tag holds the consumer connection's
// generation in its top 16 bits: after a reconnect, an ack for an old delivery is skipped (a
// tag is only meaningful on its channel, symfony/symfony#49029); the broker redelivers it.
//
// Acks are batched: an ack of a handled delivery is held back and sent later as one
// `basic.ack multiple=true` up to the highest held tag — only while every earlier delivery of
// the channel was handled successfully (acked) or settled otherwise, so a multiple ack never
// covers a message that was not handled. An ack whose earlier deliveries are still open (being
// handled, fetched ahead, given back, waiting in a batch) is sent alone at once. Held acks are
// sent when half the prefetch window is held (the broker keeps delivering), before a nack,
// before a message is given back, before reading the socket finds nothing new, when the worker
// goes idle, during a long handler (within kAckDelay), and at shutdown. A crash before that
// only redelivers handled messages: at-least-once.
#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "serializer/serializer.hpp"
#include "transport/amqp/connection.hpp"
#include "transport/amqp/settings.hpp"
#include "transport/roles.hpp"

namespace messengerd::transport::amqp {

// The non-sendable stamp put on received envelopes (Symfony's AmqpReceivedStamp): the queue
// and routing key, so a retry goes back to its queue only (Symfony's AmqpSender).
inline constexpr std::string_view kAmqpReceivedStamp = "Symfony\\Component\\Messenger\\Bridge\\Amqp\\Transport\\AmqpReceivedStamp";

class AmqpTransport final : public Transport,
                            public MessageCountAware,
                            public QueueMessageCountAware,
                            public Setupable,
                            public QueueReceiver,
                            public Returnable,
                            public Heartbeat {
 public:
  AmqpTransport(std::string name, AmqpSettings settings, std::shared_ptr<const serializer::Serializer> serializer);
  ~AmqpTransport() override;

  // Publishes and waits for the broker's confirm (settings.confirm_timeout). A DelayStamp
  // sends through the delay exchange and a delay queue (Symfony's names and arguments).
  core::Result<std::string> send(const core::Envelope& envelope) override;
  core::Result<std::vector<ReceivedMessage>> get(std::size_t max_messages) override;
  core::Status ack(const ReceivedMessage& message) override;
  core::Status reject(const ReceivedMessage& message) override;
  Readiness readiness() override;
  void on_readable() override {}

  // Ready messages in every queue of the transport (passive queue.declare), like Symfony.
  core::Result<std::int64_t> message_count() override;
  core::Result<std::vector<std::pair<std::string, std::int64_t>>> queue_message_counts() override;
  // Exchange, queues, bindings and the delay exchange (Symfony's Connection::setup()).
  core::Status setup() override;
  core::Status select_queues(const std::vector<std::string>& queues) override;
  std::optional<std::chrono::milliseconds> heartbeat_interval() const override;
  void heartbeat() override;
  // Handed out first by the next get(); its delivery tag (and generation) stay as they were.
  void give_back(ReceivedMessage message) override;

  const AmqpSettings& settings() const { return settings_; }
  // Incremented at each consumer (re)connect; the top 16 bits of ReceivedMessage::tag.
  std::uint32_t generation() const { return generation_; }
  std::size_t held_acks() const { return held_acks_; }  // handled, their basic.ack not sent yet
  // Deliveries received and not yet handed out by get() (tests: await what heartbeat() read).
  std::size_t buffered() const { return incoming_.size() + returned_.size(); }

 private:
  using Clock = std::chrono::steady_clock;

  core::Status ensure_publisher();
  core::Status ensure_consumer();
  // Backoff gate shared by both connections: fails fast until the next attempt is due.
  core::Status may_connect() const;
  // A failed call: when it cost a connection, starts (or continues) the outage, logged once.
  // Only a failed connect delays the next attempt (capped exponential backoff): a connection
  // found lost is reopened at once.
  core::Error on_error(core::Error error, const Connection& failed, bool connect_failed = false);
  void on_connected();
  core::Status declare_topology(Connection& connection);
  core::Status declare_delay_queue(const std::string& name, std::int64_t delay_ms, const std::string& routing_key,
                                   bool retry);
  core::Status publish(const core::Envelope& envelope);
  ReceivedMessage to_received(Delivery& delivery);
  // The AmqpReceivedStamp JSON for a delivery (see to_received), from received_stamp_cache_
  // when the delivery carries what the last one did.
  const std::string& received_stamp_json(const std::string& queue, Delivery& delivery,
                                         const serializer::Headers& encoded_headers);
  std::size_t queue_rank(const std::string& consumer_tag) const;
  // The deliveries of the current channel are forgotten (reconnect, queue selection).
  void forget_channel();
  // consumer_.poll into incoming_, noting the new deliveries as open.
  core::Status read_deliveries();
  // Sends the held acks as one basic.ack multiple=true.
  core::Status flush_acks();
  // The delivery tag is settled (acked or nacked): no longer open.
  void settle(std::uint64_t delivery_tag);
  // Held acks are sent after this many (half the prefetch window, at least 1).
  std::size_t ack_batch_limit() const;

  AmqpSettings settings_;
  std::shared_ptr<const serializer::Serializer> serializer_;
  Connection publisher_;
  Connection consumer_;
  bool delay_exchange_declared_ = false;  // on the current publisher connection
  std::map<std::string, Clock::time_point> delay_queues_declared_;  // name -> when (lease renewals)
  std::vector<std::string> consume_queues_;                         // in priority order
  std::vector<std::pair<std::string, std::string>> consumer_tags_;  // consumer tag -> queue
  std::deque<Delivery> incoming_;  // received, not yet handed out (bounded by prefetch_count)
  std::deque<ReceivedMessage> returned_;  // given back by the worker, handed out before incoming_
  // Delivery tags of the current channel neither acked nor nacked yet, ascending (bounded by
  // prefetch_count): received, handed out, being handled or given back.
  std::deque<std::uint64_t> open_tags_;
  // Acks held back (see above): all below open_tags_.front(); the highest and how many.
  std::uint64_t held_ack_upto_ = 0;
  std::size_t held_acks_ = 0;
  Clock::time_point held_since_{};
  std::uint32_t generation_ = 0;
  // Consecutive deliveries nearly always carry the same properties and headers (one producer,
  // one queue): their received stamp is encoded once, not once per message.
  struct ReceivedStampCache {
    bool valid = false;
    std::string queue, routing_key;
    serializer::Headers properties, custom_headers;
    std::string json;
  } received_stamp_cache_;
  Clock::time_point next_connect_attempt_{};
  std::chrono::milliseconds backoff_{0};
  bool outage_logged_ = false;
  Clock::time_point outage_since_{};
};

}  // namespace messengerd::transport::amqp
