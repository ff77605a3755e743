#pragma once
// Worker events, as Symfony's Worker*Event classes. Built-in behaviours (limits, logging,
// retry, failure transport, metrics) and plugin listeners subscribe to them.
#include <chrono>
#include <string_view>

#include "core/handler.hpp"

namespace messengerd::core {

enum class WorkerEventKind {
  started,
  message_received,
  message_handled,
  message_failed,
  message_retried,
  idle,
  running,
  stopped,
};

std::string_view to_string(WorkerEventKind kind);

struct WorkerEvent {
  WorkerEventKind kind = WorkerEventKind::started;
  const MessageView* message = nullptr;  // for message_* events
  std::string_view error;                // for message_failed
  bool will_retry = false;               // for message_failed
  std::chrono::nanoseconds duration{};   // message_handled / message_failed: time spent in handlers
  std::string_view moved_to;             // message_failed: where the copy went ("" = discarded or left)
  bool to_failure_transport = false;     // message_failed: moved_to is a failure transport
};

class WorkerListener {
 public:
  virtual ~WorkerListener() = default;
  virtual void on_event(const WorkerEvent& event) = 0;
};

}  // namespace messengerd::core
