#include "serializer/php_json.hpp"

#include <nlohmann/json.hpp>

#include "serializer/flat_json_reader.hpp"

namespace messengerd::serializer {

namespace {

constexpr char kHex[] = "0123456789abcdef";

void append_u16(std::string& out, unsigned unit) {
  out += "\\u";
  out += kHex[(unit >> 12) & 0xF];
  out += kHex[(unit >> 8) & 0xF];
  out += kHex[(unit >> 4) & 0xF];
  out += kHex[unit & 0xF];
}

// Decodes one UTF-8 sequence at `i`; returns its length, 0 when invalid.
std::size_t decode_utf8(std::string_view s, std::size_t i, char32_t& cp) {
  const auto b0 = static_cast<unsigned char>(s[i]);
  std::size_t len = b0 < 0x80 ? 1 : (b0 >> 5) == 0x6 ? 2 : (b0 >> 4) == 0xE ? 3 : (b0 >> 3) == 0x1E ? 4 : 0;
  if (len == 0 || i + len > s.size()) return 0;
  if (len == 1) {
    cp = b0;
    return 1;
  }
  cp = b0 & (0xFF >> (len + 1));
  for (std::size_t k = 1; k < len; ++k) {
    const auto b = static_cast<unsigned char>(s[i + k]);
    if ((b & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (b & 0x3F);
  }
  // Overlong forms, surrogates and values past U+10FFFF are invalid, as PHP says.
  static constexpr char32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
  if (cp < kMin[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  return len;
}

// Printable ASCII that json_encode writes as it is.
bool verbatim(unsigned char c) { return c >= 0x20 && c < 0x80 && c != '"' && c != '\\' && c != '/'; }

bool encode(std::string_view s, bool lossy, std::string& out) {
  out.reserve(out.size() + s.size() + 2);
  out += '"';
  for (std::size_t i = 0; i < s.size();) {
    // Runs of plain characters (nearly all of a typical body or header) are copied at once.
    std::size_t run = i;
    while (run < s.size() && verbatim(static_cast<unsigned char>(s[run]))) ++run;
    if (run > i) {
      out.append(s.data() + i, run - i);
      i = run;
      continue;
    }
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      switch (c) {
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        case '/': out += "\\/"; break;
        case '\b': out += "\\b"; break;
        case '\f': out += "\\f"; break;
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\t': out += "\\t"; break;
        default:
          if (c < 0x20) {
            append_u16(out, c);
          } else {
            out += static_cast<char>(c);
          }
      }
      ++i;
      continue;
    }
    char32_t cp = 0;
    const auto len = decode_utf8(s, i, cp);
    if (len == 0) {
      if (!lossy) return false;
      cp = 0xFFFD;
      i += 1;
    } else {
      i += len;
    }
    if (cp >= 0x10000) {
      const char32_t v = cp - 0x10000;
      append_u16(out, 0xD800 + static_cast<unsigned>(v >> 10));
      append_u16(out, 0xDC00 + static_cast<unsigned>(v & 0x3FF));
    } else {
      append_u16(out, static_cast<unsigned>(cp));
    }
  }
  out += '"';
  return true;
}

core::Error decode_error(std::string message) { return core::make_error(core::ErrorKind::decode, std::move(message)); }

}  // namespace

core::Result<std::string> php_json_string(std::string_view utf8) {
  std::string out;
  if (!encode(utf8, false, out)) return std::unexpected(decode_error("the text is not valid UTF-8"));
  return out;
}

std::string php_json_string_lossy(std::string_view text) {
  std::string out;
  encode(text, true, out);
  return out;
}

std::string php_json_headers(const Headers& headers) {
  // An empty PHP array is a list to json_encode: `[]`, not `{}`.
  if (headers.empty()) return "[]";
  std::size_t size = 2;
  for (const auto& [name, value] : headers) size += name.size() + value.size() + 6;
  std::string out;
  out.reserve(size);
  out += '{';
  bool first = true;
  for (const auto& [name, value] : headers) {
    if (!first) out += ',';
    first = false;
    encode(name, true, out);
    out += ':';
    encode(value, true, out);
  }
  out += '}';
  return out;
}

core::Result<Headers> parse_headers_json(std::string_view json) {
  if (Headers headers; FlatJsonReader(json).read_string_object(headers)) return headers;
  auto parsed = nlohmann::ordered_json::parse(json, nullptr, false);
  if (!parsed.is_discarded() && parsed.is_array() && parsed.empty()) return Headers{};  // PHP's empty array
  if (parsed.is_discarded() || !parsed.is_object()) {
    return std::unexpected(decode_error("the headers are not a JSON object"));
  }
  Headers headers;
  headers.reserve(parsed.size());
  for (auto it = parsed.begin(); it != parsed.end(); ++it) {
    if (!it.value().is_string()) {
      return std::unexpected(decode_error("header \"" + it.key() + "\" is not a string"));
    }
    headers.emplace_back(it.key(), it.value().get<std::string>());
  }
  return headers;
}

std::string php_json_envelope(const EncodedEnvelope& encoded) {
  return "{\"body\":" + php_json_string_lossy(encoded.body) + ",\"headers\":" + php_json_headers(encoded.headers) + "}";
}

core::Result<EncodedEnvelope> parse_envelope_json(std::string_view json) {
  if (EncodedEnvelope fast; FlatJsonReader(json).read_envelope(fast.body, fast.headers)) return fast;
  auto parsed = nlohmann::ordered_json::parse(json, nullptr, false);
  if (parsed.is_discarded() || !parsed.is_object()) {
    return std::unexpected(decode_error("the encoded envelope is not a JSON object"));
  }
  EncodedEnvelope encoded;
  auto body = parsed.find("body");
  if (body == parsed.end() || !body->is_string()) {
    return std::unexpected(decode_error("the encoded envelope has no \"body\" string"));
  }
  encoded.body = body->get<std::string>();
  auto headers = parsed.find("headers");
  if (headers != parsed.end() && !(headers->is_array() && headers->empty())) {
    if (!headers->is_object()) return std::unexpected(decode_error("\"headers\" is not a JSON object"));
    for (auto it = headers->begin(); it != headers->end(); ++it) {
      if (!it.value().is_string()) return std::unexpected(decode_error("header \"" + it.key() + "\" is not a string"));
      encoded.headers.emplace_back(it.key(), it.value().get<std::string>());
    }
  }
  return encoded;
}

}  // namespace messengerd::serializer
