#include "transport/postgres/postgres_transport.hpp"

#include <algorithm>
#include <charconv>

#include <spdlog/spdlog.h>

#include "serializer/php_json.hpp"
#include "serializer/stamps.hpp"
#include "transport/doctrine_row.hpp"
#include "transport/postgres/schema.hpp"

namespace messengerd::transport::postgres {
namespace {

using std::chrono::milliseconds;
using std::chrono::system_clock;
using SteadyClock = std::chrono::steady_clock;

constexpr milliseconds kFirstBackoff{100};
constexpr milliseconds kMaxBackoff{10000};

// A timestamp parameter: epoch seconds of this process's clock, as the UTC 'Y-m-d H:i:s' value
// PHP writes (timestamp(0) without time zone; whole seconds, so nothing is rounded).
std::string ts(int n) { return "(to_timestamp($" + std::to_string(n) + "::bigint) AT TIME ZONE 'UTC')"; }

std::string id_array(const std::vector<std::int64_t>& ids) {
  std::string out = "{";
  for (std::size_t i = 0; i < ids.size(); ++i) out += (i ? "," : "") + std::to_string(ids[i]);
  return out + "}";
}

std::optional<std::int64_t> parse_id(std::string_view id) {
  std::int64_t value = 0;
  auto [end, ec] = std::from_chars(id.data(), id.data() + id.size(), value);
  if (ec != std::errc{} || end != id.data() + id.size() || value <= 0) return std::nullopt;
  return value;
}

std::optional<std::int64_t> int_field(const std::optional<std::string>& field) {
  if (!field) return std::nullopt;
  std::int64_t value = 0;
  auto [end, ec] = std::from_chars(field->data(), field->data() + field->size(), value);
  if (ec != std::errc{}) return std::nullopt;
  return value;
}

}  // namespace

PostgresTransport::PostgresTransport(std::string name, PostgresSettings settings,
                                     std::shared_ptr<const serializer::Serializer> serializer, Clock clock)
    : Transport(std::move(name)),
      settings_(std::move(settings)),
      serializer_(std::move(serializer)),
      clock_(std::move(clock)),
      table_(settings_.table_name),
      queues_{settings_.queue_name},
      claim_sql_(claim_sql()) {}

PostgresTransport::~PostgresTransport() {
  if (!connection_ || connection_->broken()) {
    if (!deferred_deletes_.empty() || !buffer_.empty()) {
      spdlog::warn("transport \"{}\": not connected at shutdown: {} acknowledged message(s) not deleted and {} claimed "
                   "message(s) not released; they are delivered again after redeliver_timeout",
                   name(), deferred_deletes_.size(), buffer_.size());
    }
    return;
  }
  if (auto s = flush_deferred_deletes(); !s) {
    spdlog::warn("transport \"{}\": {} acknowledged message(s) not deleted at shutdown ({}); they will be delivered again",
                 name(), deferred_deletes_.size(), s.error().message);
  }
  std::vector<std::int64_t> ids;
  for (const auto& m : buffer_) ids.push_back(static_cast<std::int64_t>(m.tag));
  if (auto s = release_rows(std::move(ids)); !s) {
    spdlog::warn("transport \"{}\": claimed messages not released at shutdown ({}); delivered again after "
                 "redeliver_timeout",
                 name(), s.error().message);
  }
}

system_clock::time_point PostgresTransport::now() const { return clock_ ? clock_() : system_clock::now(); }

std::string PostgresTransport::epoch(system_clock::time_point t) const {
  return std::to_string(std::chrono::floor<std::chrono::seconds>(t).time_since_epoch().count());
}

std::string PostgresTransport::queues_array() const {
  std::string out = "{";
  for (std::size_t i = 0; i < queues_.size(); ++i) {
    out += i ? ",\"" : "\"";
    for (char c : queues_[i]) {
      if (c == '"' || c == '\\') out += '\\';
      out += c;
    }
    out += '"';
  }
  return out + "}";
}

core::Error PostgresTransport::on_error(core::Error error) {
  if (error.kind != core::ErrorKind::connection) return error;
  connection_.reset();
  // Claimed rows not handed out go back to the queue once we are connected again.
  for (const auto& m : buffer_) to_release_.push_back(static_cast<std::int64_t>(m.tag));
  buffer_.clear();
  idle_wait_.reset();
  notified_ = false;
  const auto t = SteadyClock::now();
  backoff_ = backoff_.count() == 0 ? kFirstBackoff : std::min(backoff_ * 2, kMaxBackoff);
  next_connect_attempt_ = t + backoff_;
  if (!outage_logged_) {
    spdlog::error("transport \"{}\": {}; reconnecting with backoff (logged once per outage)", name(), error.message);
    outage_logged_ = true;
    outage_since_ = t;
  }
  return error;
}

core::Status PostgresTransport::ensure_connected() {
  if (connection_ && !connection_->broken()) {
    // A setup that failed (e.g. no CREATE privilege) is tried again, not skipped.
    if (settings_.auto_setup && !set_up_) return setup();
    return {};
  }
  if (connection_) return std::unexpected(on_error(core::make_error(core::ErrorKind::connection, "connection lost")));
  if (SteadyClock::now() < next_connect_attempt_) {
    return std::unexpected(core::make_error(core::ErrorKind::connection, "not connected to " + settings_.redacted_dsn));
  }
  auto connection = Connection::open(settings_.conninfo, settings_.redacted_dsn);
  if (!connection) return std::unexpected(on_error(connection.error()));
  connection_ = std::move(*connection);
  if (settings_.use_notify) {
    if (auto s = connection_->listen(table_); !s) return std::unexpected(on_error(s.error()));
  }
  if (settings_.auto_setup && !set_up_) {
    if (auto s = setup(); !s) return s;
  }
  if (outage_logged_) {
    const auto seconds = std::chrono::duration<double>(SteadyClock::now() - outage_since_).count();
    spdlog::info("transport \"{}\": reconnected to {} after {:.1f} s", name(), settings_.redacted_dsn, seconds);
  }
  outage_logged_ = false;
  backoff_ = milliseconds(0);
  // What the outage interrupted: acks to delete, claimed rows to give back.
  if (auto s = flush_deferred_deletes(); !s) return s;
  if (!to_release_.empty()) {
    if (auto s = release_rows(to_release_); !s) return s;
    to_release_.clear();
  }
  return {};
}

core::Status PostgresTransport::setup() {
  if (!connection_ || connection_->broken()) {
    if (auto s = ensure_connected(); !s) return s;
    if (set_up_) return {};  // auto_setup just did it
  }
  const std::string function = trigger_function_name(table_);
  auto done = connection_->transaction([&](Session& session) -> core::Status {
    // Several workers starting at once: one creates, the others then see it created.
    if (auto r = session.exec("SELECT pg_advisory_xact_lock(hashtext($1))", {"messengerd setup " + table_}); !r) {
      return std::unexpected(r.error());
    }
    if (auto r = session.exec("SET LOCAL client_min_messages = warning"); !r) return std::unexpected(r.error());
    auto table = session.exec("SELECT to_regclass($1)::text", {table_});
    if (!table) return std::unexpected(table.error());
    if (!table->rows.front().front()) {
      // Never ALTER an existing table: one PHP created (or a user changed) stays as it is.
      for (const auto& sql : create_table_sql(table_)) {
        if (auto r = session.exec(sql); !r) return std::unexpected(r.error());
      }
    }
    auto trigger = session.exec(
        "SELECT (SELECT count(*) FROM pg_trigger WHERE tgrelid = to_regclass($1) AND tgname = 'notify_trigger'), "
        "to_regproc($2)::text",
        {table_, function});
    if (!trigger) return std::unexpected(trigger.error());
    const auto& row = trigger->rows.front();
    if (row[0] == std::optional<std::string>("0") || !row[1]) {
      for (const auto& sql : create_trigger_sql(table_)) {
        if (auto r = session.exec(sql); !r) return std::unexpected(r.error());
      }
    }
    return {};
  });
  if (!done) {
    auto error = on_error(done.error());
    error.message = "transport \"" + name() + "\": setup of table " + table_ + ": " + error.message;
    return std::unexpected(std::move(error));
  }
  set_up_ = true;
  return {};
}

core::Result<std::string> PostgresTransport::send(const core::Envelope& envelope) {
  if (auto s = ensure_connected(); !s) return std::unexpected(s.error());
  const auto encoded = serializer_->encode(envelope);
  const auto t = now();
  // PHP: modify(sprintf('%+d seconds', $delay / 1000)): whole seconds, truncated toward zero.
  const std::int64_t delay_s = serializer::delay_ms(envelope).value_or(0) / 1000;
  auto rows = connection_->exec("INSERT INTO " + table_ +
                                    " (body, headers, queue_name, created_at, available_at) VALUES ($1, $2, $3, " +
                                    ts(4) + ", " + ts(5) + ") RETURNING id",
                                {encoded.body, serializer::php_json_headers(encoded.headers), settings_.queue_name,
                                 epoch(t), epoch(t + std::chrono::seconds(delay_s))});
  if (!rows) {
    auto error = on_error(rows.error());
    error.message = "transport \"" + name() + "\": send: " + error.message;
    return std::unexpected(std::move(error));
  }
  return rows->rows.front().front().value_or("");
}

core::Result<std::vector<ReceivedMessage>> PostgresTransport::get(std::size_t max_messages) {
  using Result = core::Result<std::vector<ReceivedMessage>>;
  std::vector<ReceivedMessage> out;
  idle_wait_.reset();
  notified_ = false;
  // A lost connection is an outage (logged once, retried after the backoff), not an error for
  // every poll: the worker finds nothing and waits.
  auto quiet = [&](const core::Error& error) -> Result {
    if (error.kind == core::ErrorKind::connection) return Result{std::in_place};
    return std::unexpected(error);
  };
  if (max_messages == 0) return out;
  if (auto s = ensure_connected(); !s) return quiet(s.error());
  // Rows held for half of redeliver_timeout could soon be taken by another worker: mark them again.
  if (!buffer_.empty() && now() - claimed_at_ > std::chrono::seconds(settings_.redeliver_timeout_s) / 2) {
    std::vector<std::int64_t> ids;
    for (const auto& m : buffer_) ids.push_back(static_cast<std::int64_t>(m.tag));
    if (auto s = touch_rows(ids); !s) return quiet(s.error());
    claimed_at_ = now();
  }
  if (buffer_.empty()) {
    if (settings_.use_notify) {
      // Whatever was notified so far, the claim below sees (drained only here: two system
      // calls, not worth making per message while the buffer serves).
      if (auto n = connection_->take_notifications(); !n) return quiet(on_error(n.error()));
    }
    if (auto s = claim_rows(std::max(max_messages, settings_.prefetch)); !s) return quiet(s.error());
  }
  while (!buffer_.empty() && out.size() < max_messages) {
    handed_out_.insert(buffer_.front().id);
    out.push_back(std::move(buffer_.front()));
    buffer_.pop_front();
  }
  return out;
}

std::string PostgresTransport::claim_sql() const {
  // One statement, one round trip, one transaction: the deferred DELETEs, then the oldest due
  // rows, locked (SKIP LOCKED: rows another worker is claiming right now are left to it) and
  // marked. The acked rows are excluded from the SELECT: all parts of a statement see the same
  // snapshot, in which they still exist. ORDER BY available_at alone, as Symfony: the
  // available_at index yields that order and the scan stops at LIMIT. Adding ", id" there made
  // PostgreSQL sort every due row of the queue first (rows sent in the same second tie): 270 ms
  // per claim at 65,000 waiting rows (bench/). RETURNING has no order: the outer SELECT sorts
  // the few claimed rows (ties by id, the order they were sent in). `due` keeps the
  // delivered_at the row had before (NULL: a first delivery) for delivery_count.
  return "WITH acked AS (DELETE FROM " + table_ + " WHERE id = ANY($1::bigint[])), "
         "due AS (SELECT id, delivered_at FROM " + table_ + " WHERE queue_name = $2 "
         "AND (delivered_at IS NULL OR delivered_at < " + ts(3) + ") AND available_at <= " + ts(4) +
         " AND NOT (id = ANY($1::bigint[])) ORDER BY available_at ASC LIMIT $5 FOR UPDATE SKIP LOCKED), "
         "claimed AS (UPDATE " + table_ + " m SET delivered_at = " + ts(4) + " FROM due WHERE m.id = due.id "
         "RETURNING m.id, m.body, m.headers, m.queue_name, m.available_at, due.delivered_at IS NOT NULL AS redelivered) "
         "SELECT id, body, headers, queue_name, redelivered FROM claimed ORDER BY available_at, id";
}

core::Status PostgresTransport::claim_rows(std::size_t count) {
  const auto t = now();
  // Several queues (--queues) are claimed one after the other, in their order, each with the
  // index scan above (one ORDER BY over all of them would sort them all); the deletes go with
  // the first. Prepared: the server parses and plans the claim once per connection.
  const std::string redeliver_limit = epoch(t - std::chrono::seconds(settings_.redeliver_timeout_s));
  std::size_t claimed = 0;
  for (const auto& queue : queues_) {
    if (claimed >= count) break;
    auto rows = connection_->exec_prepared(
        "messengerd_claim", claim_sql_,
        {id_array(deferred_deletes_), queue, redeliver_limit, epoch(t), std::to_string(count - claimed)},
        [&](RowView row) {
          auto message = decode_row(row[0].value_or(""), std::string(row[1].value_or("")), row[2],
                                    std::string(row[3].value_or("")));
          // Symfony's table keeps no count: a row delivered before is at least a second delivery.
          message.delivery_count = row[4] == std::optional<std::string_view>("t") ? 2 : 1;
          buffer_.push_back(std::move(message));
        });
    if (!rows) return std::unexpected(on_error(rows.error()));
    deferred_deletes_.clear();
    claimed_at_ = t;
    claimed += *rows;
  }
  return {};
}

ReceivedMessage PostgresTransport::decode_row(std::string_view id, std::string body,
                                              std::optional<std::string_view> headers_json, std::string queue) const {
  return decode_doctrine_row(std::string(id), static_cast<std::uint64_t>(parse_id(id).value_or(0)), std::move(body),
                             headers_json.value_or(""), std::move(queue), table_, *serializer_);
}

ReceivedMessage PostgresTransport::decode_row(std::vector<std::optional<std::string>>& row) const {
  const auto& headers = row[2];
  return decode_row(row[0].value_or(""), std::move(row[1]).value_or(""),
                    headers ? std::optional<std::string_view>(*headers) : std::nullopt, std::move(row[3]).value_or(""));
}

core::Status PostgresTransport::flush_deferred_deletes() {
  if (deferred_deletes_.empty()) return {};
  if (!connection_ || connection_->broken()) {
    return std::unexpected(core::make_error(core::ErrorKind::connection, "not connected to " + settings_.redacted_dsn));
  }
  auto done = connection_->exec("DELETE FROM " + table_ + " WHERE id = ANY($1::bigint[])", {id_array(deferred_deletes_)});
  if (!done) return std::unexpected(on_error(done.error()));
  deferred_deletes_.clear();
  return {};
}

core::Status PostgresTransport::release_rows(std::vector<std::int64_t> ids) {
  if (ids.empty()) return {};
  auto done = connection_->exec("UPDATE " + table_ + " SET delivered_at = NULL WHERE id = ANY($1::bigint[])",
                                {id_array(ids)});
  if (!done) return std::unexpected(on_error(done.error()));
  return {};
}

core::Status PostgresTransport::touch_rows(const std::vector<std::int64_t>& ids) {
  auto done = connection_->exec("UPDATE " + table_ + " SET delivered_at = " + ts(1) + " WHERE id = ANY($2::bigint[])",
                                {epoch(now()), id_array(ids)});
  if (!done) return std::unexpected(on_error(done.error()));
  return {};
}

core::Status PostgresTransport::delete_row(const ReceivedMessage& message, std::string_view what) {
  auto id = parse_id(message.id);
  if (!id) {
    return std::unexpected(core::make_error(core::ErrorKind::invalid_argument, "transport \"" + name() + "\": cannot " +
                                                                                   std::string(what) + " message id \"" +
                                                                                   message.id + "\": not a row id"));
  }
  auto connected = ensure_connected();
  if (connected) {
    // A row already gone (removed by an operator) is acknowledged all the same, as in Symfony.
    auto done = connection_->exec("DELETE FROM " + table_ + " WHERE id = $1", {message.id});
    if (done) return {};
    connected = std::unexpected(on_error(done.error()));
  }
  // Not lost either way: deleted after the reconnect, or delivered again after redeliver_timeout.
  if (connected.error().kind == core::ErrorKind::connection) deferred_deletes_.push_back(*id);
  return connected;
}

void PostgresTransport::give_back(ReceivedMessage message) {
  handed_out_.erase(message.id);
  buffer_.push_front(std::move(message));
}

core::Status PostgresTransport::ack(const ReceivedMessage& message) {
  const bool ours = handed_out_.erase(message.id) == 1;
  // A message this transport handed out: its DELETE goes with the next claim (see header).
  if (settings_.prefetch > 1 && ours && message.tag != 0) {
    // No round trip of its own: the next claim deletes it (at most about one prefetch of
    // handled rows wait), or going idle does.
    deferred_deletes_.push_back(static_cast<std::int64_t>(message.tag));
    return {};
  }
  return delete_row(message, "ack");
}

core::Status PostgresTransport::reject(const ReceivedMessage& message) {
  const bool ours = handed_out_.erase(message.id) == 1;
  if (settings_.prefetch > 1 && ours && message.tag != 0) {
    deferred_deletes_.push_back(static_cast<std::int64_t>(message.tag));
    return {};
  }
  return delete_row(message, "reject");
}

std::optional<milliseconds> PostgresTransport::next_due_wait() {
  const auto t = now();
  auto rows = connection_->exec(
      "SELECT EXTRACT(EPOCH FROM (SELECT min(available_at) FROM " + table_ +
          " WHERE queue_name = ANY($1::text[]) AND delivered_at IS NULL AND available_at > " + ts(2) +
          "))::bigint, EXTRACT(EPOCH FROM (SELECT min(delivered_at) FROM " + table_ +
          " WHERE queue_name = ANY($1::text[])))::bigint",
      {queues_array(), epoch(t)});
  if (!rows) {
    spdlog::warn("transport \"{}\": {}", name(), on_error(rows.error()).message);
    return std::nullopt;
  }
  const auto& row = rows->rows.front();
  std::optional<std::int64_t> wake_s;
  if (auto available = int_field(row[0])) wake_s = *available;
  // `delivered_at < now - timeout` holds from the second after delivered_at + timeout.
  if (auto delivered = int_field(row[1])) {
    const auto expiry = *delivered + settings_.redeliver_timeout_s + 1;
    wake_s = wake_s ? std::min(*wake_s, expiry) : expiry;
  }
  if (!wake_s) return std::nullopt;
  const system_clock::time_point wake{std::chrono::seconds(*wake_s)};
  return std::max(std::chrono::ceil<milliseconds>(wake - t), milliseconds(0));
}

Readiness PostgresTransport::readiness() {
  Readiness r;
  if (!connection_ || connection_->broken()) {
    r.max_wait = std::max(std::chrono::ceil<milliseconds>(next_connect_attempt_ - SteadyClock::now()), milliseconds(0));
    return r;
  }
  if (!idle_wait_) {
    auto disconnected = [&] { return !connection_ || connection_->broken(); };
    // Idle: the deferred DELETEs go out now rather than with a claim that may be far away.
    if (auto s = flush_deferred_deletes(); !s) {
      if (disconnected()) return readiness();
      spdlog::warn("transport \"{}\": {}", name(), s.error().message);  // kept: tried again with the next claim
    }
    if (settings_.use_notify) {
      auto payloads = connection_->take_notifications();
      if (!payloads) on_error(payloads.error());
      if (disconnected()) return readiness();
      for (const auto& p : payloads.value_or(std::vector<std::string>{})) {
        notified_ = notified_ || std::find(queues_.begin(), queues_.end(), p) != queues_.end();
      }
    }
    auto wait = next_due_wait();
    if (disconnected()) return readiness();
    if (settings_.use_notify && settings_.check_delayed_interval.count() > 0) {
      wait = std::min(wait.value_or(milliseconds::max()), settings_.check_delayed_interval);
    }
    // Symfony's get_notify_timeout: how long one wait for a notification lasts before the
    // table is looked at again (rows that notify nobody: written with the trigger disabled,
    // session_replication_role = replica, or the trigger dropped). 0, the default: no such bound.
    if (settings_.use_notify && settings_.get_notify_timeout.count() > 0) {
      wait = std::min(wait.value_or(milliseconds::max()), settings_.get_notify_timeout);
    }
    if (notified_) wait = milliseconds(0);
    idle_wait_ = wait.value_or(milliseconds::max());
  }
  r.fd = settings_.use_notify ? connection_->socket() : -1;
  r.max_wait = *idle_wait_;
  return r;
}

void PostgresTransport::on_readable() {
  if (!connection_) return;
  auto payloads = connection_->take_notifications();
  if (!payloads) {
    on_error(payloads.error());
    return;
  }
  for (const auto& p : *payloads) notified_ = notified_ || std::find(queues_.begin(), queues_.end(), p) != queues_.end();
  if (notified_) idle_wait_ = milliseconds(0);
}

core::Result<std::int64_t> PostgresTransport::message_count() {
  auto counts = queue_message_counts();
  if (!counts) return std::unexpected(counts.error());
  std::int64_t total = 0;
  for (const auto& [queue, count] : *counts) total += count;
  return total;
}

core::Result<std::vector<std::pair<std::string, std::int64_t>>> PostgresTransport::queue_message_counts() {
  if (auto s = ensure_connected(); !s) return std::unexpected(s.error());
  if (auto s = flush_deferred_deletes(); !s) return std::unexpected(s.error());
  auto rows = connection_->exec("SELECT queue_name, count(*) FROM " + table_ +
                                    " WHERE queue_name = ANY($1::text[]) AND (delivered_at IS NULL OR delivered_at < " +
                                    ts(2) + ") GROUP BY queue_name",
                                {queues_array(), epoch(now() - std::chrono::seconds(settings_.redeliver_timeout_s))});
  if (!rows) return std::unexpected(on_error(rows.error()));
  std::vector<std::pair<std::string, std::int64_t>> out;
  for (const auto& queue : queues_) {
    std::int64_t count = 0;
    for (const auto& row : rows->rows) {
      if (row[0] == queue) count = int_field(row[1]).value_or(0);
    }
    // Rows this transport claimed ahead still wait (other processes' look like being handled).
    for (const auto& m : buffer_) count += m.queue == queue ? 1 : 0;
    out.emplace_back(queue, count);
  }
  return out;
}

core::Result<std::vector<ReceivedMessage>> PostgresTransport::all(std::optional<std::size_t> limit) {
  if (auto s = ensure_connected(); !s) return std::unexpected(s.error());
  const auto t = now();
  auto rows = connection_->exec(
      "SELECT id, body, headers, queue_name, available_at FROM " + table_ +
          " WHERE queue_name = ANY($1::text[]) AND (delivered_at IS NULL OR delivered_at < " + ts(2) +
          ") AND available_at <= " + ts(3) + " ORDER BY id ASC" + (limit ? " LIMIT " + std::to_string(*limit) : ""),
      {queues_array(), epoch(t - std::chrono::seconds(settings_.redeliver_timeout_s)), epoch(t)});
  if (!rows) return std::unexpected(on_error(rows.error()));
  std::vector<ReceivedMessage> out;
  for (auto& row : rows->rows) out.push_back(decode_row(row));
  return out;
}

core::Result<std::optional<ReceivedMessage>> PostgresTransport::find(const std::string& id) {
  if (!parse_id(id)) return std::optional<ReceivedMessage>{};
  if (auto s = ensure_connected(); !s) return std::unexpected(s.error());
  auto rows = connection_->exec("SELECT id, body, headers, queue_name, available_at FROM " + table_ +
                                    " WHERE id = $1 AND queue_name = ANY($2::text[])",
                                {id, queues_array()});
  if (!rows) return std::unexpected(on_error(rows.error()));
  if (rows->rows.empty()) return std::optional<ReceivedMessage>{};
  return std::optional<ReceivedMessage>{decode_row(rows->rows.front())};
}

core::Status PostgresTransport::remove(const std::string& id) {
  std::size_t removed = 0;
  if (parse_id(id)) {
    if (auto s = ensure_connected(); !s) return s;
    auto done = connection_->exec("DELETE FROM " + table_ + " WHERE id = $1 AND queue_name = ANY($2::text[])",
                                  {id, queues_array()});
    if (!done) return std::unexpected(on_error(done.error()));
    removed = done->affected;
  }
  if (removed == 0) {
    return std::unexpected(core::make_error(core::ErrorKind::not_found,
                                            "transport \"" + name() + "\": no message with id \"" + id + "\""));
  }
  return {};
}

core::Status PostgresTransport::select_queues(const std::vector<std::string>& queues) {
  if (queues.empty()) {
    return std::unexpected(core::make_error(core::ErrorKind::invalid_argument,
                                            "transport \"" + name() + "\": select at least one queue"));
  }
  for (const auto& q : queues) {
    if (q.empty()) {
      return std::unexpected(core::make_error(core::ErrorKind::invalid_argument,
                                              "transport \"" + name() + "\": a queue name must not be empty"));
    }
  }
  // Claimed from the previous selection: back to the queue.
  for (const auto& m : buffer_) to_release_.push_back(static_cast<std::int64_t>(m.tag));
  buffer_.clear();
  if (connection_ && !connection_->broken() && !to_release_.empty()) {
    if (auto s = release_rows(to_release_); !s) return s;
    to_release_.clear();
  }
  queues_ = queues;
  idle_wait_.reset();
  return {};
}

core::Status PostgresTransport::keepalive(const ReceivedMessage& message) {
  auto id = parse_id(message.id);
  if (!id) {
    return std::unexpected(core::make_error(core::ErrorKind::invalid_argument,
                                            "transport \"" + name() + "\": not a row id: \"" + message.id + "\""));
  }
  if (auto s = ensure_connected(); !s) return s;
  auto done = connection_->exec("UPDATE " + table_ + " SET delivered_at = " + ts(1) + " WHERE id = $2",
                                {epoch(now()), message.id});
  if (!done) return std::unexpected(on_error(done.error()));
  if (done->affected == 0) {
    return std::unexpected(core::make_error(core::ErrorKind::not_found,
                                            "transport \"" + name() + "\": message " + message.id + " is gone"));
  }
  return {};
}

}  // namespace messengerd::transport::postgres
