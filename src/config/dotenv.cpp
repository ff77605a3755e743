#include "config/dotenv.hpp"

#include <cctype>
#include <fstream>
#include <sstream>

namespace messengerd::config {

namespace {

std::string lookup(const std::string& name, const Environment& real, const Environment& loaded) {
  if (auto it = real.find(name); it != real.end()) return it->second;
  if (auto it = loaded.find(name); it != loaded.end()) return it->second;
  return "";
}

bool is_name_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

// Expands $VAR, ${VAR} and ${VAR:-default} in `text` starting at `i` (just after '$').
std::string expand_variable(std::string_view text, std::size_t& i, const Environment& real, const Environment& loaded) {
  if (i < text.size() && text[i] == '{') {
    const auto close = text.find('}', i);
    if (close == std::string_view::npos) return "$";
    std::string inner(text.substr(i + 1, close - i - 1));
    i = close + 1;
    std::string fallback;
    if (const auto dash = inner.find(":-"); dash != std::string::npos) {
      fallback = inner.substr(dash + 2);
      inner = inner.substr(0, dash);
    }
    auto value = lookup(inner, real, loaded);
    return value.empty() ? fallback : value;
  }
  std::size_t end = i;
  while (end < text.size() && is_name_char(text[end])) ++end;
  if (end == i) return "$";
  std::string name(text.substr(i, end - i));
  i = end;
  return lookup(name, real, loaded);
}

}  // namespace

void parse_dotenv(std::string_view text, const std::string& file, const Environment& real, Environment& into,
                  std::vector<ConfigProblem>& problems) {
  std::size_t i = 0;
  int line = 1;
  auto problem = [&](int at, std::string message) {
    problems.push_back({{file, at, 1}, "", std::move(message)});
  };
  while (i < text.size()) {
    // Skip blank lines and comments ('\r': CRLF files, which Symfony reads as LF).
    while (i < text.size() && (text[i] == ' ' || text[i] == '\t' || text[i] == '\r')) ++i;
    if (i < text.size() && (text[i] == '\n' || text[i] == '#')) {
      while (i < text.size() && text[i] != '\n') ++i;
      if (i < text.size()) {
        ++i;
        ++line;
      }
      continue;
    }
    if (i >= text.size()) break;
    const int line_of_key = line;
    if (text.substr(i).starts_with("export ")) i += 7;
    std::size_t key_end = i;
    while (key_end < text.size() && is_name_char(text[key_end])) ++key_end;
    const std::string key(text.substr(i, key_end - i));
    if (key.empty() || key_end >= text.size() || text[key_end] != '=') {
      problem(line_of_key, "expected KEY=value");
      while (i < text.size() && text[i] != '\n') ++i;
      continue;
    }
    i = key_end + 1;
    std::string value;
    if (i < text.size() && text[i] == '\'') {
      const auto close = text.find('\'', i + 1);
      if (close == std::string_view::npos) {
        problem(line_of_key, "missing the closing quote of " + key);
        return;
      }
      value = std::string(text.substr(i + 1, close - i - 1));
      for (char c : value) line += c == '\n';
      i = close + 1;
    } else if (i < text.size() && text[i] == '"') {
      ++i;
      bool closed = false;
      while (i < text.size()) {
        const char c = text[i];
        if (c == '"') {
          closed = true;
          ++i;
          break;
        }
        if (c == '\\' && i + 1 < text.size()) {
          const char n = text[i + 1];
          value += n == 'n' ? '\n' : n == 'r' ? '\r' : n == 't' ? '\t' : n;
          i += 2;
          continue;
        }
        if (c == '$') {
          ++i;
          value += expand_variable(text, i, real, into);
          continue;
        }
        line += c == '\n';
        value += c;
        ++i;
      }
      if (!closed) {
        problem(line_of_key, "missing the closing quote of " + key);
        return;
      }
    } else {
      while (i < text.size() && text[i] != '\n') {
        if (text[i] == '#' && (value.empty() || value.back() == ' ' || value.back() == '\t')) break;
        if (text[i] == '$') {
          ++i;
          value += expand_variable(text, i, real, into);
          continue;
        }
        value += text[i++];
      }
      while (!value.empty() && (value.back() == ' ' || value.back() == '\t' || value.back() == '\r')) value.pop_back();
    }
    into[key] = value;
    // Rest of the line: only a comment may follow.
    while (i < text.size() && text[i] != '\n') ++i;
  }
}

DotenvResult load_dotenv(const std::filesystem::path& dir, const Environment& real, const std::string& default_app_env) {
  DotenvResult result;
  auto read = [&](const std::filesystem::path& path) {
    std::ifstream in(path);
    if (!in) return;
    std::stringstream text;
    text << in.rdbuf();
    parse_dotenv(text.str(), path.string(), real, result.variables, result.problems);
    result.loaded.push_back(path.string());
  };
  read(dir / ".env");
  std::string app_env = default_app_env;
  if (auto it = real.find("APP_ENV"); it != real.end() && !it->second.empty()) {
    app_env = it->second;
  } else if (auto loaded = result.variables.find("APP_ENV"); loaded != result.variables.end() && !loaded->second.empty()) {
    app_env = loaded->second;
  }
  if (app_env != "test") read(dir / ".env.local");
  read(dir / (".env." + app_env));
  read(dir / (".env." + app_env + ".local"));
  result.variables["APP_ENV"] = app_env;  // what the files decided, unless the real one wins
  return result;
}

}  // namespace messengerd::config
