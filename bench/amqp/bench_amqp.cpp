// AMQP benchmark helpers (prints numbers, asserts nothing; bench/run-amqp drives it):
//   bench_amqp fill PORT N              publishes N persistent Symfony-encoded messages of ~200
//                                       bytes to the exchange "messages" (declared as Symfony
//                                       declares it: fanout, durable, bound to the durable queue
//                                       "messages") and waits until the queue holds them all
//   bench_amqp count PORT 0            prints the ready messages of the queue "messages"
//   bench_amqp raw PORT N PREFETCH      the raw librabbitmq loop messengerd is compared with:
//                                       basic.qos PREFETCH, basic.consume, acks batched as
//                                       messengerd batches them (basic.ack multiple=true)
//   bench_amqp latency PORT N RATE      dispatch->receive latency through the AMQP transport at a
//                                       steady low rate (p50/p99), an idle consumer waiting in
//                                       poll() on its readiness fd
#include <amqp.h>
#include <amqp_tcp_socket.h>
#include <poll.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include "config/dsn.hpp"
#include "latency.hpp"
#include "serializer/serializer.hpp"
#include "transport/amqp/factory.hpp"

namespace {

using Clock = std::chrono::steady_clock;
constexpr amqp_channel_t kChannel = 1;

void die(const char* what) {
  std::fprintf(stderr, "bench_amqp: %s\n", what);
  std::exit(1);
}

void check(amqp_rpc_reply_t reply, const char* what) {
  if (reply.reply_type != AMQP_RESPONSE_NORMAL) die(what);
}

// An owned, logged-in connection with channel 1 open.
struct Connection {
  amqp_connection_state_t state = amqp_new_connection();

