#pragma once
// Shared by the plugin loader tests: a recording HostServices, configs naming real .so files
// built by this build (tests/plugins and plugins/), and message views.
#include <filesystem>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "core/envelope.hpp"
#include "core/handler.hpp"
#include "core/host.hpp"

namespace messengerd::plugin::testing {

inline const std::filesystem::path kTestPlugins{MESSENGERD_TEST_PLUGIN_DIR};
inline const std::filesystem::path kExamplePlugins{MESSENGERD_EXAMPLE_PLUGIN_DIR};

inline std::filesystem::path test_plugin(const std::string& name) { return kTestPlugins / ("lib" + name + ".so"); }
inline std::filesystem::path example_plugin(const std::string& name) {
  return kExamplePlugins / ("lib" + name + ".so");
}

struct RecordingHost : core::HostServices {
  struct Dispatched {
    std::string type, body;
    std::int64_t delay_ms;
  };
  std::vector<Dispatched> dispatched;
  int stop_requests = 0;
  int heartbeats = 0;
  bool is_stopping = false;
  void dispatch(std::string type, std::string body, std::int64_t delay_ms) override {
    dispatched.push_back({std::move(type), std::move(body), delay_ms});
  }
  void request_stop() override { ++stop_requests; }
  void heartbeat() override { ++heartbeats; }
  bool stopping() const override { return is_stopping; }
};

inline config::PluginConfig plugin_entry(std::filesystem::path path, config::Value options = {}) {
  config::PluginConfig entry;
  entry.path = std::move(path);
  entry.options = std::move(options);
  return entry;
}

inline config::Config config_with(std::vector<config::PluginConfig> plugins) {
  config::Config config;
  config.plugins = std::move(plugins);
  return config;
}

// A message view over an envelope that the caller keeps alive.
inline core::MessageView view_of(const core::Envelope& envelope, std::string_view transport = "async",
                                 int redelivery_count = 0) {
  return core::MessageView{&envelope, transport, "42", redelivery_count};
}

}  // namespace messengerd::plugin::testing
