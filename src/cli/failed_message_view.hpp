#pragma once
// How failed:show, failed:retry and failed:remove print a failed message: one table row, or
// the detail (stamps, error with trace, retry history), as Symfony's failed-message commands.
#include <ostream>
#include <string>

#include "transport/transport.hpp"

namespace messengerd::cli {

struct FailedSummary {
  std::string id;
  std::string type;
  std::string failed_at;  // the last redelivery's time, else ""
  std::string error;      // the last error message, else ""
};

FailedSummary summarize(const transport::ReceivedMessage& message);
void print_table(std::ostream& out, const std::vector<FailedSummary>& rows);
// verbosity >= 2 adds every stamp and the full trace.
void print_detail(std::ostream& out, const transport::ReceivedMessage& message, int verbosity);

}  // namespace messengerd::cli
