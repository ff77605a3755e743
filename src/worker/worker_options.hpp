#pragma once
// `consume` options, as Symfony's messenger:consume has them.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace messengerd::worker {

struct WorkerOptions {
  std::optional<std::uint64_t> limit;          // --limit: stop after this many messages (handled or failed)
  std::optional<std::uint64_t> failure_limit;  // --failure-limit: stop after this many failed messages
  std::optional<std::uint64_t> memory_limit;   // --memory-limit: bytes of resident set
  std::optional<std::chrono::milliseconds> time_limit;  // --time-limit
  std::chrono::milliseconds sleep{1000};       // --sleep: longest idle wait
  std::vector<std::string> queues;             // --queues
  std::string bus;                             // --bus: force this bus
  bool reset = true;                           // false with --no-reset
  std::optional<std::chrono::milliseconds> keepalive;  // --keepalive
};

}  // namespace messengerd::worker
