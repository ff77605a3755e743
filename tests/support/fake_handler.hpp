#pragma once
// A scripted core::Handler for unit tests of the bus and the worker.
#include <functional>
#include <string>
#include <vector>

#include "core/handler.hpp"

namespace messengerd::testing {

class FakeHandler final : public core::Handler {
 public:
  using Behaviour = std::function<core::HandlerOutcome(const core::MessageView&)>;

  FakeHandler(std::string name, std::vector<std::string> types, Behaviour behaviour = nullptr, int priority = 0)
      : behaviour_(std::move(behaviour)) {
    spec_.name = std::move(name);
    spec_.types = std::move(types);
    spec_.priority = priority;
    spec_.plugin = "test";
  }

  core::HandlerSpec& mutable_spec() { return spec_; }
  const core::HandlerSpec& spec() const override { return spec_; }

  core::HandlerOutcome handle(const core::MessageView& message) override {
    calls.push_back(message.envelope->body());
    if (log != nullptr) log->push_back(spec_.name);
    return behaviour_ ? behaviour_(message) : core::HandlerOutcome::success();
  }

  std::vector<core::HandlerOutcome> handle_batch(std::span<const core::MessageView> messages) override {
    batch_sizes.push_back(messages.size());
    return Handler::handle_batch(messages);
  }

  std::vector<std::string> calls;
  std::vector<std::size_t> batch_sizes;
  std::vector<std::string>* log = nullptr;  // shared call order across handlers

 private:
  core::HandlerSpec spec_;
  Behaviour behaviour_;
};

}  // namespace messengerd::testing
