#pragma once
// Opt-in roles of a transport (Symfony's small role interfaces). The worker and the commands
// ask with dynamic_cast and report clearly when a transport lacks a role.
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "transport/transport.hpp"

namespace messengerd::transport {

class MessageCountAware {
 public:
  virtual ~MessageCountAware() = default;
  // Messages waiting (ready or delayed), not counting ones being handled.
  virtual core::Result<std::int64_t> message_count() = 0;
};

// Transports with several queues (AMQP queues, Doctrine queue_names) also count per queue.
class QueueMessageCountAware {
 public:
  virtual ~QueueMessageCountAware() = default;
  virtual core::Result<std::vector<std::pair<std::string, std::int64_t>>> queue_message_counts() = 0;
};

class Listable {
 public:
  virtual ~Listable() = default;
  virtual core::Result<std::vector<ReceivedMessage>> all(std::optional<std::size_t> limit) = 0;
  virtual core::Result<std::optional<ReceivedMessage>> find(const std::string& id) = 0;
  virtual core::Status remove(const std::string& id) = 0;
};

class QueueReceiver {
 public:
  virtual ~QueueReceiver() = default;
  // Restricts get() to these queues (consume --queues), in this order.
  virtual core::Status select_queues(const std::vector<std::string>& queues) = 0;
};

class Setupable {
 public:
  virtual ~Setupable() = default;
  // Creates tables, streams, exchanges... Idempotent.
  virtual core::Status setup() = 0;
};

class Keepalive {
 public:
  virtual ~Keepalive() = default;
  // Tells the broker the message is still being handled, so it is not redelivered.
  virtual core::Status keepalive(const ReceivedMessage& message) = 0;
};

// Transports that hand out prefetched messages can take one back that the worker fetched
// ahead but never started handling (it is stopping): the next get() returns it again and
// shutdown releases it with the rest of the prefetch buffer, so nothing waits for a
// redelivery timeout. The worker fetches ahead (handle-ahead window) only from such transports.
class Returnable {
 public:
  virtual ~Returnable() = default;
  virtual void give_back(ReceivedMessage message) = 0;
};

// Connections that must be serviced while a handler runs (AMQP heartbeats: a broker drops a
// silent connection after two missed intervals, and with it the in-flight message). The loop
// thread calls heartbeat() at least every heartbeat_interval() while it waits for a handler.
class Heartbeat {
 public:
  virtual ~Heartbeat() = default;
  // nullopt: nothing to do now (not connected, heartbeats off).
  virtual std::optional<std::chrono::milliseconds> heartbeat_interval() const = 0;
  virtual void heartbeat() = 0;
};

}  // namespace messengerd::transport
