#pragma once
// Where `stop-workers` leaves its restart signal and where running workers register
// themselves, so one command stops (and waits for) every worker that shares the store:
// files in a state directory on one machine, or a row/key in a shared database for many.
// Implementations live with their client library (ops/ for files, transport/<kind>/ for
// databases); the worker and the CLI only see this interface. Not thread-safe: one user.
#include <cstdint>
#include <string>
#include <vector>

#include "core/error.hpp"

namespace messengerd::core {

struct WorkerRecord {
  std::string id;                      // unique per process: "<host>-<pid>" or the consumer name + pid
  std::string host;
  std::int64_t pid = 0;
  std::vector<std::string> receivers;  // transports it consumes
  double started_at = 0;               // Unix seconds (fractional)
  double seen_at = 0;                  // last heartbeat, Unix seconds
};

struct RestartSignal {
  double all = 0;                                                // every worker started before this stops
  std::vector<std::pair<std::string, double>> receivers;         // per receiver name
  // The latest signal that applies to a worker consuming `consumed` (0 = none).
  double applying_to(const std::vector<std::string>& consumed) const;
};

class RestartSignalStore {
 public:
  virtual ~RestartSignalStore() = default;
  // Describes the store for messages ("files in /var/lib/messengerd"); never has credentials.
  virtual std::string describe() const = 0;
  // Records a restart at `timestamp` for every worker (receivers empty) or only for those
  // consuming one of `receivers`.
  virtual Status signal_restart(double timestamp, const std::vector<std::string>& receivers) = 0;
  virtual Result<RestartSignal> read_signal() = 0;
  virtual Status register_worker(const WorkerRecord& worker) = 0;  // insert or refresh
  virtual Status unregister_worker(const std::string& id) = 0;
  virtual Result<std::vector<WorkerRecord>> workers() = 0;
};

}  // namespace messengerd::core
