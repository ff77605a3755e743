#pragma once
// The restart signal and worker registry of `stop-workers` kept in an SQLite database (for
// example the queue's own file), in two small tables beside messenger_messages:
//   messengerd_restart_signal(scope PRIMARY KEY, restarted_at)   scope '*' = every worker
//   messengerd_workers(id PRIMARY KEY, host, pid, receivers, started_at, seen_at)
// Created on first use. Selected with `messengerd.restart_signal: 'sqlite:///var/messages.db'`.
#include <filesystem>
#include <memory>

#include "config/dsn.hpp"
#include "core/restart_signal_store.hpp"

namespace messengerd::transport::sqlite {

core::Result<std::unique_ptr<core::RestartSignalStore>> open_restart_signal_store(const config::Dsn& dsn,
                                                                                  const std::filesystem::path& config_dir);

}  // namespace messengerd::transport::sqlite
