// What the C struct a plugin is given carries, and how the SDK reads it from hosts of every
// minor version (a newer plugin may run on an older host, whose struct ends earlier).
#include "plugin/message_view.hpp"

#include <gtest/gtest.h>

#include <cstddef>

#include "messengerd/sdk.hpp"
#include "plugin_test_support.hpp"

namespace messengerd::plugin {
namespace {

using namespace testing;

TEST(AbiMessage, CarriesTheTransportsDeliveryCountWithinItsStructSize) {
  core::Envelope envelope("App\\Message\\Sms", "{}");
  auto view = view_of(envelope, "async", 1);
  view.delivery_count = 3;
  AbiMessage abi(view, nullptr);
  const messengerd_message& m = *abi.get();
  EXPECT_EQ(m.redelivery_count, 1);
  EXPECT_EQ(m.delivery_count, 3);
  EXPECT_GE(m.struct_size, offsetof(messengerd_message, delivery_count) + sizeof(m.delivery_count));
  sdk::Message message(m);
  EXPECT_EQ(message.delivery_count(), 3);
  EXPECT_TRUE(message.redelivered());
  EXPECT_EQ(message.redelivery_count(), 1);
}

TEST(AbiMessage, AFirstDeliveryIsNotARedelivery) {
  core::Envelope envelope("App\\Message\\Sms", "{}");
  auto view = view_of(envelope);
  view.delivery_count = 1;
  AbiMessage abi(view, nullptr);
  sdk::Message message(*abi.get());
  EXPECT_EQ(message.delivery_count(), 1);
  EXPECT_FALSE(message.redelivered());
}

TEST(SdkMessage, AnOlderHostsSmallerMessageReadsAsUnknownDeliveryCount) {
  // An ABI 1.0 host fills the message up to `call` only; what lies beyond is not its memory
  // to vouch for (garbage here), so the SDK must not read it.
  messengerd_message m{};
  m.delivery_count = 7;
  m.struct_size = offsetof(messengerd_message, call) + sizeof(m.call);
  sdk::Message message(m);
  EXPECT_EQ(message.delivery_count(), 0);
  EXPECT_FALSE(message.redelivered());
  m.struct_size = sizeof(m);
  EXPECT_EQ(message.delivery_count(), 7);
}

TEST(AbiMessage, AHugeDeliveryCountIsClampedNotWrapped) {
  core::Envelope envelope("App\\Message\\Sms", "{}");
  auto view = view_of(envelope);
  view.delivery_count = 0xFFFFFFFFu;
  AbiMessage abi(view, nullptr);
  EXPECT_EQ(abi.get()->delivery_count, INT32_MAX);
}

}  // namespace
}  // namespace messengerd::plugin
