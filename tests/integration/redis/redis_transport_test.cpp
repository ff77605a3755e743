// The Redis transport against a real redis-server (started per test on a free port): the bytes
// Symfony writes and reads, delays, claiming, the pending list, outages.
#include "transport/redis/redis_transport.hpp"

#include <gtest/gtest.h>
#include <poll.h>

#include <regex>

#include "config/dsn.hpp"
#include "redis_server.hpp"
#include "serializer/stamps.hpp"
#include "transport/redis/entry_codec.hpp"
#include "transport/redis/factory.hpp"

namespace messengerd::transport::redis {
namespace {

using namespace std::chrono_literals;
using messengerd::testing::await;

// Symfony 5.4's bytes for an SmsNotification (docs/symfony-wire-spec.md §2).
constexpr std::string_view kPhpJson =
    R"({"body":"{\"phoneNumber\":\"+1\",\"content\":\"plain\"}","headers":{"type":"App\\Message\\SmsNotification","Content-Type":"application\/json"}})";

struct RedisTransportTest : ::testing::Test {
  messengerd::testing::RedisServer server;
  config::Config config;

  std::unique_ptr<RedisTransport> open(const std::string& path_and_query = "/s/g/c") {
    config::TransportConfig tc;
    tc.name = "async";
    tc.dsn = server.url() + path_and_query;
    tc.dsn_parsed = *config::parse_dsn(tc.dsn);
    tc.options = tc.dsn_parsed.query;
    TransportContext context{tc, config, serializer::serializer_for(""), {}};
    auto created = create_redis_transport(context);
    EXPECT_TRUE(created) << (created ? "" : created.error().message);
    return std::unique_ptr<RedisTransport>(dynamic_cast<RedisTransport*>(created->release()));
  }
  static std::vector<ReceivedMessage> get_within(RedisTransport& t, std::chrono::milliseconds deadline, std::size_t max = 1) {
    std::vector<ReceivedMessage> got;
    await([&] {
      auto r = t.get(max);
      if (r && !r->empty()) got = std::move(*r);
      return !got.empty();
    }, deadline);
    return got;
  }
  // Gets (up to `batch` at a time) and acks until `count` messages came or the deadline
  // passed; their bodies, in the order they came.
  static std::vector<std::string> take_and_ack(RedisTransport& t, std::size_t count, std::chrono::milliseconds deadline,
                                               std::size_t batch) {
    std::vector<std::string> bodies;
    await([&] {
      auto got = t.get(batch);
      if (got) {
        for (auto& m : *got) {
          bodies.push_back(m.envelope.body());
          EXPECT_TRUE(t.ack(m));
        }
      }
      return bodies.size() >= count;
    }, deadline);
    return bodies;
  }
  static core::Envelope sms(const std::string& content) {
    return core::Envelope("App\\Message\\SmsNotification", R"({"phoneNumber":"+1","content":")" + content + R"("})");
  }
};

TEST_F(RedisTransportTest, WritesWhatSymfonyWritesWithTheDefaultPhpSerializer) {
  auto t = open();
  ASSERT_TRUE(t->send(sms("plain")));
  const std::string stored = server.command({"XRANGE", "s", "-", "+"});
  const std::string expected = "s:" + std::to_string(kPhpJson.size()) + ":\"" + std::string(kPhpJson) + "\";";
  EXPECT_NE(stored.find("\nmessage\n" + expected), std::string::npos) << stored;
}

TEST_F(RedisTransportTest, WritesRawJsonWithSerializerZero) {
  auto t = open("/s/g/c?serializer=0");
  ASSERT_TRUE(t->send(sms("plain")));
  EXPECT_NE(server.command({"XRANGE", "s", "-", "+"}).find("\nmessage\n" + std::string(kPhpJson)), std::string::npos);
}

TEST_F(RedisTransportTest, ReadsEntriesWrittenWithEitherSerializer) {
  auto t = open();
  ASSERT_TRUE(t->setup());
  server.command({"XADD", "s", "*", "message", "s:" + std::to_string(kPhpJson.size()) + ":\"" + std::string(kPhpJson) + "\";"});
  server.command({"XADD", "s", "*", "message", std::string(kPhpJson)});
  auto got = get_within(*t, 5s, 2);
  ASSERT_EQ(got.size(), 2u);
  for (const auto& m : got) {
    EXPECT_FALSE(m.decode_error) << m.decode_error->message;
    EXPECT_EQ(m.envelope.type(), "App\\Message\\SmsNotification");
    EXPECT_EQ(m.envelope.body(), R"({"phoneNumber":"+1","content":"plain"})");
    EXPECT_FALSE(serializer::transport_message_id(m.envelope));  // Symfony's Redis receiver adds none
  }
}

TEST_F(RedisTransportTest, DelayedMessagesUseSymfonysSortedSetAndArriveWhenDue) {
  auto t = open();
  auto e = sms("later");
  e.add(serializer::make_delay_stamp(1200));
  const auto before_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                             std::chrono::system_clock::now().time_since_epoch()).count();
  ASSERT_TRUE(t->send(e));
  const std::string queued = server.command({"ZRANGE", "s__queue", "0", "-1", "WITHSCORES"});
  const auto newline = queued.find('\n');
  ASSERT_NE(newline, std::string::npos) << queued;
  const std::string member = queued.substr(0, newline);
  EXPECT_TRUE(member.starts_with(R"({"body":"{\"phoneNumber\":\"+1\",\"content\":\"later\"}","headers":{"type":"App\\Message\\SmsNotification",)"))
      << member;
  EXPECT_TRUE(std::regex_search(member, std::regex(R"(,"uniqid":"[0-9a-f]{14}\.[0-9]{8}"\}$)"))) << member;
  EXPECT_TRUE(member.ends_with("\"}"));
  const auto score = std::stoll(queued.substr(newline + 1));
  EXPECT_GE(score, before_ms + 1200);
  EXPECT_LE(score, before_ms + 1200 + 2000);

  EXPECT_TRUE(get_within(*t, 500ms).empty());
  auto got = get_within(*t, 5s);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].envelope.body(), R"({"phoneNumber":"+1","content":"later"})");
  EXPECT_EQ(server.command({"ZCARD", "s__queue"}), "0");
}

TEST_F(RedisTransportTest, AMemberDelayedByPhpIsPromotedWithoutItsUniqid) {
  auto t = open();
  ASSERT_TRUE(t->setup());
  const std::string member = std::string(kPhpJson.substr(0, kPhpJson.size() - 1)) + R"(,"uniqid":"6b05ad88bdee06.23412692"})";
  server.command({"ZADD", "s__queue", "NX", "1000", member});  // long due
  auto got = get_within(*t, 5s);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_FALSE(got[0].decode_error);
  // The stream entry is exactly what Symfony's add() writes: no uniqid, PHP-serialized.
  const std::string stored = server.command({"XRANGE", "s", "-", "+"});
  EXPECT_NE(stored.find("s:" + std::to_string(kPhpJson.size()) + ":\"" + std::string(kPhpJson) + "\";"), std::string::npos)
      << stored;
}

TEST_F(RedisTransportTest, AckLeavesNothingPendingAndDeleteAfterAckRemovesTheEntry) {
  auto keep = open();
  ASSERT_TRUE(keep->send(sms("a")));
  auto got = get_within(*keep, 5s);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(server.command({"XPENDING", "s", "g"}).substr(0, 1), "1");
  ASSERT_TRUE(keep->ack(got[0]));
  // Acks go out with the next round trip (here: the next get) instead of one each.
  EXPECT_EQ(server.command({"XPENDING", "s", "g"}).substr(0, 1), "1");
  ASSERT_TRUE(keep->get(1));
  EXPECT_EQ(server.command({"XPENDING", "s", "g"}).substr(0, 1), "0");
  EXPECT_EQ(server.command({"XLEN", "s"}), "1");  // Symfony 5.4's default keeps acked entries

  auto remove = open("/s/g/c?delete_after_ack=true");
  ASSERT_TRUE(remove->send(sms("b")));
  got = get_within(*remove, 5s);
  ASSERT_EQ(got.size(), 1u);
  ASSERT_TRUE(remove->ack(got[0]));
  remove.reset();  // and at the latest when the transport closes
  EXPECT_EQ(server.command({"XLEN", "s"}), "1");
}

TEST_F(RedisTransportTest, WhileABatchIsHandledTheNextIsOnItsWayWithTheAcksSoFar) {
  auto t = open("/s/g/c?prefetch=2");
  for (int i = 0; i < 6; ++i) ASSERT_TRUE(t->send(sms(std::to_string(i))));
  auto first = get_within(*t, 5s, 2);
  ASSERT_EQ(first.size(), 2u);
  // The next batch was requested as this one was handed out: 2 handed out + 2 read ahead.
  EXPECT_TRUE(await([&] { return server.command({"XPENDING", "s", "g"}).substr(0, 2) == "4\n"; }, 5s))
      << server.command({"XPENDING", "s", "g"});
  for (const auto& m : first) ASSERT_TRUE(t->ack(m));
  auto second = t->get(2);
  ASSERT_TRUE(second);
  ASSERT_EQ(second->size(), 2u);
  EXPECT_EQ((*second)[0].envelope.body(), R"({"phoneNumber":"+1","content":"2"})");
  // The read-ahead of the third batch carried the first batch's acks.
  EXPECT_TRUE(await([&] { return server.command({"XPENDING", "s", "g"}).substr(0, 2) == "4\n"; }, 5s));
  const std::string pending = server.command({"XPENDING", "s", "g", "-", "+", "10"});
  EXPECT_EQ(pending.find(first[0].id), std::string::npos) << pending;
}

TEST_F(RedisTransportTest, AcksCarriedByAReadThatNeverRanAreSentAgainAfterReconnecting) {
  auto t = open("/s/g/c?prefetch=2");
  for (int i = 0; i < 6; ++i) ASSERT_TRUE(t->send(sms(std::to_string(i))));
  auto first = get_within(*t, 5s, 2);
  ASSERT_EQ(first.size(), 2u);
  ASSERT_TRUE(await([&] { return server.command({"XPENDING", "s", "g"}).substr(0, 2) == "4\n"; }, 5s));
  for (const auto& m : first) ASSERT_TRUE(t->ack(m));
  // Redis holds the next read-ahead (with those acks) unexecuted, then drops our connections.
  ASSERT_EQ(server.command({"CLIENT", "PAUSE", "10000", "WRITE"}), "OK");
  auto second = t->get(2);
  ASSERT_TRUE(second);
  ASSERT_EQ(second->size(), 2u);
  server.command({"CLIENT", "KILL", "TYPE", "normal"});
  ASSERT_EQ(server.command({"CLIENT", "UNPAUSE"}), "OK");
  for (const auto& m : *second) ASSERT_TRUE(t->ack(m));
  // After the reconnect the first batch is not delivered again: its acks went out first.
  const auto contents = take_and_ack(*t, 2, 15s, 2);
  ASSERT_EQ(contents.size(), 2u);
  EXPECT_EQ(contents[0], R"({"phoneNumber":"+1","content":"4"})");
  EXPECT_EQ(contents[1], R"({"phoneNumber":"+1","content":"5"})");
  t.reset();
  EXPECT_EQ(server.command({"XPENDING", "s", "g"}).substr(0, 2), "0\n");
}

TEST_F(RedisTransportTest, ARestartedConsumerReadsItsOwnPendingEntriesFirst) {
  {
    auto crashed = open("/s/g/worker-1?prefetch=5");
    for (int i = 0; i < 3; ++i) ASSERT_TRUE(crashed->send(sms(std::to_string(i))));
    ASSERT_EQ(get_within(*crashed, 5s).size(), 1u);  // 3 fetched into its pending list, 1 handed out
  }
  auto restarted = open("/s/g/worker-1");
  std::vector<std::string> contents;
  for (int i = 0; i < 3; ++i) {
    auto got = get_within(*restarted, 5s);
    ASSERT_EQ(got.size(), 1u);
    contents.push_back(got[0].envelope.body());
    ASSERT_TRUE(restarted->ack(got[0]));
  }
  EXPECT_EQ(contents[0], R"({"phoneNumber":"+1","content":"0"})");
  EXPECT_EQ(contents[2], R"({"phoneNumber":"+1","content":"2"})");
  EXPECT_TRUE(get_within(*restarted, 300ms).empty());
}

TEST_F(RedisTransportTest, WhatAStoppedWorkerFetchedButDidNotHandleIsClaimableAtOnce) {
  auto sender = open();
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(sender->send(sms(std::to_string(i))));
  {
    auto stopped = open("/s/g/worker-1?prefetch=2");
    auto got = get_within(*stopped, 5s);
    ASSERT_EQ(got.size(), 1u);
    ASSERT_TRUE(stopped->ack(got[0]));
    // Stops with one entry in its buffer and two read ahead, all in its pending list.
    ASSERT_TRUE(await([&] { return server.command({"XPENDING", "s", "g"}).substr(0, 2) == "4\n"; }, 5s));
  }
  // Another worker, with Symfony's default redeliver_timeout of an hour, claims them at its
  // first claim instead of an hour later.
  auto other = open("/s/g/worker-2?prefetch=5");
  EXPECT_EQ(take_and_ack(*other, 4, 5s, 5).size(), 4u);
}

TEST_F(RedisTransportTest, EveryIdleEntryOfADeadConsumerIsClaimedInOneInterval) {
  {
    auto dead = open("/s/g/dead?prefetch=50");
    for (int i = 0; i < 30; ++i) ASSERT_TRUE(dead->send(sms(std::to_string(i))));
    ASSERT_EQ(get_within(*dead, 5s).size(), 1u);  // all 30 now in the dead consumer's pending list
  }
  auto alive = open("/s/g/alive?redeliver_timeout=1&claim_interval=200&prefetch=50");
  std::set<std::string> seen;
  const auto start = std::chrono::steady_clock::now();
  await([&] {
    auto got = alive->get(100);
    if (got) {
      for (auto& m : *got) {
        seen.insert(m.envelope.body());
        EXPECT_TRUE(alive->ack(m));
      }
    }
    return seen.size() == 30;
  }, 10s);
  EXPECT_EQ(seen.size(), 30u);
  // One claim pass took them all (symfony/symfony#49023 claimed one per interval).
  EXPECT_LT(std::chrono::steady_clock::now() - start, 3s);
}

TEST_F(RedisTransportTest, AClaimedEntryReportsHowOftenRedisDeliveredIt) {
  {
    auto first = open("/s/g/first");
    ASSERT_TRUE(first->send(sms("claimed")));
    auto got = get_within(*first, 5s);
    ASSERT_EQ(got.size(), 1u);
    EXPECT_EQ(got[0].delivery_count, 1u);  // a new entry
  }  // dies without acking
  {
    auto second = open("/s/g/second?redeliver_timeout=1&claim_interval=100");
    auto got = get_within(*second, 10s);
    ASSERT_EQ(got.size(), 1u);
    EXPECT_EQ(got[0].envelope.body(), R"({"phoneNumber":"+1","content":"claimed"})");
    EXPECT_EQ(got[0].delivery_count, 2u);  // claimed after redeliver_timeout
  }  // dies too
  auto third = open("/s/g/third?redeliver_timeout=0&claim_interval=100");
  auto got = get_within(*third, 10s);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].delivery_count, 3u);  // Redis's count, not only the lower bound
  ASSERT_TRUE(third->ack(got[0]));
}

