#pragma once
// What plugin code may ask of the daemon while it runs (the host API of plugin.h, as a C++
// interface). The worker implements it; plugin/ forwards the C calls to it.
#include <cstdint>
#include <string>

namespace messengerd::core {

class HostServices {
 public:
  virtual ~HostServices() = default;
  // Queues a new message. It is routed and sent only after the current handler succeeded
  // (Symfony's dispatch_after_current_bus) and dropped if it fails.
  virtual void dispatch(std::string type, std::string body, std::int64_t delay_ms) = 0;
  // Finish the current message, then stop the worker (StopWorkerException).
  virtual void request_stop() = 0;
  // A long handler is alive: feeds the watchdog.
  virtual void heartbeat() = 0;
  // True once the worker is shutting down: long handlers may cut their work short.
  virtual bool stopping() const = 0;
};

}  // namespace messengerd::core
