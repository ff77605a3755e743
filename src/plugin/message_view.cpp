#include "plugin/message_view.hpp"

#include <algorithm>
#include <cstdint>

namespace messengerd::plugin {

AbiMessage::AbiMessage(const core::MessageView& view, CallContext* call)
    : transport_(view.transport), message_id_(view.message_id) {
  const auto& envelope = *view.envelope;
  stamps_.reserve(envelope.stamps().size());
  for (const auto& stamp : envelope.stamps()) stamps_.push_back({stamp.fqcn.c_str(), stamp.json.c_str()});
  message_.struct_size = sizeof(message_);
  message_.type = envelope.type().c_str();
  message_.body = envelope.body().data();
  message_.body_len = envelope.body().size();
  message_.transport = transport_.c_str();
  message_.message_id = message_id_.c_str();
  message_.redelivery_count = view.redelivery_count;
  message_.stamps = stamps_.data();
  message_.stamp_count = stamps_.size();
  message_.call = call;
  message_.delivery_count = static_cast<std::int32_t>(std::min<std::uint32_t>(view.delivery_count, INT32_MAX));
}

core::HandlerOutcome to_core_outcome(messengerd_outcome code, const CallContext& call, const std::string& who) {
  core::HandlerOutcome outcome;
  switch (code & MESSENGERD_OUTCOME_KIND_MASK) {
    case MESSENGERD_OK: outcome.kind = core::OutcomeKind::ok; break;
    case MESSENGERD_UNRECOVERABLE: outcome.kind = core::OutcomeKind::unrecoverable; break;
    case MESSENGERD_RECOVERABLE: outcome.kind = core::OutcomeKind::recoverable; break;
    default: outcome.kind = core::OutcomeKind::retry; break;
  }
  outcome.stop_worker = (code & MESSENGERD_STOP_WORKER) != 0;
  if (!outcome.ok()) {
    outcome.message = call.has_error && !call.message.empty() ? call.message : who + " failed";
    outcome.exception_class = call.exception_class;
  }
  return outcome;
}

messengerd_outcome to_abi_outcome(const core::HandlerOutcome& outcome) {
  messengerd_outcome code = MESSENGERD_RETRY;
  switch (outcome.kind) {
    case core::OutcomeKind::ok: code = MESSENGERD_OK; break;
    case core::OutcomeKind::retry: code = MESSENGERD_RETRY; break;
    case core::OutcomeKind::unrecoverable: code = MESSENGERD_UNRECOVERABLE; break;
    case core::OutcomeKind::recoverable: code = MESSENGERD_RECOVERABLE; break;
  }
  return code | (outcome.stop_worker ? MESSENGERD_STOP_WORKER : 0);
}

}  // namespace messengerd::plugin
