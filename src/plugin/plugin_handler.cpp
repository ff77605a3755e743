#include "plugin/plugin_handler.hpp"

#include <memory>

#include "plugin/message_view.hpp"

namespace messengerd::plugin {

namespace {

std::string text(const char* s) { return s == nullptr ? std::string() : std::string(s); }

}  // namespace

PluginHandler::PluginHandler(const messengerd_handler_def& def, std::string plugin_name) : def_(def) {
  spec_.name = text(def.name);
  for (std::size_t i = 0; i < def.type_count; ++i) spec_.types.push_back(text(def.types[i]));
  spec_.from_transport = text(def.from_transport);
  spec_.bus = text(def.bus);
  spec_.priority = def.priority;
  spec_.batch_size = def.batch_size;
  spec_.plugin = std::move(plugin_name);
  // The plugin's strings are not ours to keep.
  def_.name = nullptr;
  def_.types = nullptr;
  def_.from_transport = nullptr;
  def_.bus = nullptr;
}

PluginHandler::~PluginHandler() {
  if (def_.destroy != nullptr) def_.destroy(def_.user_data);
}

core::HandlerOutcome PluginHandler::handle(const core::MessageView& message) {
  CallContext call;
  AbiMessage abi(message, &call);
  const messengerd_outcome code = def_.handle != nullptr ? def_.handle(def_.user_data, abi.get()) : MESSENGERD_RETRY;
  if (def_.handle == nullptr) {
    call.has_error = true;
    call.message = "handler " + spec_.name + " has no handle function";
  }
  return to_core_outcome(code, call, "handler " + spec_.name);
}

std::vector<core::HandlerOutcome> PluginHandler::handle_batch(std::span<const core::MessageView> messages) {
  if (def_.handle_batch == nullptr) return Handler::handle_batch(messages);
  std::vector<CallContext> calls(messages.size());
  std::vector<std::unique_ptr<AbiMessage>> abis;
  std::vector<const messengerd_message*> pointers;
  abis.reserve(messages.size());
  for (std::size_t i = 0; i < messages.size(); ++i) {
    abis.push_back(std::make_unique<AbiMessage>(messages[i], &calls[i]));
    pointers.push_back(abis.back()->get());
  }
  std::vector<messengerd_outcome> codes(messages.size(), MESSENGERD_RETRY);
  def_.handle_batch(def_.user_data, pointers.data(), pointers.size(), codes.data());
  std::vector<core::HandlerOutcome> outcomes;
  outcomes.reserve(messages.size());
  for (std::size_t i = 0; i < messages.size(); ++i) outcomes.push_back(to_core_outcome(codes[i], calls[i], "handler " + spec_.name));
  return outcomes;
}

}  // namespace messengerd::plugin
