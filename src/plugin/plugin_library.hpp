#pragma once
// Opening one plugin file with every check of docs/DESIGN.md (Plugin ABI), each failure a
// message naming the file: a regular file, not writable by group or others, dlopen(RTLD_NOW |
// RTLD_LOCAL), the entry symbol, the magic, the ABI major version, and the descriptor's size
// (smaller descriptors of older minor versions are zero-extended). Never dlclose()d.
#include <expected>
#include <filesystem>
#include <string>

#include "messengerd/plugin.h"

namespace messengerd::plugin {

struct PluginLibrary {
  std::filesystem::path path;
  messengerd_plugin_descriptor descriptor{};  // our copy, zero-extended
};

std::expected<PluginLibrary, std::string> open_plugin_library(const std::filesystem::path& path);

}  // namespace messengerd::plugin
