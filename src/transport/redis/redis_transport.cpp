#include "transport/redis/redis_transport.hpp"

#include <poll.h>

#include <algorithm>
#include <unordered_map>

#include <spdlog/spdlog.h>

#include "serializer/stamps.hpp"
#include "transport/redis/entry_codec.hpp"

namespace messengerd::transport::redis {
namespace {

using std::chrono::milliseconds;

// Moves due delayed entries from <stream>__queue to the stream in one atomic step (Symfony
// pops and re-adds in two, losing the entry if the worker dies in between). The member is
// {"body":…,"headers":…,"uniqid":"…"}; the stream gets the same JSON without uniqid, as
// Symfony's add() writes it, PHP-serialized when ARGV[3] is 1. Returns {moved, earliest score
// left or false}.
constexpr std::string_view kPromoteScript = R"lua(
local due = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[2]))
local moved = 0
for _, member in ipairs(due) do
  if redis.call('ZREM', KEYS[2], member) == 1 then
    local payload = member
    local cut = string.find(member, ',"uniqid":"[^"]*"}$')
    if cut then payload = string.sub(member, 1, cut - 1) .. '}' end
    if ARGV[3] == '1' then payload = 's:' .. string.len(payload) .. ':"' .. payload .. '";' end
    if tonumber(ARGV[4]) > 0 then
      redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[4], '*', 'message', payload)
    else
      redis.call('XADD', KEYS[1], '*', 'message', payload)
    end
    moved = moved + 1
  end
end
local next = redis.call('ZRANGE', KEYS[2], 0, 0, 'WITHSCORES')
if next[2] then return {moved, next[2]} end
return {moved, false}
)lua";

std::int64_t now_epoch_ms() {
  return std::chrono::duration_cast<milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

bool readable_now(int fd) {
  pollfd p{fd, POLLIN, 0};
  return ::poll(&p, 1, 0) > 0 && (p.revents & (POLLIN | POLLHUP | POLLERR)) != 0;
}

const redisReply* element(const redisReply* reply, std::size_t i) {
  return reply != nullptr && reply->type == REDIS_REPLY_ARRAY && i < reply->elements ? reply->element[i] : nullptr;
}

}  // namespace

RedisTransport::RedisTransport(std::string name, RedisSettings settings,
                               std::shared_ptr<const serializer::Serializer> serializer, SentinelSettings sentinel)
    : Transport(std::move(name)),
      settings_(std::move(settings)),
      serializer_(std::move(serializer)),
      sentinel_(std::move(sentinel)),
      commands_(settings_),
      reader_(settings_) {
  next_claim_ = Clock::now();  // the first get() claims what dead consumers left
}

RedisTransport::~RedisTransport() {
  // The acks a read-ahead carries are applied once Redis answered them; its entries join the
  // prefetch buffer, released below.
  if (read_in_flight_ && !read_in_flight_->blocking) {
    if (auto s = collect_read(true); !s) spdlog::debug("transport \"{}\": {}", name(), s.error().message);
  }
  if (!deferred_acks_.empty() && commands_.connected()) {
    if (auto s = flush_acks(); !s) {
      spdlog::warn("transport \"{}\": {} ack(s) not sent at shutdown ({}); those messages will be delivered again",
                   name(), deferred_acks_.size(), s.error().message);
    }
  }
  release_buffered();
}

void RedisTransport::release_buffered() {
  // Fetched but never handled (the prefetch buffer, the read-ahead, what the worker gave back
  // when it stopped): they stay in our pending list, where another worker would claim them only
  // after redeliver_timeout (an hour by default). Marked as idle for that long already, they are
  // claimed at another worker's next claim; this consumer, restarted, reads them first anyway.
  // JUSTID: not counted as a delivery. As the SQL transports release their claimed rows.
  if (buffer_.empty() || !commands_.connected()) return;
  const std::string idle = std::to_string(settings_.redeliver_timeout.count());
  std::vector<std::string_view> args{"XCLAIM", settings_.stream, settings_.group, settings_.consumer, "0"};
  for (const auto& message : buffer_) args.push_back(message.id);
  args.insert(args.end(), {"IDLE", idle, "JUSTID"});
  if (auto reply = commands_.command(args); !reply) {
    spdlog::warn("transport \"{}\": {} prefetched message(s) not released at shutdown ({}); they are claimed after "
                 "redeliver_timeout or read again when this consumer restarts",
                 name(), buffer_.size(), reply.error().message);
  }
}

