#include "ops/worker_metrics.hpp"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

#include <prometheus/text_serializer.h>

#include "ops/metrics_endpoint.hpp"

namespace messengerd::ops {
namespace {

using namespace std::chrono_literals;

std::string http_get(int port, const std::string& path) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<std::uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0) {
    ::close(fd);
    return "";
  }
  std::string request = "GET " + path + " HTTP/1.0\r\n\r\n";
  [[maybe_unused]] auto sent = ::send(fd, request.data(), request.size(), 0);
  std::string response;
  char buffer[4096];
  for (ssize_t n; (n = ::recv(fd, buffer, sizeof(buffer), 0)) > 0;) response.append(buffer, static_cast<std::size_t>(n));
  ::close(fd);
  return response;
}

struct Metrics : ::testing::Test {
  LoopHealth health{60s};
  std::int64_t depth = 7;
  WorkerMetrics metrics{{"async"}, [this](const std::string&) { return std::optional(depth); }, health};
  core::Envelope envelope{"App\\Message\\Sms", "{}"};
  core::MessageView view{&envelope, "async", "1", 0};

  void emit(core::WorkerEventKind kind, bool to_failure = false) {
    core::WorkerEvent e;
    e.kind = kind;
    e.message = &view;
    e.duration = 20ms;
    e.to_failure_transport = to_failure;
    metrics.on_event(e);
  }
  std::string text() const { return prometheus::TextSerializer().Serialize(metrics.registry()->Collect()); }
};

TEST_F(Metrics, CountsMessagesByTransportAndType) {
  emit(core::WorkerEventKind::started);
  for (int i = 0; i < 3; ++i) {
    emit(core::WorkerEventKind::message_received);
    emit(core::WorkerEventKind::message_handled);
  }
  emit(core::WorkerEventKind::message_received);
  emit(core::WorkerEventKind::message_failed, true);
  auto out = text();
  EXPECT_NE(out.find(R"(messengerd_messages_handled_total{transport="async",type="App\\Message\\Sms"} 3)"), std::string::npos) << out;
  EXPECT_NE(out.find(R"(messengerd_messages_received_total{transport="async",type="App\\Message\\Sms"} 4)"), std::string::npos) << out;
  EXPECT_NE(out.find(R"(messengerd_messages_sent_to_failure_total{transport="async",type="App\\Message\\Sms"} 1)"), std::string::npos) << out;
  EXPECT_NE(out.find(R"(messengerd_handling_duration_seconds_count{transport="async"} 4)"), std::string::npos) << out;
  EXPECT_NE(out.find(R"(messengerd_queue_messages{transport="async"} 7)"), std::string::npos) << out;
  EXPECT_NE(out.find("messengerd_worker_up 1"), std::string::npos) << out;
}

TEST_F(Metrics, EndpointServesMetricsAndHealth) {
  MetricsEndpoint endpoint(metrics.registry(), health);
  ASSERT_TRUE(endpoint.start("127.0.0.1:0"));
  ASSERT_GT(endpoint.port(), 0);
  emit(core::WorkerEventKind::started);
  emit(core::WorkerEventKind::message_handled);
  auto scraped = http_get(endpoint.port(), "/metrics");
  EXPECT_NE(scraped.find("HTTP/1.0 200"), std::string::npos) << scraped;
  EXPECT_NE(scraped.find("messengerd_messages_handled_total"), std::string::npos) << scraped;
  EXPECT_NE(http_get(endpoint.port(), "/healthz").find("200 OK"), std::string::npos);
  EXPECT_NE(http_get(endpoint.port(), "/nope").find("404"), std::string::npos);
  emit(core::WorkerEventKind::stopped);
  auto stopping = http_get(endpoint.port(), "/healthz");
  EXPECT_NE(stopping.find("503"), std::string::npos) << stopping;
}

TEST(LoopHealth, IsStuckWhenTheLoopStopsBeating) {
  LoopHealth health(0ms);
  health.beat();
  // With a zero threshold, any elapsed millisecond is too long.
  auto until = std::chrono::steady_clock::now() + 5ms;
  while (std::chrono::steady_clock::now() < until) {
  }
  EXPECT_TRUE(health.stuck());
  EXPECT_FALSE(health.healthy());
  LoopHealth fine(60s);
  EXPECT_TRUE(fine.healthy());
}

TEST(MetricsEndpointAddress, BadAddressesAreClearErrors) {
  LoopHealth health(60s);
  MetricsEndpoint endpoint(std::make_shared<prometheus::Registry>(), health);
  auto result = endpoint.start("no-port-here");
  ASSERT_FALSE(result);
  EXPECT_NE(result.error().message.find("no-port-here"), std::string::npos);
}

}  // namespace
}  // namespace messengerd::ops
