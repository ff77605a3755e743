#pragma once
// Feeds chosen messages of a transport to a worker (Symfony's SingleMessageReceiver): used by
// `failed:retry` to handle specific failed messages in-process. get() hands out the given
// messages once each; ack, reject and send go to the wrapped transport.
#include <deque>

#include "transport/transport.hpp"

namespace messengerd::transport {

class SingleMessageReceiver final : public Transport {
 public:
  SingleMessageReceiver(Transport& inner, std::vector<ReceivedMessage> messages)
      : Transport(inner.name()), inner_(inner), messages_(messages.begin(), messages.end()) {}

  core::Result<std::string> send(const core::Envelope& envelope) override { return inner_.send(envelope); }
  core::Result<std::vector<ReceivedMessage>> get(std::size_t max_messages) override {
    std::vector<ReceivedMessage> out;
    while (!messages_.empty() && out.size() < max_messages) {
      out.push_back(std::move(messages_.front()));
      messages_.pop_front();
    }
    return out;
  }
  core::Status ack(const ReceivedMessage& message) override { return inner_.ack(message); }
  core::Status reject(const ReceivedMessage& message) override { return inner_.reject(message); }
  Readiness readiness() override { return {-1, std::chrono::milliseconds(0)}; }

 private:
  Transport& inner_;
  std::deque<ReceivedMessage> messages_;
};

}  // namespace messengerd::transport
