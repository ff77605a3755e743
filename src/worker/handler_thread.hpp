#pragma once
// The thread that runs plugin code (docs/DESIGN.md, Threads). The loop thread posts jobs;
// each job's completion makes completion_fd() readable, so the loop thread waits for it in
// the same poll() as its sockets, timers and signals.
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>

namespace messengerd::worker {

class HandlerThread {
 public:
  HandlerThread();
  ~HandlerThread();  // finishes queued jobs, then joins
  HandlerThread(const HandlerThread&) = delete;
  HandlerThread& operator=(const HandlerThread&) = delete;

  // Runs `job` on the handler thread; completion_fd() is signalled when it returns.
  void post(std::function<void()> job);
  int completion_fd() const { return event_fd_; }
  // Number of completions since the last call (drains the fd; 0 when none).
  std::uint64_t take_completions();

 private:
  void run();

  int event_fd_ = -1;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::function<void()>> jobs_;
  bool closing_ = false;
  std::thread thread_;
};

}  // namespace messengerd::worker
