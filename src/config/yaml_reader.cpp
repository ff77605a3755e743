#include "config/yaml_reader.hpp"

#include <yaml-cpp/yaml.h>

namespace messengerd::config {

namespace {

SourceLocation location(const YAML::Mark& mark, const std::string& file) {
  if (mark.is_null()) return {file, 0, 0};
  return {file, mark.line + 1, mark.column + 1};
}

Value convert(const YAML::Node& node, const std::string& file) {
  const auto where = location(node.Mark(), file);
  switch (node.Type()) {
    case YAML::NodeType::Scalar: return Value::string(node.Scalar(), where);
    case YAML::NodeType::Sequence: {
      Value::List items;
      for (const auto& child : node) items.push_back(convert(child, file));
      return Value::list(std::move(items), where);
    }
    case YAML::NodeType::Map: {
      Value::Map entries;
      for (const auto& pair : node) {
        Value value = convert(pair.second, file);
        value.set_key_where(location(pair.first.Mark(), file));
        if (value.is_null()) {
          // A key without a value ("key:"): report positions at the key.
          Value null_value;
          null_value.set_key_where(value.key_where());
          value = null_value;
        }
        entries.emplace_back(pair.first.Scalar(), std::move(value));
      }
      return Value::map(std::move(entries), where);
    }
    case YAML::NodeType::Null:
    case YAML::NodeType::Undefined: break;
  }
  return Value();
}

}  // namespace

std::expected<Value, ConfigProblem> read_yaml(std::string_view text, const std::string& file) {
  try {
    YAML::Node root = YAML::Load(std::string(text));
    if (root.IsNull()) return Value::map({}, {file, 1, 1});
    return convert(root, file);
  } catch (const YAML::Exception& e) {
    return std::unexpected(ConfigProblem{location(e.mark, file), "", "YAML syntax error: " + e.msg});
  }
}

}  // namespace messengerd::config