std::vector<std::vector<std::string_view>> RedisTransport::ack_commands(const std::vector<std::string>& ids) const {
  std::vector<std::vector<std::string_view>> commands;
  if (ids.empty()) return commands;
  auto& xack = commands.emplace_back(std::vector<std::string_view>{"XACK", settings_.stream, settings_.group});
  xack.insert(xack.end(), ids.begin(), ids.end());
  if (settings_.delete_after_ack) {
    auto& xdel = commands.emplace_back(std::vector<std::string_view>{"XDEL", settings_.stream});
    xdel.insert(xdel.end(), ids.begin(), ids.end());
  }
  return commands;
}

core::Status RedisTransport::flush_acks() {
  if (deferred_acks_.empty()) return {};
  auto replies = commands_.pipeline(ack_commands(deferred_acks_));
  if (!replies) return std::unexpected(on_error(replies.error()));
  deferred_acks_.clear();
  return {};
}

core::Error RedisTransport::on_error(core::Error error) {
  // After a Sentinel failover the old master is a replica: writes get READONLY. Reconnecting
  // asks the sentinels again and finds the new master.
  if (!sentinel_.master.empty() && error.message.find("READONLY") != std::string::npos) {
    error.kind = core::ErrorKind::connection;
  }
  if (error.kind != core::ErrorKind::connection) return error;
  commands_.close();
  reader_.close();
  if (read_in_flight_) {
    // Maybe not applied: sent again after reconnecting (XACK is idempotent), before the
    // pending list is read again.
    auto& acks = read_in_flight_->acks;
    deferred_acks_.insert(deferred_acks_.begin(), std::make_move_iterator(acks.begin()), std::make_move_iterator(acks.end()));
    read_in_flight_.reset();
  }
  set_up_ = false;  // a restarted server may have lost the stream and its group
  // What was fetched is still in our pending list: it is read again after reconnecting.
  buffer_.clear();
  reading_pending_ = true;
  pending_cursor_ = "0";
  const auto now = Clock::now();
  backoff_ = backoff_.count() == 0 ? milliseconds(100) : std::min(backoff_ * 2, milliseconds(10000));
  next_connect_attempt_ = now + backoff_;
  if (!outage_logged_) {
    spdlog::error("transport \"{}\": {}; reconnecting with backoff (logged once per outage)", name(), error.message);
    outage_logged_ = true;
    outage_since_ = now;
  }
  return error;
}

core::Status RedisTransport::ensure_connected() {
  if (commands_.connected()) return {};
  if (Clock::now() < next_connect_attempt_) {
    return std::unexpected(core::make_error(core::ErrorKind::connection, "not connected to " + settings_.redacted_dsn));
  }
  if (!sentinel_.master.empty()) {
    auto master = ask_for_master(sentinel_, settings_);
    if (!master) return std::unexpected(on_error(master.error()));
    if (master->host != settings_.endpoint.host || master->port != settings_.endpoint.port) {
      spdlog::info("transport \"{}\": Sentinel master \"{}\" is {}:{}", name(), sentinel_.master, master->host, master->port);
      settings_.endpoint = *master;
    }
  }
  if (auto s = commands_.connect(); !s) return std::unexpected(on_error(s.error()));
  if (outage_logged_) {
    const auto seconds = std::chrono::duration<double>(Clock::now() - outage_since_).count();
    spdlog::info("transport \"{}\": reconnected to {} after {:.1f} s", name(), settings_.redacted_dsn, seconds);
  }
  outage_logged_ = false;
  backoff_ = milliseconds(0);
  if (settings_.auto_setup && !set_up_) {
    if (auto s = setup(); !s) return s;
  }
  return {};
}

