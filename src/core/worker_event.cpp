#include "core/worker_event.hpp"

namespace messengerd::core {

std::string_view to_string(WorkerEventKind kind) {
  switch (kind) {
    case WorkerEventKind::started: return "started";
    case WorkerEventKind::message_received: return "message_received";
    case WorkerEventKind::message_handled: return "message_handled";
    case WorkerEventKind::message_failed: return "message_failed";
    case WorkerEventKind::message_retried: return "message_retried";
    case WorkerEventKind::idle: return "idle";
    case WorkerEventKind::running: return "running";
    case WorkerEventKind::stopped: return "stopped";
  }
  return "unknown";
}

}  // namespace messengerd::core
