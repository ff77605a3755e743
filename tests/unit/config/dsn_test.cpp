#include "config/dsn.hpp"

#include <gtest/gtest.h>

namespace messengerd::config {
namespace {

Dsn parsed(std::string_view text) {
  auto dsn = parse_dsn(text);
  EXPECT_TRUE(dsn) << text << ": " << (dsn ? "" : dsn.error().part + ": " + dsn.error().message);
  return dsn ? *dsn : Dsn{};
}

DsnError error_of(std::string_view text) {
  auto dsn = parse_dsn(text);
  EXPECT_FALSE(dsn) << text << " parsed, expected an error";
  return dsn ? DsnError{} : dsn.error();
}

TEST(Dsn, RedisWithEverything) {
  auto dsn = parsed("redis://user:p%40ss@localhost:6379/messages?stream=s&auto_setup=false");
  EXPECT_EQ(dsn.scheme, "redis");
  EXPECT_EQ(dsn.user, "user");
  EXPECT_EQ(dsn.password, "p@ss");
  EXPECT_TRUE(dsn.has_password);
  ASSERT_EQ(dsn.hosts.size(), 1u);
  EXPECT_EQ(dsn.hosts[0].host, "localhost");
  EXPECT_EQ(dsn.hosts[0].port, 6379);
  EXPECT_EQ(dsn.path, "/messages");
  EXPECT_EQ(dsn.path_segments, (std::vector<std::string>{"messages"}));
  EXPECT_EQ(dsn.query.get_string("stream", ""), "s");
  EXPECT_EQ(dsn.query.get_bool("auto_setup", true), false);
  EXPECT_TRUE(dsn.socket_path.empty());
  EXPECT_EQ(dsn.original, "redis://user:p%40ss@localhost:6379/messages?stream=s&auto_setup=false");
}

TEST(Dsn, SchemeIsLowerCased) { EXPECT_EQ(parsed("REDIS://host").scheme, "redis"); }

TEST(Dsn, SqliteRelativeAndAbsolutePaths) {
  auto relative = parsed("sqlite:///var/messages.db");
  EXPECT_EQ(relative.scheme, "sqlite");
  EXPECT_TRUE(relative.hosts.empty());
  EXPECT_EQ(relative.path, "/var/messages.db");
  EXPECT_EQ(relative.path_segments, (std::vector<std::string>{"var", "messages.db"}));

  auto absolute = parsed("sqlite:////srv/app/var/messages.db?queue_name=failed");
  EXPECT_TRUE(absolute.hosts.empty());
  EXPECT_EQ(absolute.path, "//srv/app/var/messages.db");
  EXPECT_EQ(absolute.query.get_string("queue_name", ""), "failed");

  EXPECT_EQ(parsed("sqlite:///:memory:").path, "/:memory:");
}

TEST(Dsn, HostlessSchemes) {
  for (const char* text : {"sync://", "in-memory://"}) {
    auto dsn = parsed(text);
    EXPECT_TRUE(dsn.hosts.empty()) << text;
    EXPECT_EQ(dsn.path, "") << text;
    ASSERT_TRUE(dsn.query.is_map()) << text;
    EXPECT_TRUE(dsn.query.as_map()->empty()) << text;
  }
  EXPECT_EQ(parsed("in-memory://").scheme, "in-memory");
  EXPECT_EQ(parsed("in-memory://?serialize=true").query.get_bool("serialize", false), true);
}

TEST(Dsn, DoctrineNamesAConnection) {
  auto dsn = parsed("doctrine://default?queue_name=high");
  EXPECT_EQ(dsn.scheme, "doctrine");
  ASSERT_EQ(dsn.hosts.size(), 1u);
  EXPECT_EQ(dsn.hosts[0].host, "default");
  EXPECT_EQ(dsn.hosts[0].port, 0);
  EXPECT_EQ(dsn.query.get_string("queue_name", ""), "high");
}

TEST(Dsn, AmqpVhostIsPercentDecodedPerSegment) {
  auto dsn = parsed("amqp://guest:guest@rabbit:5672/%2f/messages");
  EXPECT_EQ(dsn.scheme, "amqp");
  EXPECT_EQ(dsn.hosts[0].port, 5672);
  // The whole path is decoded, and each segment separately, so "%2f" (the "/" vhost) survives.
  EXPECT_EQ(dsn.path, "///messages");
  EXPECT_EQ(dsn.path_segments, (std::vector<std::string>{"/", "messages"}));
}

TEST(Dsn, PostgresUrl) {
  auto dsn = parsed("postgresql://app:pw@db.internal:5432/app?charset=utf8");
  EXPECT_EQ(dsn.scheme, "postgresql");
  EXPECT_EQ(dsn.user, "app");
  EXPECT_EQ(dsn.password, "pw");
  EXPECT_EQ(dsn.hosts[0].host, "db.internal");
  EXPECT_EQ(dsn.hosts[0].port, 5432);
  EXPECT_EQ(dsn.path_segments, (std::vector<std::string>{"app"}));
  EXPECT_EQ(parsed("postgres://localhost").scheme, "postgres");
}

TEST(Dsn, SeveralHosts) {
  auto dsn = parsed("redis://h1:6379,h2:6380,h3");
  ASSERT_EQ(dsn.hosts.size(), 3u);
  EXPECT_EQ(dsn.hosts[0].host, "h1");
  EXPECT_EQ(dsn.hosts[1].port, 6380);
  EXPECT_EQ(dsn.hosts[2].host, "h3");
  EXPECT_EQ(dsn.hosts[2].port, 0);
}

TEST(Dsn, Ipv6Host) {
  auto dsn = parsed("amqp://[::1]:5672/vhost");
  ASSERT_EQ(dsn.hosts.size(), 1u);
  EXPECT_EQ(dsn.hosts[0].host, "::1");
  EXPECT_EQ(dsn.hosts[0].port, 5672);
  EXPECT_EQ(parsed("redis://[fe80::1]").hosts[0].port, 0);
}

TEST(Dsn, UnixSocket) {
  auto dsn = parsed("redis:///var/run/redis.sock?dbindex=2");
  EXPECT_EQ(dsn.socket_path, "/var/run/redis.sock");
  EXPECT_EQ(dsn.query.get_int("dbindex", 0), 2);
  auto with_password = parsed("redis://:secret@/var/run/redis.sock");
  EXPECT_EQ(with_password.socket_path, "/var/run/redis.sock");
  EXPECT_EQ(with_password.password, "secret");
  // A host and a .sock path: not a socket.
  EXPECT_EQ(parsed("redis://host/x.sock").socket_path, "");
}

TEST(Dsn, PasswordMayHoldAtAndSlash) {
  auto dsn = parsed("amqp://user:p@ss/w0rd@host/vhost");
  EXPECT_EQ(dsn.user, "user");
  EXPECT_EQ(dsn.password, "p@ss/w0rd");
  EXPECT_EQ(dsn.hosts[0].host, "host");
  EXPECT_EQ(dsn.path, "/vhost");
}

TEST(Dsn, LoneUserInfo) {
  // Kept as the user: the transport decides (Redis treats it as the password).
  auto redis = parsed("redis://secret@host");
  EXPECT_EQ(redis.user, "secret");
  EXPECT_FALSE(redis.has_password);
  auto empty_password = parsed("redis://user:@host");
  EXPECT_TRUE(empty_password.has_password);
  EXPECT_EQ(empty_password.password, "");
}

TEST(Dsn, ErrorsNameThePart) {
  auto empty = error_of("");
  EXPECT_EQ(empty.part, "scheme");
  EXPECT_EQ(empty.message, "the DSN is empty");

  auto no_scheme = error_of("localhost:6379");
  EXPECT_EQ(no_scheme.part, "scheme");
  EXPECT_NE(no_scheme.message.find("expected scheme://"), std::string::npos) << no_scheme.message;

  auto bad_scheme = error_of("1redis://host");
  EXPECT_EQ(bad_scheme.part, "scheme");
  EXPECT_EQ(bad_scheme.message, "\"1redis\" is not a valid scheme");
  EXPECT_EQ(error_of("://host").part, "scheme");
  EXPECT_EQ(error_of("re dis://host").part, "scheme");

  auto port_text = error_of("redis://host:abc");
  EXPECT_EQ(port_text.part, "port");
  EXPECT_EQ(port_text.message, "\"abc\" is not a port number");

  auto port_range = error_of("redis://host:70000");
  EXPECT_EQ(port_range.part, "port");
  EXPECT_EQ(port_range.message, "70000 is not between 1 and 65535");
  EXPECT_EQ(error_of("redis://host:0").part, "port");
  EXPECT_EQ(error_of("redis://host:123456").message, "\"123456\" is not a port number");
  EXPECT_EQ(error_of("redis://h1:6379,h2:x").part, "port");

  auto ipv6 = error_of("amqp://[::1:5672");
  EXPECT_EQ(ipv6.part, "host");
  EXPECT_EQ(ipv6.message, "an IPv6 address must end with ']'");
  EXPECT_EQ(error_of("amqp://[::1]5672").message, "unexpected text after the IPv6 address");
}

TEST(Dsn, ErrorMessagesNeverHoldThePassword) {
  auto e = error_of("redis://user:topsecret@host:99999");
  EXPECT_EQ(e.part, "port");
  EXPECT_EQ(e.message.find("topsecret"), std::string::npos) << e.message;
}

TEST(DsnRedaction, PasswordBecomesStars) {
  EXPECT_EQ(redact("redis://user:secret@host:6379/0"), "redis://user:****@host:6379/0");
  EXPECT_EQ(redact("amqp://guest:guest@rabbit:5672/%2f/messages"), "amqp://guest:****@rabbit:5672/%2f/messages");
  EXPECT_EQ(redact("redis://:secret@host"), "redis://:****@host");
  EXPECT_EQ(redact("amqp://u:p@ss/w@host/vhost"), "amqp://u:****@host/vhost");
}

TEST(DsnRedaction, RedisLoneUserIsAPassword) {
  EXPECT_EQ(redact("redis://secret@host"), "redis://****@host");
  EXPECT_EQ(redact("rediss://secret@host:6380"), "rediss://****@host:6380");
  EXPECT_EQ(redact("redis_sentinel://secret@h1,h2"), "redis_sentinel://****@h1,h2");
  // Other schemes: a lone user is a user name.
  EXPECT_EQ(redact("amqp://guest@host"), "amqp://guest@host");
  EXPECT_EQ(redact("postgresql://app@db/app"), "postgresql://app@db/app");
}

TEST(DsnRedaction, SecretQueryParameters) {
  EXPECT_EQ(redact("redis://host?auth=secret&stream=s"), "redis://host?auth=****&stream=s");
  EXPECT_EQ(redact("amqp://host?password=a&token=b&secret=c&pass=d&queue=q"),
            "amqp://host?password=****&token=****&secret=****&pass=****&queue=q");
  EXPECT_EQ(redact("redis://h?sentinel[password]=x&sentinel[auth]=y&sentinel[host]=z"),
            "redis://h?sentinel[password]=****&sentinel[auth]=****&sentinel[host]=z");
  // Percent-encoded keys are recognised too.
  EXPECT_EQ(redact("redis://h?sentinel%5Bpassword%5D=x"), "redis://h?sentinel%5Bpassword%5D=****");
}

TEST(DsnRedaction, NothingToHide) {
  EXPECT_EQ(redact("sqlite:///var/messages.db?queue_name=failed"), "sqlite:///var/messages.db?queue_name=failed");
  EXPECT_EQ(redact("in-memory://"), "in-memory://");
  EXPECT_EQ(redact("doctrine://default"), "doctrine://default");
  EXPECT_EQ(redact("no dsn here"), "no dsn here");
}

TEST(DsnRedaction, FreeText) {
  EXPECT_EQ(redact("cannot connect to amqp://u:pw@host:5672/x: refused"),
            "cannot connect to amqp://u:****@host:5672/x: refused");
  EXPECT_EQ(redact("a redis://x:1@h and b amqp://y:2@k"), "a redis://x:****@h and b amqp://y:****@k");
}

TEST(DsnRedaction, RedactedUsesTheOriginal) {
  auto dsn = parsed("redis://secret@host:6379?auth=again");
  EXPECT_EQ(dsn.redacted(), "redis://****@host:6379?auth=****");
  EXPECT_EQ(dsn.redacted().find("secret"), std::string::npos);
  EXPECT_EQ(dsn.redacted().find("again"), std::string::npos);
}

}  // namespace
}  // namespace messengerd::config