core::Status RedisTransport::setup() {
  if (!commands_.connected()) {
    if (auto s = commands_.connect(); !s) return std::unexpected(on_error(s.error()));
  }
  auto reply = commands_.command({"XGROUP", "CREATE", settings_.stream, settings_.group, "0", "MKSTREAM"}, true);
  if (!reply) return std::unexpected(on_error(reply.error()));
  if ((*reply)->type == REDIS_REPLY_ERROR && !reply_text(reply->get()).starts_with("BUSYGROUP")) {
    return std::unexpected(core::make_error(core::ErrorKind::internal, "transport \"" + name() + "\": XGROUP CREATE failed: " +
                                                                           std::string(reply_text(reply->get()))));
  }
  set_up_ = true;
  return {};
}

core::Result<std::string> RedisTransport::send(const core::Envelope& envelope) {
  if (auto s = ensure_connected(); !s) return std::unexpected(s.error());
  const auto encoded = serializer_->encode(envelope);
  const std::int64_t delay = serializer::delay_ms(envelope).value_or(0);
  if (delay > 0) {
    const std::string score = std::to_string(now_epoch_ms() + delay);
    const std::string member = delayed_member(encoded);
    auto reply = commands_.command({"ZADD", settings_.delayed_key(), "NX", score, member});
    if (!reply) return std::unexpected(on_error(reply.error()));
    return member.substr(member.rfind("\"uniqid\":\"") + 10, 23);
  }
  const std::string value = stream_field_value(encoded, settings_.php_serializer);
  std::vector<std::string_view> args{"XADD", settings_.stream};
  const std::string max_entries = std::to_string(settings_.stream_max_entries);
  if (settings_.stream_max_entries > 0) args.insert(args.end(), {"MAXLEN", "~", max_entries});
  args.insert(args.end(), {"*", "message", value});
  auto reply = commands_.command(args);
  if (!reply) return std::unexpected(on_error(reply.error()));
  return std::string(reply_text(reply->get()));
}

core::Status RedisTransport::promote_due_delayed() {
  const std::string now = std::to_string(now_epoch_ms());
  const std::string batch = "100";
  const std::string serializer = std::to_string(settings_.php_serializer);
  const std::string max_entries = std::to_string(settings_.stream_max_entries);
  auto reply = commands_.command({"EVAL", kPromoteScript, "2", settings_.stream, settings_.delayed_key(), now, batch,
                                  serializer, max_entries});
  if (!reply) return std::unexpected(on_error(reply.error()));
  const auto* next = element(reply->get(), 1);
  next_delayed_due_ms_.reset();
  if (next != nullptr && next->type == REDIS_REPLY_STRING) {
    next_delayed_due_ms_ = static_cast<std::int64_t>(std::stod(std::string(reply_text(next))));
  }
  return {};
}

void RedisTransport::take_entries(const redisReply* entries, std::deque<ReceivedMessage>& out, bool ack_trimmed,
                                  std::uint32_t delivery_count) {
  if (entries == nullptr || entries->type != REDIS_REPLY_ARRAY) return;
  for (std::size_t i = 0; i < entries->elements; ++i) {
    const redisReply* entry = entries->element[i];
    const auto* id_reply = element(entry, 0);
    if (id_reply == nullptr) continue;
    std::string id(reply_text(id_reply));
    const auto* fields = element(entry, 1);
    if (fields == nullptr || fields->type != REDIS_REPLY_ARRAY) {
      // Trimmed away by stream_max_entries while pending (symfony/symfony#40103): nothing to
      // handle, so it leaves the pending list instead of failing the worker.
      spdlog::warn("transport \"{}\": pending entry {} no longer exists in stream {} (trimmed?); skipped", name(), id,
                   settings_.stream);
      if (ack_trimmed) {
        if (auto r = commands_.command({"XACK", settings_.stream, settings_.group, id}); !r) on_error(r.error());
      }
      continue;
    }
    if (handed_out_.contains(id)) continue;  // being handled right now (a pending batch)
    std::string_view value;
    bool found = false;
    for (std::size_t f = 0; f + 1 < fields->elements; f += 2) {
      if (reply_text(fields->element[f]) == "message") {
        value = reply_text(fields->element[f + 1]);
        found = true;
        break;
      }
    }
    if (!found) {
      ReceivedMessage broken;
      broken.id = id;
      broken.decode_error = core::make_error(core::ErrorKind::decode, "entry " + id + " of stream " + settings_.stream +
                                                                           " has no \"message\" field");
      broken.delivery_count = delivery_count;
      out.push_back(std::move(broken));
      continue;
    }
    out.push_back(decode_entry(std::move(id), value, *serializer_, settings_.stream));
    out.back().delivery_count = delivery_count;
  }
}

