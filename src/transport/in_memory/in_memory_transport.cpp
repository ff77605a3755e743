#include "transport/in_memory/in_memory_transport.hpp"

#include <algorithm>
#include <charconv>

#include "serializer/stamps.hpp"

namespace messengerd::transport::in_memory {
namespace {

std::optional<std::uint64_t> parse_id(std::string_view id) {
  std::uint64_t value = 0;
  auto [end, ec] = std::from_chars(id.data(), id.data() + id.size(), value);
  if (ec != std::errc{} || end != id.data() + id.size()) return std::nullopt;
  return value;
}

}  // namespace

InMemoryTransport::InMemoryTransport(std::string name, std::shared_ptr<const serializer::Serializer> serializer,
                                     bool serialize, Clock clock)
    : Transport(std::move(name)), serializer_(std::move(serializer)), serialize_(serialize), clock_(std::move(clock)) {}

std::chrono::steady_clock::time_point InMemoryTransport::now() const {
  return clock_ ? clock_() : std::chrono::steady_clock::now();
}

core::Result<std::string> InMemoryTransport::send(const core::Envelope& envelope) {
  const std::uint64_t id = next_id_;
  const std::string id_text = std::to_string(id);
  core::Envelope stored = envelope;
  stored.add(serializer::make_transport_message_id_stamp(id_text));
  if (serialize_) {
    if (!serializer_) {
      return std::unexpected(core::make_error(core::ErrorKind::internal,
                                              "transport \"" + name() + "\": serialize=true needs a serializer"));
    }
    // The round trip drops non-sendable stamps and normalises what the wire normalises.
    auto decoded = serializer_->decode(serializer_->encode(stored));
    if (!decoded) return std::unexpected(decoded.error());
    stored = std::move(*decoded);
  }
  const auto delay = serializer::delay_ms(envelope).value_or(0);
  ++next_id_;
  sent_.push_back(stored);
  queue_.emplace(id, Stored{std::move(stored), now() + std::chrono::milliseconds(std::max<std::int64_t>(delay, 0)), false});
  return id_text;
}

ReceivedMessage InMemoryTransport::received(std::uint64_t id, const Stored& stored) const {
  ReceivedMessage message;
  message.envelope = stored.envelope;
  message.id = std::to_string(id);
  message.tag = id;
  return message;
}

core::Result<std::vector<ReceivedMessage>> InMemoryTransport::get(std::size_t max_messages) {
  std::vector<ReceivedMessage> out;
  const auto t = now();
  for (auto& [id, stored] : queue_) {
    if (out.size() >= max_messages) break;
    if (stored.delivered || stored.available_at > t) continue;
    stored.delivered = true;
    out.push_back(received(id, stored));
    out.back().delivery_count = 1;  // a delivered message is never handed out again here
  }
  return out;
}

core::Status InMemoryTransport::ack(const ReceivedMessage& message) {
  acknowledged_.push_back(message.envelope);
  if (auto id = parse_id(message.id)) queue_.erase(*id);
  return {};
}

core::Status InMemoryTransport::reject(const ReceivedMessage& message) {
  rejected_.push_back(message.envelope);
  if (auto id = parse_id(message.id)) queue_.erase(*id);
  return {};
}

Readiness InMemoryTransport::readiness() {
  Readiness r;
  const auto t = now();
  for (const auto& [id, stored] : queue_) {
    if (stored.delivered) continue;
    auto wait = std::chrono::ceil<std::chrono::milliseconds>(stored.available_at - t);
    r.max_wait = std::min(r.max_wait, std::max(wait, std::chrono::milliseconds(0)));
  }
  return r;
}

core::Result<std::int64_t> InMemoryTransport::message_count() {
  return static_cast<std::int64_t>(std::count_if(queue_.begin(), queue_.end(), [](const auto& entry) {
    return !entry.second.delivered;
  }));
}

core::Result<std::vector<ReceivedMessage>> InMemoryTransport::all(std::optional<std::size_t> limit) {
  std::vector<ReceivedMessage> out;
  for (const auto& [id, stored] : queue_) {
    if (limit && out.size() >= *limit) break;
    out.push_back(received(id, stored));
  }
  return out;
}

core::Result<std::optional<ReceivedMessage>> InMemoryTransport::find(const std::string& id) {
  auto parsed = parse_id(id);
  if (!parsed) return std::optional<ReceivedMessage>{};
  auto it = queue_.find(*parsed);
  if (it == queue_.end()) return std::optional<ReceivedMessage>{};
  return std::optional<ReceivedMessage>{received(it->first, it->second)};
}

core::Status InMemoryTransport::remove(const std::string& id) {
  auto parsed = parse_id(id);
  if (!parsed || queue_.erase(*parsed) == 0) {
    return std::unexpected(core::make_error(core::ErrorKind::not_found,
                                            "transport \"" + name() + "\": no message with id \"" + id + "\""));
  }
  return {};
}

core::Status InMemoryTransport::keepalive(const ReceivedMessage&) { return {}; }

void InMemoryTransport::reset() {
  queue_.clear();
  sent_.clear();
  acknowledged_.clear();
  rejected_.clear();
}

}  // namespace messengerd::transport::in_memory
