#pragma once
// Flags shared between plugin code (through the host API, on the handler thread) and the
// worker's loop thread.
#include <atomic>
#include <cstdint>

namespace messengerd::worker {

struct SharedFlags {
  std::atomic<bool> stop_requested{false};  // a handler asked the worker to stop
  std::atomic<bool> stopping{false};        // the worker is shutting down (host API `stopping`)
  std::atomic<std::int64_t> heartbeats{0};  // bumped by the host API `heartbeat`
};

}  // namespace messengerd::worker
