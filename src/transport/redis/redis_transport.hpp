#pragma once
// Symfony's Redis streams transport, byte-compatible (docs/symfony-wire-spec.md §2), with
// what Symfony's lacks: atomic delayed-message promotion, claiming every idle entry per
// interval (XAUTOCLAIM), a pending-list cursor for restarts, listing for failed:*, and a
// blocking read that does not block the worker (see get()).
//
// Two connections: `commands_` for everything synchronous, `reader_` only for reads of new
// entries sent asynchronously (read_in_flight_): the next batch's XREADGROUP, sent with the
// acks so far as soon as a batch is handed out, so that Redis prepares the next batch while
// the worker handles this one (no round trip waited for per batch while entries keep coming);
// and the idle worker's XREADGROUP … BLOCK, whose socket is the Readiness fd, so the worker
// sleeps in poll() with its signal fd and wakes the moment an entry arrives.
#include <chrono>
#include <deque>
#include <memory>
#include <optional>
#include <set>
#include <string>

#include "serializer/serializer.hpp"
#include "transport/redis/connection.hpp"
#include "transport/redis/sentinel.hpp"
#include "transport/redis/settings.hpp"
#include "transport/roles.hpp"

namespace messengerd::transport::redis {

class RedisTransport final : public Transport,
                             public MessageCountAware,
                             public Returnable,
                             public Listable,
                             public Setupable,
                             public Keepalive {
 public:
  RedisTransport(std::string name, RedisSettings settings, std::shared_ptr<const serializer::Serializer> serializer,
                 SentinelSettings sentinel = {});
  ~RedisTransport() override;

  core::Result<std::string> send(const core::Envelope& envelope) override;
  core::Result<std::vector<ReceivedMessage>> get(std::size_t max_messages) override;
  core::Status ack(const ReceivedMessage& message) override;
  void give_back(ReceivedMessage message) override;  // back to the front of the prefetch buffer
  core::Status reject(const ReceivedMessage& message) override;
  Readiness readiness() override;
  void on_readable() override;

  core::Result<std::int64_t> message_count() override;
  core::Result<std::vector<ReceivedMessage>> all(std::optional<std::size_t> limit) override;
  core::Result<std::optional<ReceivedMessage>> find(const std::string& id) override;
  core::Status remove(const std::string& id) override;
  core::Status setup() override;
  core::Status keepalive(const ReceivedMessage& message) override;

  const RedisSettings& settings() const { return settings_; }

 private:
  using Clock = std::chrono::steady_clock;

  // Connects (and sets up once) when needed; during an outage, fails fast until the next
  // backoff attempt is due and logs the outage once.
  core::Status ensure_connected();
  // A failed command: a lost connection starts (or continues) the outage and its backoff.
  core::Error on_error(core::Error error);
  core::Status promote_due_delayed();
  core::Status claim_idle_entries();
  core::Status read_own_pending();
  core::Status read_new_entries();
  // Sends the XREADGROUP of read_in_flight_ on reader_: a read-ahead carries the deferred
  // acks in front of it; a blocking read waits in Redis up to settings_.block.
  core::Status start_read(bool blocking);
  // Takes the replies of the read in flight that have arrived (`wait`: waits for all of them).
  core::Status collect_read(bool wait);
  // Appends the entries of an XREADGROUP / XAUTOCLAIM / XRANGE entry array to `out`, with
  // `delivery_count` (see ReceivedMessage); entries trimmed away (nil fields) are acked and
  // skipped with a warning.
  void take_entries(const redisReply* entries, std::deque<ReceivedMessage>& out, bool ack_trimmed,
                    std::uint32_t delivery_count = 0);
  // Replaces the lower bound of out[from..] (entries read again from our pending list, or
  // claimed) by the times-delivered Redis keeps, in one XPENDING: only on those rare paths.
  // Fails only when the connection does (the caller's on_error then drops the buffer).
  core::Status read_delivery_counts(std::deque<ReceivedMessage>& out, std::size_t from);
  core::Status finish(const ReceivedMessage& message, bool delete_entry, std::string_view what);
  // At shutdown: what was fetched and not handled becomes claimable by other workers at once.
  void release_buffered();
  // Sends the acks collected since the last round trip, in one XACK (+ one XDEL).
  core::Status flush_acks();
  // XACK (+ XDEL when delete_after_ack) of `ids`; none when empty.
  std::vector<std::vector<std::string_view>> ack_commands(const std::vector<std::string>& ids) const;

  RedisSettings settings_;  // with Sentinel, settings_.endpoint is the master last asked for
  std::shared_ptr<const serializer::Serializer> serializer_;
  SentinelSettings sentinel_;
  Connection commands_;
  Connection reader_;
  bool set_up_ = false;
  bool reading_pending_ = true;      // after start and after a claim: own pending list first
  std::string pending_cursor_ = "0";  // walk the pending list forward, never twice (#44400)
  struct ReadInFlight {
    bool blocking = false;
    std::vector<std::string> acks;  // carried in front of the read: replies to skip first
    std::size_t ack_replies_left = 0;
  };
  // Its acks go back to deferred_acks_ if the connection fails before Redis answered them.
  std::optional<ReadInFlight> read_in_flight_;
  std::deque<ReceivedMessage> buffer_;  // fetched, in our pending list, not yet handed out
  std::set<std::string> handed_out_;    // given to the worker, not yet acked or rejected
  // Acked by the worker, not yet told to Redis: sent with the next round trip (at the latest
  // before the next read, before idling, at shutdown). A crash in between redelivers them:
  // at-least-once, never lost, and one round trip per batch instead of one per message.
  std::vector<std::string> deferred_acks_;
  Clock::time_point next_delayed_check_{};
  Clock::time_point next_claim_;
  Clock::time_point next_connect_attempt_{};
  std::chrono::milliseconds backoff_{0};
  bool outage_logged_ = false;
  Clock::time_point outage_since_{};
  std::optional<std::int64_t> next_delayed_due_ms_;  // epoch ms of the earliest delayed entry
};

}  // namespace messengerd::transport::redis
