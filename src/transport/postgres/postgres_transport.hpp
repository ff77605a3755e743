#pragma once
// postgresql:// and doctrine://NAME (PostgreSQL connection): Symfony's Doctrine transport on
// PostgreSQL, sharing its table with PHP workers (docs/symfony-wire-spec.md §4,
// docs/transports/postgres.md).
//
// Rows: body = encoded body, headers = json_encode(headers), created_at/available_at/
// delivered_at = UTC 'Y-m-d H:i:s' from this process's clock (as PHP writes them with its
// default timezone UTC), available_at = now + delay (whole seconds).
//
// get() claims up to `prefetch` due rows of the selected queues in ONE statement (one
// transaction): it deletes the acks deferred so far, selects the oldest due rows
// (`(delivered_at IS NULL OR delivered_at < now - redeliver_timeout) AND available_at <= now`,
// ORDER BY available_at as Symfony (the index order), FOR UPDATE SKIP LOCKED: concurrent
// workers never get the same row and never wait for each other) and sets their delivered_at =
// now: one prepared statement, one round trip per `prefetch` rows. delivery_count is 1 for a row
// whose delivered_at was NULL, 2 (a lower bound: the table keeps no count) for one claimed again
// after redeliver_timeout. Rows are handed out one by one; ack() and reject() defer the DELETE
// to the next claim, which carries it (or to idle, count, shutdown): no round trip of their own.
// A crash before that only means those rows come again after redeliver_timeout
// (at-least-once). Claimed rows not handed out are released (delivered_at = NULL) at shutdown or
// after a reconnect.
//
// Idle: LISTEN on the table's channel (Symfony's notify trigger fires on INSERT and UPDATE with
// the queue name as payload); readiness() offers the libpq socket and bounds the wait by
// check_delayed_interval, by get_notify_timeout (when > 0) and by when the next delayed row or
// expired delivery becomes due.
//
// Connection loss: every call reconnects when the connection is gone, with capped exponential
// backoff, logged once per outage (redacted). get() then returns nothing instead of an error;
// acks that failed are kept and deleted after the reconnect. Deadlocks and serialization
// failures are retried transparently (connection.hpp). An undecodable row is returned with
// decode_error set and its raw body.
// Threading: one thread at a time (the worker's loop thread); one connection per transport.
#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "serializer/serializer.hpp"
#include "transport/postgres/connection.hpp"
#include "transport/postgres/settings.hpp"
#include "transport/roles.hpp"
#include "transport/transport.hpp"

namespace messengerd::transport::postgres {

class PostgresTransport final : public Transport,
                                public MessageCountAware,
                                public QueueMessageCountAware,
                                public Listable,
                                public QueueReceiver,
                                public Setupable,
                                public Returnable,
                                public Keepalive {
 public:
  using Clock = std::function<std::chrono::system_clock::time_point()>;

  // Connects lazily, on first use. `clock` (tests) defaults to system_clock::now.
  PostgresTransport(std::string name, PostgresSettings settings, std::shared_ptr<const serializer::Serializer> serializer,
                    Clock clock = {});
  ~PostgresTransport() override;  // flushes deferred acks, releases claimed rows

  core::Result<std::string> send(const core::Envelope& envelope) override;  // into queue_name; the row id
  // Due rows of the selected queues, the first selected queue first, then by available_at
  // (rows due in the same second in index order, as Symfony).
  // Each envelope gets a TransportMessageIdStamp(row id), as Symfony's Doctrine receiver adds.
  core::Result<std::vector<ReceivedMessage>> get(std::size_t max_messages) override;
  core::Status ack(const ReceivedMessage& message) override;
  void give_back(ReceivedMessage message) override;  // back to the front of the prefetch buffer
  core::Status reject(const ReceivedMessage& message) override;
  Readiness readiness() override;
  void on_readable() override;

  // Rows of the selected queues waiting (never delivered or delivery expired), delayed included.
  core::Result<std::int64_t> message_count() override;
  // The same count per selected queue_name, in selection order (zero included).
  core::Result<std::vector<std::pair<std::string, std::int64_t>>> queue_message_counts() override;
  // Like Symfony's findAll: rows of the selected queues available now, by id.
  core::Result<std::vector<ReceivedMessage>> all(std::optional<std::size_t> limit) override;
  // The row with that id in the selected queues (delivered or not), like Symfony's find.
  core::Result<std::optional<ReceivedMessage>> find(const std::string& id) override;
  core::Status remove(const std::string& id) override;  // not_found when no such row in the queues
  core::Status select_queues(const std::vector<std::string>& queues) override;
  // Creates what is missing: table + indexes (never altering an existing table), and the notify
  // function + trigger, with Symfony's exact SQL (schema.hpp). Serialized by an advisory lock.
  core::Status setup() override;
  core::Status keepalive(const ReceivedMessage& message) override;  // delivered_at = now

  const PostgresSettings& settings() const { return settings_; }

 private:
  std::chrono::system_clock::time_point now() const;
  std::string epoch(std::chrono::system_clock::time_point t) const;  // seconds, for the SQL
  // Connects (after the backoff) when needed: LISTEN, auto_setup, pending acks and releases.
  core::Status ensure_connected();
  // Connection errors start (or continue) an outage; other errors pass unchanged.
  core::Error on_error(core::Error error);
  std::string claim_sql() const;
  core::Status claim_rows(std::size_t count);
  core::Status flush_deferred_deletes();
  core::Status release_rows(std::vector<std::int64_t> ids);
  core::Status touch_rows(const std::vector<std::int64_t>& ids);
  core::Status delete_row(const ReceivedMessage& message, std::string_view what);
  ReceivedMessage decode_row(std::string_view id, std::string body, std::optional<std::string_view> headers_json,
                             std::string queue) const;
  // Moves body and queue out of `row` (columns id, body, headers, queue_name, ...).
  ReceivedMessage decode_row(std::vector<std::optional<std::string>>& row) const;
  std::string queues_array() const;  // the selected queues as a text[] literal
  std::optional<std::chrono::milliseconds> next_due_wait();

  PostgresSettings settings_;
  std::shared_ptr<const serializer::Serializer> serializer_;
  Clock clock_;
  std::string table_;  // settings_.table_name, written into SQL
  std::vector<std::string> queues_;
  std::string claim_sql_;  // claim_sql(), prepared per connection
  std::unique_ptr<Connection> connection_;
  bool set_up_ = false;

  // Outage bookkeeping (see on_error).
  std::chrono::steady_clock::time_point next_connect_attempt_{};
  std::chrono::milliseconds backoff_{0};
  bool outage_logged_ = false;
  std::chrono::steady_clock::time_point outage_since_{};

  std::deque<ReceivedMessage> buffer_;          // claimed (delivered_at set), not yet handed out
  std::chrono::system_clock::time_point claimed_at_{};
  std::set<std::string> handed_out_;            // handed out, not yet acked or rejected
  std::vector<std::int64_t> deferred_deletes_;  // acked or rejected, DELETE not yet committed
  std::vector<std::int64_t> to_release_;        // claimed before a connection loss, not handed out
  std::optional<std::chrono::milliseconds> idle_wait_;  // computed once per idle round
  bool notified_ = false;                       // a notification for our queues is pending
};

}  // namespace messengerd::transport::postgres
