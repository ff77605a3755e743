// The scheme table of app/ (which decides the kind without loading a module) against the
// modules' own lists, through the linked-in variant of load_transport_module().
#include <gtest/gtest.h>

#include <algorithm>

#include "app/transport_factories.hpp"
#include "app/transport_modules.hpp"

namespace messengerd::app {
namespace {

TEST(TransportModules, SchemeTableMatchesEachModule) {
  for (const auto& entry : module_transport_kinds()) {
    auto loaded = load_transport_module(entry.kind);
    ASSERT_TRUE(loaded) << entry.kind << ": " << loaded.error().message;
    EXPECT_EQ(loaded->module->kind, entry.kind);
    EXPECT_TRUE(loaded->file.empty()) << "linked in, not loaded";
    auto schemes = loaded->module->schemes();
    std::erase(schemes, "doctrine");  // doctrine:// is dispatched by app/ from the connection's URL
    EXPECT_EQ(schemes, entry.schemes) << entry.kind;
  }
}

TEST(TransportModules, RestartSignalStoresWhereExpected) {
  for (const char* kind : {"sqlite", "redis", "postgres"}) {
    auto loaded = load_transport_module(kind);
    ASSERT_TRUE(loaded);
    EXPECT_NE(loaded->module->open_restart_signal_store, nullptr) << kind;
  }
}

TEST(TransportModules, UnknownKindIsAnError) {
  auto loaded = load_transport_module("mysql");
  ASSERT_FALSE(loaded);
  EXPECT_NE(loaded.error().message.find("mysql"), std::string::npos);
}

}  // namespace
}  // namespace messengerd::app
