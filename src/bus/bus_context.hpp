#pragma once
// The state of one message going through a bus: what it is, where it came from, and what the
// middleware did with it.
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "core/envelope.hpp"
#include "core/handler.hpp"

namespace messengerd::bus {

struct BusContext {
  core::Envelope envelope;
  // Set when a worker received the message (Symfony's ReceivedStamp): it is then handled,
  // never sent again. Empty for a new dispatch.
  std::string received_from;
  std::string message_id;
  int redelivery_count = 0;
  std::uint32_t delivery_count = 0;  // by the transport, this delivery included; 0 unknown
  // Transports chosen by the caller (Symfony's TransportNamesStamp); empty = routing decides.
  std::vector<std::string> forced_transports;

  // Results.
  std::vector<std::string> sent_to;                 // transports the message was sent to
  std::vector<std::string> handled_by;              // handlers that succeeded in this call
  std::vector<std::pair<std::string, core::HandlerOutcome>> failures;  // handler name, outcome
  core::HandlerOutcome outcome;                     // combined: ok, or the failure to act on
};

}  // namespace messengerd::bus
