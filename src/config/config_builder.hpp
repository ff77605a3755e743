#pragma once
// Validates a resolved messenger.yaml tree and builds the Config, collecting every problem
// (file, line, column, key path, what was found and what was expected).
#include <filesystem>
#include <vector>

#include "config/config.hpp"
#include "config/value.hpp"

namespace messengerd::config {

class ConfigBuilder {
 public:
  ConfigBuilder(std::filesystem::path file, std::vector<ConfigProblem>& problems);

  // `root` has placeholders resolved and when@ blocks merged.
  Config build(const Value& root);

 private:
  void problem(const SourceLocation& where, const std::string& path, std::string message);
  void check_keys(const Value& map, const std::string& path, const std::vector<std::string>& known);
  bool expect_map(const Value& value, const std::string& path);
  std::optional<std::string> string_of(const Value& value, const std::string& path);
  std::vector<std::string> string_list(const Value& value, const std::string& path);

  void read_messenger(const Value& messenger, const std::string& path, Config& config);
  void read_transport(const std::string& name, const Value& value, const std::string& path, Config& config);
  void read_retry(const Value& value, const std::string& path, RetryStrategy& retry);
  void read_routing(const Value& value, const std::string& path, Config& config);
  void read_buses(const Value& value, const std::string& path, Config& config);
  void read_messengerd(const Value& value, Config& config);
  void read_doctrine(const Value& value, Config& config);
  void check_references(const Value& messenger, const std::string& path, const Config& config);

  std::filesystem::path file_;
  std::vector<ConfigProblem>& problems_;
};

// messengerd's own top-level keys; later features add theirs here.
const std::vector<std::string>& messengerd_section_keys();

}  // namespace messengerd::config
