#pragma once
// The consume loop (Symfony's Worker), split over two threads (docs/DESIGN.md, Threads): this
// object's run() is the loop thread: it owns the transports, waits on their readiness fds,
// the signal fd and the handler thread's completion fd at once, acks, retries and moves
// failures. Plugin code runs only on the handler thread.
//
// Acknowledgement: a message is acked only after its handlers succeeded and the messages they
// dispatched were sent; a failed one is rejected only after its retry or failure copy was
// stored. If that store fails, the original is left unacked for the transport to redeliver.
#include <atomic>
#include <chrono>
#include <deque>
#include <map>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/worker_event.hpp"
#include "transport/transport.hpp"
#include "worker/handler_thread.hpp"
#include "worker/loop_service.hpp"
#include "worker/shared_flags.hpp"
#include "worker/worker_environment.hpp"
#include "worker/worker_options.hpp"

namespace messengerd::worker {

struct ReceiverBinding {
  std::string name;
  transport::Transport* transport = nullptr;
};

struct WorkerStats {
  std::uint64_t received = 0;
  std::uint64_t handled = 0;
  std::uint64_t failed = 0;
  std::uint64_t retried = 0;
  std::uint64_t sent_to_failure = 0;
  std::uint64_t discarded = 0;
  std::uint64_t left_for_redelivery = 0;  // neither acked nor rejected (a store failed)
};

class Worker {
 public:
  Worker(std::vector<ReceiverBinding> receivers, WorkerOptions options, WorkerEnvironment& environment,
         SharedFlags& flags);

  // Checks the options against the receivers' roles (--queues, --keepalive); every problem.
  std::vector<std::string> validate() const;

  // Adds a built-in loop-thread behaviour (not owned; must outlive run()).
  void add_service(LoopService& service) { services_.push_back(&service); }

  // Runs until a limit, a signal or a handler stops it; returns the exit code (0).
  int run();

  const WorkerStats& stats() const { return stats_; }
  std::string stop_reason() const { return stop_reason_; }

 private:
  struct Pending;
  struct Fetched {
    const ReceiverBinding* receiver;
    transport::ReceivedMessage message;
  };
  // Posted to the handler thread, in order, not finished yet (the handle-ahead window).
  struct Ahead {
    const ReceiverBinding* receiver;
    transport::ReceivedMessage message;
    std::shared_ptr<Pending> pending;
    int retries = 0;
  };
  bool fetch_and_handle();
  std::optional<Fetched> fetch_next();  // the first receiver (in order) with a message
  void handle(const ReceiverBinding& receiver, transport::ReceivedMessage message);
  void post_ahead(const ReceiverBinding& receiver, transport::ReceivedMessage message, int retries,
                  HandlerThread::Wake wake = HandlerThread::Wake::now);
  void top_up_window();
  void fill_window(std::size_t& posted);
  void drain_window();
  std::size_t window_capacity() const;
  std::size_t compute_window_capacity() const;  // once per run(): the receivers and listeners are fixed
  void finish(const ReceiverBinding& receiver, transport::ReceivedMessage& message, Pending& pending);
  void handle_failure(const ReceiverBinding& receiver, transport::ReceivedMessage& message, core::Envelope handled,
                      const core::HandlerOutcome& outcome, const std::string& effective_receiver,
                      std::chrono::nanoseconds took = {});
  void wait_idle();
  using InFlight = std::vector<std::pair<const ReceiverBinding*, const transport::ReceivedMessage*>>;
  void wait_for(const std::atomic<bool>& done, const InFlight& in_flight);
  bool flush_batches();
  void flush_batch(core::Handler* handler);
  void on_signal();
  void request_stop(std::string reason);
  void after_message(bool failed);
  void emit(const core::WorkerEvent& event);
  void emit(core::WorkerEventKind kind, const core::MessageView* message = nullptr);
  // Earliest tick due among the services, as a poll timeout bound.
  std::optional<std::chrono::milliseconds> until_next_tick() const;
  // When the loop thread must next service transports with the Heartbeat role (nullopt: none).
  std::optional<std::chrono::steady_clock::time_point> heartbeat_due(std::chrono::steady_clock::time_point now) const;
  void run_due_ticks();
  std::optional<std::chrono::milliseconds> time_left() const;

  std::vector<ReceiverBinding> receivers_;
  WorkerOptions options_;
  WorkerEnvironment& env_;
  SharedFlags& flags_;
  WorkerStats stats_;
  bool stop_ = false;
  std::string stop_reason_;
  std::chrono::steady_clock::time_point started_;
  int signal_fd_ = -1;
  int signals_seen_ = 0;
  HandlerThread* handler_thread_ = nullptr;
  class CollectingOutbox* outbox_ = nullptr;
  std::vector<std::shared_ptr<core::WorkerListener>> plugin_listeners_;
  std::vector<LoopService*> services_;
  std::optional<std::chrono::steady_clock::time_point> handling_since_;
  struct BatchEntry {
    const ReceiverBinding* receiver;
    transport::ReceivedMessage message;
  };
  std::size_t window_capacity_ = 1;
  std::size_t window_bytes_ = 0;  // body bytes of the messages in window_
  std::deque<Ahead> window_;           // deque: elements keep their address while others come and go
  std::optional<Fetched> held_;        // fetched during top-up, must be handled on its own
  std::atomic<bool> cancel_ahead_{false};  // stopping: posted messages not started are skipped
  // Messages waiting for their batch handler, unacked (flushed when full, idle or stopping).
  std::map<core::Handler*, std::vector<BatchEntry>> batches_;
};

}  // namespace messengerd::worker