core::Status RedisTransport::read_delivery_counts(std::deque<ReceivedMessage>& out, std::size_t from) {
  if (from >= out.size()) return {};
  // Both paths read the pending list in id order; min/max anyway, XPENDING wants a range.
  auto before = [](const std::string& a, const std::string& b) {
    auto parts = [](const std::string& id) {
      const auto dash = id.find('-');
      return std::pair{std::stoull(id.substr(0, dash)), dash == std::string::npos ? 0ULL : std::stoull(id.substr(dash + 1))};
    };
    return parts(a) < parts(b);
  };
  std::string first = out[from].id, last = out[from].id;
  for (std::size_t i = from; i < out.size(); ++i) {
    if (before(out[i].id, first)) first = out[i].id;
    if (before(last, out[i].id)) last = out[i].id;
  }
  // Our other pending entries may lie in the same range (prefetched, being handled, acked but
  // not yet flushed): the count leaves room for them. An entry not listed keeps its bound.
  const std::size_t ours = out.size() - from + handed_out_.size() + deferred_acks_.size() + settings_.prefetch;
  const std::string count = std::to_string(ours);
  auto reply = commands_.command({"XPENDING", settings_.stream, settings_.group, first, last, count, settings_.consumer}, true);
  if (!reply && reply.error().kind == core::ErrorKind::connection) return std::unexpected(reply.error());
  if (!reply || (*reply)->type != REDIS_REPLY_ARRAY) {
    spdlog::debug("transport \"{}\": XPENDING for delivery counts failed ({}); reporting the lower bound", name(),
                  reply ? std::string(reply_text(reply->get())) : reply.error().message);
    return {};
  }
  std::unordered_map<std::string_view, std::uint32_t> delivered;
  for (std::size_t i = 0; i < (*reply)->elements; ++i) {
    const auto* id = element((*reply)->element[i], 0);
    const auto* times = element((*reply)->element[i], 3);
    if (id == nullptr || times == nullptr || times->type != REDIS_REPLY_INTEGER || times->integer < 1) continue;
    delivered[reply_text(id)] = static_cast<std::uint32_t>(std::min<long long>(times->integer, UINT32_MAX));
  }
  for (std::size_t i = from; i < out.size(); ++i) {
    if (auto it = delivered.find(out[i].id); it != delivered.end()) out[i].delivery_count = it->second;
  }
  return {};
}

