#pragma once
// Chooses the restart-signal store from the config (`messengerd.restart_signal`):
//   absent                  files in the state directory (one machine)
//   'file:///abs/dir' or 'file://relative/dir'   files in that folder (relative to the config)
//   'sqlite:///var/messages.db'                  two tables in that SQLite database
// The state directory is `messengerd.state_dir` (relative to the config's folder), else
// $STATE_DIRECTORY (set by systemd's StateDirectory=), else `<config folder>/var`.
#include <filesystem>
#include <memory>

#include "config/config.hpp"
#include "core/restart_signal_store.hpp"

namespace messengerd::app {

std::filesystem::path state_directory(const config::Config& config);

core::Result<std::unique_ptr<core::RestartSignalStore>> make_restart_signal_store(const config::Config& config);

}  // namespace messengerd::app
