#include "transport/sqlite/sqlite_transport.hpp"

#include <algorithm>
#include <charconv>

#include <spdlog/spdlog.h>

#include "serializer/php_json.hpp"
#include "serializer/stamps.hpp"
#include "transport/doctrine_row.hpp"
#include "transport/sqlite/datetime.hpp"
#include "transport/sqlite/schema.hpp"

namespace messengerd::transport::sqlite {
namespace {

using std::chrono::system_clock;

constexpr std::uint64_t kGetsPerPlanRefresh = 1024;
constexpr std::size_t kMaxDeferredDeletes = 64;  // acked rows whose DELETE waits for the next claim (see ack())

std::string replace_table(std::string_view sql, const std::string& table) {
  std::string out(sql);
  for (auto pos = out.find("{T}"); pos != std::string::npos; pos = out.find("{T}", pos + table.size())) {
    out.replace(pos, 3, table);
  }
  return out;
}

}  // namespace

core::Result<std::unique_ptr<SqliteTransport>> SqliteTransport::open(
    std::string name, SqliteSettings settings, std::shared_ptr<const serializer::Serializer> serializer, Clock clock) {
  if (!serializer) {
    return std::unexpected(core::make_error(core::ErrorKind::internal, "transport \"" + name + "\": no serializer"));
  }
  auto db = Database::open(settings.path, settings.busy_timeout_ms, settings.synchronous);
  if (!db) {
    auto error = db.error();
    error.message = "transport \"" + name + "\": " + error.message;
    return std::unexpected(std::move(error));
  }
  return std::unique_ptr<SqliteTransport>(
      new SqliteTransport(std::move(name), std::move(settings), std::move(*db), std::move(serializer), std::move(clock)));
}

SqliteTransport::SqliteTransport(std::string name, SqliteSettings settings, std::unique_ptr<Database> db,
                                 std::shared_ptr<const serializer::Serializer> serializer, Clock clock)
    : Transport(std::move(name)),
      settings_(std::move(settings)),
      db_(std::move(db)),
      serializer_(std::move(serializer)),
      clock_(std::move(clock)),
      queues_{settings_.queue_name},
      plans_{Plan::by_time},
      watcher_(db_->journal_mode() == "memory" ? std::make_unique<ChangeWatcher>()
                                                : std::make_unique<ChangeWatcher>(settings_.path)) {}

SqliteTransport::~SqliteTransport() {
  if (statements_) {
    if (auto s = flush_deferred_deletes(); !s) {
      spdlog::warn("transport \"{}\": {} acknowledged message(s) not deleted at shutdown ({}); they will be delivered again",
                   name(), deferred_deletes_.size(), s.error().message);
    }
    if (auto s = release_buffer(); !s) {
      spdlog::warn("transport \"{}\": claimed messages not released at shutdown ({}); delivered again after redeliver_timeout",
                   name(), s.error().message);
    }
  }
  statements_.reset();  // finalize before the connection closes
}

core::Status SqliteTransport::run_deferred_deletes() {
  auto& remove = statements_->remove_by_id;
  for (const auto id : deferred_deletes_) {
    remove.bind(1, id);
    if (auto s = remove.run(); !s) return s;
  }
  return {};
}

core::Status SqliteTransport::flush_deferred_deletes() {
  if (deferred_deletes_.empty()) return {};
  auto tx = Transaction::begin(*db_);
  if (!tx) return std::unexpected(tx.error());
  if (auto s = run_deferred_deletes(); !s) return s;
  if (auto s = tx->commit(); !s) return s;
  deferred_deletes_.clear();
  return {};
}

core::Status SqliteTransport::release_buffer() {
  if (buffer_.empty()) return {};
  auto tx = Transaction::begin(*db_);
  if (!tx) return std::unexpected(tx.error());
  auto& undeliver = statements_->undeliver;
  for (const auto& message : buffer_) {
    undeliver.bind(1, static_cast<std::int64_t>(message.tag));
    if (auto s = undeliver.run(); !s) return s;
  }
  if (auto s = tx->commit(); !s) return s;
  buffer_.clear();
  return {};
}

system_clock::time_point SqliteTransport::now() const { return clock_ ? clock_() : system_clock::now(); }

core::Status SqliteTransport::setup() {
  auto tx = Transaction::begin(*db_);
  if (!tx) return std::unexpected(tx.error());
  auto exists = db_->prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?1");
  if (!exists) return std::unexpected(exists.error());
  exists->bind(1, settings_.table_name);
  auto found = exists->step();
  exists->reset();
  if (!found) return std::unexpected(found.error());
  if (!*found) {
    // Never ALTER an existing table: a table PHP created (or a user changed) stays as it is.
    for (const auto& sql : create_schema_sql(settings_.table_name)) {
      if (auto s = db_->exec(sql); !s) return s;
    }
  }
  return tx->commit();
}

core::Status SqliteTransport::ensure_ready() {
  if (statements_) return {};
  if (settings_.auto_setup) {
    if (auto s = setup(); !s) return s;
  }
  auto statements = std::make_unique<Statements>();
  const auto& t = settings_.table_name;
  // `+queue_name` keeps SQLite off the queue_name index where the available_at index gives the
  // ORDER BY for free: walking (available_at, id) stops after LIMIT rows, whereas the
  // queue_name index means sorting the whole queue on every get.
  const std::pair<Statement*, std::string_view> sql[] = {
      {&statements->insert,
       "INSERT INTO {T} (body, headers, queue_name, created_at, available_at) VALUES (?1, ?2, ?3, ?4, ?5)"},
      {&statements->select_due_by_time,
       "SELECT id, body, headers, delivered_at IS NOT NULL FROM {T} WHERE +queue_name = ?1 "
       "AND (delivered_at IS NULL OR delivered_at < ?2) AND available_at <= ?3 ORDER BY available_at ASC, id ASC LIMIT ?4"},
      {&statements->select_due_by_queue,
       "SELECT id, body, headers, delivered_at IS NOT NULL FROM {T} WHERE queue_name = ?1 "
       "AND (+delivered_at IS NULL OR +delivered_at < ?2) AND +available_at <= ?3 ORDER BY available_at ASC, id ASC LIMIT ?4"},
      {&statements->mark_delivered, "UPDATE {T} SET delivered_at = ?1 WHERE id = ?2"},
      {&statements->remove_by_id, "DELETE FROM {T} WHERE id = ?1"},
      {&statements->remove_in_queue, "DELETE FROM {T} WHERE id = ?1 AND queue_name = ?2"},
      {&statements->count,
       "SELECT COUNT(*) FROM {T} WHERE queue_name = ?1 AND (delivered_at IS NULL OR delivered_at < ?2)"},
      {&statements->list,
       "SELECT id, body, headers FROM {T} WHERE queue_name = ?1 AND (delivered_at IS NULL OR delivered_at < ?2) "
       "AND available_at <= ?3 ORDER BY id ASC LIMIT ?4"},
      {&statements->find, "SELECT id, body, headers, queue_name FROM {T} WHERE id = ?1"},
      {&statements->next_available,
       "SELECT available_at FROM {T} WHERE +queue_name = ?1 AND +delivered_at IS NULL ORDER BY available_at ASC LIMIT 1"},
      {&statements->oldest_delivered,
       "SELECT delivered_at FROM {T} WHERE +queue_name = ?1 AND delivered_at IS NOT NULL "
       "ORDER BY delivered_at ASC LIMIT 1"},
      {&statements->touch, "UPDATE {T} SET delivered_at = ?1 WHERE id = ?2"},
      {&statements->count_queue, "SELECT COUNT(*) FROM {T} WHERE queue_name = ?1"},
      {&statements->count_all, "SELECT COUNT(*) FROM {T}"},
      {&statements->undeliver, "UPDATE {T} SET delivered_at = NULL WHERE id = ?1"},
  };
  for (const auto& [statement, text] : sql) {
    auto prepared = db_->prepare(replace_table(text, t));
    if (!prepared) {
      auto error = prepared.error();
      error.message = "transport \"" + name() + "\": " + error.message +
                      (settings_.auto_setup ? "" : " (auto_setup is off: run setup-transports)");
      return std::unexpected(std::move(error));
    }
    *statement = std::move(*prepared);
  }
  statements_ = std::move(statements);
  return {};
}

// get() walks one of two indexes per queue. The available_at index yields rows in the wanted
// order and stops after LIMIT, but also walks due rows of OTHER queues sharing the table (a
// big `failed` queue); the queue_name index walks only this queue, but all of it. Doctrine's
// schema has no (queue_name, available_at) index and adding one would make the table differ
// from PHP's, so pick the cheaper walk from the row counts, refreshed now and then.
core::Status SqliteTransport::choose_plans() {
  auto& s = *statements_;
  std::int64_t total = 0;
  {
    ResetGuard guard(s.count_all);
    auto row = s.count_all.step();
    if (!row) return std::unexpected(row.error());
    total = s.count_all.column_int64(0);
  }
  plans_.assign(queues_.size(), Plan::by_time);
  for (std::size_t i = 0; i < queues_.size(); ++i) {
    ResetGuard guard(s.count_queue);
    s.count_queue.bind(1, queues_[i]);
    auto row = s.count_queue.step();
    if (!row) return std::unexpected(row.error());
    const std::int64_t own = s.count_queue.column_int64(0);
    if (own < total - own) plans_[i] = Plan::by_queue;
  }
  gets_since_plan_ = 0;
  return {};
}

core::Result<std::string> SqliteTransport::send(const core::Envelope& envelope) {
  if (auto s = ensure_ready(); !s) return std::unexpected(s.error());
  const auto encoded = serializer_->encode(envelope);
  const std::string headers = serializer::php_json_headers(encoded.headers);
  const auto t = now();
  // PHP: modify(sprintf('%+d seconds', $delay / 1000)): whole seconds, truncated toward zero.
  const std::int64_t delay_s = serializer::delay_ms(envelope).value_or(0) / 1000;
  const std::string created_at = format_datetime(t);
  const std::string available_at = delay_s == 0 ? created_at : format_datetime(t + std::chrono::seconds(delay_s));

  auto& insert = statements_->insert;
  ResetGuard guard(insert);
  insert.bind(1, encoded.body);
  insert.bind(2, headers);
  insert.bind(3, settings_.queue_name);
  insert.bind(4, created_at);
  insert.bind(5, available_at);
  auto done = insert.step();
  if (!done) return std::unexpected(done.error());
  return std::to_string(db_->last_insert_rowid());
}

core::Result<std::vector<ReceivedMessage>> SqliteTransport::get(std::size_t max_messages) {
  std::vector<ReceivedMessage> out;
  if (max_messages == 0) return out;
  if (auto s = ensure_ready(); !s) return std::unexpected(s.error());
  // Rows held for half of redeliver_timeout could soon be taken by another worker: give them back
  // and claim afresh rather than risk handling one twice.
  if (!buffer_.empty() && now() - claimed_at_ > std::chrono::seconds(settings_.redeliver_timeout_s) / 2) {
    if (auto s = release_buffer(); !s) return std::unexpected(s.error());
  }
  if (buffer_.empty()) {
    if (auto s = claim_rows(std::max(max_messages, settings_.prefetch)); !s) return std::unexpected(s.error());
  }
  while (!buffer_.empty() && out.size() < max_messages) {
    handed_out_.insert(buffer_.front().id);
    out.push_back(std::move(buffer_.front()));
    buffer_.pop_front();
  }
  return out;
}

void SqliteTransport::give_back(ReceivedMessage message) {
  handed_out_.erase(message.id);
  buffer_.push_front(std::move(message));
}

core::Status SqliteTransport::claim_rows(std::size_t max_messages) {
  if (gets_since_plan_++ % kGetsPerPlanRefresh == 0) {
    if (auto s = choose_plans(); !s) return s;
    gets_since_plan_ = 1;
  }

  struct Row {
    std::int64_t id;
    std::string body;
    std::string headers;
    std::size_t queue;
    bool redelivered;  // delivered_at was set: its worker died (or hung) past redeliver_timeout
  };
  std::vector<Row> rows;
  rows.reserve(std::min<std::size_t>(max_messages, 64));
  const auto t = now();
  const std::string now_text = format_datetime(t);
  const std::string redeliver_limit = format_datetime(t - std::chrono::seconds(settings_.redeliver_timeout_s));
  {
    // One write transaction: the acks since the last claim are deleted, and the next rows are
    // selected and marked delivered atomically (BEGIN IMMEDIATE takes the write lock first, so
    // two workers never pick the same rows).
    auto tx = Transaction::begin(*db_);
    if (!tx) return std::unexpected(tx.error());
    if (auto s = run_deferred_deletes(); !s) return s;
    for (std::size_t q = 0; q < queues_.size() && rows.size() < max_messages; ++q) {
      auto& select = plans_[q] == Plan::by_queue ? statements_->select_due_by_queue : statements_->select_due_by_time;
      ResetGuard guard(select);
      select.bind(1, queues_[q]);
      select.bind(2, redeliver_limit);
      select.bind(3, now_text);
      select.bind(4, static_cast<std::int64_t>(max_messages - rows.size()));
      while (true) {
        auto row = select.step();
        if (!row) return std::unexpected(row.error());
        if (!*row) break;
        rows.push_back(Row{select.column_int64(0), std::string(select.column_text(1)),
                           std::string(select.column_text(2)), q, select.column_int64(3) != 0});
      }
    }
    auto& mark = statements_->mark_delivered;
    for (const auto& row : rows) {
      mark.bind(1, now_text);
      mark.bind(2, row.id);
      if (auto s = mark.run(); !s) return std::unexpected(s.error());
    }
    if (auto s = tx->commit(); !s) return std::unexpected(s.error());
  }
  deferred_deletes_.clear();
  claimed_at_ = t;
  // Decoding happens after the commit: the write lock is held as briefly as possible.
  // The table keeps no delivery counter, only whether a delivery is outstanding: a redelivered
  // row reports 2, the lower bound (it may have been claimed and abandoned more than once).
  for (auto& row : rows) {
    buffer_.push_back(decode_row(row.id, row.body, row.headers, queues_[row.queue]));
    buffer_.back().delivery_count = row.redelivered ? 2 : 1;
  }
  return {};
}

ReceivedMessage SqliteTransport::decode_row(std::int64_t id, std::string_view body, std::string_view headers_json,
                                            std::string queue) const {
  return decode_doctrine_row(std::to_string(id), static_cast<std::uint64_t>(id), std::string(body), headers_json,
                             std::move(queue), settings_.table_name, *serializer_);
}

std::optional<std::int64_t> SqliteTransport::parse_id(std::string_view id) const {
  std::int64_t value = 0;
  auto [end, ec] = std::from_chars(id.data(), id.data() + id.size(), value);
  if (ec != std::errc{} || end != id.data() + id.size() || value <= 0) return std::nullopt;
  return value;
}

core::Status SqliteTransport::delete_row(const ReceivedMessage& message, std::string_view what) {
  auto id = parse_id(message.id);
  if (!id) {
    return std::unexpected(core::make_error(core::ErrorKind::invalid_argument, "transport \"" + name() + "\": cannot " +
                                                                                   std::string(what) + " message id \"" +
                                                                                   message.id + "\": not a row id"));
  }
  if (auto s = ensure_ready(); !s) return s;
  auto& remove = statements_->remove_by_id;
  remove.bind(1, *id);
  // A row already gone (removed by an operator) is acknowledged all the same, as in Symfony.
  return remove.run();
}

core::Status SqliteTransport::ack(const ReceivedMessage& message) {
  // A message this transport handed out: its DELETE goes with the next claim (see header).
  if (settings_.prefetch > 1 && handed_out_.erase(message.id) == 1 && message.tag != 0) {
    deferred_deletes_.push_back(static_cast<std::int64_t>(message.tag));
    // Normally the next claim carries them; this bounds them when claims are far apart. The
    // worker handles up to 64 messages ahead (several claims), so a bound of one prefetch
    // would cost a transaction of its own per prefetch acks; 64 keeps them riding along.
    if (deferred_deletes_.size() >= std::max<std::size_t>(settings_.prefetch, kMaxDeferredDeletes)) {
      return flush_deferred_deletes();
    }
    return {};
  }
  handed_out_.erase(message.id);
  return delete_row(message, "ack");
}

core::Status SqliteTransport::reject(const ReceivedMessage& message) {
  handed_out_.erase(message.id);
  return delete_row(message, "reject");
}

Readiness SqliteTransport::readiness() {
  Readiness r;
  r.fd = watcher_->fd();
  if (!ensure_ready()) return r;
  const auto t = now();
  std::optional<system_clock::time_point> wake;
  auto earliest = [&](Statement& statement, const std::string& queue, std::chrono::seconds offset) {
    ResetGuard guard(statement);
    statement.bind(1, queue);
    auto row = statement.step();
    if (!row || !*row) return;
    if (auto at = parse_datetime(statement.column_text(0))) {
      auto when = *at + offset;
      if (!wake || when < *wake) wake = when;
    }
  };
  for (const auto& queue : queues_) {
    earliest(statements_->next_available, queue, std::chrono::seconds(0));
    // `delivered_at < now - timeout` holds from the second after delivered_at + timeout.
    earliest(statements_->oldest_delivered, queue, std::chrono::seconds(settings_.redeliver_timeout_s + 1));
  }
  if (wake) {
    r.max_wait = std::max(std::chrono::ceil<std::chrono::milliseconds>(*wake - t), std::chrono::milliseconds(0));
  }
  return r;
}

void SqliteTransport::on_readable() { watcher_->drain(); }

core::Result<std::int64_t> SqliteTransport::message_count() {
  if (auto s = ensure_ready(); !s) return std::unexpected(s.error());
  if (auto s = flush_deferred_deletes(); !s) return std::unexpected(s.error());
  const std::string redeliver_limit = format_datetime(now() - std::chrono::seconds(settings_.redeliver_timeout_s));
  std::int64_t total = 0;
  auto& count = statements_->count;
  for (const auto& queue : queues_) {
    ResetGuard guard(count);
    count.bind(1, queue);
    count.bind(2, redeliver_limit);
    auto row = count.step();
    if (!row) return std::unexpected(row.error());
    if (*row) total += count.column_int64(0);
  }
  // Rows this transport claimed ahead still wait (other processes' look like being handled).
  return total + static_cast<std::int64_t>(buffer_.size());
}

core::Result<std::vector<ReceivedMessage>> SqliteTransport::all(std::optional<std::size_t> limit) {
  if (auto s = ensure_ready(); !s) return std::unexpected(s.error());
  const auto t = now();
  const std::string now_text = format_datetime(t);
  const std::string redeliver_limit = format_datetime(t - std::chrono::seconds(settings_.redeliver_timeout_s));
  std::vector<ReceivedMessage> out;
  auto& list = statements_->list;
  for (const auto& queue : queues_) {
    ResetGuard guard(list);
    list.bind(1, queue);
    list.bind(2, redeliver_limit);
    list.bind(3, now_text);
    list.bind(4, limit ? static_cast<std::int64_t>(*limit) : std::int64_t{-1});
    while (true) {
      auto row = list.step();
      if (!row) return std::unexpected(row.error());
      if (!*row) break;
      out.push_back(decode_row(list.column_int64(0), list.column_text(1), list.column_text(2), queue));
    }
  }
  if (queues_.size() > 1) {
    std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.tag < b.tag; });
  }
  if (limit && out.size() > *limit) out.resize(*limit);
  return out;
}

