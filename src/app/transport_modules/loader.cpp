// load_transport_module() for the executable: dlopen()s <dir>/messengerd-transport-<kind>.so on
// first use. RTLD_NOW: an unresolved symbol fails here, with the module's name, rather than in
// the middle of a worker; RTLD_LOCAL: a module's symbols stay its own. A module is never unloaded
// (its code runs the transports it created). See app/transport_modules.hpp and docs/DESIGN.md.
#include <dlfcn.h>
#include <sys/stat.h>

#include <cstdlib>
#include <cstring>
#include <map>
#include <mutex>
#include <string>

#include "app/transport_modules.hpp"

#ifndef MESSENGERD_BUILD_ID
#error "MESSENGERD_BUILD_ID is defined by src/CMakeLists.txt"
#endif
#ifndef MESSENGERD_TRANSPORT_DIR_FROM_EXE
#error "MESSENGERD_TRANSPORT_DIR_FROM_EXE is defined by src/CMakeLists.txt"
#endif

namespace messengerd::app {

namespace fs = std::filesystem;

namespace {

core::Error module_error(std::string_view kind, const fs::path& file, const std::string& reason) {
  return core::make_error(core::ErrorKind::unsupported,
                          "the " + std::string(kind) + " transport is a module and could not be loaded from " +
                              file.string() + ": " + reason +
                              " (modules are looked for in $MESSENGERD_TRANSPORT_DIR, else in " +
                              MESSENGERD_TRANSPORT_DIR_FROM_EXE + " beside the executable)");
}

std::string last_dlerror() {
  const char* text = dlerror();
  return text != nullptr ? text : "unknown error";
}

core::Result<LoadedTransportModule> open_module(std::string_view kind) {
  const auto dir = transport_module_dir();
  const fs::path file = dir / ("messengerd-transport-" + std::string(kind) + ".so");
  if (dir.empty()) return std::unexpected(module_error(kind, file, "the executable's path is unknown"));
  // As for plugins: code that others may rewrite is not loaded into a worker.
  struct stat info {};
  if (::stat(file.c_str(), &info) == 0 && (info.st_mode & (S_IWGRP | S_IWOTH)) != 0) {
    return std::unexpected(
        module_error(kind, file, "refused: the file is writable by other users (chmod go-w " + file.string() + ")"));
  }
  void* handle = dlopen(file.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (handle == nullptr) return std::unexpected(module_error(kind, file, last_dlerror()));
  auto fail = [&](const std::string& reason) {
    dlclose(handle);
    return std::unexpected(module_error(kind, file, reason));
  };
  auto build_id = reinterpret_cast<transport::ModuleBuildIdFunction>(dlsym(handle, transport::kModuleBuildIdSymbol));
  if (build_id == nullptr) return fail("not a messengerd transport module (" + last_dlerror() + ")");
  if (std::strcmp(build_id(), MESSENGERD_BUILD_ID) != 0) {
    return fail(std::string("it comes from another build of messengerd (module build ") + build_id() +
                ", executable build " + MESSENGERD_BUILD_ID + "); install the modules built with this executable");
  }
  auto entry = reinterpret_cast<transport::ModuleEntryFunction>(dlsym(handle, transport::kModuleEntrySymbol));
  if (entry == nullptr) return fail("not a messengerd transport module (" + last_dlerror() + ")");
  const transport::Module* module = entry();
  if (module == nullptr || module->kind == nullptr || kind != module->kind || module->create == nullptr) {
    return fail("the file holds another transport (" +
                std::string(module != nullptr && module->kind != nullptr ? module->kind : "none") + ")");
  }
  return LoadedTransportModule{module, file};
}

}  // namespace

fs::path transport_module_dir() {
  if (const char* dir = std::getenv("MESSENGERD_TRANSPORT_DIR"); dir != nullptr && *dir != '\0') return dir;
  std::error_code error;
  const auto exe = fs::read_symlink("/proc/self/exe", error);
  if (error) return {};
  return (exe.parent_path() / MESSENGERD_TRANSPORT_DIR_FROM_EXE).lexically_normal();
}

core::Result<LoadedTransportModule> load_transport_module(std::string_view kind) {
  // Successes are kept; a failure is retried on the next call (the file may have been installed).
  static std::mutex mutex;
  static std::map<std::string, LoadedTransportModule, std::less<>> loaded;
  std::lock_guard lock(mutex);
  if (auto it = loaded.find(kind); it != loaded.end()) return it->second;
  auto module = open_module(kind);
  if (module) loaded.emplace(std::string(kind), *module);
  return module;
}

}  // namespace messengerd::app
