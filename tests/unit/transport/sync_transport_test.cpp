#include <gtest/gtest.h>

#include "transport/sync/factory.hpp"
#include "transport/sync/sync_transport.hpp"

namespace messengerd::transport::sync {
namespace {

TEST(SyncTransport, SendHandlesTheEnvelopeAtOnce) {
  std::vector<core::Envelope> handled;
  SyncTransport t("sync", [&](const core::Envelope& e) -> core::Status {
    handled.push_back(e);
    return {};
  });
  core::Envelope e("App\\Message\\Hello", R"({"a":1})");
  auto id = t.send(e);
  ASSERT_TRUE(id.has_value());
  ASSERT_EQ(handled.size(), 1U);
  EXPECT_EQ(handled[0], e);
}

TEST(SyncTransport, SendReturnsTheHandlersError) {
  SyncTransport t("sync", [](const core::Envelope&) -> core::Status {
    return std::unexpected(core::make_error(core::ErrorKind::internal, "handler failed"));
  });
  auto id = t.send(core::Envelope("T", "{}"));
  ASSERT_FALSE(id.has_value());
  EXPECT_EQ(id.error().message, "handler failed");
}

TEST(SyncTransport, WithoutABusSendFails) {
  SyncTransport t("sync", {});
  EXPECT_FALSE(t.send(core::Envelope("T", "{}")).has_value());
}

TEST(SyncTransport, NothingToReceive) {
  SyncTransport t("sync", [](const core::Envelope&) -> core::Status { return {}; });
  ASSERT_TRUE(t.send(core::Envelope("T", "{}")).has_value());
  auto got = t.get(10);
  ASSERT_TRUE(got.has_value());
  EXPECT_TRUE(got->empty());
  auto acked = t.ack(ReceivedMessage{});
  ASSERT_FALSE(acked.has_value());
  EXPECT_EQ(acked.error().kind, core::ErrorKind::unsupported);
  EXPECT_FALSE(t.reject(ReceivedMessage{}).has_value());
}

TEST(SyncTransport, FactoryUsesHandleNow) {
  EXPECT_EQ(sync_schemes(), std::vector<std::string>{"sync"});
  config::TransportConfig tc;
  tc.name = "now";
  config::Config cfg;
  int calls = 0;
  TransportContext context{tc, cfg, nullptr, [&](const core::Envelope&) -> core::Status {
                             ++calls;
                             return {};
                           }};
  auto t = create_sync_transport(context);
  ASSERT_TRUE(t.has_value());
  EXPECT_EQ((*t)->name(), "now");
  ASSERT_TRUE((*t)->send(core::Envelope("T", "{}")).has_value());
  EXPECT_EQ(calls, 1);
}

}  // namespace
}  // namespace messengerd::transport::sync