core::Status RedisTransport::claim_idle_entries() {
  next_claim_ = Clock::now() + settings_.claim_interval;
  const std::string min_idle = std::to_string(settings_.redeliver_timeout.count());
  const std::string count = std::to_string(settings_.prefetch);
  std::string cursor = "0-0";
  std::size_t claimed = 0;
  // Every claimable entry of this interval, not one (symfony/symfony#49023), in pages.
  for (int page = 0; page < 100; ++page) {
    auto reply = commands_.command({"XAUTOCLAIM", settings_.stream, settings_.group, settings_.consumer, min_idle,
                                    cursor, "COUNT", count});
    if (!reply) return std::unexpected(on_error(reply.error()));
    const std::size_t before = buffer_.size();
    // Claimed entries were delivered to their dead consumer first: 2 at least, the real count
    // from Redis (XAUTOCLAIM counts the claim as a delivery).
    take_entries(element(reply->get(), 1), buffer_, true, 2);
    if (auto s = read_delivery_counts(buffer_, before); !s) return std::unexpected(on_error(s.error()));
    claimed += buffer_.size() - before;
    cursor = std::string(reply_text(element(reply->get(), 0)));
    if (cursor.empty() || cursor == "0-0") break;
  }
  if (claimed > 0) {
    spdlog::info("transport \"{}\": claimed {} message(s) idle for more than {} s from other consumers", name(), claimed,
                 settings_.redeliver_timeout.count() / 1000);
  }
  return {};
}

core::Status RedisTransport::read_own_pending() {
  const std::string count = std::to_string(settings_.prefetch);
  auto reply = commands_.command({"XREADGROUP", "GROUP", settings_.group, settings_.consumer, "COUNT", count, "STREAMS",
                                  settings_.stream, pending_cursor_});
  if (!reply) return std::unexpected(on_error(reply.error()));
  const auto* entries = element(element(reply->get(), 0), 1);
  if (entries == nullptr || entries->elements == 0) {
    reading_pending_ = false;
    return {};
  }
  // The cursor walks forward: an entry is never read twice in one pass (symfony/symfony#44400).
  pending_cursor_ = std::string(reply_text(element(entries->element[entries->elements - 1], 0)));
  // Read before (by this consumer, before a restart or a lost connection): 2 at least, the
  // real count from Redis (reading the pending list again counts as a delivery).
  const std::size_t before = buffer_.size();
  take_entries(entries, buffer_, true, 2);
  if (auto s = read_delivery_counts(buffer_, before); !s) return std::unexpected(on_error(s.error()));
  return {};
}

core::Status RedisTransport::read_new_entries() {
  const std::string count = std::to_string(settings_.prefetch);
  // The deferred acks ride in the same pipeline as the read: one round trip, not two.
  auto commands = ack_commands(deferred_acks_);
  commands.push_back({"XREADGROUP", "GROUP", settings_.group, settings_.consumer, "COUNT", count, "STREAMS",
                      settings_.stream, ">"});
  auto replies = commands_.pipeline(commands);
  if (!replies) return std::unexpected(on_error(replies.error()));
  deferred_acks_.clear();
  const redisReply* read = replies->back().get();
  if (read->type == REDIS_REPLY_ERROR) {  // e.g. NOGROUP: get() sets the stream up again
    return std::unexpected(on_error(core::make_error(core::ErrorKind::internal,
                                                     "XREADGROUP failed: " + std::string(reply_text(read)))));
  }
  take_entries(element(element(read, 0), 1), buffer_, false, 1);  // ">": never delivered before
  return {};
}

core::Status RedisTransport::start_read(bool blocking) {
  if (!reader_.connected()) {
    if (auto s = reader_.connect(); !s) return std::unexpected(on_error(s.error()));
  }
  ReadInFlight read{blocking, {}, 0};
  const std::string count = std::to_string(settings_.prefetch);
  const std::string block = std::to_string(settings_.block.count());
  std::vector<std::vector<std::string_view>> commands;
  if (!blocking) {
    read.acks = std::move(deferred_acks_);
    deferred_acks_.clear();
    commands = ack_commands(read.acks);
    read.ack_replies_left = commands.size();
    commands.push_back({"XREADGROUP", "GROUP", settings_.group, settings_.consumer, "COUNT", count, "STREAMS",
                        settings_.stream, ">"});
  } else {
    commands.push_back({"XREADGROUP", "GROUP", settings_.group, settings_.consumer, "COUNT", count, "BLOCK", block,
                        "STREAMS", settings_.stream, ">"});
  }
  read_in_flight_ = std::move(read);
  if (auto sent = reader_.send_only(commands); !sent) return std::unexpected(on_error(sent.error()));
  return {};
}