core::Result<std::optional<ReceivedMessage>> SqliteTransport::find(const std::string& id) {
  auto row_id = parse_id(id);
  if (!row_id) return std::optional<ReceivedMessage>{};
  if (auto s = ensure_ready(); !s) return std::unexpected(s.error());
  auto& find = statements_->find;
  ResetGuard guard(find);
  find.bind(1, *row_id);
  auto row = find.step();
  if (!row) return std::unexpected(row.error());
  if (!*row) return std::optional<ReceivedMessage>{};
  const std::string queue(find.column_text(3));
  if (std::find(queues_.begin(), queues_.end(), queue) == queues_.end()) return std::optional<ReceivedMessage>{};
  return std::optional<ReceivedMessage>{decode_row(*row_id, find.column_text(1), find.column_text(2), queue)};
}

core::Status SqliteTransport::remove(const std::string& id) {
  auto row_id = parse_id(id);
  std::int64_t removed = 0;
  if (row_id) {
    if (auto s = ensure_ready(); !s) return s;
    auto& remove = statements_->remove_in_queue;
    for (const auto& queue : queues_) {
      remove.bind(1, *row_id);
      remove.bind(2, queue);
      if (auto s = remove.run(); !s) return s;
      removed += db_->changes();
    }
  }
  if (removed == 0) {
    return std::unexpected(core::make_error(core::ErrorKind::not_found,
                                            "transport \"" + name() + "\": no message with id \"" + id + "\""));
  }
  return {};
}

core::Status SqliteTransport::select_queues(const std::vector<std::string>& queues) {
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
  if (auto s = release_buffer(); !s) return s;  // claimed from the previous selection
  queues_ = queues;
  plans_.assign(queues_.size(), Plan::by_time);
  gets_since_plan_ = 0;  // choose again on the next get()
  return {};
}

core::Status SqliteTransport::keepalive(const ReceivedMessage& message) {
  auto id = parse_id(message.id);
  if (!id) {
    return std::unexpected(core::make_error(core::ErrorKind::invalid_argument,
                                            "transport \"" + name() + "\": not a row id: \"" + message.id + "\""));
  }
  if (auto s = ensure_ready(); !s) return s;
  const std::string now_text = format_datetime(now());
  auto& touch = statements_->touch;
  touch.bind(1, now_text);
  touch.bind(2, *id);
  if (auto s = touch.run(); !s) return s;
  if (db_->changes() == 0) {
    return std::unexpected(core::make_error(core::ErrorKind::not_found,
                                            "transport \"" + name() + "\": message " + message.id + " is gone"));
  }
  return {};
}

}  // namespace messengerd::transport::sqlite
