#pragma once
// Middleware and worker listeners that plugins registered, as core interfaces.
#include <string>

#include "core/handler.hpp"
#include "core/worker_event.hpp"
#include "messengerd/plugin.h"

namespace messengerd::plugin {

class PluginMiddleware final : public core::Middleware {
 public:
  explicit PluginMiddleware(const messengerd_middleware_def& def);
  ~PluginMiddleware() override;
  PluginMiddleware(const PluginMiddleware&) = delete;
  PluginMiddleware& operator=(const PluginMiddleware&) = delete;

  std::string_view name() const override { return name_; }
  core::HandlerOutcome before(const core::MessageView& message) override;
  void after(const core::MessageView& message, const core::HandlerOutcome& outcome) override;

 private:
  messengerd_middleware_def def_;
  std::string name_;
};

class PluginListener final : public core::WorkerListener {
 public:
  explicit PluginListener(const messengerd_listener_def& def) : def_(def) {}
  ~PluginListener() override;
  PluginListener(const PluginListener&) = delete;
  PluginListener& operator=(const PluginListener&) = delete;

  void on_event(const core::WorkerEvent& event) override;

 private:
  messengerd_listener_def def_;
};

}  // namespace messengerd::plugin
