#include "app/worker_services.hpp"

#include "app/restart_signal.hpp"
#include "transport/roles.hpp"

namespace messengerd::app {

namespace {

std::chrono::milliseconds seconds_setting(const config::Value* section, std::string_view key, double fallback) {
  const double seconds = section != nullptr ? section->get_double(key, fallback) : fallback;
  return std::chrono::milliseconds(static_cast<std::int64_t>(seconds * 1000));
}

}  // namespace

std::expected<std::unique_ptr<WorkerServices>, std::vector<std::string>> WorkerServices::create(
    Application& app, const ServiceOptions& options) {
  std::unique_ptr<WorkerServices> services(new WorkerServices());
  std::vector<std::string> problems;
  const auto& settings = app.config().messengerd;

  auto store = make_restart_signal_store(app.config());
  if (!store) {
    problems.push_back(store.error().message);
  } else {
    services->store_ = std::move(*store);
    // Checked at least once per second and once per --sleep, so an idle worker stops promptly.
    auto interval = std::min(options.sleep, std::chrono::milliseconds(1000));
    services->restart_watcher_ = std::make_unique<ops::RestartSignalWatcher>(*services->store_, options.receivers, interval);
  }

  const auto* health = settings.find("health");
  std::optional<std::chrono::milliseconds> handler_timeout;
  if (health != nullptr && health->find("handler_timeout") != nullptr) {
    handler_timeout = seconds_setting(health, "handler_timeout", 0);
  }
  services->systemd_ = std::make_unique<ops::SystemdNotifier>(handler_timeout);

  std::string listen = options.metrics_listen;
  const auto* metrics = settings.find("metrics");
  if (listen.empty() && metrics != nullptr) listen = metrics->get_string("listen", "");
  if (!listen.empty()) {
    services->health_ = std::make_unique<ops::LoopHealth>(seconds_setting(health, "stuck_after", 60));
    auto* application = &app;
    auto depth = [application](const std::string& name) -> std::optional<std::int64_t> {
      auto transport = application->transport(name);
      if (!transport) return std::nullopt;
      auto* countable = dynamic_cast<transport::MessageCountAware*>(*transport);
      if (countable == nullptr) return std::nullopt;
      auto count = countable->message_count();
      return count ? std::optional(*count) : std::nullopt;
    };
    services->metrics_ = std::make_unique<ops::WorkerMetrics>(options.receivers, depth, *services->health_);
    services->endpoint_ = std::make_unique<ops::MetricsEndpoint>(services->metrics_->registry(), *services->health_);
    if (auto started = services->endpoint_->start(listen); !started) problems.push_back(started.error().message);
  }
  if (!problems.empty()) return std::unexpected(problems);
  return services;
}

void WorkerServices::attach(worker::Worker& worker) {
  if (restart_watcher_) worker.add_service(*restart_watcher_);
  worker.add_service(*systemd_);
  if (metrics_) worker.add_service(*metrics_);
}

}  // namespace messengerd::app
