#pragma once
// SIGTERM, SIGINT and SIGQUIT as a readable fd (signalfd), so the loop thread sees a signal in
// the same poll() that waits for messages and handler completions. The signals are blocked in
// every thread: construct this before starting any thread.
namespace messengerd::worker {

class SignalWatcher {
 public:
  SignalWatcher();
  ~SignalWatcher();
  SignalWatcher(const SignalWatcher&) = delete;
  SignalWatcher& operator=(const SignalWatcher&) = delete;

  int fd() const { return fd_; }
  // Reads pending signals; returns the last signal number read, or 0 if none.
  int drain() { return drain_fd(fd_); }
  static int drain_fd(int fd);

 private:
  int fd_ = -1;
};

}  // namespace messengerd::worker
