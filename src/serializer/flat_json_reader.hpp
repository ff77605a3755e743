#pragma once
// A reader for the flat JSON Symfony stores on every message: an object whose values are
// strings (the headers) or, for the Redis entry, {"body": "...", "headers": {...}}. It decodes
// straight into std::string without building a DOM, which matters because this runs once per
// message on the hot path. It accepts only that shape; anything else (nested values, numbers,
// malformed text) makes it return false so the caller falls back to the general JSON parser,
// which also produces the precise error message.
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace messengerd::serializer {

class FlatJsonReader {
 public:
  explicit FlatJsonReader(std::string_view text) : text_(text) {}

  // Reads `{"k":"v",...}` or `[]` (PHP's empty array) into `out`. The whole text must be consumed.
  bool read_string_object(std::vector<std::pair<std::string, std::string>>& out);

  // Reads `{"body":"...","headers":{...}|[]}` with the keys in any order ("headers" optional).
  bool read_envelope(std::string& body, std::vector<std::pair<std::string, std::string>>& headers);

 private:
  bool object_of_strings(std::vector<std::pair<std::string, std::string>>& out);
  bool string(std::string& out);
  bool literal(char c);
  bool at(char c);
  void skip_space();
  bool at_end();

  std::string_view text_;
  std::size_t pos_ = 0;
};

}  // namespace messengerd::serializer
