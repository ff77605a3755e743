// Redis Sentinel: the transport asks the sentinels for the master and follows a failover.
// A real master, replica and sentinel (redis-server --sentinel), each on its own free port.
#include <gtest/gtest.h>

#include <fstream>

#include "config/dsn.hpp"
#include "redis_server.hpp"
#include "transport/redis/factory.hpp"

namespace messengerd::transport::redis {
namespace {

using namespace std::chrono_literals;
using messengerd::testing::await;

struct Sentinel {
  int port = messengerd::testing::free_tcp_port();
  messengerd::testing::TempDir dir;
  std::unique_ptr<messengerd::testing::Process> process;

  explicit Sentinel(int master_port) {
    std::ofstream(dir / "sentinel.conf") << "port " << port << "\nbind 127.0.0.1\ndir " << dir.path().string()
                                         << "\nsentinel monitor mymaster 127.0.0.1 " << master_port << " 1\n"
                                         << "sentinel down-after-milliseconds mymaster 1000\n"
                                         << "sentinel failover-timeout mymaster 5000\n";
    process = std::make_unique<messengerd::testing::Process>(
        std::vector<std::string>{"/usr/bin/redis-server", (dir / "sentinel.conf").string(), "--sentinel"}, dir.path());
  }
  ~Sentinel() {
    process->signal(SIGKILL);
    process->wait();
  }
};

std::string cli(int port, const std::vector<std::string>& args) {
  redisContext* c = redisConnect("127.0.0.1", port);
  if (c == nullptr || c->err != 0) {
    if (c != nullptr) redisFree(c);
    return "";
  }
  std::vector<const char*> argv;
  for (const auto& a : args) argv.push_back(a.c_str());
  auto* r = static_cast<redisReply*>(redisCommandArgv(c, static_cast<int>(argv.size()), argv.data(), nullptr));
  std::string text;
  if (r != nullptr && r->type == REDIS_REPLY_ARRAY && r->elements >= 2) text = std::string(r->element[1]->str, r->element[1]->len);
  if (r != nullptr && (r->type == REDIS_REPLY_STRING || r->type == REDIS_REPLY_STATUS)) text.assign(r->str, r->len);
  if (r != nullptr && r->type == REDIS_REPLY_ARRAY && r->elements >= 1 && args[0] == "ROLE") text.assign(r->element[0]->str, r->element[0]->len);
  if (r != nullptr) freeReplyObject(r);
  redisFree(c);
  return text;
}

TEST(RedisSentinel, FindsTheMasterAndFollowsAFailover) {
  messengerd::testing::RedisServer master;
  messengerd::testing::RedisServer replica;
  replica.command({"REPLICAOF", "127.0.0.1", std::to_string(master.port())});
  ASSERT_TRUE(await([&] { return replica.command({"INFO", "replication"}).find("master_link_status:up") != std::string::npos; }));
  Sentinel sentinel(master.port());
  ASSERT_TRUE(await([&] {
    return cli(sentinel.port, {"SENTINEL", "get-master-addr-by-name", "mymaster"}) == std::to_string(master.port());
  }));

  config::Config config;
  config::TransportConfig tc;
  tc.name = "async";
  tc.dsn = "redis://127.0.0.1:" + std::to_string(sentinel.port) + "/s/g/c?redis_sentinel=mymaster";
  tc.dsn_parsed = *config::parse_dsn(tc.dsn);
  tc.options = tc.dsn_parsed.query;
  TransportContext context{tc, config, serializer::serializer_for(""), {}};
  auto created = create_redis_transport(context);
  ASSERT_TRUE(created) << created.error().message;
  auto& t = **created;

  ASSERT_TRUE(t.send(core::Envelope("App\\Message\\A", R"({"n":1})")));
  EXPECT_EQ(master.command({"XLEN", "s"}), "1");  // it went to the master the sentinel named

  // Failover: the replica is promoted, the old master demoted (it answers writes with READONLY).
  // Accepted once the sentinel has discovered the replica (NOGOODSLAVE before).
  ASSERT_TRUE(await([&] { return cli(sentinel.port, {"SENTINEL", "FAILOVER", "mymaster"}) == "OK"; }, 30s));
  ASSERT_TRUE(await([&] { return cli(master.port(), {"ROLE"}) == "slave"; }, 20s));
  EXPECT_TRUE(await([&] { return t.send(core::Envelope("App\\Message\\A", R"({"n":2})")).has_value(); }, 20s));
  EXPECT_EQ(replica.command({"XLEN", "s"}), "2");  // the new master has both

  std::set<std::string> bodies;
  await([&] {
    auto got = t.get(10);
    if (got) {
      for (auto& m : *got) {
        bodies.insert(m.envelope.body());
        EXPECT_TRUE(t.ack(m));
      }
    }
    return bodies.size() == 2;
  }, 10s);
  EXPECT_EQ(bodies.size(), 2u);
}

}  // namespace
}  // namespace messengerd::transport::redis
