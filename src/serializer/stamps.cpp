#include "serializer/stamps.hpp"

#include <ctime>

#include <nlohmann/json.hpp>

#include "serializer/php_json.hpp"

namespace messengerd::serializer {

namespace sc = core::stamp_class;
using Json = nlohmann::json;

namespace {

std::string json_text(std::string_view text) { return php_json_string_lossy(text); }

Json parse(const core::Stamp* stamp) {
  if (stamp == nullptr) return Json();
  auto parsed = Json::parse(stamp->json, nullptr, false);
  return parsed.is_discarded() ? Json() : parsed;
}

std::optional<std::string> string_field(const Json& object, const char* key) {
  if (!object.is_object()) return std::nullopt;
  auto it = object.find(key);
  if (it == object.end()) return std::nullopt;
  if (it->is_string()) return it->get<std::string>();
  if (it->is_number_integer()) return std::to_string(it->get<std::int64_t>());
  return std::nullopt;
}

std::int64_t int_field(const Json& object, const char* key, std::int64_t fallback = 0) {
  if (!object.is_object()) return fallback;
  auto it = object.find(key);
  if (it == object.end()) return fallback;
  if (it->is_number_integer()) return it->get<std::int64_t>();
  if (it->is_number()) return static_cast<std::int64_t>(it->get<double>());
  if (it->is_string()) {
    try {
      return std::stoll(it->get<std::string>());
    } catch (...) {
      return fallback;
    }
  }
  return fallback;
}

}  // namespace

std::string iso8601_utc(std::chrono::system_clock::time_point t) {
  const std::time_t seconds = std::chrono::system_clock::to_time_t(t);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char buffer[32];
  std::strftime(buffer, sizeof(buffer), "%Y-%m-%dT%H:%M:%S+00:00", &utc);
  return buffer;
}

core::Stamp make_delay_stamp(std::int64_t delay_ms) {
  return {std::string(sc::kDelay), "{\"delay\":" + std::to_string(delay_ms) + "}"};
}

core::Stamp make_redelivery_stamp(int retry_count, std::chrono::system_clock::time_point redelivered_at) {
  return {std::string(sc::kRedelivery), "{\"retryCount\":" + std::to_string(retry_count) +
                                            ",\"exceptionMessage\":null,\"flattenException\":null,\"redeliveredAt\":" +
                                            json_text(iso8601_utc(redelivered_at)) + "}"};
}

std::string make_flatten_exception_json(std::string_view cls, std::string_view message, std::int64_t code,
                                        std::string_view trace_as_string) {
  // Exception::__toString() without the " in <file>:<line>" part, which messengerd cannot know.
  const std::string as_string =
      std::string(cls) + ": " + std::string(message) + "\nStack trace:\n" + std::string(trace_as_string);
  const std::string status_text = json_text("Whoops, looks like something went wrong.");
  // First the keys, in order, that Symfony 5.4's Serializer::create() (ObjectNormalizer over
  // FlattenException's getters) writes — tests/fixtures/symfony-5.4/error-details-from-throwable.json.
  // Then the three keys only the FrameworkBundle's FlattenExceptionNormalizer writes: a
  // framework app denormalizes with that normalizer, which reads $data['status_text'] and
  // $data['trace_as_string'] unguarded: without them PHP 8.2 + Symfony 5.4 throws a TypeError in
  // FlattenException::setStatusText and `messenger:failed:show` cannot read what messengerd
  // stored (checked against the real packages; docs/symfony-compatibility.md).
  return "{\"statusCode\":500,\"headers\":[],\"class\":" + json_text(cls) + ",\"file\":\"\",\"line\":0," +
         "\"statusText\":" + status_text + ",\"message\":" + json_text(message) + ",\"code\":" + std::to_string(code) +
         ",\"previous\":null,\"allPrevious\":[],\"trace\":[],\"traceAsString\":" + json_text(trace_as_string) +
         ",\"asString\":" + json_text(as_string) + ",\"status\":500,\"status_text\":" + status_text +
         ",\"trace_as_string\":" + json_text(trace_as_string) + "}";
}

core::Stamp make_error_details_stamp(std::string_view exception_class, std::int64_t code, std::string_view message,
                                     std::string_view flatten_exception_json) {
  return {std::string(sc::kErrorDetails),
          "{\"exceptionClass\":" + json_text(exception_class) + ",\"exceptionCode\":" + std::to_string(code) +
              ",\"exceptionMessage\":" + json_text(message) + ",\"flattenException\":" +
              (flatten_exception_json.empty() ? std::string("null") : std::string(flatten_exception_json)) + "}"};
}

core::Stamp make_sent_to_failure_transport_stamp(std::string_view original_receiver_name) {
  return {std::string(sc::kSentToFailureTransport), "{\"originalReceiverName\":" + json_text(original_receiver_name) + "}"};
}

namespace {

// The last stamp built for `name` on this thread, built again only when the name changes. For
// the stamps every message gets, nearly always with the same name (its bus, its handler): the
// JSON is encoded once, not once per message.
struct LastStamp {
  std::string name;
  core::Stamp stamp;
  template <class Build>
  const core::Stamp& for_name(std::string_view wanted, Build build) {
    if (stamp.fqcn.empty() || wanted != name) {
      name = wanted;
      stamp = build();
    }
    return stamp;
  }
};

}  // namespace

core::Stamp make_bus_name_stamp(std::string_view bus_name) {
  thread_local LastStamp last;
  return last.for_name(bus_name, [&] {
    return core::Stamp{std::string(sc::kBusName), "{\"busName\":" + json_text(bus_name) + "}"};
  });
}

core::Stamp make_transport_message_id_stamp(std::string_view id) {
  // Numeric ids (Doctrine rows) are written as numbers, as PHP does for an int id.
  const bool numeric = !id.empty() && id.size() < 19 && id.find_first_not_of("0123456789") == std::string_view::npos;
  return {std::string(sc::kTransportMessageId), "{\"id\":" + (numeric ? std::string(id) : json_text(id)) + "}"};
}

core::Stamp make_handled_stamp(std::string_view handler_name, std::string_view result_json) {
  if (!result_json.empty()) {
    return {std::string(sc::kHandled), "{\"result\":" + std::string(result_json) + ",\"handlerName\":" +
                                           json_text(handler_name) + "}"};
  }
  thread_local LastStamp last;
  return last.for_name(handler_name, [&] {
    return core::Stamp{std::string(sc::kHandled), "{\"result\":null,\"handlerName\":" + json_text(handler_name) + "}"};
  });
}

std::optional<std::int64_t> delay_ms(const core::Envelope& envelope) {
  auto json = parse(envelope.last(sc::kDelay));
  if (!json.is_object() || !json.contains("delay")) return std::nullopt;
  return int_field(json, "delay");
}

int retry_count(const core::Envelope& envelope) {
  return static_cast<int>(int_field(parse(envelope.last(sc::kRedelivery)), "retryCount"));
}

std::optional<std::string> original_receiver_name(const core::Envelope& envelope) {
  return string_field(parse(envelope.last(sc::kSentToFailureTransport)), "originalReceiverName");
}

std::optional<std::string> bus_name(const core::Envelope& envelope) {
  return string_field(parse(envelope.last(sc::kBusName)), "busName");
}

std::optional<std::string> transport_message_id(const core::Envelope& envelope) {
  return string_field(parse(envelope.last(sc::kTransportMessageId)), "id");
}

std::vector<std::string> handled_by(const core::Envelope& envelope) {
  std::vector<std::string> names;
  for (const auto* stamp : envelope.all(sc::kHandled)) {
    if (auto name = string_field(parse(stamp), "handlerName")) names.push_back(*name);
  }
  return names;
}

std::optional<ErrorDetails> last_error_details(const core::Envelope& envelope) {
  const auto* stamp = envelope.last(sc::kErrorDetails);
  if (stamp == nullptr) return std::nullopt;
  auto json = parse(stamp);
  if (!json.is_object()) return std::nullopt;
  ErrorDetails details;
  details.exception_class = string_field(json, "exceptionClass").value_or("");
  details.code = int_field(json, "exceptionCode");
  details.message = string_field(json, "exceptionMessage").value_or("");
  if (auto flat = json.find("flattenException"); flat != json.end() && flat->is_object()) {
    // traceAsString: ObjectNormalizer (Serializer::create()); trace_as_string: FrameworkBundle's
    // FlattenExceptionNormalizer (5.4 to 7.x framework apps).
    details.trace = string_field(*flat, "traceAsString").value_or(string_field(*flat, "trace_as_string").value_or(""));
    if (details.exception_class.empty()) details.exception_class = string_field(*flat, "class").value_or("");
  }
  return details;
}

std::vector<RedeliveryInfo> redeliveries(const core::Envelope& envelope) {
  std::vector<RedeliveryInfo> history;
  for (const auto* stamp : envelope.all(sc::kRedelivery)) {
    auto json = parse(stamp);
    if (!json.is_object()) continue;
    RedeliveryInfo info;
    info.retry_count = static_cast<int>(int_field(json, "retryCount"));
    info.redelivered_at = string_field(json, "redeliveredAt").value_or("");
    info.exception_message = string_field(json, "exceptionMessage").value_or("");
    history.push_back(std::move(info));
  }
  return history;
}

}  // namespace messengerd::serializer
