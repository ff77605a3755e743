#pragma once
// Process-wide logging setup over spdlog: text for people, JSON lines for machines.
// JSON lines are one object per line with stable fields: time, level, logger, message, plus
// the fields of the current LogContext (transport, type, message_id, retry_count, duration_ms).
#include <optional>
#include <string>
#include <string_view>

#include <spdlog/spdlog.h>

namespace messengerd::util {

enum class LogFormat { text, json };

// verbosity: -1 quiet (errors only), 0 default (info), 1 -v (info + per message), 2 -vv (debug).
void setup_logging(LogFormat format, int verbosity);
int log_verbosity();

// Fields attached to every log line written on this thread while the scope is alive. The
// texts are borrowed (one scope per handled message; no copies): they must outlive the scope.
struct LogFields {
  std::string_view transport;
  std::string_view type;
  std::string_view message_id;
  std::optional<int> retry_count;
  std::optional<double> duration_ms;
};

class LogScope {
 public:
  explicit LogScope(LogFields fields);
  ~LogScope();
  LogScope(const LogScope&) = delete;
  LogScope& operator=(const LogScope&) = delete;
  // Adds fields learnt later (e.g. the duration once handled).
  static LogFields* current();

 private:
  std::optional<LogFields> previous_;
};

// A JSON string literal (quotes included) for log output.
std::string json_quote(std::string_view text);

}  // namespace messengerd::util
