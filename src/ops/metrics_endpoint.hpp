#pragma once
// A minimal HTTP/1.0 server on its own thread for Prometheus scrapes and health checks:
//   GET /metrics  -> the registry in Prometheus text format (prometheus-cpp's serializer)
//   GET /healthz  -> 200 "ok" while the loop thread beats, 503 once it is stuck or stopping
// It runs apart from the loop thread precisely so /healthz can say the loop is stuck.
// prometheus-cpp's Registry is thread-safe; LoopHealth is atomics.
#include <memory>
#include <string>
#include <thread>

#include <prometheus/registry.h>

#include "core/error.hpp"
#include "ops/loop_health.hpp"

namespace messengerd::ops {

class MetricsEndpoint {
 public:
  MetricsEndpoint(std::shared_ptr<prometheus::Registry> registry, const LoopHealth& health);
  ~MetricsEndpoint();  // stops the thread
  MetricsEndpoint(const MetricsEndpoint&) = delete;
  MetricsEndpoint& operator=(const MetricsEndpoint&) = delete;

  // Binds "host:port" ("127.0.0.1:9464", ":9464", "[::1]:9464"; port 0 = any free port) and
  // starts serving. Fails with a message naming the address.
  core::Status start(const std::string& listen);
  int port() const { return port_; }

 private:
  void serve();
  void answer(int client);

  std::shared_ptr<prometheus::Registry> registry_;
  const LoopHealth& health_;
  int listen_fd_ = -1;
  int stop_fd_ = -1;
  int port_ = 0;
  std::thread thread_;
};

}  // namespace messengerd::ops
