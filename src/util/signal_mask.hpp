#pragma once

namespace messengerd::util {

// Blocks SIGTERM, SIGINT, SIGQUIT, SIGHUP and SIGUSR1/2 in the calling thread. Helper threads call
// this first: the worker reads those signals from a signalfd on its main thread, and a signal the
// kernel delivered to a helper thread that had them unblocked would kill the process instead.
void block_worker_signals_in_this_thread();

}  // namespace messengerd::util
