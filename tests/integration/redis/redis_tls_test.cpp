// The Redis transport over TLS (rediss://, tls: true) against a real redis-server started with
// --tls-port and a throwaway CA (tests/support/redis_tls_server.hpp): verification with the
// CA, a wrong CA, verify_peer: false, peer names, client certificates, the idle blocking read.
#include <gtest/gtest.h>
#include <poll.h>

#include "config/dsn.hpp"
#include "redis_tls_server.hpp"
#include "serializer/serializer.hpp"
#include "transport/redis/factory.hpp"
#include "transport/redis/redis_transport.hpp"
#include "transport/redis/settings.hpp"

namespace messengerd::transport::redis {
namespace {

using namespace std::chrono_literals;
using config::Value;
using messengerd::testing::await;
using messengerd::testing::RedisTlsServer;

constexpr std::string_view kPassword = "tls-s3cret";

Value ssl(std::vector<std::pair<std::string, Value>> entries) { return Value::map({{"ssl", Value::map(std::move(entries))}}); }

struct RedisTlsTest : ::testing::Test {
  config::Config config;

  // A transport for `dsn`, the DSN query merged with `options` as the config loader does.
  core::Result<std::unique_ptr<Transport>> create(const std::string& dsn, const Value& options = {}) {
    config::TransportConfig tc;
    tc.name = "async";
    tc.dsn = dsn;
    tc.dsn_parsed = *config::parse_dsn(tc.dsn);
    tc.options = Value::merged(tc.dsn_parsed.query, options);
    TransportContext context{tc, config, serializer::serializer_for(""), {}};
    return create_redis_transport(context);
  }
  std::unique_ptr<RedisTransport> open(const std::string& dsn, const Value& options = {}) {
    auto created = create(dsn, options);
    EXPECT_TRUE(created) << (created ? "" : created.error().message);
    if (!created) return nullptr;
    return std::unique_ptr<RedisTransport>(dynamic_cast<RedisTransport*>(created->release()));
  }
  static std::vector<ReceivedMessage> get_within(RedisTransport& t, std::chrono::milliseconds deadline) {
    std::vector<ReceivedMessage> got;
    await([&] {
      auto r = t.get(1);
      if (r && !r->empty()) got = std::move(*r);
      return !got.empty();
    }, deadline);
    return got;
  }
  static core::Envelope sms(const std::string& content) {
    return core::Envelope("App\\Message\\SmsNotification", R"({"phoneNumber":"+1","content":")" + content + R"("})");
  }
  // Sends, receives and acks one message; the stream is empty of pending entries after.
  static void round_trip(RedisTransport& t, const std::string& content) {
    ASSERT_TRUE(t.send(sms(content)));
    auto got = get_within(t, 5s);
    ASSERT_EQ(got.size(), 1u);
    EXPECT_EQ(got[0].envelope.body(), R"({"phoneNumber":"+1","content":")" + content + R"("})");
    ASSERT_TRUE(t.ack(got[0]));
    ASSERT_TRUE(t.get(1));  // acks are batched: sent before the next read
    EXPECT_EQ(t.message_count().value_or(-1), 0);  // the ack reached the server
  }
};

TEST_F(RedisTlsTest, SendsGetsAndAcksOverRedissWithTheCaFileAndVerification) {
  RedisTlsServer server(RedisTlsServer::ClientCertificates::no, std::string(kPassword));
  auto t = open("rediss://" + std::string(kPassword) + "@127.0.0.1:" + std::to_string(server.port()) + "/s/g/c",
                ssl({{"cafile", Value::string(server.ca_file())}, {"verify_peer", Value::boolean(true)}}));
  ASSERT_TRUE(t);
  round_trip(*t, "over tls");
}

TEST_F(RedisTlsTest, TlsOptionOnRedisAndSslOptionsInTheQueryString) {
  RedisTlsServer server;
  auto t = open("redis://localhost:" + std::to_string(server.port()) + "/s/g/c?tls=true&ssl[cafile]=" + server.ca_file() +
                "&ssl[verify_peer_name]=1");
  ASSERT_TRUE(t);
  round_trip(*t, "query");
  // The plain `cafile` option, for convenience.
  auto plain = open(server.url() + "/s/g/c", Value::map({{"cafile", Value::string(server.ca_file())}}));
  ASSERT_TRUE(plain);
  round_trip(*plain, "cafile");
}

TEST_F(RedisTlsTest, AWrongCaIsRefusedWithAClearErrorWithoutThePassword) {
  RedisTlsServer server(RedisTlsServer::ClientCertificates::no, std::string(kPassword));
  auto t = open("rediss://" + std::string(kPassword) + "@127.0.0.1:" + std::to_string(server.port()) + "/s/g/c",
                ssl({{"cafile", Value::string(server.wrong_ca_file())}}));
  ASSERT_TRUE(t);
  auto sent = t->send(sms("x"));
  ASSERT_FALSE(sent);
  const std::string& message = sent.error().message;
  EXPECT_EQ(sent.error().kind, core::ErrorKind::connection);
  EXPECT_NE(message.find("certificate verify failed"), std::string::npos) << message;
  EXPECT_NE(message.find("ssl.cafile"), std::string::npos) << message;
  EXPECT_NE(message.find("rediss://****@127.0.0.1"), std::string::npos) << message;
  EXPECT_EQ(message.find(kPassword), std::string::npos) << message;
  // The same wrong CA by the system's defaults (no cafile): refused too.
  auto system = open(server.url() + "/s/g/c");
  ASSERT_TRUE(system);
  EXPECT_FALSE(system->send(sms("x")));
}

TEST_F(RedisTlsTest, VerifyPeerFalseAcceptsAnUnknownCa) {
  RedisTlsServer server;
  auto t = open(server.url() + "/s/g/c", ssl({{"verify_peer", Value::string("false")}}));
  ASSERT_TRUE(t);
  round_trip(*t, "unverified");
}

TEST_F(RedisTlsTest, APeerNameTheCertificateDoesNotNameIsRefused) {
  RedisTlsServer server;
  auto wrong = open(server.url() + "/s/g/c",
                    ssl({{"cafile", Value::string(server.ca_file())}, {"peer_name", Value::string("redis.example.org")}}));
  ASSERT_TRUE(wrong);
  auto sent = wrong->send(sms("x"));
  ASSERT_FALSE(sent);
  EXPECT_NE(sent.error().message.find("redis.example.org"), std::string::npos) << sent.error().message;
  // The certificate names localhost: right by peer_name, and by name when not checked.
  auto right = open(server.url() + "/s/g/c",
                    ssl({{"cafile", Value::string(server.ca_file())}, {"peer_name", Value::string("localhost")}}));
  ASSERT_TRUE(right);
  round_trip(*right, "localhost");
  auto unchecked = open(server.url() + "/s/g/c", ssl({{"cafile", Value::string(server.ca_file())},
                                                      {"peer_name", Value::string("redis.example.org")},
                                                      {"verify_peer_name", Value::boolean(false)}}));
  ASSERT_TRUE(unchecked);
  round_trip(*unchecked, "unchecked name");
}

TEST_F(RedisTlsTest, AClientCertificateWhenTheServerRequiresOne) {
  RedisTlsServer server(RedisTlsServer::ClientCertificates::yes);
  auto without = open(server.url() + "/s/g/c", ssl({{"cafile", Value::string(server.ca_file())}}));
  ASSERT_TRUE(without);
  auto refused = without->send(sms("x"));
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().message.find("certificate required"), std::string::npos) << refused.error().message;

