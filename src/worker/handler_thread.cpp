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

void HandlerThread::post(std::function<void()> job) {
  {
    std::lock_guard lock(mutex_);
    jobs_.push_back(std::move(job));
  }
  wake_.notify_one();
}

std::uint64_t HandlerThread::take_completions() {
  std::uint64_t count = 0;
  if (read(event_fd_, &count, sizeof count) != static_cast<ssize_t>(sizeof count)) return 0;
  return count;
}

void HandlerThread::run() {
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
    std::uint64_t one = 1;
    // The counter cannot overflow in practice; a failed write only delays the loop's wake-up
    // until its next timeout, and the job's result is already stored.
    [[maybe_unused]] auto written = write(event_fd_, &one, sizeof one);
  }
}

}  // namespace messengerd::worker
