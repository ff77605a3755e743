#pragma once
// Typed access to the stamps Symfony defines: builders that write the JSON exactly as Symfony
// 5.4 does (docs/symfony-wire-spec.md §1) and readers that tolerate the 6.x/7.x shapes.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/envelope.hpp"

namespace messengerd::serializer {

core::Stamp make_delay_stamp(std::int64_t delay_ms);
// 5.4 shape: {"retryCount":N,"exceptionMessage":null,"flattenException":null,"redeliveredAt":"<ISO-8601 +00:00>"}
core::Stamp make_redelivery_stamp(int retry_count, std::chrono::system_clock::time_point redelivered_at);
// {"exceptionClass":..,"exceptionCode":..,"exceptionMessage":..,"flattenException":null|{...}}
// `flatten_exception_json` is a JSON object text (with at least class, message, code,
// traceAsString) or empty for null.
core::Stamp make_error_details_stamp(std::string_view exception_class, std::int64_t code,
                                     std::string_view message, std::string_view flatten_exception_json = {});
// Symfony 5.4's FlattenException normalized as ErrorDetailsStamp.flattenException, with what
// messengerd knows of a failure (class, message, code, trace as a string); other keys get
// Symfony's neutral values.
std::string make_flatten_exception_json(std::string_view cls, std::string_view message, std::int64_t code,
                                        std::string_view trace_as_string);
core::Stamp make_sent_to_failure_transport_stamp(std::string_view original_receiver_name);
core::Stamp make_bus_name_stamp(std::string_view bus_name);
core::Stamp make_transport_message_id_stamp(std::string_view id);
// {"result":<result_json or null>,"handlerName":"..."}
core::Stamp make_handled_stamp(std::string_view handler_name, std::string_view result_json = "null");

// Readers: the last stamp of the class (Symfony's Envelope::last), or nullopt/0 when absent
// or unreadable.
std::optional<std::int64_t> delay_ms(const core::Envelope& envelope);
int retry_count(const core::Envelope& envelope);  // RedeliveryStamp.retryCount, 0 if none
std::optional<std::string> original_receiver_name(const core::Envelope& envelope);
std::optional<std::string> bus_name(const core::Envelope& envelope);
std::optional<std::string> transport_message_id(const core::Envelope& envelope);
std::vector<std::string> handled_by(const core::Envelope& envelope);  // HandledStamp.handlerName, all

struct ErrorDetails {
  std::string exception_class;
  std::int64_t code = 0;
  std::string message;
  std::string trace;  // flattenException.traceAsString when present
};
std::optional<ErrorDetails> last_error_details(const core::Envelope& envelope);

struct RedeliveryInfo {
  int retry_count = 0;
  std::string redelivered_at;  // as written
  std::string exception_message;  // 5.4 shape only
};
std::vector<RedeliveryInfo> redeliveries(const core::Envelope& envelope);

// ISO-8601 with offset as PHP's DATE_ATOM writes it: 2026-11-24T15:30:10+00:00.
std::string iso8601_utc(std::chrono::system_clock::time_point t);

}  // namespace messengerd::serializer