core::Status RedisTransport::collect_read(bool wait) {
  if (!read_in_flight_ || (!wait && !readable_now(reader_.fd()))) return {};
  for (;;) {
    Reply reply;
    if (wait) {
      auto next = reader_.await_reply();
      if (!next) return std::unexpected(on_error(next.error()));
      reply = std::move(*next);
    } else {
      auto next = reader_.read_pending_reply();
      if (!next) return std::unexpected(on_error(next.error()));
      if (!*next) return {};  // partial reply: the rest comes with the next readable event
      reply = std::move(**next);
    }
    if (read_in_flight_->ack_replies_left > 0) {
      if (reply->type == REDIS_REPLY_ERROR) {
        // Those entries stay pending: redelivered after a restart or a claim (at-least-once).
        spdlog::warn("transport \"{}\": acknowledging {} message(s) failed: {}", name(), read_in_flight_->acks.size(),
                     reply_text(reply.get()));
      }
      if (--read_in_flight_->ack_replies_left == 0) read_in_flight_->acks.clear();
      continue;
    }
    read_in_flight_.reset();
    if (reply->type == REDIS_REPLY_ERROR) {
      // e.g. NOGROUP after the stream was deleted: set up again on the next round.
      spdlog::warn("transport \"{}\": XREADGROUP failed: {}", name(), reply_text(reply.get()));
      set_up_ = false;
      return {};
    }
    take_entries(element(element(reply.get(), 0), 1), buffer_, false, 1);  // ">": never delivered before
    return {};
  }
}

void RedisTransport::on_readable() {
  if (auto s = collect_read(false); !s) spdlog::debug("transport \"{}\": {}", name(), s.error().message);
}

core::Result<std::vector<ReceivedMessage>> RedisTransport::get(std::size_t max_messages) {
  using Result = core::Result<std::vector<ReceivedMessage>>;
  std::vector<ReceivedMessage> out;
  // A lost connection is an outage (logged once, retried after the backoff), not an error
  // for every poll: the worker just finds nothing and waits.
  auto quiet = [&](const core::Error& error) -> Result {
    if (error.kind == core::ErrorKind::connection) return Result{std::in_place};
    if (error.message.find("NOGROUP") != std::string::npos && settings_.auto_setup) {
      set_up_ = false;  // the stream or its group was deleted: created again on the next round
      return Result{std::in_place};
    }
    return std::unexpected(error);
  };
  if (auto s = ensure_connected(); !s) return quiet(s.error());
  if (buffer_.empty()) {
    // Acks wait for the next read of new entries, which carries them (read_new_entries,
    // start_read). They go out first whenever this round may read the pending list (a claim,
    // our own pending entries), where an acked entry must not show up again.
    const bool claim_due = Clock::now() >= next_claim_;
    if (claim_due || reading_pending_) {
      if (auto s = flush_acks(); !s) return quiet(s.error());
    }
    // Delayed entries: checked at most every 50 ms, and when the earliest one is due.
    const bool delayed_due = next_delayed_due_ms_ && *next_delayed_due_ms_ <= now_epoch_ms();
    if (delayed_due || Clock::now() >= next_delayed_check_) {
      next_delayed_check_ = Clock::now() + milliseconds(50);
      if (auto s = promote_due_delayed(); !s) return quiet(s.error());
    }
    // Our own pending entries first, in order, then claims: what this consumer released at its
    // last shutdown (release_buffered) is idle long enough to be claimed, and would otherwise
    // come back through the claim, out of order, before the rest of our pending list.
    if (reading_pending_) {
      if (auto s = read_own_pending(); !s) return quiet(s.error());
    }
    if (claim_due && buffer_.empty()) {
      if (auto s = claim_idle_entries(); !s) return quiet(s.error());
    }
    if (buffer_.empty()) {
      // The read-ahead sent with the last batch has usually arrived by now; an idle worker's
      // blocking read is only taken if it has.
      core::Status s = read_in_flight_ ? collect_read(!read_in_flight_->blocking) : read_new_entries();
      if (s && !read_in_flight_) {
        if (!buffer_.empty()) {
          s = start_read(false);  // the next batch, while the worker handles this one
        } else if (s = flush_acks(); s) {
          s = start_read(true);  // caught up: wait in poll() for the next entry
        }
      }
      if (!s) return quiet(s.error());
    }
    // Never left behind while the buffer refills from delayed or claimed entries.
    if (auto s = flush_acks(); !s) return quiet(s.error());
  }
  while (!buffer_.empty() && out.size() < max_messages) {
    handed_out_.insert(buffer_.front().id);
    out.push_back(std::move(buffer_.front()));
    buffer_.pop_front();
  }
  return out;
}

