#pragma once
// Who this worker is, for the restart-signal registry and logs, and whether a registered
// worker still runs.
#include <string>

#include "core/restart_signal_store.hpp"

namespace messengerd::ops {

// How often a running worker refreshes its registration (seconds), and how old a
// registration from another machine may get before it counts as dead.
inline constexpr double kRegistrationRefreshSeconds = 5;
inline constexpr double kRegistrationStaleSeconds = 30;

std::string host_name();
double unix_now();
// "<MESSENGER_CONSUMER_NAME or host>-<pid>"
std::string worker_id();

// On this machine: the process exists. Elsewhere: refreshed recently.
bool is_alive(const core::WorkerRecord& worker);

}  // namespace messengerd::ops
