#include "ops/worker_metrics.hpp"

#include "ops/worker_identity.hpp"
#include "util/size.hpp"

namespace messengerd::ops {

using Clock = std::chrono::steady_clock;

namespace {

constexpr auto kBeatInterval = std::chrono::seconds(1);
constexpr auto kDepthInterval = std::chrono::seconds(5);

prometheus::Family<prometheus::Counter>& counter_family(prometheus::Registry& registry, const std::string& name,
                                                        const std::string& help) {
  return prometheus::BuildCounter().Name(name).Help(help).Register(registry);
}

}  // namespace

WorkerMetrics::WorkerMetrics(std::vector<std::string> transports, QueueDepth depth, LoopHealth& health)
    : received_(counter_family(*registry_, "messengerd_messages_received_total", "Messages received, by transport and type")),
      handled_(counter_family(*registry_, "messengerd_messages_handled_total", "Messages handled successfully")),
      failed_(counter_family(*registry_, "messengerd_messages_failed_total", "Messages whose handling failed")),
      retried_(counter_family(*registry_, "messengerd_messages_retried_total", "Failed messages scheduled for a retry")),
      sent_to_failure_(counter_family(*registry_, "messengerd_messages_sent_to_failure_total",
                                      "Failed messages moved to a failure transport")),
      durations_(prometheus::BuildHistogram()
                     .Name("messengerd_handling_duration_seconds")
                     .Help("Time spent in handlers per message, by transport")
                     .Register(*registry_)),
      depth_(prometheus::BuildGauge()
                 .Name("messengerd_queue_messages")
                 .Help("Messages waiting in a transport (refreshed every few seconds)")
                 .Register(*registry_)),
      up_(prometheus::BuildGauge().Name("messengerd_worker_up").Help("1 while the worker consumes").Register(*registry_).Add({})),
      started_at_(prometheus::BuildGauge()
                      .Name("messengerd_worker_start_time_seconds")
                      .Help("Unix time the worker started")
                      .Register(*registry_)
                      .Add({})),
      memory_(prometheus::BuildGauge()
                  .Name("messengerd_resident_memory_bytes")
                  .Help("Resident set size of the worker process")
                  .Register(*registry_)
                  .Add({})),
      transports_(std::move(transports)),
      queue_depth_(std::move(depth)),
      health_(health) {}

WorkerMetrics::PerType& WorkerMetrics::counters(std::string_view transport, std::string_view type) {
  auto by_transport = per_type_.find(transport);
  if (by_transport == per_type_.end()) by_transport = per_type_.emplace(std::string(transport), std::map<std::string, PerType, std::less<>>{}).first;
  auto& types = by_transport->second;
  auto found = types.find(type);
  if (found != types.end()) return found->second;
  const std::map<std::string, std::string> labels{{"transport", std::string(transport)}, {"type", std::string(type)}};
  PerType created{&received_.Add(labels), &handled_.Add(labels), &failed_.Add(labels), &retried_.Add(labels),
                  &sent_to_failure_.Add(labels)};
  return types.emplace(std::string(type), created).first->second;
}

prometheus::Histogram& WorkerMetrics::duration(std::string_view transport) {
  auto found = per_transport_duration_.find(transport);
  if (found != per_transport_duration_.end()) return *found->second;
  static const prometheus::Histogram::BucketBoundaries kBuckets{0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10, 60, 300};
  auto& histogram = durations_.Add({{"transport", std::string(transport)}}, kBuckets);
  per_transport_duration_.emplace(std::string(transport), &histogram);
  return histogram;
}

void WorkerMetrics::on_event(const core::WorkerEvent& event) {
  const auto* message = event.message;
  switch (event.kind) {
    case core::WorkerEventKind::started:
      up_.Set(1);
      started_at_.Set(unix_now());
      refresh_depths();
      break;
    case core::WorkerEventKind::stopped:
      up_.Set(0);
      health_.set_stopping();
      break;
    case core::WorkerEventKind::message_received:
      if (message != nullptr) counters(message->transport, message->envelope->type()).received->Increment();
      break;
    case core::WorkerEventKind::message_handled:
      if (message != nullptr) {
        counters(message->transport, message->envelope->type()).handled->Increment();
        duration(message->transport).Observe(std::chrono::duration<double>(event.duration).count());
      }
      break;
    case core::WorkerEventKind::message_failed:
      if (message != nullptr) {
        auto& c = counters(message->transport, message->envelope->type());
        c.failed->Increment();
        if (event.to_failure_transport) c.sent_to_failure->Increment();
        duration(message->transport).Observe(std::chrono::duration<double>(event.duration).count());
      }
      break;
    case core::WorkerEventKind::message_retried:
      if (message != nullptr) counters(message->transport, message->envelope->type()).retried->Increment();
      break;
    default: break;
  }
}

std::optional<Clock::time_point> WorkerMetrics::next_tick() const { return std::min(next_beat_, next_depths_); }

void WorkerMetrics::tick(const worker::LoopState& state) {
  const auto now = Clock::now();
  if (state.stopping) health_.set_stopping();
  if (now >= next_beat_) {
    health_.beat();
    memory_.Set(static_cast<double>(util::resident_set_bytes()));
    next_beat_ = now + kBeatInterval;
  }
  if (now >= next_depths_) refresh_depths();
}

void WorkerMetrics::refresh_depths() {
  for (const auto& name : transports_) {
    if (auto depth = queue_depth_ ? queue_depth_(name) : std::nullopt) {
      depth_.Add({{"transport", name}}).Set(static_cast<double>(*depth));
    }
  }
  next_depths_ = Clock::now() + kDepthInterval;
}

}  // namespace messengerd::ops
