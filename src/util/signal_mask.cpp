#include "util/signal_mask.hpp"

#include <pthread.h>
#include <signal.h>

#include <initializer_list>

namespace messengerd::util {

void block_worker_signals_in_this_thread() {
  sigset_t set;
  sigemptyset(&set);
  for (int signal : {SIGTERM, SIGINT, SIGQUIT, SIGHUP, SIGUSR1, SIGUSR2}) sigaddset(&set, signal);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
}

}  // namespace messengerd::util
