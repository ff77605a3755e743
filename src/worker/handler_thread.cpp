#include "worker/handler_thread.hpp"

#include <sys/eventfd.h>
#include <unistd.h>

#include <cstdint>
#include <stdexcept>

#include "util/signal_mask.hpp"

namespace messengerd::worker {

HandlerThread::HandlerThread() {
  event_fd_ = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (event_fd_ < 0) throw std::runtime_error("eventfd failed");
  thread_ = std::thread([this] {
    util::block_worker_signals_in_this_thread();
    run();
  });
}

HandlerThread::~HandlerThread() {
  {
    std::lock_guard lock(mutex_);
    closing_ = true;
  }
  wake_.notify_one();
  thread_.join();
  close(event_fd_);
}

void HandlerThread::post(std::function<void()> job, Wake wake) {
  {
    std::lock_guard lock(mutex_);
    jobs_.push_back(std::move(job));
  }
  if (wake == Wake::now) wake_.notify_one();
}

void HandlerThread::wake() { wake_.notify_one(); }

std::uint64_t HandlerThread::take_completions() {
  std::uint64_t count = 0;
  if (read(event_fd_, &count, sizeof count) != static_cast<ssize_t>(sizeof count)) return 0;
  return count;
}

void HandlerThread::run() {
  std::uint64_t unreported = 0;
  for (;;) {
    std::function<void()> job;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [&] { return closing_ || !jobs_.empty(); });
      if (jobs_.empty()) return;
      job = std::move(jobs_.front());
      jobs_.pop_front();
    }
    job();
    bool ran_dry = false;
    {
      std::lock_guard lock(mutex_);
      ran_dry = jobs_.empty();
    }
    // Waking the loop thread costs two system calls and a context switch, more than a no-op
    // handler: finished jobs are reported in groups, and at once when the queue ran dry (the
    // loop thread is then the one with work to do). A finished job that is not reported yet is
    // still seen by the loop thread, which re-checks on a short timer (Worker::wait_for).
    if (++unreported < kReportEvery && !ran_dry) continue;
    // The counter cannot overflow in practice; a failed write only delays the loop's wake-up
    // until its next timeout, and the jobs' results are already stored.
    [[maybe_unused]] auto written = write(event_fd_, &unreported, sizeof unreported);
    unreported = 0;
  }
}

}  // namespace messengerd::worker