void RedisTransport::give_back(ReceivedMessage message) {
  handed_out_.erase(message.id);
  buffer_.push_front(std::move(message));
}

Readiness RedisTransport::readiness() {
  Readiness r;
  const auto now = Clock::now();
  if (!commands_.connected()) {
    r.max_wait = std::chrono::duration_cast<milliseconds>(std::max(next_connect_attempt_ - now, Clock::duration::zero()));
    return r;
  }
  if (read_in_flight_) r.fd = reader_.fd();
  r.max_wait = std::chrono::duration_cast<milliseconds>(std::max(next_claim_ - now, Clock::duration::zero()));
  if (next_delayed_due_ms_) r.max_wait = std::min(r.max_wait, milliseconds(std::max<std::int64_t>(0, *next_delayed_due_ms_ - now_epoch_ms())));
  return r;
}

core::Status RedisTransport::finish(const ReceivedMessage& message, bool delete_entry, std::string_view what) {
  handed_out_.erase(message.id);
  if (auto s = ensure_connected(); !s) return s;
  std::vector<std::vector<std::string_view>> commands{{"XACK", settings_.stream, settings_.group, message.id}};
  if (delete_entry) commands.push_back({"XDEL", settings_.stream, message.id});
  auto replies = commands_.pipeline(commands);
  if (!replies) return std::unexpected(on_error(replies.error()));
  for (const auto& reply : *replies) {
    if (reply->type == REDIS_REPLY_ERROR) {
      return std::unexpected(core::make_error(core::ErrorKind::internal, "transport \"" + name() + "\": " +
                                                                             std::string(what) + " of " + message.id +
                                                                             " failed: " + std::string(reply_text(reply.get()))));
    }
  }
  return {};
}

core::Status RedisTransport::ack(const ReceivedMessage& message) {
  if (!handed_out_.contains(message.id)) return finish(message, settings_.delete_after_ack, "ack");
  handed_out_.erase(message.id);
  deferred_acks_.push_back(message.id);
  // Normally the next read carries them; this bounds them when reads are far apart.
  if (deferred_acks_.size() >= 2 * settings_.prefetch) return flush_acks();
  return {};
}

core::Status RedisTransport::reject(const ReceivedMessage& message) {
  return finish(message, settings_.delete_after_reject, "reject");
}

core::Status RedisTransport::keepalive(const ReceivedMessage& message) {
  if (auto s = ensure_connected(); !s) return s;
  // XCLAIM to ourselves with min-idle 0 resets the entry's idle time: no one claims it.
  auto reply = commands_.command({"XCLAIM", settings_.stream, settings_.group, settings_.consumer, "0", message.id, "JUSTID"});
  if (!reply) return std::unexpected(on_error(reply.error()));
  return {};
}

