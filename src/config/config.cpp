#include "config/config.hpp"

#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <sstream>

#include "config/config_builder.hpp"
#include "config/did_you_mean.hpp"
#include "config/dotenv.hpp"
#include "config/placeholders.hpp"
#include "config/yaml_reader.hpp"

extern char** environ;

namespace messengerd::config {

namespace fs = std::filesystem;

namespace {

const std::vector<std::string> kRootKeys = {"framework", "messenger", "messengerd", "parameters", "doctrine",
                                            "services", "imports"};

Environment process_environment() {
  Environment env;
  for (char** entry = environ; entry != nullptr && *entry != nullptr; ++entry) {
    std::string_view text(*entry);
    const auto eq = text.find('=');
    if (eq != std::string_view::npos) env.emplace(std::string(text.substr(0, eq)), std::string(text.substr(eq + 1)));
  }
  return env;
}

// Symfony keeps .env files in the project root: the folder above config/ when the file is in
// config/ or config/packages/; otherwise the config file's own folder.
fs::path dotenv_dir(const fs::path& config_dir) {
  if (config_dir.filename() == "packages" && config_dir.parent_path().filename() == "config") {
    return config_dir.parent_path().parent_path();
  }
  if (config_dir.filename() == "config") return config_dir.parent_path();
  return config_dir;
}

}  // namespace

std::string ConfigProblem::to_string() const {
  std::string out = where.file.empty() ? "<config>" : where.file;
  if (where.line > 0) out += ":" + std::to_string(where.line) + ":" + std::to_string(where.column);
  out += ": ";
  if (!key_path.empty()) out += key_path + ": ";
  return out + message;
}

const TransportConfig* Config::transport(std::string_view name) const {
  for (const auto& t : transports) {
    if (t.name == name) return &t;
  }
  return nullptr;
}

const BusConfig* Config::bus(std::string_view name) const {
  for (const auto& b : buses) {
    if (b.name == name) return &b;
  }
  return nullptr;
}

std::expected<Config, std::vector<ConfigProblem>> load_config_text(std::string_view yaml, const fs::path& file,
                                                                  const LoadOptions& options) {
  std::vector<ConfigProblem> problems;
  const fs::path absolute = file.is_absolute() ? file : fs::absolute(file);
  auto root = read_yaml(yaml, absolute.string());
  if (!root) return std::unexpected(std::vector<ConfigProblem>{root.error()});
  if (!root->is_map()) {
    return std::unexpected(std::vector<ConfigProblem>{
        {root->where(), "", "found " + root->kind_name() + " at the top, expected a map (framework: messenger: ...)"}});
  }

  const Environment real = options.environment != nullptr ? *options.environment : process_environment();
  auto dotenv = load_dotenv(dotenv_dir(absolute.parent_path()), real, options.default_app_env);
  problems.insert(problems.end(), dotenv.problems.begin(), dotenv.problems.end());
  Environment environment = dotenv.variables;
  for (const auto& [key, value] : real) environment[key] = value;  // real variables win
  const std::string app_env = environment.count("APP_ENV") != 0 ? environment["APP_ENV"] : options.default_app_env;

  // when@<env> blocks apply over the root for that environment, as in Symfony.
  Value merged = Value::map({}, root->where());
  for (const auto& [key, value] : *root->as_map()) {
    if (key.starts_with("when@")) continue;
    if (std::find(kRootKeys.begin(), kRootKeys.end(), key) == kRootKeys.end()) {
      problems.push_back({value.key_where().line > 0 ? value.key_where() : value.where(), key,
                          "unknown top-level key \"" + key + "\"" + did_you_mean(key, kRootKeys) +
                              "; expected framework (with messenger), messenger, messengerd, parameters, doctrine or when@ENV"});
      continue;
    }
    merged.set(key, value);
  }
  if (const auto* block = root->find("when@" + app_env); block != nullptr && block->is_map()) {
    merged = Value::merged(merged, *block);
  }

  const Value parameters = merged.find("parameters") != nullptr ? *merged.find("parameters") : Value::map({});
  PlaceholderResolver resolver(environment, parameters);
  for (const char* section : {"framework", "messenger", "messengerd", "doctrine"}) {
    if (auto* entries = merged.as_map()) {
      for (auto& [key, value] : *entries) {
        if (key == section) resolver.resolve(value, key, problems);
      }
    }
  }

  ConfigBuilder builder(absolute, problems);
  Config config = builder.build(merged);
  if (!problems.empty()) {
    // Found section by section; shown in file order, so they read like a compiler's errors.
    std::stable_sort(problems.begin(), problems.end(), [](const ConfigProblem& a, const ConfigProblem& b) {
      return std::tie(a.where.file, a.where.line, a.where.column) < std::tie(b.where.file, b.where.line, b.where.column);
    });
    return std::unexpected(std::move(problems));
  }
  return config;
}

std::expected<Config, std::vector<ConfigProblem>> load_config(const fs::path& file, const LoadOptions& options) {
  std::ifstream in(file);
  if (!in) {
    return std::unexpected(std::vector<ConfigProblem>{
        {{fs::absolute(file).string(), 0, 0}, "", "cannot read the configuration file (does it exist?)"}});
  }
  std::stringstream text;
  text << in.rdbuf();
  return load_config_text(text.str(), file, options);
}

}  // namespace messengerd::config