  auto with = open(server.url() + "/s/g/c", ssl({{"cafile", Value::string(server.ca_file())},
                                                 {"local_cert", Value::string(server.client_cert())},
                                                 {"local_pk", Value::string(server.client_key())}}));
  ASSERT_TRUE(with);
  round_trip(*with, "mutual tls");
}

TEST_F(RedisTlsTest, AnEncryptedClientKeyWithItsPassphrase) {
  RedisTlsServer server(RedisTlsServer::ClientCertificates::yes);
  auto options = [&](const std::string& passphrase) {
    return ssl({{"cafile", Value::string(server.ca_file())},
                {"local_cert", Value::string(server.client_cert())},
                {"local_pk", Value::string(server.encrypted_client_key())},
                {"passphrase", Value::string(passphrase)}});
  };
  auto wrong = open(server.url() + "/s/g/c", options("not-it"));
  ASSERT_TRUE(wrong);
  auto refused = wrong->send(sms("x"));
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().message.find("ssl.local_pk"), std::string::npos) << refused.error().message;
  EXPECT_EQ(refused.error().message.find("not-it"), std::string::npos) << refused.error().message;
  auto right = open(server.url() + "/s/g/c", options(std::string(RedisTlsServer::kKeyPassphrase)));
  ASSERT_TRUE(right);
  round_trip(*right, "encrypted key");
}

TEST_F(RedisTlsTest, AMissingClientKeyFileSaysWhichFile) {
  RedisTlsServer server(RedisTlsServer::ClientCertificates::optional);
  auto t = open(server.url() + "/s/g/c", ssl({{"cafile", Value::string(server.ca_file())},
                                              {"local_cert", Value::string(server.client_cert())},
                                              {"local_pk", Value::string("/nonexistent/client.key")}}));
  ASSERT_TRUE(t);
  auto sent = t->send(sms("x"));
  ASSERT_FALSE(sent);
  EXPECT_NE(sent.error().message.find("/nonexistent/client.key"), std::string::npos) << sent.error().message;
}

