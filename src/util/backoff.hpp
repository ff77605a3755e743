#pragma once
// Capped exponential backoff for reconnecting to a broker.
#include <chrono>

namespace messengerd::util {

class Backoff {
 public:
  Backoff(std::chrono::milliseconds initial, std::chrono::milliseconds cap) : initial_(initial), cap_(cap), next_(initial) {}

  // The wait before the next attempt; doubles each call up to the cap.
  std::chrono::milliseconds next() {
    auto current = next_;
    next_ = std::min(cap_, next_ * 2);
    return current;
  }
  void reset() { next_ = initial_; }

 private:
  std::chrono::milliseconds initial_;
  std::chrono::milliseconds cap_;
  std::chrono::milliseconds next_;
};

}  // namespace messengerd::util
