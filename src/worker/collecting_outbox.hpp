#pragma once
// The outbox of the handler thread: messages handlers dispatch are collected here and sent by
// the loop thread after the handling succeeded (only the loop thread touches connections).
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "bus/outbox.hpp"

namespace messengerd::worker {

class CollectingOutbox final : public bus::Outbox {
 public:
  using Knows = std::function<bool(std::string_view)>;
  explicit CollectingOutbox(Knows knows) : knows_(std::move(knows)) {}

  core::Result<std::string> send(std::string_view transport, const core::Envelope& envelope) override {
    collected_.emplace_back(std::string(transport), envelope);
    return std::string();
  }
  bool knows(std::string_view transport) const override { return knows_(transport); }

  std::vector<std::pair<std::string, core::Envelope>> take() { return std::exchange(collected_, {}); }

 private:
  Knows knows_;
  std::vector<std::pair<std::string, core::Envelope>> collected_;
};

}  // namespace messengerd::worker
