#include "ops/worker_identity.hpp"

#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>

namespace messengerd::ops {

std::string host_name() {
  char name[256] = {};
  if (::gethostname(name, sizeof(name) - 1) != 0) return "localhost";
  return name;
}

double unix_now() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

std::string worker_id() {
  const char* consumer = std::getenv("MESSENGER_CONSUMER_NAME");
  std::string base = consumer != nullptr && *consumer != '\0' ? consumer : host_name();
  return base + "-" + std::to_string(::getpid());
}

bool is_alive(const core::WorkerRecord& worker) {
  if (worker.host == host_name() && worker.pid > 0) {
    // EPERM: it exists but belongs to another user.
    return ::kill(static_cast<pid_t>(worker.pid), 0) == 0 || errno == EPERM;
  }
  return unix_now() - worker.seen_at < kRegistrationStaleSeconds;
}

}  // namespace messengerd::ops
