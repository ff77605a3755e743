#pragma once
// Prometheus metrics of one worker, fed by worker events on the loop thread: messages
// received / handled / failed / retried / sent to the failure transport by transport and
// type, a handling-duration histogram, queue depth per transport (refreshed every few
// seconds through `QueueDepth`, which runs on the loop thread since it uses connections),
// worker up / start time / resident memory. Also beats the loop's health for /healthz.
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include "ops/loop_health.hpp"
#include "worker/loop_service.hpp"

namespace messengerd::ops {

class WorkerMetrics final : public worker::LoopService {
 public:
  // Messages waiting in a transport, or nullopt when it cannot count.
  using QueueDepth = std::function<std::optional<std::int64_t>(const std::string& transport)>;

  WorkerMetrics(std::vector<std::string> transports, QueueDepth depth, LoopHealth& health);

  std::shared_ptr<prometheus::Registry> registry() const { return registry_; }

  void on_event(const core::WorkerEvent& event) override;
  std::optional<std::chrono::steady_clock::time_point> next_tick() const override;
  void tick(const worker::LoopState& state) override;

 private:
  struct PerType {
    prometheus::Counter* received;
    prometheus::Counter* handled;
    prometheus::Counter* failed;
    prometheus::Counter* retried;
    prometheus::Counter* sent_to_failure;
  };
  // Cached per (transport, type) so counting a message allocates nothing after the first.
  PerType& counters(std::string_view transport, std::string_view type);
  prometheus::Histogram& duration(std::string_view transport);
  void refresh_depths();

  std::shared_ptr<prometheus::Registry> registry_ = std::make_shared<prometheus::Registry>();
  prometheus::Family<prometheus::Counter>& received_;
  prometheus::Family<prometheus::Counter>& handled_;
  prometheus::Family<prometheus::Counter>& failed_;
  prometheus::Family<prometheus::Counter>& retried_;
  prometheus::Family<prometheus::Counter>& sent_to_failure_;
  prometheus::Family<prometheus::Histogram>& durations_;
  prometheus::Family<prometheus::Gauge>& depth_;
  prometheus::Gauge& up_;
  prometheus::Gauge& started_at_;
  prometheus::Gauge& memory_;
  std::map<std::string, std::map<std::string, PerType, std::less<>>, std::less<>> per_type_;
  std::map<std::string, prometheus::Histogram*, std::less<>> per_transport_duration_;
  std::vector<std::string> transports_;
  QueueDepth queue_depth_;
  LoopHealth& health_;
  std::chrono::steady_clock::time_point next_beat_{};
  std::chrono::steady_clock::time_point next_depths_{};
};

}  // namespace messengerd::ops
