#pragma once
// The DATETIME text Doctrine writes on SQLite ('Y-m-d H:i:s', UTC: PHP's default timezone on
// a server that does not set date.timezone). Text order equals time order, so the queries
// compare these strings directly, as Doctrine does.
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace messengerd::transport::sqlite {

// "2026-11-24 15:30:10": UTC, truncated to the second (like PHP's format of a DateTime).
std::string format_datetime(std::chrono::system_clock::time_point t);
// The second a DATETIME text names; nullopt for anything else.
std::optional<std::chrono::system_clock::time_point> parse_datetime(std::string_view text);

}  // namespace messengerd::transport::sqlite
