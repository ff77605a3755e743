#include "transport/doctrine_index_name.hpp"

#include <array>
#include <cctype>
#include <cstdint>

namespace messengerd::transport {
namespace {

// PHP's crc32(): CRC-32/ISO-HDLC, the zlib one.
std::uint32_t crc32(std::string_view data) {
  static const auto table = [] {
    std::array<std::uint32_t, 256> t{};
    for (std::uint32_t i = 0; i < 256; ++i) {
      std::uint32_t c = i;
      for (int k = 0; k < 8; ++k) c = (c & 1U) ? 0xEDB88320U ^ (c >> 1) : c >> 1;
      t[i] = c;
    }
    return t;
  }();
  std::uint32_t crc = 0xFFFFFFFFU;
  for (unsigned char ch : data) crc = table[(crc ^ ch) & 0xFFU] ^ (crc >> 8);
  return crc ^ 0xFFFFFFFFU;
}

// PHP's dechex(): lower-case hex without leading zeros.
std::string dechex(std::uint32_t value) {
  static constexpr char kDigits[] = "0123456789abcdef";
  if (value == 0) return "0";
  std::string out;
  while (value != 0) {
    out.insert(out.begin(), kDigits[value & 0xFU]);
    value >>= 4;
  }
  return out;
}

}  // namespace

std::string doctrine_index_name(std::string_view table, std::string_view column) {
  std::string name = "idx_" + dechex(crc32(table)) + dechex(crc32(column));
  if (name.size() > 63) name.resize(63);
  for (auto& c : name) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return name;
}

}  // namespace messengerd::transport
