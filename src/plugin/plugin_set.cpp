#include "plugin/plugin_set.hpp"

#include <algorithm>

#include <spdlog/spdlog.h>

#include "plugin/plugin_context.hpp"
#include "plugin/plugin_library.hpp"

namespace messengerd::plugin {

namespace fs = std::filesystem;

struct PluginSet::Loaded {
  PluginLibrary library;
  std::unique_ptr<PluginContext> context;
  void* state = nullptr;
  bool initialised = false;
};

PluginSet::PluginSet() : registries_(std::make_unique<Registries>()) {}

PluginSet::~PluginSet() {
  // Handlers, middleware and listeners first (their destroy callbacks), then shutdown.
  registries_.reset();
  for (auto it = loaded_.rbegin(); it != loaded_.rend(); ++it) {
    auto& loaded = **it;
    if (loaded.initialised && loaded.library.descriptor.shutdown != nullptr) loaded.library.descriptor.shutdown(loaded.state);
  }
}

std::expected<std::unique_ptr<PluginSet>, std::vector<std::string>> PluginSet::load(const config::Config& config,
                                                                                    core::HostServices& host) {
  std::unique_ptr<PluginSet> set(new PluginSet());
  std::vector<std::string> problems;

  std::vector<std::pair<fs::path, config::Value>> files;
  for (const auto& plugin : config.plugins) files.emplace_back(plugin.path, plugin.options);
  for (const auto& dir : config.plugin_dirs) {
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) {
      problems.push_back(dir.string() + ": plugin folder (messengerd.plugin_dirs) does not exist");
      continue;
    }
    std::vector<fs::path> found;
    for (const auto& entry : fs::directory_iterator(dir, ec)) {
      if (entry.path().extension() == ".so") found.push_back(entry.path());
    }
    std::sort(found.begin(), found.end());
    for (auto& path : found) {
      // A plugin listed explicitly (with its options) is not loaded a second time.
      const bool listed = std::any_of(files.begin(), files.end(), [&](const auto& f) {
        std::error_code same_ec;
        return fs::equivalent(f.first, path, same_ec);
      });
      if (!listed) files.emplace_back(path, config::Value());
    }
  }

  for (auto& [path, options] : files) {
    auto library = open_plugin_library(path);
    if (!library) {
      problems.push_back(library.error());
      continue;
    }
    const std::string name = library->descriptor.name;
    auto duplicate = std::find_if(set->infos_.begin(), set->infos_.end(), [&](const PluginInfo& i) { return i.name == name; });
    if (duplicate != set->infos_.end()) {
      problems.push_back(path.string() + ": a plugin named \"" + name + "\" is already loaded from " + duplicate->path.string());
      continue;
    }
    auto loaded = std::make_unique<Loaded>();
    loaded->library = std::move(*library);
    loaded->context = std::make_unique<PluginContext>();
    auto& context = *loaded->context;
    context.name = name;
    context.file = path.string();
    context.options = options;
    context.services = &host;
    context.registries = set->registries_.get();
    context.problems = &problems;
    install_host_api(context);
    const std::size_t problems_before = problems.size();
    const int32_t rc = loaded->library.descriptor.init(&context.api, &loaded->state);
    if (rc != 0) {
      problems.push_back(path.string() + ": plugin \"" + name + "\" failed to initialise (init returned " + std::to_string(rc) + ")");
      set->loaded_.push_back(std::move(loaded));  // keep its context: registrations may point to it
      continue;
    }
    loaded->initialised = true;
    set->infos_.push_back({name, loaded->library.descriptor.version != nullptr ? loaded->library.descriptor.version : "",
                           path});
    if (problems.size() == problems_before) spdlog::debug("loaded plugin {} {} from {}", name, set->infos_.back().version, path.string());
    set->loaded_.push_back(std::move(loaded));
  }
  if (!problems.empty()) return std::unexpected(std::move(problems));
  for (auto& loaded : set->loaded_) loaded->context->problems = &set->late_problems_;
  return set;
}

const core::TypeHierarchy& PluginSet::types() const { return registries_->types; }

const std::vector<std::shared_ptr<core::Handler>>& PluginSet::handlers() const { return registries_->handlers; }

std::shared_ptr<core::Middleware> PluginSet::middleware(std::string_view name) const {
  auto it = registries_->middleware.find(name);
  return it == registries_->middleware.end() ? nullptr : it->second;
}

std::vector<std::shared_ptr<core::WorkerListener>> PluginSet::listeners() const { return registries_->listeners; }

void PluginSet::reset() {
  for (auto& loaded : loaded_) {
    if (loaded->initialised && loaded->library.descriptor.reset != nullptr) loaded->library.descriptor.reset(loaded->state);
  }
}

}  // namespace messengerd::plugin
