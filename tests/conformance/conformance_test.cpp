// One suite of transport behaviours, run against every transport kind (docs/transports/*.md).
// A kind that opts out of a behaviour is skipped by name with its reason.
#include <gtest/gtest.h>

#include <chrono>
#include <set>

#include "process.hpp"
#include "serializer/stamps.hpp"
#include "transport/roles.hpp"
#include "transport_kinds.hpp"

namespace messengerd::conformance {
namespace {

using namespace std::chrono_literals;
using messengerd::testing::await;

core::Envelope message(const std::string& body, std::optional<std::int64_t> delay_ms = std::nullopt) {
  core::Envelope e("App\\Message\\Conformance", body);
  e.add(serializer::make_bus_name_stamp("messenger.bus.default"));
  if (delay_ms) e.add(serializer::make_delay_stamp(*delay_ms));
  return e;
}

// get() until a message arrives or the deadline passes (transports may need a round to set up
// or to promote delayed entries).
std::vector<transport::ReceivedMessage> get_within(transport::Transport& t, std::chrono::milliseconds deadline,
                                                   std::size_t max = 1) {
  std::vector<transport::ReceivedMessage> got;
  await([&] {
    auto r = t.get(max);
    if (r && !r->empty()) got = std::move(*r);
    return !got.empty();
  }, deadline);
  return got;
}

// GTEST_SKIP must run in the test body itself, hence a macro.
#define REQUIRE_BEHAVIOUR(b) \
  if (!kind->supports(b)) GTEST_SKIP() << kind->name() << ": " << kind->why_not(b)

class Conformance : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    kind = make_kind(GetParam());
    if (auto why = kind->skip_reason(); !why.empty()) GTEST_SKIP() << why;
  }
  std::unique_ptr<TransportKind> kind;
};

TEST_P(Conformance, SendGetAck) {
  auto t = kind->open("a", false);
  ASSERT_TRUE(t->send(message(R"({"n":1})")));
  auto got = get_within(*t, 5s);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_FALSE(got[0].decode_error);
  EXPECT_EQ(got[0].envelope.type(), "App\\Message\\Conformance");
  EXPECT_EQ(got[0].envelope.body(), R"({"n":1})");
  EXPECT_FALSE(got[0].id.empty());
  ASSERT_TRUE(t->ack(got[0]));
  EXPECT_TRUE(get_within(*t, 300ms).empty());
}

TEST_P(Conformance, RejectRemovesTheMessage) {
  auto t = kind->open("a", false);
  ASSERT_TRUE(t->send(message(R"({"n":2})")));
  auto got = get_within(*t, 5s);
  ASSERT_EQ(got.size(), 1u);
  ASSERT_TRUE(t->reject(got[0]));
  EXPECT_TRUE(get_within(*t, 300ms).empty());
  if (auto* counting = dynamic_cast<transport::MessageCountAware*>(t.get())) {
    EXPECT_EQ(counting->message_count().value_or(-1), 0);
  }
}

TEST_P(Conformance, DelaysAreHonoured) {
  auto t = kind->open("a", false);
  const auto sent_at = std::chrono::steady_clock::now();
  ASSERT_TRUE(t->send(message(R"({"n":3})", 2500)));
  EXPECT_TRUE(get_within(*t, 800ms).empty()) << "delivered before its delay";
  auto got = get_within(*t, 10s);
  ASSERT_EQ(got.size(), 1u);
  // SQLite stores whole seconds (as Doctrine does): 2.5 s may become 1.x s. Tolerance: 1.5 s.
  EXPECT_GE(std::chrono::steady_clock::now() - sent_at, 1000ms);
  EXPECT_TRUE(t->ack(got[0]));
}

TEST_P(Conformance, AnAbandonedMessageIsRedelivered) {
  REQUIRE_BEHAVIOUR(Behaviour::redelivery_after_crash);
  {
    auto crashed = kind->open("dead", false);
    ASSERT_TRUE(crashed->send(message(R"({"n":4})")));
    ASSERT_EQ(get_within(*crashed, 5s).size(), 1u);
  }  // dropped without ack, as a killed worker would
  auto survivor = kind->open("alive", true);
  auto got = get_within(*survivor, 15s);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].envelope.body(), R"({"n":4})");
  EXPECT_TRUE(survivor->ack(got[0]));
}

TEST_P(Conformance, TwoReceiversNeverGetTheSameMessage) {
  REQUIRE_BEHAVIOUR(Behaviour::shared_between_receivers);
  auto a = kind->open("a", false);
  auto b = kind->open("b", false);
  constexpr int kMessages = 40;
  for (int i = 0; i < kMessages; ++i) ASSERT_TRUE(a->send(message("{\"n\":" + std::to_string(i) + "}")));
  std::set<std::string> seen;
  int duplicates = 0;
  await([&] {
    for (auto* t : {a.get(), b.get()}) {
      auto got = t->get(1);
      if (!got) continue;
      for (auto& m : *got) {
        duplicates += seen.insert(m.envelope.body()).second ? 0 : 1;
        EXPECT_TRUE(t->ack(m));
      }
    }
    return seen.size() == kMessages;
  }, 20s);
  EXPECT_EQ(seen.size(), static_cast<std::size_t>(kMessages));
  EXPECT_EQ(duplicates, 0);
}

