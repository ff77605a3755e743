#include "plugin/plugin_middleware.hpp"

#include "plugin/message_view.hpp"

namespace messengerd::plugin {

PluginMiddleware::PluginMiddleware(const messengerd_middleware_def& def)
    : def_(def), name_(def.name != nullptr ? def.name : "") {
  def_.name = nullptr;
}

PluginMiddleware::~PluginMiddleware() {
  if (def_.destroy != nullptr) def_.destroy(def_.user_data);
}

core::HandlerOutcome PluginMiddleware::before(const core::MessageView& message) {
  if (def_.before == nullptr) return core::HandlerOutcome::success();
  CallContext call;
  AbiMessage abi(message, &call);
  return to_core_outcome(def_.before(def_.user_data, abi.get()), call, "middleware " + name_);
}

void PluginMiddleware::after(const core::MessageView& message, const core::HandlerOutcome& outcome) {
  if (def_.after == nullptr) return;
  CallContext call;
  AbiMessage abi(message, &call);
  def_.after(def_.user_data, abi.get(), to_abi_outcome(outcome), outcome.ok() ? nullptr : outcome.message.c_str());
}

PluginListener::~PluginListener() {
  if (def_.destroy != nullptr) def_.destroy(def_.user_data);
}

void PluginListener::on_event(const core::WorkerEvent& event) {
  if (def_.on_event == nullptr) return;
  const std::string error(event.error);
  const char* error_text = error.empty() ? nullptr : error.c_str();
  const auto kind = static_cast<int32_t>(event.kind);  // same order as MESSENGERD_EVENT_*
  if (event.message != nullptr) {
    AbiMessage abi(*event.message, nullptr);
    def_.on_event(def_.user_data, kind, abi.get(), error_text);
  } else {
    def_.on_event(def_.user_data, kind, nullptr, error_text);
  }
}

}  // namespace messengerd::plugin

static_assert(static_cast<int>(messengerd::core::WorkerEventKind::started) == MESSENGERD_EVENT_STARTED &&
                  static_cast<int>(messengerd::core::WorkerEventKind::message_failed) == MESSENGERD_EVENT_MESSAGE_FAILED &&
                  static_cast<int>(messengerd::core::WorkerEventKind::stopped) == MESSENGERD_EVENT_STOPPED,
              "worker event numbers are part of the plugin ABI");