TEST_F(RedisTransportTest, OwnPendingEntriesReadAgainAfterARestartReportARedelivery) {
  {
    auto crashed = open("/s/g/worker-1?prefetch=5");
    for (int i = 0; i < 2; ++i) ASSERT_TRUE(crashed->send(sms(std::to_string(i))));
    auto got = get_within(*crashed, 5s);  // both fetched into its pending list, 1 handed out
    ASSERT_EQ(got.size(), 1u);
    EXPECT_EQ(got[0].delivery_count, 1u);
  }
  auto restarted = open("/s/g/worker-1");
  ASSERT_TRUE(restarted->send(sms("new")));
  std::vector<std::pair<std::string, std::uint32_t>> seen;
  for (int i = 0; i < 3; ++i) {
    auto got = get_within(*restarted, 5s);
    ASSERT_EQ(got.size(), 1u);
    seen.emplace_back(got[0].envelope.body(), got[0].delivery_count);
    ASSERT_TRUE(restarted->ack(got[0]));
  }
  EXPECT_EQ(seen, (std::vector<std::pair<std::string, std::uint32_t>>{{R"({"phoneNumber":"+1","content":"0"})", 2},
                                                                      {R"({"phoneNumber":"+1","content":"1"})", 2},
                                                                      {R"({"phoneNumber":"+1","content":"new"})", 1}}));
}

