#pragma once
// A built-in behaviour that runs on the worker's loop thread (docs/DESIGN.md, Threads): the
// systemd watchdog, metrics, the restart signal. It sees every worker event as it happens and
// gets a tick when it asks for one — while idle AND while a handler runs, because the loop
// thread never waits on a handler. Never plugin code; must not block for long.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "core/worker_event.hpp"

namespace messengerd::worker {

// What the loop knows when it ticks.
struct LoopState {
  bool handling = false;                          // a message or batch is on the handler thread
  std::chrono::steady_clock::duration handling_for{};  // since it was handed over
  std::int64_t heartbeats = 0;                    // handler heartbeats so far (host API)
  bool stopping = false;
};

class LoopService {
 public:
  virtual ~LoopService() = default;
  virtual void on_event(const core::WorkerEvent& event) { (void)event; }
  // When tick() is next due (nullopt = never). Asked before every wait.
  virtual std::optional<std::chrono::steady_clock::time_point> next_tick() const { return std::nullopt; }
  virtual void tick(const LoopState& state) { (void)state; }
  // A reason to stop the worker (finishing the current message first), or nullopt.
  virtual std::optional<std::string> stop_reason() { return std::nullopt; }
};

}  // namespace messengerd::worker
