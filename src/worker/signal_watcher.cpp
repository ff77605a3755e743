#include "worker/signal_watcher.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <stdexcept>

namespace messengerd::worker {

namespace {
sigset_t shutdown_signals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGQUIT);
  return set;
}
}  // namespace

SignalWatcher::SignalWatcher() {
  auto set = shutdown_signals();
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  fd_ = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
  if (fd_ < 0) throw std::runtime_error("signalfd failed");
}

SignalWatcher::~SignalWatcher() {
  if (fd_ >= 0) close(fd_);
  auto set = shutdown_signals();
  pthread_sigmask(SIG_UNBLOCK, &set, nullptr);
}

int SignalWatcher::drain_fd(int fd) {
  int last = 0;
  signalfd_siginfo info{};
  while (read(fd, &info, sizeof info) == static_cast<ssize_t>(sizeof info)) last = static_cast<int>(info.ssi_signo);
  return last;
}

}  // namespace messengerd::worker
