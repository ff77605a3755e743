#pragma once
// A handler a plugin registered, as a core::Handler: converts each call to the ABI and the
// outcome back. Owns a copy of the definition's strings; calls `destroy` when released.
#include <string>
#include <vector>

#include "core/handler.hpp"
#include "messengerd/plugin.h"

namespace messengerd::plugin {

class PluginHandler final : public core::Handler {
 public:
  // `def` was already size-checked and zero-extended by the caller.
  PluginHandler(const messengerd_handler_def& def, std::string plugin_name);
  ~PluginHandler() override;
  PluginHandler(const PluginHandler&) = delete;
  PluginHandler& operator=(const PluginHandler&) = delete;

  const core::HandlerSpec& spec() const override { return spec_; }
  core::HandlerOutcome handle(const core::MessageView& message) override;
  std::vector<core::HandlerOutcome> handle_batch(std::span<const core::MessageView> messages) override;

 private:
  messengerd_handler_def def_;
  core::HandlerSpec spec_;
};

}  // namespace messengerd::plugin
