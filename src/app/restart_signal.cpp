#include "app/restart_signal.hpp"

#include <cstdlib>

#include "app/transport_modules.hpp"
#include "ops/file_restart_signal_store.hpp"

namespace messengerd::app {

namespace fs = std::filesystem;

fs::path state_directory(const config::Config& config) {
  if (const auto* dir = config.messengerd.find("state_dir")) {
    if (auto text = dir->as_string(); text && !text->empty()) return config.dir / *text;  // absolute stays absolute
  }
  if (const char* systemd = std::getenv("STATE_DIRECTORY"); systemd != nullptr && *systemd != '\0') {
    std::string first(systemd);
    return first.substr(0, first.find(':'));  // several StateDirectory= entries are ':'-separated
  }
  return config.dir / "var";
}

core::Result<std::unique_ptr<core::RestartSignalStore>> make_restart_signal_store(const config::Config& config) {
  const auto* setting = config.messengerd.find("restart_signal");
  std::string dsn;
  if (setting != nullptr && setting->is_map()) {
    dsn = setting->get_string("dsn", "");
  } else if (setting != nullptr) {
    dsn = setting->as_string().value_or("");
  }
  if (dsn.empty()) return std::make_unique<ops::FileRestartSignalStore>(state_directory(config));
  if (dsn.starts_with("file://")) {
    return std::make_unique<ops::FileRestartSignalStore>(config.dir / dsn.substr(std::string_view("file://").size()));
  }
  const auto scheme = dsn.substr(0, dsn.find(':'));
  const bool postgres = scheme == "postgresql" || scheme == "postgres" || scheme == "pgsql";
  if (scheme == "sqlite" || scheme == "redis" || postgres) {
    auto parsed = config::parse_dsn(dsn);
    if (!parsed) {
      return std::unexpected(core::make_error(core::ErrorKind::invalid_argument,
                                              "messengerd.restart_signal: bad DSN (" + parsed.error().part + "): " + parsed.error().message));
    }
    // The store lives in the transport's module: only the one named is loaded.
    const char* kind = postgres ? "postgres" : scheme == "redis" ? "redis" : "sqlite";
    auto loaded = load_transport_module(kind);
    if (!loaded) {
      return std::unexpected(core::make_error(loaded.error().kind, "messengerd.restart_signal: " + loaded.error().message));
    }
    if (loaded->module->open_restart_signal_store == nullptr) {
      return std::unexpected(core::make_error(core::ErrorKind::unsupported,
                                              std::string("messengerd.restart_signal: the ") + kind + " transport keeps no restart signal"));
    }
    return loaded->module->open_restart_signal_store(*parsed, config.dir);
  }
  return std::unexpected(core::make_error(
      core::ErrorKind::unsupported,
      "messengerd.restart_signal: the \"" + scheme + "\" store is not available in this build; use file://DIR, sqlite:///FILE.db, redis://HOST:PORT or postgresql://HOST:PORT/DB (the default is files in " +
          (state_directory(config)).string() + ")"));
}

}  // namespace messengerd::app
