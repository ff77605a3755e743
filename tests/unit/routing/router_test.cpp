#include "routing/router.hpp"

#include <gtest/gtest.h>

namespace messengerd::routing {
namespace {

config::RoutingRule rule(std::string pattern, std::vector<std::string> transports) {
  return {std::move(pattern), std::move(transports), {}};
}

TEST(MatchableNames, ListsTypeParentsWildcardsThenStar) {
  core::TypeHierarchy types;
  types.declare("App\\Message\\Sms", {"App\\Message\\AsyncMessageInterface"});
  EXPECT_EQ(matchable_names("App\\Message\\Sms", types),
            (std::vector<std::string>{"App\\Message\\Sms", "App\\Message\\AsyncMessageInterface", "App\\Message\\*",
                                      "App\\*", "*"}));
}

TEST(MatchableNames, TypeWithoutNamespaceOnlyAddsStar) {
  core::TypeHierarchy types;
  EXPECT_EQ(matchable_names("Ping", types), (std::vector<std::string>{"Ping", "*"}));
}

TEST(Router, ExactNameRoutes) {
  core::TypeHierarchy types;
  Router router({rule("App\\Message\\Sms", {"async"})}, types);
  EXPECT_EQ(router.senders_for("App\\Message\\Sms"), std::vector<std::string>{"async"});
  EXPECT_TRUE(router.senders_for("App\\Message\\Other").empty());
}

TEST(Router, NamespaceWildcardAndDefaultCombineInSpecificityOrder) {
  core::TypeHierarchy types;
  Router router({rule("*", {"fallback"}), rule("App\\Message\\*", {"async", "audit"}), rule("App\\Message\\Sms", {"sms"})},
                types);
  EXPECT_EQ(router.senders_for("App\\Message\\Sms"), (std::vector<std::string>{"sms", "async", "audit", "fallback"}));
  EXPECT_EQ(router.senders_for("Other\\Thing"), std::vector<std::string>{"fallback"});
}

TEST(Router, ParentTypeDeclaredByPluginRoutes) {
  core::TypeHierarchy types;
  types.declare("App\\Message\\Sms", {"App\\Message\\AsyncMessageInterface"});
  Router router({rule("App\\Message\\AsyncMessageInterface", {"async"})}, types);
  EXPECT_EQ(router.senders_for("App\\Message\\Sms"), std::vector<std::string>{"async"});
}

TEST(Router, EachTransportOnlyOnce) {
  core::TypeHierarchy types;
  Router router({rule("App\\Message\\Sms", {"async"}), rule("App\\*", {"async", "other"})}, types);
  EXPECT_EQ(router.senders_for("App\\Message\\Sms"), (std::vector<std::string>{"async", "other"}));
}

TEST(TypeHierarchy, LineageIsTransitiveAndSurvivesCycles) {
  core::TypeHierarchy types;
  types.declare("A", {"B"});
  types.declare("B", {"C", "A"});
  EXPECT_EQ(types.lineage("A"), (std::vector<std::string>{"A", "B", "C"}));
}

}  // namespace
}  // namespace messengerd::routing
