#include "util/logging.hpp"

#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_sinks.h>

#include <chrono>
#include <cstdio>

namespace messengerd::util {

namespace {

thread_local std::optional<LogFields> t_fields;
int g_verbosity = 0;

class JsonFormatter final : public spdlog::formatter {
 public:
  void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override {
    auto secs = std::chrono::duration_cast<std::chrono::microseconds>(msg.time.time_since_epoch()).count();
    std::string line = "{\"time\":" + std::to_string(static_cast<double>(secs) / 1e6);
    auto level = spdlog::level::to_string_view(msg.level);
    line += ",\"level\":" + json_quote(std::string_view(level.data(), level.size()));
    line += ",\"logger\":" + json_quote(std::string_view(msg.logger_name.data(), msg.logger_name.size()));
    line += ",\"message\":" + json_quote(std::string_view(msg.payload.data(), msg.payload.size()));
    if (t_fields) {
      if (!t_fields->transport.empty()) line += ",\"transport\":" + json_quote(t_fields->transport);
      if (!t_fields->type.empty()) line += ",\"type\":" + json_quote(t_fields->type);
      if (!t_fields->message_id.empty()) line += ",\"message_id\":" + json_quote(t_fields->message_id);
      if (t_fields->retry_count) line += ",\"retry_count\":" + std::to_string(*t_fields->retry_count);
      if (t_fields->duration_ms) line += ",\"duration_ms\":" + std::to_string(*t_fields->duration_ms);
    }
    line += "}\n";
    dest.append(line.data(), line.data() + line.size());
  }
  std::unique_ptr<formatter> clone() const override { return std::make_unique<JsonFormatter>(); }
};

}  // namespace

std::string json_quote(std::string_view text) {
  std::string out = "\"";
  for (char ch : text) {
    auto c = static_cast<unsigned char>(ch);
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          out += buf;
        } else {
          out += ch;
        }
    }
  }
  return out + "\"";
}

void setup_logging(LogFormat format, int verbosity) {
  g_verbosity = verbosity;
  // Logs go to stderr so that command output on stdout stays machine-readable.
  auto sink = std::make_shared<spdlog::sinks::stderr_sink_mt>();
  auto logger = std::make_shared<spdlog::logger>("messengerd", sink);
  if (format == LogFormat::json) {
    logger->set_formatter(std::make_unique<JsonFormatter>());
  } else {
    logger->set_pattern("%Y-%m-%dT%H:%M:%S.%e %^%-5l%$ %v");
  }
  logger->set_level(verbosity < 0 ? spdlog::level::err : verbosity >= 2 ? spdlog::level::debug : spdlog::level::info);
  logger->flush_on(spdlog::level::trace);
  spdlog::set_default_logger(logger);
}

int log_verbosity() { return g_verbosity; }

LogScope::LogScope(LogFields fields) : previous_(std::move(t_fields)) { t_fields = std::move(fields); }
LogScope::~LogScope() { t_fields = std::move(previous_); }
LogFields* LogScope::current() { return t_fields ? &*t_fields : nullptr; }

}  // namespace messengerd::util
