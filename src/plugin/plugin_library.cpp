#include "plugin/plugin_library.hpp"

#include <dlfcn.h>
#include <sys/stat.h>

#include <algorithm>
#include <cstring>

namespace messengerd::plugin {

std::expected<PluginLibrary, std::string> open_plugin_library(const std::filesystem::path& path) {
  const std::string where = path.string();
  struct stat info {};
  if (::stat(path.c_str(), &info) != 0) return std::unexpected(where + ": no such plugin file");
  if (!S_ISREG(info.st_mode)) return std::unexpected(where + ": not a regular file");
  if ((info.st_mode & (S_IWGRP | S_IWOTH)) != 0) {
    return std::unexpected(where + ": refused: the plugin file is writable by other users (chmod go-w " + where + ")");
  }
  // RTLD_LOCAL: plugins never see each other's symbols. The handle is deliberately kept
  // open for the life of the process: code of a plugin may still be referenced.
  void* handle = ::dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (handle == nullptr) {
    const char* error = ::dlerror();
    return std::unexpected(where + ": cannot be loaded: " + (error != nullptr ? error : "unknown dlopen error"));
  }
  void* symbol = ::dlsym(handle, MESSENGERD_PLUGIN_ENTRY_SYMBOL);
  if (symbol == nullptr) {
    return std::unexpected(where + ": not a messengerd plugin: it does not export " MESSENGERD_PLUGIN_ENTRY_SYMBOL
                                   " (built against another ABI major version, or not with MESSENGERD_PLUGIN?)");
  }
  messengerd_plugin_entry_fn entry = nullptr;
  static_assert(sizeof(entry) == sizeof(symbol));
  std::memcpy(&entry, &symbol, sizeof(entry));  // dlsym's object pointer to a function pointer
  const messengerd_plugin_descriptor* given = entry();
  if (given == nullptr) return std::unexpected(where + ": " MESSENGERD_PLUGIN_ENTRY_SYMBOL " returned no descriptor");
  if (given->magic != MESSENGERD_PLUGIN_MAGIC) {
    return std::unexpected(where + ": bad magic number in the plugin descriptor (not a messengerd plugin, or corrupt)");
  }
  if (given->abi_major != MESSENGERD_ABI_MAJOR) {
    return std::unexpected(where + ": built for plugin ABI " + std::to_string(given->abi_major) + "." +
                           std::to_string(given->abi_minor) + ", but this messengerd speaks ABI " +
                           std::to_string(MESSENGERD_ABI_MAJOR) + "." + std::to_string(MESSENGERD_ABI_MINOR) +
                           "; rebuild the plugin against this version's SDK");
  }
  constexpr std::size_t kMinimum = offsetof(messengerd_plugin_descriptor, init) + sizeof(given->init);
  if (given->struct_size < kMinimum) {
    return std::unexpected(where + ": the plugin descriptor is too small (" + std::to_string(given->struct_size) +
                           " bytes); it must at least reach the init callback");
  }
  PluginLibrary library;
  library.path = path;
  std::memcpy(static_cast<void*>(&library.descriptor), given, std::min(given->struct_size, sizeof(library.descriptor)));
  library.descriptor.struct_size = sizeof(library.descriptor);
  if (library.descriptor.name == nullptr || *library.descriptor.name == '\0') {
    return std::unexpected(where + ": the plugin has no name");
  }
  if (library.descriptor.init == nullptr) return std::unexpected(where + ": the plugin has no init callback");
  return library;
}

}  // namespace messengerd::plugin
