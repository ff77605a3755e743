#include "config/did_you_mean.hpp"

#include <gtest/gtest.h>

namespace messengerd::config {
namespace {

const std::vector<std::string> kTransportKeys = {"dsn", "options", "serializer", "retry_strategy", "failure_transport",
                                                 "rate_limiter"};

TEST(DidYouMean, Typos) {
  EXPECT_EQ(did_you_mean("dns", kTransportKeys), " (did you mean \"dsn\"?)");
  EXPECT_EQ(did_you_mean("retry_stategy", kTransportKeys), " (did you mean \"retry_strategy\"?)");
  EXPECT_EQ(did_you_mean("option", kTransportKeys), " (did you mean \"options\"?)");
  EXPECT_EQ(did_you_mean("failure_transprot", kTransportKeys), " (did you mean \"failure_transport\"?)");
  EXPECT_EQ(did_you_mean("framwork", {"framework", "messenger", "messengerd"}), " (did you mean \"framework\"?)");
}

TEST(DidYouMean, PicksTheClosest) {
  EXPECT_EQ(did_you_mean("messengerx", {"messenger", "messengerd"}), " (did you mean \"messenger\"?)");
  EXPECT_EQ(did_you_mean("asymc", {"sync", "async", "failed"}), " (did you mean \"async\"?)");
}

TEST(DidYouMean, APrefixOfALongerName) {
  EXPECT_EQ(did_you_mean("serial", kTransportKeys), " (did you mean \"serializer\"?)");
}

TEST(DidYouMean, NothingClose) {
  EXPECT_EQ(did_you_mean("zzzzzz", kTransportKeys), "");
  EXPECT_EQ(did_you_mean("queue", kTransportKeys), "");
  EXPECT_EQ(did_you_mean("dsn", {}), "");
  EXPECT_EQ(did_you_mean("", {"abcdef"}), "");
}

TEST(DidYouMean, AllowedDistanceGrowsWithTheName) {
  // Short names: at most 2 edits.
  EXPECT_EQ(did_you_mean("ab", {"xy"}), " (did you mean \"xy\"?)");
  EXPECT_EQ(did_you_mean("abc", {"xyz"}), "");
  // Long names: a third of the length.
  EXPECT_EQ(did_you_mean("stop_worker_on_sgnlz", {"stop_worker_on_signals"}), " (did you mean \"stop_worker_on_signals\"?)");
}

}  // namespace
}  // namespace messengerd::config
