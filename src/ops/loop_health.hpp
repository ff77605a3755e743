#pragma once
// Shared between the loop thread (which beats) and the HTTP thread (which answers /healthz).
#include <atomic>
#include <chrono>
#include <cstdint>

namespace messengerd::ops {

class LoopHealth {
 public:
  explicit LoopHealth(std::chrono::milliseconds stuck_after) : stuck_after_(stuck_after) { beat(); }

  void beat() { last_beat_ms_.store(now_ms(), std::memory_order_relaxed); }
  void set_stopping() { stopping_.store(true, std::memory_order_relaxed); }

  // Healthy while the loop beat recently and the worker is not stopping.
  bool healthy() const { return !stopping_.load(std::memory_order_relaxed) && !stuck(); }
  bool stopping() const { return stopping_.load(std::memory_order_relaxed); }
  bool stuck() const { return now_ms() - last_beat_ms_.load(std::memory_order_relaxed) > stuck_after_.count(); }

 private:
  static std::int64_t now_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch())
        .count();
  }
  std::chrono::milliseconds stuck_after_;
  std::atomic<std::int64_t> last_beat_ms_{0};
  std::atomic<bool> stopping_{false};
};

}  // namespace messengerd::ops
