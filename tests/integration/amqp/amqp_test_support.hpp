#pragma once
// Shared pieces of the AMQP integration tests: the binary's one rabbitmq-server (with a TLS
// listener), transports made from a DSN (plus an options map) through the real factory, and a
// raw AMQP connection to look at what is on the broker.
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "config/dsn.hpp"
#include "process.hpp"
#include "rabbitmq_server.hpp"
#include "serializer/serializer.hpp"
#include "serializer/stamps.hpp"
#include "transport/amqp/amqp_transport.hpp"
#include "transport/amqp/connection.hpp"
#include "transport/amqp/factory.hpp"

namespace messengerd::amqp_test {

using namespace std::chrono_literals;
using messengerd::testing::await;
using transport::amqp::AmqpTransport;

inline testing::RabbitMqServer& broker() { return testing::shared_rabbitmq(testing::RabbitMqOptions{.tls = true}); }

inline core::Result<std::unique_ptr<AmqpTransport>> try_open(const std::string& dsn, config::Value options = config::Value::map({})) {
  static config::Config config;
  config::TransportConfig tc;
  tc.name = "amqp_test";
  tc.dsn = dsn;
  auto parsed = config::parse_dsn(dsn);
  if (!parsed) return std::unexpected(core::make_error(core::ErrorKind::invalid_argument, parsed.error().message));
  tc.dsn_parsed = *parsed;
  tc.options = config::Value::merged(parsed->query, options);
  transport::TransportContext context{tc, config, serializer::serializer_for(""), {}};
  auto created = transport::amqp::create_amqp_transport(context);
  if (!created) return std::unexpected(created.error());
  return std::unique_ptr<AmqpTransport>(static_cast<AmqpTransport*>(created->release()));
}

inline std::unique_ptr<AmqpTransport> open(const std::string& dsn, config::Value options = config::Value::map({})) {
  auto t = try_open(dsn, std::move(options));
  if (!t) throw std::runtime_error("cannot open " + dsn + ": " + t.error().message);
  return std::move(*t);
}

// amqp://guest:guest@127.0.0.1:PORT/%2f/<exchange>?<query>
inline std::string dsn_for(const std::string& exchange, const std::string& query = "") {
  return broker().url() + "/%2f/" + exchange + (query.empty() ? "" : "?" + query);
}

inline core::Envelope message(const std::string& body, std::optional<std::int64_t> delay_ms = std::nullopt) {
  core::Envelope e("App\\Message\\SmsNotification", body);
  e.add(serializer::make_bus_name_stamp("messenger.bus.default"));
  if (delay_ms) e.add(serializer::make_delay_stamp(*delay_ms));
  return e;
}

inline std::vector<transport::ReceivedMessage> get_within(transport::Transport& t, std::chrono::milliseconds deadline,
                                                          std::size_t max = 1) {
  std::vector<transport::ReceivedMessage> got;
  await([&] {
    auto r = t.get(max);
    if (r && !r->empty()) {
      for (auto& m : *r) got.push_back(std::move(m));
    }
    return got.size() >= max;
  }, deadline);
  return got;
}

// A plain AMQP connection for looking at the broker (passive declares, raw consumers, raw publishes).
class Raw {
 public:
  Raw() {
    settings_.endpoints = {{"127.0.0.1", broker().port()}};
    settings_.heartbeat = 0;
    if (auto ok = connection_.open(false); !ok) throw std::runtime_error(ok.error().message);
  }
  transport::amqp::Connection& operator*() { return connection_; }
  transport::amqp::Connection* operator->() { return &connection_; }
  // Ready messages in a queue; -1 when it does not exist.
  std::int64_t count(const std::string& queue) {
    if (!connection_.connected()) (void)connection_.open(false);
    auto n = connection_.declare_queue(queue, 0, {}, true);
    return n ? static_cast<std::int64_t>(*n) : -1;
  }
  // Consumes one message of `queue` (acked), within the deadline.
  std::optional<transport::amqp::Delivery> take(const std::string& queue, std::chrono::milliseconds deadline = 10s) {
    if (!connection_.connected()) (void)connection_.open(false);
    auto tag = connection_.consume(queue);
    if (!tag) return std::nullopt;
    std::deque<transport::amqp::Delivery> got;
    await([&] { return connection_.poll(got) && !got.empty(); }, deadline);
    if (got.empty()) return std::nullopt;
    (void)connection_.ack(got.front().delivery_tag);
    auto first = std::move(got.front());
    connection_.close();  // drops the consumer; the rest goes back to the queue
    return first;
  }

 private:
  transport::amqp::AmqpSettings settings_;
  transport::amqp::Connection connection_{settings_, "test"};
};

}  // namespace messengerd::amqp_test
