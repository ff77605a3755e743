#pragma once
// The default restart-signal store: files in a state directory (one machine).
//   <dir>/restart-signal        "all <unix-seconds>" and "receiver <name> <unix-seconds>" lines
//   <dir>/workers/<id>          one file per running worker ("key value" lines)
// Every write goes to a temporary file renamed over the old one, so readers never see half a
// file; signal updates are merged under an flock so two stop-workers never lose each other's.
#include <filesystem>

#include "core/restart_signal_store.hpp"

namespace messengerd::ops {

class FileRestartSignalStore final : public core::RestartSignalStore {
 public:
  explicit FileRestartSignalStore(std::filesystem::path dir);

  std::string describe() const override;
  core::Status signal_restart(double timestamp, const std::vector<std::string>& receivers) override;
  core::Result<core::RestartSignal> read_signal() override;
  core::Status register_worker(const core::WorkerRecord& worker) override;
  core::Status unregister_worker(const std::string& id) override;
  core::Result<std::vector<core::WorkerRecord>> workers() override;

 private:
  std::filesystem::path dir_;
};

}  // namespace messengerd::ops
