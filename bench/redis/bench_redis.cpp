// Redis benchmark helpers (prints numbers, asserts nothing; bench/run-redis drives it):
//   bench_redis fill PORT N         XADD N Symfony-encoded messages of ~200 bytes (pipelined)
//   bench_redis raw PORT N          the raw hiredis loop messengerd is compared with:
//                                   XREADGROUP COUNT 20, then one XACK of those 20 ids (acks
//                                   batched as the transport batches them), no decoding
//   bench_redis latency PORT N RATE dispatch->receive latency through RedisTransport at a
//                                   steady low rate (p50/p99), an idle consumer waiting in poll()
#include <hiredis/hiredis.h>
#include <poll.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include "config/dsn.hpp"
#include "latency.hpp"
#include "serializer/serializer.hpp"
#include "transport/redis/factory.hpp"
#include "transport/redis/redis_transport.hpp"

namespace {

using Clock = std::chrono::steady_clock;

redisContext* connect(int port) {
  redisContext* c = redisConnect("127.0.0.1", port);
  if (c == nullptr || c->err != 0) {
    std::fprintf(stderr, "cannot connect to redis on %d\n", port);
    std::exit(1);
  }
  return c;
}

std::string message(long i) {
  std::string pad(120, 'x');
  std::string json = R"({"body":"{\"id\":\"m)" + std::to_string(i) + R"(\",\"pad\":\")" + pad +
                     R"(\"}","headers":{"type":"App\\Message\\Noop","Content-Type":"application\/json"}})";
  return "s:" + std::to_string(json.size()) + ":\"" + json + "\";";
}

int fill(int port, long n) {
  redisContext* c = connect(port);
  freeReplyObject(redisCommand(c, "XGROUP CREATE messages symfony 0 MKSTREAM"));
  for (long i = 0; i < n; i += 1000) {
    const long end = std::min(n, i + 1000);
    for (long j = i; j < end; ++j) {
      const std::string m = message(j);
      redisAppendCommand(c, "XADD messages * message %b", m.data(), m.size());
    }
    for (long j = i; j < end; ++j) {
      void* reply = nullptr;
      redisGetReply(c, &reply);
      freeReplyObject(reply);
    }
  }
  redisFree(c);
  return 0;
}

int raw(int port, long n) {
  redisContext* c = connect(port);
  const auto start = Clock::now();
  long done = 0;
  while (done < n) {
    auto* r = static_cast<redisReply*>(
        redisCommand(c, "XREADGROUP GROUP symfony raw COUNT 20 STREAMS messages >"));
    if (r == nullptr || r->type != REDIS_REPLY_ARRAY || r->elements == 0) {
      freeReplyObject(r);
      break;
    }
    const redisReply* entries = r->element[0]->element[1];
    std::vector<const char*> argv{"XACK", "messages", "symfony"};
    std::vector<std::size_t> lengths{4, 8, 7};
    for (std::size_t i = 0; i < entries->elements; ++i) {
      const redisReply* id = entries->element[i]->element[0];
      argv.push_back(id->str);
      lengths.push_back(id->len);
      ++done;
    }
    freeReplyObject(redisCommandArgv(c, static_cast<int>(argv.size()), argv.data(), lengths.data()));
    freeReplyObject(r);
  }
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  std::printf("  raw hiredis loop: %.0f messages/s (%ld messages)\n", done / seconds, done);
  redisFree(c);
  return 0;
}

int latency(int port, long n, long rate) {
  using namespace messengerd;
  config::Config config;
  config::TransportConfig tc;
  tc.name = "latency";
  tc.dsn = "redis://127.0.0.1:" + std::to_string(port) + "/latency/g/c";
  tc.dsn_parsed = *config::parse_dsn(tc.dsn);
  transport::TransportContext context{tc, config, serializer::serializer_for(""), {}};
  auto consumer = transport::redis::create_redis_transport(context);
  auto producer = transport::redis::create_redis_transport(context);
  if (!consumer || !producer) {
    std::fprintf(stderr, "cannot create the transport: %s\n", (!consumer ? consumer : producer).error().message.c_str());
    return 1;
  }
  return bench::measure_latency(**producer, **consumer, n, rate);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 4) {
    std::fprintf(stderr, "usage: bench_redis fill|raw|latency PORT N [RATE]\n");
    return 2;
  }
  const std::string what = argv[1];
  const int port = std::atoi(argv[2]);
  const long n = std::atol(argv[3]);
  if (what == "fill") return fill(port, n);
  if (what == "raw") return raw(port, n);
  if (what == "latency") return latency(port, n, argc > 4 ? std::atol(argv[4]) : 200);
  return 2;
}
