#include "app/application.hpp"

#include "app/direct_outbox.hpp"
#include "app/transport_factories.hpp"
#include "serializer/serializer.hpp"
#include "serializer/stamps.hpp"

namespace messengerd::app {

Application::Application(config::Config config) : config_(std::move(config)) {}
Application::~Application() = default;

std::expected<std::unique_ptr<Application>, std::vector<std::string>> Application::create(config::Config config) {
  std::unique_ptr<Application> app(new Application(std::move(config)));
  std::vector<std::string> problems;

  auto loaded = plugin::PluginSet::load(app->config_, app->host_);
  if (!loaded) return std::unexpected(loaded.error());
  app->plugins_ = std::move(*loaded);

  const auto& types = app->plugins_->types();
  app->router_ = std::make_unique<routing::Router>(app->config_.routing, types);
  app->handlers_ = std::make_unique<bus::HandlerRegistry>(types);
  for (const auto& h : app->plugins_->handlers()) app->handlers_->add(h);

  auto* raw = app.get();
  app->direct_outbox_ = std::make_unique<DirectOutbox>(
      [raw](std::string_view name) { return raw->transport(name); },
      [raw](std::string_view name) { return raw->config_.transport(name) != nullptr; });

  for (const auto& bus_config : app->config_.buses) {
    bus::BusOptions options;
    options.name = bus_config.name;
    options.default_middleware = bus_config.default_middleware != "false";
    options.allow_no_handlers = bus_config.default_middleware == "allow_no_handlers";
    for (const auto& name : bus_config.middleware) {
      auto middleware = app->plugins_->middleware(name);
      if (!middleware) {
        problems.push_back("bus \"" + bus_config.name + "\": middleware \"" + name +
                           "\" is not provided by any loaded plugin");
        continue;
      }
      options.user_middleware.push_back(std::move(middleware));
    }
    app->buses_.emplace(bus_config.name, std::make_unique<bus::MessageBus>(std::move(options), *app->router_,
                                                                           *app->handlers_, *app->direct_outbox_));
  }
  for (const auto& h : app->handlers_->all()) {
    const auto& spec = h->spec();
    if (!spec.bus.empty() && !app->buses_.contains(spec.bus)) {
      problems.push_back("handler \"" + spec.name + "\" is bound to bus \"" + spec.bus + "\", which is not configured");
    }
    if (!spec.from_transport.empty() && app->config_.transport(spec.from_transport) == nullptr) {
      problems.push_back("handler \"" + spec.name + "\" only handles messages from transport \"" + spec.from_transport +
                         "\", which is not configured");
    }
  }
  register_transport_factories(app->registry_);
  for (const auto& t : app->config_.transports) {
    if (!app->registry_.supports(t.dsn_parsed.scheme)) {
      problems.push_back("transport \"" + t.name + "\": the scheme \"" + t.dsn_parsed.scheme +
                         "://\" is not supported by this build (" + t.dsn_parsed.redacted() + ")");
    }
    if (!t.retry.service.empty()) {
      problems.push_back("transport \"" + t.name + "\": retry_strategy.service \"" + t.retry.service +
                         "\" names a PHP service; messengerd supports the max_retries/delay/multiplier/max_delay/jitter strategy");
    }
    if (!t.serializer.empty() && !serializer::serializer_for(t.serializer)) {
      problems.push_back("transport \"" + t.name + "\": unknown serializer \"" + t.serializer + "\"");
    }
  }
  if (!problems.empty()) return std::unexpected(problems);
  app->host_.set_default_bus(&app->default_bus());
  return app;
}

std::expected<std::unique_ptr<Application>, std::vector<std::string>> Application::create_without_plugins(
    config::Config config) {
  config.plugins.clear();
  config.plugin_dirs.clear();
  for (auto& bus : config.buses) bus.middleware.clear();  // user middleware comes from plugins
  return create(std::move(config));
}

bus::MessageBus* Application::bus(std::string_view name) {
  auto it = buses_.find(name);
  return it == buses_.end() ? nullptr : it->second.get();
}

bus::MessageBus& Application::default_bus() {
  if (auto* b = bus(config_.default_bus)) return *b;
  return *buses_.begin()->second;
}

std::vector<std::string> Application::bus_names() const {
  std::vector<std::string> names;
  for (const auto& [name, b] : buses_) names.push_back(name);
  return names;
}

core::Result<transport::Transport*> Application::transport(std::string_view name) {
  if (auto it = transports_.find(name); it != transports_.end()) return it->second.get();
  const auto* cfg = config_.transport(name);
  if (cfg == nullptr) {
    return std::unexpected(core::make_error(core::ErrorKind::not_found, "no transport named \"" + std::string(name) + "\""));
  }
  transport::TransportContext context{*cfg, config_, serializer::serializer_for(cfg->serializer),
                                      [this, name = std::string(name)](const core::Envelope& envelope) -> core::Status {
                                        // sync://: handled now, as if received from this transport.
                                        auto& b = bus_for(envelope, "");
                                        auto result = b.handle_received(envelope, name, "", 0);
                                        if (!result.outcome.ok()) {
                                          return std::unexpected(core::make_error(core::ErrorKind::internal, result.outcome.message));
                                        }
                                        return {};
                                      }};
  auto created = registry_.create(context);
  if (!created) return std::unexpected(created.error());
  auto* raw = created->get();
  transports_.emplace(std::string(name), std::move(*created));
  return raw;
}

retry::Strategy Application::retry_strategy(std::string_view name) const {
  retry::Strategy strategy;
  if (const auto* cfg = config_.transport(name)) {
    strategy.max_retries = cfg->retry.max_retries;
    strategy.delay_ms = cfg->retry.delay_ms;
    strategy.multiplier = cfg->retry.multiplier;
    strategy.max_delay_ms = cfg->retry.max_delay_ms;
    strategy.jitter = cfg->retry.jitter;
  }
  return strategy;
}

std::optional<std::string> Application::failure_transport_for(std::string_view name) const {
  const auto* cfg = config_.transport(name);
  if (cfg != nullptr && cfg->failure_transport) return cfg->failure_transport;
  if (config_.failure_transport && *config_.failure_transport != name) return config_.failure_transport;
  return std::nullopt;
}

bus::MessageBus& Application::bus_for(const core::Envelope& envelope, std::string_view forced_bus) {
  if (!forced_bus.empty()) {
    if (auto* b = bus(forced_bus)) return *b;
  }
  if (auto name = serializer::bus_name(envelope)) {
    if (auto* b = bus(*name)) return *b;
  }
  return default_bus();
}

void Application::set_outbox(bus::Outbox& outbox) {
  for (auto& [name, b] : buses_) b->set_outbox(outbox);
}

core::Handler* Application::batch_handler_for(const core::Envelope& envelope, std::string_view transport,
                                              std::string_view forced_bus) {
  const auto& selected = handlers_->select(envelope.type(), bus_for(envelope, forced_bus).name(), transport);
  if (selected.size() == 1 && selected.front()->spec().batch_size > 1) return selected.front();
  return nullptr;
}

void Application::reset_plugins() { plugins_->reset(); }

std::vector<std::shared_ptr<core::WorkerListener>> Application::plugin_listeners() const {
  return plugins_->listeners();
}

}  // namespace messengerd::app