TEST_F(RedisTransportTest, APendingEntryTrimmedAwayIsSkippedNotFatal) {
  std::string trimmed_id;
  {
    auto crashed = open("/s/g/c?prefetch=5");
    ASSERT_TRUE(crashed->send(sms("gone")));
    ASSERT_TRUE(crashed->send(sms("kept")));
    auto got = get_within(*crashed, 5s);
    ASSERT_EQ(got.size(), 1u);
    trimmed_id = got[0].id;
  }
  server.command({"XDEL", "s", trimmed_id});  // as MAXLEN trimming would
  auto restarted = open("/s/g/c");
  auto got = get_within(*restarted, 5s);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].envelope.body(), R"({"phoneNumber":"+1","content":"kept"})");
  ASSERT_TRUE(restarted->ack(got[0]));
  ASSERT_TRUE(restarted->get(1));
  EXPECT_EQ(server.command({"XPENDING", "s", "g"}).substr(0, 1), "0");  // the trimmed one was acked away
}

TEST_F(RedisTransportTest, AnIdleWorkerWaitsOnTheSocketAndWakesForANewEntry) {
  auto consumer = open();
  auto producer = open();
  ASSERT_TRUE(consumer->get(1)->empty());  // starts the blocking read
  auto ready = consumer->readiness();
  ASSERT_GE(ready.fd, 0);
  pollfd p{ready.fd, POLLIN, 0};
  EXPECT_EQ(::poll(&p, 1, 100), 0);  // nothing to read: the worker would sleep here
  ASSERT_TRUE(producer->send(sms("wake")));
  ASSERT_EQ(::poll(&p, 1, 5000), 1);  // woken by Redis, no polling interval involved
  consumer->on_readable();
  auto got = consumer->get(1);
  ASSERT_TRUE(got);
  ASSERT_EQ(got->size(), 1u);
  EXPECT_EQ((*got)[0].envelope.body(), R"({"phoneNumber":"+1","content":"wake"})");
}

