#include "cli/failed_message_view.hpp"

#include <algorithm>
#include <iomanip>

#include "serializer/stamps.hpp"

namespace messengerd::cli {

namespace {

std::string one_line(std::string text, std::size_t max) {
  std::replace(text.begin(), text.end(), '\n', ' ');
  if (text.size() > max) text = text.substr(0, max - 3) + "...";
  return text;
}

}  // namespace

FailedSummary summarize(const transport::ReceivedMessage& message) {
  FailedSummary row{message.id, message.envelope.type(), {}, {}};
  auto history = serializer::redeliveries(message.envelope);
  if (!history.empty()) row.failed_at = history.back().redelivered_at;
  if (auto details = serializer::last_error_details(message.envelope)) {
    row.error = details->message;
  } else if (!history.empty()) {
    row.error = history.back().exception_message;
  }
  if (message.decode_error) row.error = "cannot be decoded: " + message.decode_error->message;
  return row;
}

void print_table(std::ostream& out, const std::vector<FailedSummary>& rows) {
  std::size_t id_width = 2, type_width = 5;
  for (const auto& r : rows) {
    id_width = std::max(id_width, r.id.size());
    type_width = std::max(type_width, std::min<std::size_t>(r.type.size(), 60));
  }
  auto cell = [&](const std::string& text, std::size_t width) {
    out << std::left << std::setw(static_cast<int>(width)) << one_line(text, width) << "  ";
  };
  cell("Id", id_width);
  cell("Class", type_width);
  cell("Failed at", 25);
  out << "Error\n";
  for (const auto& r : rows) {
    cell(r.id, id_width);
    cell(r.type, type_width);
    cell(r.failed_at, 25);
    out << one_line(r.error, 100) << "\n";
  }
}

void print_detail(std::ostream& out, const transport::ReceivedMessage& message, int verbosity) {
  const auto& envelope = message.envelope;
  auto summary = summarize(message);
  out << "Failed Message Details\n======================\n";
  out << "  Class:             " << envelope.type() << "\n";
  out << "  Message Id:        " << message.id << "\n";
  if (auto receiver = serializer::original_receiver_name(envelope)) {
    out << "  Original receiver: " << *receiver << "\n";
  }
  out << "  Failed at:         " << summary.failed_at << "\n";
  out << "  Error:             " << summary.error << "\n";
  auto details = serializer::last_error_details(envelope);
  if (details) {
    out << "  Error Code:        " << details->code << "\n";
    out << "  Error Class:       " << details->exception_class << "\n";
  }
  out << "  Redelivery count:  " << serializer::retry_count(envelope) << "\n";
  out << "\nMessage body:\n  " << envelope.body() << "\n";

  auto history = serializer::redeliveries(envelope);
  if (!history.empty()) {
    out << "\nMessage history:\n";
    for (const auto& h : history) {
      out << "  * retry #" << h.retry_count << " at " << h.redelivered_at;
      if (!h.exception_message.empty()) out << ": " << one_line(h.exception_message, 120);
      out << "\n";
    }
  }
  if (verbosity >= 2) {
    out << "\nStamps:\n";
    for (const auto& stamp : envelope.stamps()) out << "  " << stamp.fqcn << " " << stamp.json << "\n";
    if (details && !details->trace.empty()) out << "\nException trace:\n" << details->trace << "\n";
  } else {
    out << "\nRe-run with -vv to see every stamp and the exception trace.\n";
  }
}

}  // namespace messengerd::cli
