#pragma once
// in-memory:// — Symfony's InMemoryTransport, for tests: messages live in this object only.
//
// send() stores the envelope with a TransportMessageIdStamp (ids "1", "2", ...), honouring its
// DelayStamp (get() does not return it before it is due). With `serialize` the envelope is
// encoded and decoded through the serializer on send, so a test sees what the wire keeps.
// get() returns due messages that are not already delivered (awaiting ack/reject), oldest
// first; ack()/reject() remove them and record them in acknowledged()/rejected(). Nothing is
// ever redelivered (no crash survives the object), so delivery_count is always 1.
// Threading: one thread only.
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "serializer/serializer.hpp"
#include "transport/roles.hpp"
#include "transport/transport.hpp"

namespace messengerd::transport::in_memory {

class InMemoryTransport final : public Transport, public MessageCountAware, public Listable, public Keepalive {
 public:
  using Clock = std::function<std::chrono::steady_clock::time_point()>;

  // `serializer` is needed only with `serialize`; `clock` defaults to steady_clock::now
  // (tests inject one to make delays due without sleeping).
  InMemoryTransport(std::string name, std::shared_ptr<const serializer::Serializer> serializer = nullptr,
                    bool serialize = false, Clock clock = {});

  // Fails only with `serialize` when the serializer cannot decode what it encoded (ErrorKind::decode).
  core::Result<std::string> send(const core::Envelope& envelope) override;
  core::Result<std::vector<ReceivedMessage>> get(std::size_t max_messages) override;
  // Both succeed for an unknown id (already removed), like Symfony's unset().
  core::Status ack(const ReceivedMessage& message) override;
  core::Status reject(const ReceivedMessage& message) override;
  // Until the earliest delayed message is due; no fd.
  Readiness readiness() override;

  // Messages stored and not yet acked/rejected/removed that are not being handled.
  core::Result<std::int64_t> message_count() override;
  // Every stored message (delivered or not, due or not), by id.
  core::Result<std::vector<ReceivedMessage>> all(std::optional<std::size_t> limit) override;
  core::Result<std::optional<ReceivedMessage>> find(const std::string& id) override;
  core::Status remove(const std::string& id) override;  // ErrorKind::not_found for an unknown id
  core::Status keepalive(const ReceivedMessage& message) override;  // nothing to refresh

  // Test accessors (Symfony's getSent/getAcknowledged/getRejected), oldest first.
  const std::vector<core::Envelope>& sent() const { return sent_; }
  const std::vector<core::Envelope>& acknowledged() const { return acknowledged_; }
  const std::vector<core::Envelope>& rejected() const { return rejected_; }
  // Forgets everything (Symfony's reset()); ids keep counting.
  void reset();

 private:
  struct Stored {
    core::Envelope envelope;
    std::chrono::steady_clock::time_point available_at;
    bool delivered = false;
  };
  ReceivedMessage received(std::uint64_t id, const Stored& stored) const;
  std::chrono::steady_clock::time_point now() const;

  std::shared_ptr<const serializer::Serializer> serializer_;
  bool serialize_;
  Clock clock_;
  std::uint64_t next_id_ = 1;
  std::map<std::uint64_t, Stored> queue_;  // by id: insertion order
  std::vector<core::Envelope> sent_;
  std::vector<core::Envelope> acknowledged_;
  std::vector<core::Envelope> rejected_;
};

}  // namespace messengerd::transport::in_memory
