#pragma once
// The composition root: a validated config becomes plugins, a router, handler registry, buses
// and (lazily opened) transports. The only place that wires modules together.
#include <expected>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "app/host_bridge.hpp"
#include "bus/handler_registry.hpp"
#include "bus/message_bus.hpp"
#include "bus/outbox.hpp"
#include "config/config.hpp"
#include "core/type_hierarchy.hpp"
#include "plugin/plugin_set.hpp"
#include "routing/router.hpp"
#include "transport/registry.hpp"
#include "worker/shared_flags.hpp"
#include "worker/worker_environment.hpp"

namespace messengerd::app {

class Application final : public worker::WorkerEnvironment {
 public:
  // Loads the plugins and builds the buses; every problem at once on failure.
  static std::expected<std::unique_ptr<Application>, std::vector<std::string>> create(config::Config config);
  // For commands that only talk to transports (stats, setup-transports, failed:show/remove):
  // no plugin is loaded, so a missing or broken plugin does not stop them.
  static std::expected<std::unique_ptr<Application>, std::vector<std::string>> create_without_plugins(config::Config config);
  ~Application() override;

  const config::Config& config() const { return config_; }
  const plugin::PluginSet& plugins() const { return *plugins_; }
  const bus::HandlerRegistry& handlers() const { return *handlers_; }
  const routing::Router& router() const { return *router_; }
  const transport::Registry& transport_registry() const { return registry_; }
  worker::SharedFlags& flags() { return flags_; }

  bus::MessageBus* bus(std::string_view name);
  bus::MessageBus& default_bus();
  std::vector<std::string> bus_names() const;

  // A transport by name, created on first use.
  core::Result<transport::Transport*> transport(std::string_view name) override;

  // WorkerEnvironment
  retry::Strategy retry_strategy(std::string_view transport) const override;
  std::optional<std::string> failure_transport_for(std::string_view transport) const override;
  bus::MessageBus& bus_for(const core::Envelope& envelope, std::string_view forced_bus) override;
  void set_outbox(bus::Outbox& outbox) override;
  core::Handler* batch_handler_for(const core::Envelope& envelope, std::string_view transport,
                                   std::string_view forced_bus) override;
  void reset_plugins() override;
  std::vector<std::shared_ptr<core::WorkerListener>> plugin_listeners() const override;

  // The outbox that sends at once through this application's transports (CLI dispatch).
  bus::Outbox& direct_outbox() { return *direct_outbox_; }

 private:
  explicit Application(config::Config config);

  config::Config config_;
  worker::SharedFlags flags_;
  HostBridge host_{flags_};
  std::unique_ptr<plugin::PluginSet> plugins_;
  core::TypeHierarchy no_types_;
  std::unique_ptr<routing::Router> router_;
  std::unique_ptr<bus::HandlerRegistry> handlers_;
  std::unique_ptr<bus::Outbox> direct_outbox_;
  std::map<std::string, std::unique_ptr<bus::MessageBus>, std::less<>> buses_;
  transport::Registry registry_;
  std::map<std::string, std::unique_ptr<transport::Transport>, std::less<>> transports_;
};

}  // namespace messengerd::app