TEST_P(Conformance, CountsWaitingMessagesIncludingDelayedOnes) {
  REQUIRE_BEHAVIOUR(Behaviour::counting);
  auto t = kind->open("a", false);
  auto* counting = dynamic_cast<transport::MessageCountAware*>(t.get());
  ASSERT_NE(counting, nullptr);
  ASSERT_TRUE(t->send(message("{}")));
  ASSERT_TRUE(t->send(message("{}")));
  ASSERT_TRUE(t->send(message("{}", 60000)));
  EXPECT_EQ(counting->message_count().value_or(-1), 3);
  auto got = get_within(*t, 5s);
  ASSERT_EQ(got.size(), 1u);
  ASSERT_TRUE(t->ack(got[0]));
  EXPECT_EQ(counting->message_count().value_or(-1), 2);
}

TEST_P(Conformance, ListsFindsAndRemoves) {
  REQUIRE_BEHAVIOUR(Behaviour::listing);
  auto t = kind->open("a", false);
  auto* listable = dynamic_cast<transport::Listable*>(t.get());
  ASSERT_NE(listable, nullptr);
  ASSERT_TRUE(t->send(message(R"({"n":"first"})")));
  ASSERT_TRUE(t->send(message(R"({"n":"second"})")));
  auto all = listable->all(std::nullopt);
  ASSERT_TRUE(all);
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[0].envelope.body(), R"({"n":"first"})");
  auto found = listable->find((*all)[1].id);
  ASSERT_TRUE(found && *found);
  EXPECT_EQ((*found)->envelope.body(), R"({"n":"second"})");
  ASSERT_TRUE(listable->remove((*all)[0].id));
  EXPECT_EQ(listable->all(std::nullopt)->size(), 1u);
  auto missing = listable->find("999999999-0");
  EXPECT_TRUE(!missing || !*missing);
}

TEST_P(Conformance, HeadersAndStampsSurviveByteForByte) {
  auto t = kind->open("a", false);
  core::Envelope e = message(R"({"text":"caf\u00e9 / \"quoted\""})");
  e.add(serializer::make_redelivery_stamp(2, std::chrono::system_clock::time_point(std::chrono::seconds(1795534276))));
  e.add(core::Stamp{"App\\Stamp\\UnknownToMessengerd", R"({"tenant":"acme","ids":[1,2]})"});
  e.add(serializer::make_error_details_stamp("RuntimeException", 0, "db down", ""));
  const auto serializer = serializer::serializer_for("");
  const auto sent = serializer->encode(e);
  ASSERT_TRUE(t->send(e));
  auto got = get_within(*t, 5s);
  ASSERT_EQ(got.size(), 1u);
  const auto received = serializer->encode(got[0].envelope);
  EXPECT_EQ(received.body, sent.body);
  for (const auto& [header, value] : sent.headers) {
    const auto* back = received.header(header);
    ASSERT_NE(back, nullptr) << header;
    EXPECT_EQ(*back, value) << header;
  }
}

TEST_P(Conformance, BigUnicodeBodiesArriveIntact) {
  auto t = kind->open("a", false);
  std::string body = "{\"blob\":\"";
  while (body.size() < (1u << 20)) body += "zaz \xC3\xA9t\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80 \\\\ \\\" / \\u0000 ";
  body += "\"}";
  ASSERT_TRUE(t->send(message(body)));
  auto got = get_within(*t, 10s);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].envelope.body().size(), body.size());
  EXPECT_TRUE(got[0].envelope.body() == body);
}

TEST_P(Conformance, AnUndecodableEntryIsReportedNotLost) {
  REQUIRE_BEHAVIOUR(Behaviour::undecodable_injection);
  auto t = kind->open("a", false);
  ASSERT_TRUE(t->send(message("{}")));  // creates the storage
  auto first = get_within(*t, 5s);
  ASSERT_EQ(first.size(), 1u);
  ASSERT_TRUE(t->ack(first[0]));
  kind->inject_undecodable();
  auto got = get_within(*t, 5s);
  ASSERT_EQ(got.size(), 1u);
  ASSERT_TRUE(got[0].decode_error.has_value());
  EXPECT_EQ(got[0].decode_error->kind, core::ErrorKind::decode);
  EXPECT_FALSE(got[0].id.empty());
  EXPECT_TRUE(t->reject(got[0]));
}

INSTANTIATE_TEST_SUITE_P(Kinds, Conformance, ::testing::Values("in-memory", "sqlite", "redis", "amqp", "postgres"),
                         [](const auto& test_info) {
                           std::string n = test_info.param;
                           std::erase(n, '-');
                           return n;
                         });

}  // namespace
}  // namespace messengerd::conformance