TEST_F(RedisTlsTest, AnIdleWorkerWaitsOnTheTlsSocketAndWakesForANewEntry) {
  RedisTlsServer server;
  const Value options = ssl({{"cafile", Value::string(server.ca_file())}});
  auto consumer = open(server.url() + "/s/g/c", options);
  auto producer = open(server.url() + "/s/g/p", options);
  ASSERT_TRUE(consumer && producer);
  ASSERT_TRUE(consumer->get(1)->empty());  // starts the blocking read
  auto ready = consumer->readiness();
  ASSERT_GE(ready.fd, 0);
  pollfd p{ready.fd, POLLIN, 0};
  EXPECT_EQ(::poll(&p, 1, 100), 0);  // nothing to read (no session ticket left behind either)
  ASSERT_TRUE(producer->send(sms("wake")));
  ASSERT_EQ(::poll(&p, 1, 5000), 1);  // woken by Redis over TLS
  consumer->on_readable();
  auto got = consumer->get(1);
  ASSERT_TRUE(got);
  ASSERT_EQ(got->size(), 1u);
  EXPECT_EQ((*got)[0].envelope.body(), R"({"phoneNumber":"+1","content":"wake"})");
  // And again: the reply was taken whole, nothing stayed inside OpenSSL.
  ASSERT_TRUE(consumer->ack((*got)[0]));
  ASSERT_TRUE(consumer->get(1)->empty());
  ready = consumer->readiness();
  ASSERT_GE(ready.fd, 0);
  p = pollfd{ready.fd, POLLIN, 0};
  ASSERT_TRUE(producer->send(sms("again")));
  ASSERT_EQ(::poll(&p, 1, 5000), 1);
  consumer->on_readable();
  got = consumer->get(1);
  ASSERT_TRUE(got);
  ASSERT_EQ(got->size(), 1u);
  EXPECT_EQ((*got)[0].envelope.body(), R"({"phoneNumber":"+1","content":"again"})");
}

TEST_F(RedisTlsTest, ARestartedTlsServerIsReconnectedTo) {
  RedisTlsServer server;
  auto t = open(server.url() + "/s/g/c", ssl({{"cafile", Value::string(server.ca_file())}}));
  ASSERT_TRUE(t);
  round_trip(*t, "before");
  server.stop();
  EXPECT_FALSE(t->send(sms("lost?")));
  server.start();
  EXPECT_TRUE(await([&] { return t->send(sms("after")).has_value(); }, 15s));
  auto got = get_within(*t, 15s);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].envelope.body(), R"({"phoneNumber":"+1","content":"after"})");
}

// Option checks: no server needed.
TEST_F(RedisTlsTest, BadTlsOptionsSayWhatIsWrongWithoutThePassword) {
  auto expect_refused = [&](const std::string& dsn, const Value& options, std::string_view says) {
    auto created = create(dsn, options);
    ASSERT_FALSE(created) << dsn;
    EXPECT_NE(created.error().message.find(says), std::string::npos) << created.error().message;
    EXPECT_EQ(created.error().message.find("s3cret"), std::string::npos) << created.error().message;
  };
  expect_refused("redis://s3cret@127.0.0.1:1/s", ssl({{"cafile", Value::string("/ca.crt")}}), "TLS is off");
  expect_refused("redis://s3cret@127.0.0.1:1/s?cafile=/ca.crt", {}, "TLS is off");
  expect_refused("rediss://s3cret@127.0.0.1:1/s?ssl[verify_peer]=maybe", {}, "ssl.verify_peer");
  expect_refused("rediss://s3cret@127.0.0.1:1/s?ssl[verify_pear]=0", {}, "unknown option ssl.verify_pear");
  expect_refused("rediss://s3cret@127.0.0.1:1/s?ssl=yes", {}, "option ssl must be a map");
  expect_refused("rediss://s3cret@127.0.0.1:1/s", ssl({{"local_pk", Value::string("/k.pem")}}), "ssl.local_cert");
  expect_refused("redis:///var/run/redis.sock?tls=1", {}, "unix socket");
  {
    auto created = create("rediss://127.0.0.1:1/s?ssl[passphrase]=k3y", {});
    ASSERT_FALSE(created);
    EXPECT_NE(created.error().message.find("ssl.passphrase must not be in the DSN"), std::string::npos);
    EXPECT_EQ(created.error().message.find("k3y"), std::string::npos) << created.error().message;
  }
  EXPECT_TRUE(create("rediss://s3cret@127.0.0.1:1/s", ssl({{"verify_peer", Value::boolean(false)}})));
}

}  // namespace
}  // namespace messengerd::transport::redis
