#pragma once
// sqlite:// and doctrine://NAME (SQLite connection): the embedded, durable default transport,
// sharing its table with Symfony's Doctrine transport (docs/symfony-wire-spec.md §4,
// docs/transports/sqlite.md).
//
// Rows: body = encoded body, headers = json_encode(headers) (serializer::php_json_headers),
// created_at/available_at/delivered_at as UTC 'Y-m-d H:i:s', available_at = now + delay
// (seconds). get() marks the rows it returns delivered inside one BEGIN IMMEDIATE transaction,
// so two connections (processes) never receive the same row; a row delivered longer than
// redeliver_timeout ago is delivered again (its consumer is presumed dead). ack() and reject()
// delete the row.
//
// Batching the work, not the guarantees: get() claims up to `prefetch` rows in one transaction
// and hands them out one by one; the DELETEs of acked rows are committed together with the next
// claim (or when `prefetch` of them wait, when counting, at shutdown). A crash before that
// commit only means those rows come again after redeliver_timeout (at-least-once). Claimed rows
// not yet handed out are released (delivered_at = NULL) at shutdown, so `consume --limit`
// leaves nothing stranded, and re-marked if they were held for half of redeliver_timeout.
//
// Errors: SQLITE_BUSY beyond busy_timeout => ErrorKind::connection; anything else =>
// ErrorKind::internal with SQLite's message and the file path. An undecodable row is returned
// with decode_error set and its raw body, never dropped.
// Threading: one thread at a time (the worker's loop thread); one connection per transport.
#include <chrono>
#include <deque>
#include <set>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "serializer/serializer.hpp"
#include "transport/roles.hpp"
#include "transport/sqlite/change_watcher.hpp"
#include "transport/sqlite/database.hpp"
#include "transport/sqlite/settings.hpp"
#include "transport/transport.hpp"

namespace messengerd::transport::sqlite {

class SqliteTransport final : public Transport,
                              public MessageCountAware,
                              public Returnable,
                              public Listable,
                              public QueueReceiver,
                              public Setupable,
                              public Keepalive {
 public:
  using Clock = std::function<std::chrono::system_clock::time_point()>;

  // Opens the database (WAL, busy_timeout, synchronous). The table is created on first use when
  // auto_setup is on. `clock` (tests) defaults to system_clock::now.
  static core::Result<std::unique_ptr<SqliteTransport>> open(std::string name, SqliteSettings settings,
                                                             std::shared_ptr<const serializer::Serializer> serializer,
                                                             Clock clock = {});
  ~SqliteTransport() override;

  // Inserts into the configured queue_name; returns the row id.
  core::Result<std::string> send(const core::Envelope& envelope) override;
  // Due rows of the selected queues, first queue drained first, then by available_at, id.
  // Each envelope gets a TransportMessageIdStamp(row id), as Symfony's Doctrine receiver adds.
  core::Result<std::vector<ReceivedMessage>> get(std::size_t max_messages) override;
  core::Status ack(const ReceivedMessage& message) override;     // DELETE by id
  void give_back(ReceivedMessage message) override;  // back to the front of the prefetch buffer
  core::Status reject(const ReceivedMessage& message) override;  // DELETE by id
  // inotify fd on the database files; max_wait until the earliest delayed message is due or the
  // oldest delivery expires.
  Readiness readiness() override;
  void on_readable() override;

  // Rows of the selected queues not being handled (never delivered, or delivery expired),
  // delayed ones included (roles.hpp). Symfony's getMessageCount leaves delayed rows out.
  core::Result<std::int64_t> message_count() override;
  // Like Symfony's findAll: rows of the selected queues available now, by id.
  core::Result<std::vector<ReceivedMessage>> all(std::optional<std::size_t> limit) override;
  // Any row with that id in the selected queues (delivered or not).
  core::Result<std::optional<ReceivedMessage>> find(const std::string& id) override;
  core::Status remove(const std::string& id) override;  // not_found when no such row in the queues
  core::Status select_queues(const std::vector<std::string>& queues) override;
  // CREATE TABLE + indexes exactly as Doctrine, when the table does not exist; an existing
  // table is never altered.
  core::Status setup() override;
  core::Status keepalive(const ReceivedMessage& message) override;  // delivered_at = now

  const SqliteSettings& settings() const { return settings_; }
  const std::vector<std::string>& queues() const { return queues_; }

 private:
  SqliteTransport(std::string name, SqliteSettings settings, std::unique_ptr<Database> db,
                  std::shared_ptr<const serializer::Serializer> serializer, Clock clock);

  struct Statements {
    Statement insert, select_due_by_time, select_due_by_queue, mark_delivered, remove_by_id, remove_in_queue;
    Statement count, list, find, next_available, oldest_delivered, touch, count_queue, count_all, undeliver;
  };
  // Which index get() walks for a queue (see choose_plans in the .cpp).
  enum class Plan { by_time, by_queue };

  std::chrono::system_clock::time_point now() const;
  core::Status ensure_ready();
  core::Status delete_row(const ReceivedMessage& message, std::string_view what);
  ReceivedMessage decode_row(std::int64_t id, std::string_view body, std::string_view headers,
                             std::string queue) const;
  std::optional<std::int64_t> parse_id(std::string_view id) const;
  core::Status choose_plans();
  // Deletes the deferred acks (inside the caller's transaction when one is open).
  core::Status run_deferred_deletes();
  core::Status flush_deferred_deletes();  // in a transaction of its own
  core::Status release_buffer();          // claimed rows not handed out go back to the queue
  core::Status claim_rows(std::size_t count);

  SqliteSettings settings_;
  std::unique_ptr<Database> db_;
  std::shared_ptr<const serializer::Serializer> serializer_;
  Clock clock_;
  std::vector<std::string> queues_;
  std::unique_ptr<Statements> statements_;  // prepared once the table exists
  std::vector<Plan> plans_;                 // one per selected queue
  std::uint64_t gets_since_plan_ = 0;
  std::unique_ptr<ChangeWatcher> watcher_;
  std::deque<ReceivedMessage> buffer_;          // claimed (delivered_at set), not yet handed out
  std::chrono::system_clock::time_point claimed_at_{};
  std::set<std::string> handed_out_;            // handed out, not yet acked or rejected
  std::vector<std::int64_t> deferred_deletes_;  // acked or rejected, DELETE not yet committed
};

}  // namespace messengerd::transport::sqlite
