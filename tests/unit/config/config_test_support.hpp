#pragma once
// Helpers for the config tests: load a messenger.yaml text from a fresh folder (so no .env of
// the checkout is read) with a fixed environment instead of the process's.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "temp_dir.hpp"

namespace messengerd::config::testing {

using Env = std::map<std::string, std::string>;

inline void write_file(const std::filesystem::path& path, const std::string& text) {
  std::filesystem::create_directories(path.parent_path());
  std::ofstream out(path, std::ios::binary);
  out << text;
}

// One folder per test; `file()` is <folder>/messenger.yaml.
class ConfigFixture {
 public:
  std::filesystem::path file() const { return dir_ / "messenger.yaml"; }
  const std::filesystem::path& dir() const { return dir_.path(); }

  std::expected<Config, std::vector<ConfigProblem>> load(const std::string& yaml, const Env& env = {}) const {
    LoadOptions options;
    options.environment = &env;
    return load_config_text(yaml, file(), options);
  }

  // Loads and expects success; prints the problems otherwise.
  Config ok(const std::string& yaml, const Env& env = {}) const {
    auto config = load(yaml, env);
    if (!config) {
      std::string all;
      for (const auto& p : config.error()) all += p.to_string() + "\n";
      ADD_FAILURE() << "expected the configuration to load, got:\n" << all;
      return Config{};
    }
    return *config;
  }

  // Loads and expects failure; returns the problems (empty + a test failure when it loaded).
  std::vector<ConfigProblem> problems(const std::string& yaml, const Env& env = {}) const {
    auto config = load(yaml, env);
    if (config) {
      ADD_FAILURE() << "expected configuration problems, the configuration loaded";
      return {};
    }
    return config.error();
  }

 private:
  messengerd::testing::TempDir dir_;
};

inline std::string all_text(const std::vector<ConfigProblem>& problems) {
  std::string out;
  for (const auto& p : problems) out += p.to_string() + "\n";
  return out;
}

}  // namespace messengerd::config::testing