TEST_F(RedisTransportTest, ARestartedServerIsReconnectedToAndNothingIsLost) {
  auto t = open();
  ASSERT_TRUE(t->send(sms("before")));
  auto got = get_within(*t, 5s);
  ASSERT_EQ(got.size(), 1u);
  ASSERT_TRUE(t->ack(got[0]));
  server.stop();
  auto during = t->get(1);
  ASSERT_TRUE(during);  // an outage is not an error for every poll
  EXPECT_TRUE(during->empty());
  EXPECT_FALSE(t->send(sms("lost?")));  // a send fails visibly: the caller keeps the message
  server.start();
  EXPECT_TRUE(await([&] { return t->send(sms("after")).has_value(); }, 15s));
  got = get_within(*t, 15s);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].envelope.body(), R"({"phoneNumber":"+1","content":"after"})");
}

TEST_F(RedisTransportTest, KeepaliveResetsTheIdleTimeSoNoOneClaimsIt) {
  auto busy = open("/s/g/busy");
  ASSERT_TRUE(busy->send(sms("long")));
  auto got = get_within(*busy, 5s);
  ASSERT_EQ(got.size(), 1u);
  auto other = open("/s/g/other?redeliver_timeout=1&claim_interval=100");
  for (int i = 0; i < 4; ++i) {
    std::this_thread::sleep_for(400ms);  // the handler is working; keepalive every 400 ms
    ASSERT_TRUE(busy->keepalive(got[0]));
    auto stolen = other->get(1);
    ASSERT_TRUE(stolen);
    EXPECT_TRUE(stolen->empty()) << "claimed while still being handled";
  }
  EXPECT_TRUE(busy->ack(got[0]));
}