  explicit Connection(int port) {
    amqp_socket_t* socket = amqp_tcp_socket_new(state);
    if (socket == nullptr || amqp_socket_open(socket, "127.0.0.1", port) != AMQP_STATUS_OK) die("cannot connect");
    check(amqp_login(state, "/", 0, 131072, 0, AMQP_SASL_METHOD_PLAIN, "guest", "guest"), "login");
    amqp_channel_open(state, kChannel);
    check(amqp_get_rpc_reply(state), "channel.open");
  }
  ~Connection() {
    amqp_channel_close(state, kChannel, AMQP_REPLY_SUCCESS);
    amqp_connection_close(state, AMQP_REPLY_SUCCESS);
    amqp_destroy_connection(state);
  }
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;
};

// Symfony's declarations for amqp://…/%2f/messages (Connection::setupExchangeAndQueues()).
void declare_symfony_queue(const Connection& c) {
  amqp_exchange_declare(c.state, kChannel, amqp_cstring_bytes("messages"), amqp_cstring_bytes("fanout"), 0, 1, 0, 0,
                        amqp_empty_table);
  check(amqp_get_rpc_reply(c.state), "exchange.declare");
  amqp_queue_declare(c.state, kChannel, amqp_cstring_bytes("messages"), 0, 1, 0, 0, amqp_empty_table);
  check(amqp_get_rpc_reply(c.state), "queue.declare");
  amqp_queue_bind(c.state, kChannel, amqp_cstring_bytes("messages"), amqp_cstring_bytes("messages"),
                  amqp_cstring_bytes(""), amqp_empty_table);
  check(amqp_get_rpc_reply(c.state), "queue.bind");
}

long ready_messages(const Connection& c) {
  auto* ok = amqp_queue_declare(c.state, kChannel, amqp_cstring_bytes("messages"), 1, 0, 0, 0, amqp_empty_table);
  check(amqp_get_rpc_reply(c.state), "queue.declare passive");
  return static_cast<long>(ok->message_count);
}

int fill(int port, long n) {
  Connection c(port);
  declare_symfony_queue(c);
  const long before = ready_messages(c);
  // What Symfony's AMQP sender publishes: the body, content_type, delivery_mode 2 and the
  // envelope's headers as an AMQP table (here only `type`).
  amqp_table_entry_t type_header;
  type_header.key = amqp_cstring_bytes("type");
  type_header.value.kind = AMQP_FIELD_KIND_UTF8;
  type_header.value.value.bytes = amqp_cstring_bytes("App\\Message\\Noop");
  amqp_basic_properties_t props{};
  props._flags = AMQP_BASIC_CONTENT_TYPE_FLAG | AMQP_BASIC_DELIVERY_MODE_FLAG | AMQP_BASIC_HEADERS_FLAG |
                 AMQP_BASIC_TIMESTAMP_FLAG;
  props.content_type = amqp_cstring_bytes("application/json");
  props.delivery_mode = 2;
  props.headers.num_entries = 1;
  props.headers.entries = &type_header;
  props.timestamp = static_cast<uint64_t>(std::time(nullptr));
  const std::string pad(170, 'x');
  for (long i = 0; i < n; ++i) {
    const std::string body = R"({"id":"m)" + std::to_string(i) + R"(","pad":")" + pad + R"("})";
    if (amqp_basic_publish(c.state, kChannel, amqp_cstring_bytes("messages"), amqp_cstring_bytes(""), 0, 0, &props,
                           amqp_bytes_t{body.size(), const_cast<char*>(body.data())}) != AMQP_STATUS_OK) {
      die("basic.publish");
    }
  }
  // Publishes are asynchronous: wait until the broker has queued them all.
  const auto deadline = Clock::now() + std::chrono::minutes(5);
  while (ready_messages(c) < before + n) {
    if (Clock::now() > deadline) die("the queue did not reach the expected depth");
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return 0;
}

// The bare loop a careful librabbitmq user writes, acking as messengerd does: acks are held
// and sent as one basic.ack multiple=true when half the prefetch window is held, or before the
// loop would block for more deliveries (nothing buffered), so the broker's window keeps flowing.
int raw(int port, long n, int prefetch) {
  Connection c(port);
  amqp_basic_qos(c.state, kChannel, 0, static_cast<uint16_t>(prefetch), 0);
  check(amqp_get_rpc_reply(c.state), "basic.qos");
  amqp_basic_consume(c.state, kChannel, amqp_cstring_bytes("messages"), amqp_empty_bytes, 0, 0, 0, amqp_empty_table);
  check(amqp_get_rpc_reply(c.state), "basic.consume");
  const long batch = std::max(1, prefetch / 2);
  uint64_t held_upto = 0;
  long held = 0;
  long acks_sent = 0;
  auto flush = [&] {
    if (held == 0) return;
    if (amqp_basic_ack(c.state, kChannel, held_upto, held > 1 ? 1 : 0) != AMQP_STATUS_OK) die("basic.ack");
    held = 0;
    ++acks_sent;
  };
  const auto start = Clock::now();
  long done = 0;
  std::size_t bytes = 0;
  Clock::time_point held_since{};
  constexpr auto kAckDelay = std::chrono::milliseconds(200);  // as the transport's
  while (done < n) {
    // Held acks go out when half the prefetch window is held or the oldest is 200 ms old, as
    // messengerd's (fewer than half the window held: the broker never waits for them).
    timeval timeout{5, 0};
    if (held > 0) {
      const auto left = std::chrono::duration_cast<std::chrono::microseconds>(held_since + kAckDelay - Clock::now());
      if (left.count() <= 0) {
        flush();
      } else {
        timeout = {static_cast<time_t>(left.count() / 1000000), static_cast<suseconds_t>(left.count() % 1000000)};
      }
    }
    amqp_maybe_release_buffers(c.state);
    amqp_envelope_t envelope;
    const auto reply = amqp_consume_message(c.state, &envelope, &timeout, 0);
    if (reply.reply_type == AMQP_RESPONSE_LIBRARY_EXCEPTION && reply.library_error == AMQP_STATUS_TIMEOUT && held > 0) {
      flush();
      continue;
    }
    if (reply.reply_type != AMQP_RESPONSE_NORMAL) break;
    bytes += envelope.message.body.len;  // touch the body, as a decoder would
    held_upto = envelope.delivery_tag;
    if (held == 0) held_since = Clock::now();
    if (++held >= batch) flush();
    amqp_destroy_envelope(&envelope);
    ++done;
  }
  flush();
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  std::printf("  raw librabbitmq loop (prefetch %d, acks batched with multiple as messengerd's): %.0f messages/s "
              "(%ld messages, %zu body bytes, %ld basic.ack frames)\n",
              prefetch, done / seconds, done, bytes, acks_sent);
  return done == n ? 0 : 1;
}

int latency(int port, long n, long rate) {
  using namespace messengerd;
  config::Config config;
  config::TransportConfig tc;
  tc.name = "latency";
  tc.dsn = "amqp://guest:guest@127.0.0.1:" + std::to_string(port) + "/%2f/latency";
  tc.dsn_parsed = *config::parse_dsn(tc.dsn);
  transport::TransportContext context{tc, config, serializer::serializer_for(""), {}};
  auto consumer = transport::amqp::create_amqp_transport(context);
  auto producer = transport::amqp::create_amqp_transport(context);
  if (!consumer || !producer) die((consumer ? producer : consumer).error().message.c_str());
  // The first get declares the exchange and queue (auto_setup) before anything is sent.
  if (auto first = (*consumer)->get(1); !first) die(first.error().message.c_str());
  return bench::measure_latency(**producer, **consumer, n, rate);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 4) {
    std::fprintf(stderr, "usage: bench_amqp fill|count|raw|latency PORT N [PREFETCH|RATE]\n");
    return 2;
  }
  const std::string what = argv[1];
  const int port = std::atoi(argv[2]);
  const long n = std::atol(argv[3]);
  if (what == "fill") return fill(port, n);
  if (what == "count") {
    Connection c(port);
    std::printf("%ld\n", ready_messages(c));
    return 0;
  }
  if (what == "raw") return raw(port, n, argc > 4 ? std::atoi(argv[4]) : 20);
  if (what == "latency") return latency(port, n, argc > 4 ? std::atol(argv[4]) : 200);
  return 2;
}
