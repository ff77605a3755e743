#pragma once
// Every plugin of a configuration, loaded and initialised: the handlers, middleware, listeners
// and message types they registered. Loading collects every problem (file, reason) and fails
// once with all of them. Plugins are never dlclose()d while the process runs; destroying the
// set releases handlers (their destroy callbacks) and calls each plugin's shutdown.
#include <expected>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.hpp"
#include "core/handler.hpp"
#include "core/host.hpp"
#include "core/type_hierarchy.hpp"
#include "core/worker_event.hpp"

namespace messengerd::plugin {

struct PluginInfo {
  std::string name;
  std::string version;
  std::filesystem::path path;
};

class PluginSet {
 public:
  // Loads config.plugins (each with its options), then every *.so of config.plugin_dirs in
  // name order. A missing folder is a problem.
  static std::expected<std::unique_ptr<PluginSet>, std::vector<std::string>> load(const config::Config& config,
                                                                                  core::HostServices& host);
  ~PluginSet();
  PluginSet(const PluginSet&) = delete;
  PluginSet& operator=(const PluginSet&) = delete;

  const std::vector<PluginInfo>& plugins() const { return infos_; }
  const core::TypeHierarchy& types() const;
  const std::vector<std::shared_ptr<core::Handler>>& handlers() const;
  std::shared_ptr<core::Middleware> middleware(std::string_view name) const;  // nullptr when none
  std::vector<std::shared_ptr<core::WorkerListener>> listeners() const;
  // Every plugin's reset callback (between messages).
  void reset();

 private:
  struct Loaded;
  PluginSet();
  std::vector<PluginInfo> infos_;
  std::unique_ptr<struct Registries> registries_;
  std::vector<std::unique_ptr<Loaded>> loaded_;
  std::vector<std::string> late_problems_;  // registrations after load (logged as they happen)
};

}  // namespace messengerd::plugin