TEST_F(RedisTransportTest, ServesAsAFailureTransport) {
  auto failed = open("/failed/g/c");
  ASSERT_TRUE(failed->send(sms("f1")));
  ASSERT_TRUE(failed->send(sms("f2")));
  auto all = failed->all(std::nullopt);
  ASSERT_TRUE(all);
  ASSERT_EQ(all->size(), 2u);
  auto one = failed->find((*all)[1].id);
  ASSERT_TRUE(one && *one);
  EXPECT_EQ((*one)->envelope.body(), R"({"phoneNumber":"+1","content":"f2"})");
  ASSERT_TRUE(failed->remove((*all)[0].id));
  EXPECT_EQ(failed->all(std::nullopt)->size(), 1u);
  EXPECT_EQ(failed->remove("1-1").error().kind, core::ErrorKind::not_found);
  EXPECT_EQ(failed->message_count().value_or(-1), 1);
}

TEST_F(RedisTransportTest, BadDsnsSayWhatIsWrongWithoutThePassword) {
  config::TransportConfig tc;
  tc.name = "async";
  tc.dsn = "rediss://secret@127.0.0.1:1/s?ssl[verify_peer]=maybe";
  tc.dsn_parsed = *config::parse_dsn(tc.dsn);
  tc.options = tc.dsn_parsed.query;
  TransportContext context{tc, config, serializer::serializer_for(""), {}};
  auto tls = create_redis_transport(context);
  ASSERT_FALSE(tls);
  EXPECT_NE(tls.error().message.find("ssl.verify_peer"), std::string::npos);
  EXPECT_EQ(tls.error().message.find("secret"), std::string::npos) << tls.error().message;

  tc.dsn = "redis://secret@127.0.0.1:1/s?claim_interval=soon";
  tc.dsn_parsed = *config::parse_dsn(tc.dsn);
  tc.options = tc.dsn_parsed.query;
  auto bad = create_redis_transport(context);
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("claim_interval"), std::string::npos);
  EXPECT_EQ(bad.error().message.find("secret"), std::string::npos) << bad.error().message;
}

TEST_F(RedisTransportTest, PasswordsAreSentAsAuth) {
  server.command({"CONFIG", "SET", "requirepass", "s3cret"});
  auto wrong = open("/s/g/c");
  EXPECT_FALSE(wrong->send(sms("x")));
  config::TransportConfig tc;
  tc.name = "async";
  tc.dsn = "redis://s3cret@127.0.0.1:" + std::to_string(server.port()) + "/s";
  tc.dsn_parsed = *config::parse_dsn(tc.dsn);
  TransportContext context{tc, config, serializer::serializer_for(""), {}};
  auto right = create_redis_transport(context);
  ASSERT_TRUE(right);
  EXPECT_TRUE((*right)->send(sms("x")));
}

}  // namespace
}  // namespace messengerd::transport::redis
