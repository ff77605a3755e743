#pragma once
// Symfony's Dotenv::loadEnv(): .env, .env.local (not when APP_ENV is "test"), .env.$APP_ENV,
// .env.$APP_ENV.local, later files overriding earlier ones; variables already in the real
// environment always win. Syntax: KEY=value, `export KEY=value`, # comments, 'literal',
// "escaped \n with $VARS", and $VAR / ${VAR} / ${VAR:-default} expansion outside single quotes.
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "config/config.hpp"

namespace messengerd::config {

using Environment = std::map<std::string, std::string>;

struct DotenvResult {
  Environment variables;              // from the files only (real variables not included)
  std::vector<std::string> loaded;    // files read, in order
  std::vector<ConfigProblem> problems;
};

// Parses one file's text into `into` (values may refer to earlier variables and to `real`).
void parse_dotenv(std::string_view text, const std::string& file, const Environment& real, Environment& into,
                  std::vector<ConfigProblem>& problems);

DotenvResult load_dotenv(const std::filesystem::path& dir, const Environment& real, const std::string& default_app_env);

}  // namespace messengerd::config
