#include "worker/worker.hpp"

#include <poll.h>

#include <array>
#include <atomic>
#include <random>

#include <spdlog/spdlog.h>

#include "bus/message_bus.hpp"
#include "serializer/stamps.hpp"
#include "transport/roles.hpp"
#include "util/logging.hpp"
#include "util/size.hpp"
#include "worker/collecting_outbox.hpp"
#include "worker/failure_policy.hpp"
#include "worker/handler_thread.hpp"
#include "worker/signal_watcher.hpp"

namespace messengerd::worker {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

// What the handler thread hands back for one message.
struct Worker::Pending {
  std::atomic<bool> done{false};
  core::Envelope envelope;  // as handled: HandledStamps of the handlers that succeeded
  core::HandlerOutcome outcome;
  std::string effective_receiver;  // the original receiver for messages from a failure transport
  std::vector<std::pair<std::string, core::Envelope>> dispatched;  // to send before the ack
  std::chrono::steady_clock::duration took{};
  bool skipped = false;  // the worker was stopping before the handler thread reached it
};

namespace {

// How many messages the loop thread posts to the handler thread ahead of the one being
// handled. The handler thread then goes from one message to the next without sleeping, and
// the loop thread acks, fetches and decodes meanwhile: two thread wake-ups per half window
// instead of per message. Handling stays one at a time, in order; acks still follow each
// success. 64 measured best on the Redis benchmark (16: ~105k msg/s, 32: ~140k, 64: ~195k,
// 128 and 256: slower again, as the loop thread then waits for several reads per refill).
constexpr std::size_t kHandleAhead = 64;
// ... and at most this many body bytes, so that big messages do not multiply memory use.
constexpr std::size_t kHandleAheadBytes = 4 << 20;
// The longest a finished but unreported job waits to be noticed while a later one runs.
constexpr milliseconds kLongestRecheck{1000};

double unit_random() {
  static thread_local std::mt19937_64 engine{std::random_device{}()};
  return std::uniform_real_distribution<double>(0.0, 1.0)(engine);
}

int poll_timeout(std::optional<milliseconds> wait) {
  if (!wait) return -1;
  return static_cast<int>(std::clamp<long long>(wait->count(), 0, 24LL * 3600 * 1000));
}

}  // namespace

Worker::Worker(std::vector<ReceiverBinding> receivers, WorkerOptions options, WorkerEnvironment& environment,
               SharedFlags& flags)
    : receivers_(std::move(receivers)), options_(std::move(options)), env_(environment), flags_(flags) {}

std::vector<std::string> Worker::validate() const {
  std::vector<std::string> problems;
  for (const auto& r : receivers_) {
    if (!options_.queues.empty() && dynamic_cast<transport::QueueReceiver*>(r.transport) == nullptr) {
      problems.push_back("--queues: transport \"" + r.name + "\" has no queues to select from");
    }
    if (options_.keepalive && dynamic_cast<transport::Keepalive*>(r.transport) == nullptr) {
      problems.push_back("--keepalive: transport \"" + r.name + "\" does not support keepalive");
    }
  }
  return problems;
}

void Worker::request_stop(std::string reason) {
  // Messages posted ahead that the handler thread has not started are not handled any more.
  cancel_ahead_.store(true, std::memory_order_release);
  if (!stop_) {
    stop_ = true;
    stop_reason_ = std::move(reason);
    flags_.stopping = true;
  }
}

std::optional<milliseconds> Worker::time_left() const {
  if (!options_.time_limit) return std::nullopt;
  auto elapsed = std::chrono::duration_cast<milliseconds>(Clock::now() - started_);
  return std::max(milliseconds(0), *options_.time_limit - elapsed);
}

void Worker::emit(core::WorkerEventKind kind, const core::MessageView* message) {
  core::WorkerEvent event;
  event.kind = kind;
  event.message = message;
  emit(event);
}

void Worker::emit(const core::WorkerEvent& event) {
  for (auto* service : services_) service->on_event(event);
  if (plugin_listeners_.empty()) return;
  // Plugin listeners are plugin code: they run on the handler thread, with copies of the data.
  struct Copy {
    core::Envelope envelope;
    std::string transport, id, error, moved_to;
    int redelivery = 0;
    std::uint32_t deliveries = 0;
  };
  auto copy = std::make_shared<Copy>();
  const auto* message = event.message;
  if (message != nullptr) {
    copy->envelope = *message->envelope;
    copy->transport = message->transport;
    copy->id = message->message_id;
    copy->redelivery = message->redelivery_count;
    copy->deliveries = message->delivery_count;
  }
  copy->error = event.error;
  copy->moved_to = event.moved_to;
  bool has_message = message != nullptr;
  auto listeners = plugin_listeners_;
  core::WorkerEvent shape = event;
  handler_thread_->post([copy, has_message, shape, listeners] {
    core::MessageView view{&copy->envelope, copy->transport, copy->id, copy->redelivery, copy->deliveries};
    core::WorkerEvent copied = shape;
    copied.message = has_message ? &view : nullptr;
    copied.error = copy->error;
    copied.moved_to = copy->moved_to;
    for (const auto& l : listeners) l->on_event(copied);
  });
}

std::optional<milliseconds> Worker::until_next_tick() const {
  std::optional<milliseconds> wait;
  const auto now = Clock::now();
  for (const auto* service : services_) {
    if (auto due = service->next_tick()) {
      auto left = std::max(milliseconds(0), std::chrono::ceil<milliseconds>(*due - now));
      wait = wait ? std::min(*wait, left) : left;
    }
  }
  return wait;
}

void Worker::run_due_ticks() {
  const auto now = Clock::now();
  LoopState state;
  state.handling = handling_since_.has_value();
  if (handling_since_) state.handling_for = now - *handling_since_;
  state.heartbeats = flags_.heartbeats.load();
  state.stopping = stop_;
  for (auto* service : services_) {
    if (auto due = service->next_tick(); due && *due <= now) service->tick(state);
    if (auto reason = service->stop_reason()) request_stop(*reason);
  }
}

void Worker::on_signal() {
  int signal = SignalWatcher::drain_fd(signal_fd_);
  if (signal == 0) return;
  ++signals_seen_;
  if (signals_seen_ == 1) {
    spdlog::info("received signal {}: finishing the current message, then stopping", signal);
  } else {
    spdlog::warn("received signal {} again: still finishing the current message (it will not be lost)", signal);
  }
  request_stop("signal " + std::to_string(signal));
}

int Worker::run() {
  SignalWatcher signals;  // blocks the signals before the handler thread starts
  signal_fd_ = signals.fd();
  HandlerThread handler_thread;
  handler_thread_ = &handler_thread;
  CollectingOutbox outbox([this](std::string_view name) { return env_.transport(name).has_value(); });
  outbox_ = &outbox;
  env_.set_outbox(outbox);
  plugin_listeners_ = env_.plugin_listeners();
  window_capacity_ = compute_window_capacity();
  started_ = Clock::now();

  if (!options_.queues.empty()) {
    for (auto& r : receivers_) {
      if (auto* q = dynamic_cast<transport::QueueReceiver*>(r.transport)) {
        if (auto selected = q->select_queues(options_.queues); !selected) {
          spdlog::error("transport \"{}\": {}", r.name, selected.error().message);
          return 1;
        }
      }
    }
  }

  std::string names;
  for (const auto& r : receivers_) names += (names.empty() ? "" : ", ") + r.name;
  spdlog::info("consuming messages from transport(s) {}", names);
  emit(core::WorkerEventKind::started);

  while (!stop_) {
    run_due_ticks();
    if (stop_) break;
    if (fetch_and_handle()) continue;
    if (flush_batches()) continue;  // idle: partial batches go out before waiting
    emit(core::WorkerEventKind::idle);
    if (auto left = time_left(); left && left->count() == 0) {
      request_stop("time limit of " + std::to_string(options_.time_limit->count() / 1000.0) + " s reached");
      break;
    }
    if (stop_) break;
    wait_idle();
  }

  flush_batches();  // stopping: pending batches are handled and acked first
  emit(core::WorkerEventKind::stopped);
  spdlog::info("worker stopped ({}): {} handled, {} failed, {} retried, {} sent to failure transport", stop_reason_,
               stats_.handled, stats_.failed, stats_.retried, stats_.sent_to_failure);
  handler_thread_ = nullptr;  // the handler thread finishes queued listener jobs, then joins
  return 0;
}

bool Worker::fetch_and_handle() {
  auto next = fetch_next();
  if (!next) return false;
  // After a message, start again from the first receiver (Symfony's order).
  handle(*next->receiver, std::move(next->message));
  return true;
}

std::optional<Worker::Fetched> Worker::fetch_next() {
  for (const auto& receiver : receivers_) {
    auto fetched = receiver.transport->get(1);
    if (!fetched) {
      spdlog::warn("transport \"{}\": receiving failed: {}", receiver.name, fetched.error().message);
      continue;
    }
    if (fetched->empty()) continue;
    return Fetched{&receiver, std::move(fetched->front())};
  }
  return std::nullopt;
}

std::size_t Worker::window_capacity() const { return window_capacity_; }

std::size_t Worker::compute_window_capacity() const {
  // Plugin listeners must see each message's events in order (received, handled, received...),
  // and only transports that can take a message back allow fetching ahead of a stop.
  if (!plugin_listeners_.empty()) return 1;
  for (const auto& r : receivers_) {
    if (dynamic_cast<transport::Returnable*>(r.transport) == nullptr) return 1;
  }
  return kHandleAhead;
}

void Worker::wait_idle() {
  std::vector<pollfd> fds{{signal_fd_, POLLIN, 0}};
  milliseconds wait = options_.sleep;
  for (const auto& r : receivers_) {
    auto readiness = r.transport->readiness();
    if (readiness.fd >= 0) fds.push_back({readiness.fd, POLLIN, 0});
    wait = std::min(wait, readiness.max_wait);
  }
  if (auto left = time_left()) wait = std::min(wait, *left);
  if (auto tick = until_next_tick()) wait = std::min(wait, *tick);
  ::poll(fds.data(), fds.size(), poll_timeout(wait));
  if (fds[0].revents & POLLIN) on_signal();
  run_due_ticks();
  for (const auto& r : receivers_) {
    auto readiness = r.transport->readiness();
    for (std::size_t i = 1; i < fds.size(); ++i) {
      if (fds[i].fd == readiness.fd && (fds[i].revents & POLLIN)) r.transport->on_readable();
    }
  }
}

void Worker::handle(const ReceiverBinding& receiver, transport::ReceivedMessage message) {
  ++stats_.received;
  const int retries = serializer::retry_count(message.envelope);
  util::LogScope scope({receiver.name, message.envelope.type(), message.id, retries, std::nullopt});
  core::MessageView view{&message.envelope, receiver.name, message.id, retries, message.delivery_count};
  emit(core::WorkerEventKind::message_received, &view);

  if (message.decode_error) {
    // Not lost, and the worker goes on: straight to the failure transport with the reason.
    core::HandlerOutcome outcome = core::HandlerOutcome::failure(core::OutcomeKind::unrecoverable,
                                                                 message.decode_error->message);
    outcome.exception_class = std::string(kDecodingFailedException);
    spdlog::error("message {} from \"{}\" cannot be decoded: {}", message.id, receiver.name, message.decode_error->message);
    handle_failure(receiver, message, message.envelope, outcome, receiver.name);
    after_message(true);
    return;
  }

  if (auto* batch_handler = env_.batch_handler_for(message.envelope, receiver.name, options_.bus)) {
    auto& batch = batches_[batch_handler];
    batch.push_back({&receiver, std::move(message)});
    if (batch.size() >= batch_handler->spec().batch_size) flush_batch(batch_handler);
    return;
  }

  post_ahead(receiver, std::move(message), retries);
  drain_window();
}

void Worker::post_ahead(const ReceiverBinding& receiver, transport::ReceivedMessage message, int retries,
                        HandlerThread::Wake wake) {
  auto pending = std::make_shared<Pending>();
  auto& entry = window_.emplace_back(Ahead{&receiver, std::move(message), pending, retries});
  window_bytes_ += entry.message.envelope.body().size();
  // The job reads the message in place: the entry stays put until the job is done.
  const core::Envelope* envelope = &entry.message.envelope;
  const std::string* id = &entry.message.id;
  const std::string* transport_name = &receiver.name;
  const auto deliveries = entry.message.delivery_count;
  const auto& forced_bus = options_.bus;
  const bool reset = options_.reset;
  handler_thread_->post([this, pending, envelope, id, transport_name, &forced_bus, retries, deliveries, reset] {
    if (cancel_ahead_.load(std::memory_order_acquire)) {
      pending->skipped = true;
      pending->done.store(true, std::memory_order_release);
      return;
    }
    auto start = Clock::now();
    auto& bus = env_.bus_for(*envelope, forced_bus);
    auto context = bus.handle_received(*envelope, *transport_name, *id, retries, deliveries);
    pending->envelope = std::move(context.envelope);
    pending->outcome = std::move(context.outcome);
    pending->effective_receiver = context.received_from;
    pending->dispatched = outbox_->take();
    if (reset) env_.reset_plugins();
    pending->took = Clock::now() - start;
    // A failure, a stop request or a limit may stop the worker (--failure-limit, stop_worker,
    // --memory-limit, --time-limit): the messages posted after this one wait until the loop
    // thread has decided (they are skipped and given back, then fetched again if it goes on).
    // Limits checked after each message are checked here too, so that nothing runs past them.
    const bool over_memory = options_.memory_limit && util::resident_set_bytes() > *options_.memory_limit;
    const bool out_of_time = options_.time_limit && time_left()->count() == 0;
    if (!pending->outcome.ok() || pending->outcome.stop_worker || flags_.stop_requested.load() || over_memory ||
        out_of_time) {
      cancel_ahead_.store(true, std::memory_order_release);
    }
    pending->done.store(true, std::memory_order_release);
  }, wake);
}

void Worker::top_up_window() {
  // The handler thread is woken once for everything posted here, not once per message.
  std::size_t posted = 0;
  fill_window(posted);
  if (posted > 0) handler_thread_->wake();
}

void Worker::fill_window(std::size_t& posted) {
  const std::size_t capacity = window_capacity();
  while (!stop_ && !held_ && window_.size() < capacity && (window_.empty() || window_bytes_ < kHandleAheadBytes)) {
    // Never post more than --limit leaves room for.
    if (options_.limit && stats_.handled + stats_.failed + window_.size() >= *options_.limit) return;
    auto next = fetch_next();
    if (!next) return;
    auto& message = next->message;
    if (message.decode_error || env_.batch_handler_for(message.envelope, next->receiver->name, options_.bus)) {
      held_ = std::move(next);  // handled on its own once the window is empty, in order
      return;
    }
    ++stats_.received;
    const int retries = serializer::retry_count(message.envelope);
    core::MessageView view{&message.envelope, next->receiver->name, message.id, retries, message.delivery_count};
    emit(core::WorkerEventKind::message_received, &view);
    post_ahead(*next->receiver, std::move(message), retries, HandlerThread::Wake::later);
    ++posted;
  }
}

void Worker::drain_window() {
  std::vector<Fetched> skipped;
  InFlight in_flight;
  // Refilled once half of it is done, not after every message: each refill wakes the handler
  // thread once, and a handler thread that runs dry reports at once (HandlerThread).
  const std::size_t refill_at = window_capacity() / 2;
  while (!window_.empty()) {
    if (window_.size() <= refill_at && !cancel_ahead_.load(std::memory_order_acquire)) top_up_window();
    if (!window_.front().pending->done.load(std::memory_order_acquire)) {
      // Only a wait needs the list (for keepalive): not rebuilt per message when handlers are quick.
      in_flight.clear();
      for (const auto& e : window_) in_flight.emplace_back(e.receiver, &e.message);
      wait_for(window_.front().pending->done, in_flight);
    }
    Ahead done = std::move(window_.front());
    window_.pop_front();
    window_bytes_ -= done.message.envelope.body().size();
    if (done.pending->skipped) {
      --stats_.received;
      skipped.push_back(Fetched{done.receiver, std::move(done.message)});
      continue;
    }
    util::LogScope scope({done.receiver->name, done.message.envelope.type(), done.message.id, done.retries, std::nullopt});
    finish(*done.receiver, done.message, *done.pending);
  }
  // Skipped messages (and one held back after them) go back to their transport, newest first
  // so that its buffer keeps the original order; the next fetch returns them again.
  if (held_ && (stop_ || !skipped.empty())) {
    skipped.push_back(std::move(*held_));
    held_.reset();
  }
  for (auto it = skipped.rbegin(); it != skipped.rend(); ++it) {
    if (auto* returnable = dynamic_cast<transport::Returnable*>(it->receiver->transport)) {
      returnable->give_back(std::move(it->message));
    }
  }
  if (!stop_) cancel_ahead_.store(false, std::memory_order_release);
  if (held_) {
    auto next = std::move(*held_);
    held_.reset();
    handle(*next.receiver, std::move(next.message));
  }
}

bool Worker::flush_batches() {
  bool flushed = false;
  for (auto& [handler, entries] : batches_) {
    if (entries.empty()) continue;
    flush_batch(handler);
    flushed = true;
  }
  return flushed;
}

void Worker::flush_batch(core::Handler* handler) {
  auto entries = std::exchange(batches_[handler], {});
  struct BatchJob {
    std::atomic<bool> done{false};
    std::vector<core::HandlerOutcome> outcomes;
  };
  auto job = std::make_shared<BatchJob>();
  const bool reset = options_.reset;
  handler_thread_->post([this, job, handler, &entries, reset] {
    std::vector<core::MessageView> views;
    views.reserve(entries.size());
    for (const auto& e : entries) {
      views.push_back({&e.message.envelope, e.receiver->name, e.message.id, serializer::retry_count(e.message.envelope), e.message.delivery_count});
    }
    job->outcomes = handler->handle_batch(views);
    if (reset) env_.reset_plugins();
    job->done.store(true, std::memory_order_release);
  });
  InFlight in_flight;
  for (const auto& e : entries) in_flight.emplace_back(e.receiver, &e.message);
  wait_for(job->done, in_flight);  // `entries` stays alive until the job is done

  if (util::log_verbosity() >= 1) spdlog::info("batch handler {} handled {} message(s)", handler->spec().name, entries.size());
  for (std::size_t i = 0; i < entries.size(); ++i) {
    auto& e = entries[i];
    auto outcome = i < job->outcomes.size()
                       ? job->outcomes[i]
                       : core::HandlerOutcome::failure(core::OutcomeKind::retry, "batch handler " + handler->spec().name +
                                                                                    " returned no outcome for this message");
    if (outcome.stop_worker) request_stop("a handler asked the worker to stop");
    if (outcome.ok()) {
      if (auto acked = e.receiver->transport->ack(e.message); !acked) {
        spdlog::error("ack of message {} on \"{}\" failed (it will be redelivered): {}", e.message.id, e.receiver->name,
                      acked.error().message);
      }
      ++stats_.handled;
      after_message(false);
    } else {
      handle_failure(*e.receiver, e.message, e.message.envelope, outcome, e.receiver->name);
      after_message(true);
    }
  }
}

void Worker::wait_for(const std::atomic<bool>& done, const InFlight& in_flight) {
  if (done.load(std::memory_order_acquire)) return;  // the usual case with quick handlers: nothing to set up
  auto next_keepalive = options_.keepalive ? std::optional(Clock::now() + *options_.keepalive) : std::nullopt;
  auto next_heartbeat = heartbeat_due(Clock::now());
  handling_since_ = Clock::now();
  // The handler thread reports finished jobs in groups (HandlerThread): a job that finished
  // unreported, ahead of a long one, is noticed by this timer, which starts short and backs
  // off so that a long handler costs a few wake-ups a second, not a busy loop.
  milliseconds recheck{1};
  while (!done.load(std::memory_order_acquire)) {
    std::optional<milliseconds> wait = std::min(until_next_tick().value_or(recheck), recheck);
    recheck = std::min(recheck * 2, kLongestRecheck);
    for (const auto& due : std::array{next_keepalive, next_heartbeat}) {
      if (!due) continue;
      auto left = std::max(milliseconds(0), std::chrono::duration_cast<milliseconds>(*due - Clock::now()));
      wait = wait ? std::min(*wait, left) : left;
    }
    pollfd fds[2] = {{signal_fd_, POLLIN, 0}, {handler_thread_->completion_fd(), POLLIN, 0}};
    ::poll(fds, 2, poll_timeout(wait));
    if (fds[0].revents & POLLIN) on_signal();
    if (fds[1].revents & POLLIN) handler_thread_->take_completions();
    run_due_ticks();
    if (next_keepalive && Clock::now() >= *next_keepalive) {
      for (const auto& [receiver, message] : in_flight) {
        if (auto* keepalive = dynamic_cast<transport::Keepalive*>(receiver->transport)) {
          if (auto kept = keepalive->keepalive(*message); !kept) {
            spdlog::warn("keepalive of message {} on \"{}\" failed: {}", message->id, receiver->name, kept.error().message);
          }
        }
      }
      next_keepalive = Clock::now() + *options_.keepalive;
    }
    if (next_heartbeat && Clock::now() >= *next_heartbeat) {
      for (const auto& r : receivers_) {
        if (auto* heartbeat = dynamic_cast<transport::Heartbeat*>(r.transport)) heartbeat->heartbeat();
      }
      next_heartbeat = heartbeat_due(Clock::now());
    }
  }
  handling_since_.reset();
}

std::optional<Clock::time_point> Worker::heartbeat_due(Clock::time_point now) const {
  std::optional<milliseconds> interval;
  for (const auto& r : receivers_) {
    auto* heartbeat = dynamic_cast<transport::Heartbeat*>(r.transport);
    if (heartbeat == nullptr) continue;
    if (auto own = heartbeat->heartbeat_interval()) interval = interval ? std::min(*interval, *own) : *own;
  }
  if (!interval) return std::nullopt;
  return now + *interval;
}

void Worker::finish(const ReceiverBinding& receiver, transport::ReceivedMessage& message, Pending& pending) {
  const double took_ms = std::chrono::duration<double, std::milli>(pending.took).count();
  if (auto* fields = util::LogScope::current()) fields->duration_ms = took_ms;
  if (pending.outcome.stop_worker || flags_.stop_requested.exchange(false)) {
    request_stop("a handler asked the worker to stop");
  }

  if (pending.outcome.ok()) {
    // Messages the handlers dispatched go out before the ack: if one cannot be sent, the
    // message is retried (its successful handlers are not run again, thanks to HandledStamp).
    for (auto& [name, envelope] : pending.dispatched) {
      auto target = env_.transport(name);
      auto sent = target ? (*target)->send(envelope) : core::Result<std::string>(std::unexpected(target.error()));
      if (!sent) {
        pending.outcome = core::HandlerOutcome::failure(
            core::OutcomeKind::retry, "sending a dispatched " + envelope.type() + " to \"" + name + "\" failed: " + sent.error().message);
        break;
      }
    }
  }

  core::MessageView view{&pending.envelope, receiver.name, message.id, serializer::retry_count(message.envelope), message.delivery_count};
  if (pending.outcome.ok()) {
    if (auto acked = receiver.transport->ack(message); !acked) {
      spdlog::error("ack of message {} on \"{}\" failed (it will be redelivered): {}", message.id, receiver.name,
                    acked.error().message);
    }
    ++stats_.handled;
    if (util::log_verbosity() >= 1) {
      spdlog::info("handled {} from \"{}\" (id {}) in {:.1f} ms", message.envelope.type(), receiver.name, message.id, took_ms);
    }
    core::WorkerEvent handled;
    handled.kind = core::WorkerEventKind::message_handled;
    handled.message = &view;
    handled.duration = pending.took;
    emit(handled);
    after_message(false);
    return;
  }
  handle_failure(receiver, message, std::move(pending.envelope), pending.outcome,
                 pending.effective_receiver.empty() ? receiver.name : pending.effective_receiver, pending.took);
  after_message(true);
}

void Worker::handle_failure(const ReceiverBinding& receiver, transport::ReceivedMessage& message,
                            core::Envelope handled, const core::HandlerOutcome& outcome,
                            const std::string& effective_receiver, std::chrono::nanoseconds took) {
  ++stats_.failed;
  FailureInput input{std::move(handled),
                     outcome,
                     effective_receiver,
                     env_.retry_strategy(effective_receiver),
                     env_.failure_transport_for(effective_receiver),
                     std::chrono::system_clock::now(),
                     unit_random()};
  auto plan = plan_failure(input);
  const bool will_retry = plan.decision == retry::Decision::retry;
  core::MessageView view{&plan.copy, receiver.name, message.id, serializer::retry_count(message.envelope), message.delivery_count};
  core::WorkerEvent failed;
  failed.kind = core::WorkerEventKind::message_failed;
  failed.message = &view;
  failed.error = outcome.message;
  failed.will_retry = will_retry;
  failed.duration = took;

  if (plan.decision == retry::Decision::discard) {
    spdlog::error("{} failed ({}) and is removed: no failure transport is configured", message.envelope.type(),
                  outcome.message);
    if (auto rejected = receiver.transport->reject(message); !rejected) {
      spdlog::error("reject of message {} failed: {}", message.id, rejected.error().message);
    }
    ++stats_.discarded;
    emit(failed);
    return;
  }

  auto target = env_.transport(plan.target);
  auto stored = target ? (*target)->send(plan.copy) : core::Result<std::string>(std::unexpected(target.error()));
  if (!stored) {
    // The copy is not stored: the original stays in its transport and is redelivered later.
    spdlog::error("{} failed ({}); storing it in \"{}\" failed too, so it is left for redelivery: {}",
                  message.envelope.type(), outcome.message, plan.target, stored.error().message);
    ++stats_.left_for_redelivery;
    failed.will_retry = false;
    emit(failed);
    return;
  }
  failed.moved_to = plan.target;
  failed.to_failure_transport = !will_retry;
  emit(failed);
  if (will_retry) {
    ++stats_.retried;
    spdlog::warn("{} failed: {}; retry #{} in {} ms on \"{}\"", message.envelope.type(), outcome.message,
                 plan.retry_count, plan.delay_ms, plan.target);
    emit(core::WorkerEventKind::message_retried, &view);
  } else {
    ++stats_.sent_to_failure;
    spdlog::error("{} failed: {}; sent to the failure transport \"{}\"", message.envelope.type(), outcome.message,
                  plan.target);
  }
  if (auto rejected = receiver.transport->reject(message); !rejected) {
    spdlog::error("reject of message {} failed (it may be handled twice): {}", message.id, rejected.error().message);
  }
}

void Worker::after_message(bool failed) {
  emit(core::WorkerEventKind::running);
  const auto processed = stats_.handled + stats_.failed;
  if (options_.limit && processed >= *options_.limit) {
    request_stop("message limit of " + std::to_string(*options_.limit) + " reached");
  }
  if (failed && options_.failure_limit && stats_.failed >= *options_.failure_limit) {
    request_stop("failure limit of " + std::to_string(*options_.failure_limit) + " reached");
  }
  if (options_.memory_limit) {
    auto rss = util::resident_set_bytes();
    if (rss > *options_.memory_limit) {
      request_stop("memory limit exceeded (" + std::to_string(rss >> 20) + " MiB > " +
                   std::to_string(*options_.memory_limit >> 20) + " MiB)");
    }
  }
  if (auto left = time_left(); left && left->count() == 0) request_stop("time limit reached");
}

}  // namespace messengerd::worker
