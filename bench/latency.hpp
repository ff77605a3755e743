#pragma once
// Dispatch->receive latency through a transport at a steady low rate, shared by the broker
// benchmarks (prints numbers, asserts nothing). A sender thread sends `n` Ping messages, each
// carrying its send time, `rate` a second; the consumer waits as an idle worker does — in
// poll() on its Readiness fd, bounded by max_wait — and records how long each one took.
#include <poll.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "transport/transport.hpp"

namespace messengerd::bench {

inline long long now_micros() {
  return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

// Returns 0, or 1 after printing why a send, get or ack failed. `label` follows "latency at N
// msg/s" in the printout (e.g. " (NOTIFY)").
inline int measure_latency(transport::Transport& producer, transport::Transport& consumer, long n, long rate,
                           std::string_view label = "") {
  std::vector<double> micros;
  micros.reserve(static_cast<std::size_t>(n));
  std::string failure;
  std::thread sender([&] {
    for (long i = 0; i < n; ++i) {
      if (auto sent = producer.send(core::Envelope("App\\Message\\Ping", "{\"sent\":" + std::to_string(now_micros()) + "}"));
          !sent) {
        std::fprintf(stderr, "send failed: %s\n", sent.error().message.c_str());
        return;
      }
      std::this_thread::sleep_for(std::chrono::microseconds(1000000 / rate));
    }
  });
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(60 + n / std::max(1L, rate));
  while (static_cast<long>(micros.size()) < n && failure.empty()) {
    if (std::chrono::steady_clock::now() > give_up) {
      failure = "not every message arrived within the deadline";
      break;
    }
    auto got = consumer.get(1);
    if (!got) {
      failure = "get failed: " + got.error().message;
      break;
    }
    if (!got->empty()) {
      for (auto& m : *got) {
        micros.push_back(static_cast<double>(now_micros() - std::stoll(m.envelope.body().substr(8))));
        if (auto acked = consumer.ack(m); !acked) failure = "ack failed: " + acked.error().message;
      }
      continue;
    }
    auto ready = consumer.readiness();
    const int wait_ms = static_cast<int>(std::min<long long>(1000, ready.max_wait.count()));
    pollfd p{ready.fd, POLLIN, 0};
    if (::poll(&p, ready.fd >= 0 ? 1 : 0, wait_ms) > 0) consumer.on_readable();
  }
  sender.join();
  if (!failure.empty() || micros.empty()) {
    std::fprintf(stderr, "latency: %s\n", failure.empty() ? "no message arrived" : failure.c_str());
    return 1;
  }
  std::sort(micros.begin(), micros.end());
  std::printf("  dispatch->receive latency at %ld msg/s%.*s: p50 %.0f us, p99 %.0f us (%zu messages)\n", rate,
              static_cast<int>(label.size()), label.data(), micros[micros.size() / 2], micros[micros.size() * 99 / 100],
              micros.size());
  return 0;
}

}  // namespace messengerd::bench
