#pragma once
// The host side of one loaded plugin: what its host API calls see (its options, the shared
// registries it adds to) and where the problems of its registrations go.
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "config/value.hpp"
#include "core/handler.hpp"
#include "core/host.hpp"
#include "core/type_hierarchy.hpp"
#include "core/worker_event.hpp"
#include "messengerd/plugin.h"

namespace messengerd::plugin {

struct Registries {
  core::TypeHierarchy types;
  std::vector<std::shared_ptr<core::Handler>> handlers;
  std::map<std::string, std::shared_ptr<core::Middleware>, std::less<>> middleware;
  std::vector<std::shared_ptr<core::WorkerListener>> listeners;
};

struct PluginContext {
  std::string name;  // the plugin's name once its descriptor was read; the file name before
  std::string file;
  config::Value options;
  core::HostServices* services = nullptr;
  Registries* registries = nullptr;
  std::vector<std::string>* problems = nullptr;  // registration problems, reported by load()
  std::map<std::string, std::string, std::less<>> config_values;  // keeps config_get results alive
  messengerd_host_api api{};  // handed to the plugin; lives as long as this context
};

// Fills context.api with the host functions (host = &context).
void install_host_api(PluginContext& context);

}  // namespace messengerd::plugin
