#include "serializer/flat_json_reader.hpp"

#include <cstdint>
#include <cstring>

namespace messengerd::serializer {

namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Where the run of plain characters starting at `from` may end, found 8 bytes at a time:
// the first 8-byte block holding a quote, a backslash, a control character or a non-ASCII
// byte (the caller's byte loop then finds which). Strings are most of an envelope's bytes, and
// a byte at a time was the largest single cost of decoding one.
std::size_t plain_run_end(std::string_view text, std::size_t from) {
  constexpr std::uint64_t kOnes = 0x0101010101010101ULL;
  constexpr std::uint64_t kHighs = 0x8080808080808080ULL;
  auto has_zero_byte = [](std::uint64_t v) { return ((v - kOnes) & ~v & kHighs) != 0; };
  std::size_t at = from;
  while (at + 8 <= text.size()) {
    std::uint64_t block;
    std::memcpy(&block, text.data() + at, 8);
    const bool special = (block & kHighs) != 0 ||                 // non-ASCII
                         ((block - kOnes * 0x20) & kHighs) != 0 ||  // a byte < 0x20 (all are ASCII here)
                         has_zero_byte(block ^ (kOnes * '"')) || has_zero_byte(block ^ (kOnes * '\\'));
    if (special) break;
    at += 8;
  }
  return at;
}

void append_utf8(std::string& out, char32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

}  // namespace

bool FlatJsonReader::read_string_object(std::vector<std::pair<std::string, std::string>>& out) {
  skip_space();
  if (at('[')) {  // json_encode([]) of PHP's empty array
    ++pos_;
    skip_space();
    return literal(']') && at_end();
  }
  return object_of_strings(out) && at_end();
}

bool FlatJsonReader::read_envelope(std::string& body, std::vector<std::pair<std::string, std::string>>& headers) {
  skip_space();
  if (!literal('{')) return false;
  bool has_body = false, has_headers = false;
  std::string key;
  skip_space();
  if (at('}')) return false;  // no body
  while (true) {
    skip_space();
    if (!string(key)) return false;
    skip_space();
    if (!literal(':')) return false;
    skip_space();
    if (key == "body" && !has_body) {
      if (!string(body)) return false;
      has_body = true;
    } else if (key == "headers" && !has_headers) {
      if (at('[')) {
        ++pos_;
        skip_space();
        if (!literal(']')) return false;
      } else if (!object_of_strings(headers)) {
        return false;
      }
      has_headers = true;
    } else {
      return false;  // other keys or duplicates: let the general parser decide
    }
    skip_space();
    if (at(',')) {
      ++pos_;
      continue;
    }
    if (!literal('}')) return false;
    break;
  }
  return has_body && at_end();
}

bool FlatJsonReader::object_of_strings(std::vector<std::pair<std::string, std::string>>& out) {
  if (!literal('{')) return false;
  skip_space();
  if (at('}')) {
    ++pos_;
    return true;
  }
  while (true) {
    skip_space();
    auto& entry = out.emplace_back();
    if (!string(entry.first)) return false;
    skip_space();
    if (!literal(':')) return false;
    skip_space();
    if (!string(entry.second)) return false;
    skip_space();
    if (at(',')) {
      ++pos_;
      continue;
    }
    return literal('}');
  }
}

bool FlatJsonReader::string(std::string& out) {
  out.clear();
  if (!literal('"')) return false;
  while (pos_ < text_.size()) {
    // Copy the plain run up to the next quote or escape in one go.
    std::size_t run = plain_run_end(text_, pos_);
    while (run < text_.size()) {
      const auto c = static_cast<unsigned char>(text_[run]);
      if (c == '"' || c == '\\') break;
      // Raw control characters are invalid JSON; raw non-ASCII needs UTF-8 validation, which
      // the general parser does (Symfony's json_encode escapes it, so this is rare).
      if (c < 0x20 || c >= 0x80) return false;
      ++run;
    }
    if (run < text_.size() && text_[run] != '"' && out.capacity() < text_.size() - pos_) {
      // An escape: the string goes on and grows piece by piece. What is left of the text bounds
      // its decoded length, so one allocation instead of one per doubling.
      out.reserve(out.size() + (text_.size() - pos_));
    }
    out.append(text_.data() + pos_, run - pos_);
    pos_ = run;
    if (pos_ >= text_.size()) return false;
    if (text_[pos_] == '"') {
      ++pos_;
      return true;
    }
    if (++pos_ >= text_.size()) return false;  // after the backslash
    const char e = text_[pos_++];
    switch (e) {
      case '"': out += '"'; break;
      case '\\': out += '\\'; break;
      case '/': out += '/'; break;
      case 'b': out += '\b'; break;
      case 'f': out += '\f'; break;
      case 'n': out += '\n'; break;
      case 'r': out += '\r'; break;
      case 't': out += '\t'; break;
      case 'u': {
        auto unit = [this]() -> int {
          if (pos_ + 4 > text_.size()) return -1;
          int v = 0;
          for (int k = 0; k < 4; ++k) {
            const int h = hex_value(text_[pos_ + static_cast<std::size_t>(k)]);
            if (h < 0) return -1;
            v = v * 16 + h;
          }
          pos_ += 4;
          return v;
        };
        const int high = unit();
        if (high < 0) return false;
        char32_t cp = static_cast<char32_t>(high);
        if (high >= 0xD800 && high <= 0xDBFF) {
          if (pos_ + 2 > text_.size() || text_[pos_] != '\\' || text_[pos_ + 1] != 'u') return false;
          pos_ += 2;
          const int low = unit();
          if (low < 0xDC00 || low > 0xDFFF) return false;
          cp = 0x10000 + ((cp - 0xD800) << 10) + static_cast<char32_t>(low - 0xDC00);
        } else if (high >= 0xDC00 && high <= 0xDFFF) {
          return false;  // a lone low surrogate
        }
        append_utf8(out, cp);
        break;
      }
      default:
        return false;
    }
  }
  return false;
}

bool FlatJsonReader::literal(char c) {
  if (!at(c)) return false;
  ++pos_;
  return true;
}

bool FlatJsonReader::at(char c) { return pos_ < text_.size() && text_[pos_] == c; }

void FlatJsonReader::skip_space() {
  while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\n' || text_[pos_] == '\r' || text_[pos_] == '\t')) {
    ++pos_;
  }
}

bool FlatJsonReader::at_end() {
  skip_space();
  return pos_ == text_.size();
}

}  // namespace messengerd::serializer