core::Result<std::int64_t> RedisTransport::message_count() {
  if (auto s = ensure_connected(); !s) return std::unexpected(s.error());
  if (auto s = flush_acks(); !s) return std::unexpected(s.error());  // acked is not waiting
  auto delayed = commands_.command({"ZCARD", settings_.delayed_key()});
  if (!delayed) return std::unexpected(on_error(delayed.error()));
  std::int64_t count = (*delayed)->type == REDIS_REPLY_INTEGER ? (*delayed)->integer : 0;
  auto groups = commands_.command({"XINFO", "GROUPS", settings_.stream}, true);
  if (!groups) return std::unexpected(on_error(groups.error()));
  if ((*groups)->type != REDIS_REPLY_ARRAY) return count;  // no stream yet
  for (std::size_t g = 0; g < (*groups)->elements; ++g) {
    const redisReply* group = (*groups)->element[g];
    std::string_view group_name, last_delivered;
    const redisReply* lag = nullptr;
    std::int64_t pending = 0;
    for (std::size_t f = 0; f + 1 < group->elements; f += 2) {
      const auto key = reply_text(group->element[f]);
      if (key == "name") group_name = reply_text(group->element[f + 1]);
      if (key == "last-delivered-id") last_delivered = reply_text(group->element[f + 1]);
      if (key == "lag") lag = group->element[f + 1];
      if (key == "pending" && group->element[f + 1]->type == REDIS_REPLY_INTEGER) pending = group->element[f + 1]->integer;
    }
    if (group_name != settings_.group) continue;
    // Delivered but not acknowledged (prefetched by a worker, or being handled) still waits.
    count += pending;
    if (lag != nullptr && lag->type == REDIS_REPLY_INTEGER) return count + lag->integer;
    // Older servers, or a lag Redis cannot know: count the entries after last-delivered-id.
    std::string from = "(" + std::string(last_delivered);
    while (true) {
      auto page = commands_.command({"XRANGE", settings_.stream, from, "+", "COUNT", "1000"});
      if (!page) return std::unexpected(on_error(page.error()));
      const std::size_t n = (*page)->elements;
      count += static_cast<std::int64_t>(n);
      if (n < 1000) break;
      from = "(" + std::string(reply_text(element((*page)->element[n - 1], 0)));
    }
    return count;
  }
  // No group yet: nobody has read anything.
  auto length = commands_.command({"XLEN", settings_.stream});
  if (!length) return std::unexpected(on_error(length.error()));
  return count + ((*length)->type == REDIS_REPLY_INTEGER ? (*length)->integer : 0);
}

core::Result<std::vector<ReceivedMessage>> RedisTransport::all(std::optional<std::size_t> limit) {
  if (auto s = ensure_connected(); !s) return std::unexpected(s.error());
  const std::string count = std::to_string(limit.value_or(100000));
  auto reply = commands_.command({"XRANGE", settings_.stream, "-", "+", "COUNT", count});
  if (!reply) return std::unexpected(on_error(reply.error()));
  std::deque<ReceivedMessage> found;
  take_entries(reply->get(), found, false);
  return std::vector<ReceivedMessage>(std::make_move_iterator(found.begin()), std::make_move_iterator(found.end()));
}

core::Result<std::optional<ReceivedMessage>> RedisTransport::find(const std::string& id) {
  if (auto s = ensure_connected(); !s) return std::unexpected(s.error());
  auto reply = commands_.command({"XRANGE", settings_.stream, id, id}, true);
  if (!reply) return std::unexpected(on_error(reply.error()));
  if ((*reply)->type != REDIS_REPLY_ARRAY || (*reply)->elements == 0) return std::optional<ReceivedMessage>{};
  std::deque<ReceivedMessage> found;
  take_entries(reply->get(), found, false);
  if (found.empty()) return std::optional<ReceivedMessage>{};
  return std::optional<ReceivedMessage>{std::move(found.front())};
}

core::Status RedisTransport::remove(const std::string& id) {
  if (auto s = ensure_connected(); !s) return s;
  auto replies = commands_.pipeline({{"XACK", settings_.stream, settings_.group, id}, {"XDEL", settings_.stream, id}});
  if (!replies) return std::unexpected(on_error(replies.error()));
  const redisReply* deleted = (*replies)[1].get();
  if (deleted->type == REDIS_REPLY_INTEGER && deleted->integer == 0) {
    return std::unexpected(core::make_error(core::ErrorKind::not_found, "no message " + id + " in stream " + settings_.stream));
  }
  return {};
}

}  // namespace messengerd::transport::redis
