#pragma once
// The thread that runs plugin code (docs/DESIGN.md, Threads). The loop thread posts jobs;
// finished jobs make completion_fd() readable, so the loop thread waits for them in the same
// poll() as its sockets, timers and signals. Completions are reported in groups of
// kReportEvery, and whenever the queue runs dry: a waiter that must not wait for a group to
// fill re-checks its job's own done flag on a timer.
#include <condition_variable>
#include <cstdint>
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

  static constexpr std::uint64_t kReportEvery = 8;

  // Whether post() wakes the handler thread, or the caller posts several jobs and wakes it
  // once with wake(): one thread wake-up per group of messages instead of per message.
  enum class Wake { now, later };

  // Runs `job` on the handler thread; completion_fd() is signalled once it returned (see above).
  void post(std::function<void()> job, Wake wake = Wake::now);
  void wake();
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
