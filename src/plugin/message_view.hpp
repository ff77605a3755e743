#pragma once
// core::MessageView -> the ABI's messengerd_message (borrowed pointers into the envelope), plus
// the per-call context where set_error() leaves the failure's class and message.
#include <string>
#include <vector>

#include "core/handler.hpp"
#include "messengerd/plugin.h"

namespace messengerd::plugin {

struct CallContext {
  std::string exception_class;
  std::string message;
  bool has_error = false;
};

// Owns what the C view points to; must outlive the call.
class AbiMessage {
 public:
  AbiMessage(const core::MessageView& view, CallContext* call);
  const messengerd_message* get() const { return &message_; }

 private:
  std::string transport_;  // NUL-terminated copies: a string_view need not be
  std::string message_id_;
  std::vector<messengerd_stamp> stamps_;
  messengerd_message message_{};
};

// The outcome code and the call's error as a core outcome.
core::HandlerOutcome to_core_outcome(messengerd_outcome code, const CallContext& call, const std::string& who);
messengerd_outcome to_abi_outcome(const core::HandlerOutcome& outcome);

}  // namespace messengerd::plugin
