#pragma once
// A vector-backed transport for worker unit tests: records sends, acks and rejects, and can be
// told to fail sending.
#include <atomic>
#include <chrono>
#include <deque>
#include <optional>
#include <string>
#include <vector>

#include "transport/roles.hpp"
#include "transport/transport.hpp"

namespace messengerd::testing {

class FakeTransport final : public transport::Transport, public transport::Keepalive, public transport::Heartbeat,
                            public transport::Returnable {
 public:
  explicit FakeTransport(std::string name) : Transport(std::move(name)) {}

  core::Result<std::string> send(const core::Envelope& envelope) override {
    if (fail_sends) return std::unexpected(core::make_error(core::ErrorKind::connection, "transport is down"));
    sent.push_back(envelope);
    if (deliver_sent) queue.push_back(envelope);
    return std::to_string(++next_id_);
  }
  core::Result<std::vector<transport::ReceivedMessage>> get(std::size_t) override {
    std::vector<transport::ReceivedMessage> out;
    if (queue.empty()) return out;
    transport::ReceivedMessage m;
    m.envelope = queue.front();
    m.id = std::to_string(++next_id_);
    m.delivery_count = delivery_count;
    queue.pop_front();
    out.push_back(std::move(m));
    fetched_count.fetch_add(1);
    return out;
  }
  core::Status ack(const transport::ReceivedMessage& m) override {
    acked.push_back(m.id);
    ack_count.fetch_add(1);
    return {};
  }
  core::Status reject(const transport::ReceivedMessage& m) override {
    rejected.push_back(m.id);
    return {};
  }
  core::Status keepalive(const transport::ReceivedMessage& m) override {
    keepalives.push_back(m.id);
    return {};
  }

  void give_back(transport::ReceivedMessage m) override {
    given_back.push_back(m.id);
    queue.push_front(std::move(m.envelope));
  }
  std::optional<std::chrono::milliseconds> heartbeat_interval() const override { return heartbeat_every; }
  void heartbeat() override { ++heartbeats; }

  std::deque<core::Envelope> queue;  // what get() returns next
  std::vector<core::Envelope> sent;
  std::vector<std::string> acked, rejected, keepalives, given_back;
  std::atomic<int> ack_count{0};  // readable from a handler while the worker runs
  std::atomic<int> fetched_count{0};  // messages get() returned, likewise
  bool fail_sends = false;
  bool deliver_sent = false;  // sent messages become receivable (retries loop back)
  std::uint32_t delivery_count = 0;  // what get() reports as ReceivedMessage::delivery_count
  std::optional<std::chrono::milliseconds> heartbeat_every;  // nullopt: no heartbeats wanted
  int heartbeats = 0;

 private:
  int next_id_ = 0;
};

}  // namespace messengerd::testing
