#pragma once
// Byte sizes as written on command lines ("128M", "1G", "512K", "1048576").
#include <cstdint>
#include <optional>
#include <string_view>

namespace messengerd::util {

// K/M/G suffixes (either case, optional trailing "B") are powers of 1024. nullopt when malformed.
std::optional<std::uint64_t> parse_size(std::string_view text);

// Resident set size of this process in bytes (from /proc/self/statm); 0 if unavailable.
std::uint64_t resident_set_bytes();
// Peak resident set size (VmHWM) in bytes; 0 if unavailable.
std::uint64_t peak_resident_set_bytes();

}  // namespace messengerd::util
