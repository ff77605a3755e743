#pragma once
// The restart signal and worker registry of `stop-workers` kept in Redis, so one command
// reaches the workers of every machine that uses the server:
//   <prefix>:restart_signal  hash  "*" or a receiver name -> Unix seconds
//   <prefix>:workers         hash  worker id -> "host|pid|receiver,receiver|started_at|seen_at"
// Selected with `messengerd.restart_signal: 'redis://host:6379?prefix=messengerd'`
// (dbindex and auth as for the transport).
#include <memory>

#include "config/dsn.hpp"
#include "core/restart_signal_store.hpp"

namespace messengerd::transport::redis {

core::Result<std::unique_ptr<core::RestartSignalStore>> open_restart_signal_store(const config::Dsn& dsn);

}  // namespace messengerd::transport::redis
