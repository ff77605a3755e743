#include "ops/file_restart_signal_store.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

namespace messengerd::ops {

namespace fs = std::filesystem;

namespace {

core::Error io_error(const std::string& what, const fs::path& path, const std::string& why) {
  return core::make_error(core::ErrorKind::internal, what + " " + path.string() + ": " + why);
}

core::Status ensure_dir(const fs::path& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return std::unexpected(io_error("cannot create the state directory", dir, ec.message()));
  return {};
}

// Writes `text` to `path` atomically (temporary file + rename).
core::Status write_atomically(const fs::path& path, const std::string& text) {
  const fs::path temporary = path.string() + ".tmp." + std::to_string(::getpid());
  {
    std::ofstream out(temporary, std::ios::trunc);
    out << text;
    out.flush();
    if (!out) return std::unexpected(io_error("cannot write", temporary, "write failed"));
  }
  std::error_code ec;
  fs::rename(temporary, path, ec);
  if (ec) return std::unexpected(io_error("cannot replace", path, ec.message()));
  return {};
}

std::string read_text(const fs::path& path) {
  std::ifstream in(path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

core::RestartSignal parse_signal(const std::string& text) {
  core::RestartSignal signal;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    std::istringstream fields(line);
    std::string kind;
    fields >> kind;
    if (kind == "all") {
      fields >> signal.all;
    } else if (kind == "receiver") {
      std::string name;
      double at = 0;
      if (fields >> name >> at) signal.receivers.emplace_back(name, at);
    }
  }
  return signal;
}

std::string format_signal(const core::RestartSignal& signal) {
  std::ostringstream out;
  out.precision(17);
  out << "all " << signal.all << "\n";
  for (const auto& [name, at] : signal.receivers) out << "receiver " << name << " " << at << "\n";
  return out.str();
}

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& i : items) out += (out.empty() ? "" : ",") + i;
  return out;
}

std::vector<std::string> split(const std::string& text) {
  std::vector<std::string> items;
  std::istringstream in(text);
  for (std::string item; std::getline(in, item, ',');) {
    if (!item.empty()) items.push_back(item);
  }
  return items;
}

// Worker ids become file names: keep them to a safe alphabet.
std::string file_name_for(const std::string& id) {
  std::string name = id;
  for (auto& c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_' && c != '.') c = '_';
  }
  return name;
}

class DirLock {
 public:
  explicit DirLock(const fs::path& dir) : fd_(::open((dir / ".lock").c_str(), O_CREAT | O_RDWR | O_CLOEXEC, 0644)) {
    if (fd_ >= 0) ::flock(fd_, LOCK_EX);
  }
  ~DirLock() {
    if (fd_ >= 0) ::close(fd_);  // closing releases the lock
  }
  DirLock(const DirLock&) = delete;
  DirLock& operator=(const DirLock&) = delete;

 private:
  int fd_;
};

}  // namespace

FileRestartSignalStore::FileRestartSignalStore(fs::path dir) : dir_(std::move(dir)) {}

std::string FileRestartSignalStore::describe() const { return "files in " + dir_.string(); }

core::Status FileRestartSignalStore::signal_restart(double timestamp, const std::vector<std::string>& receivers) {
  if (auto made = ensure_dir(dir_); !made) return made;
  DirLock lock(dir_);
  auto signal = parse_signal(read_text(dir_ / "restart-signal"));
  if (receivers.empty()) {
    signal.all = timestamp;
  } else {
    for (const auto& name : receivers) {
      bool found = false;
      for (auto& [existing, at] : signal.receivers) {
        if (existing == name) {
          at = timestamp;
          found = true;
        }
      }
      if (!found) signal.receivers.emplace_back(name, timestamp);
    }
  }
  return write_atomically(dir_ / "restart-signal", format_signal(signal));
}

core::Result<core::RestartSignal> FileRestartSignalStore::read_signal() {
  return parse_signal(read_text(dir_ / "restart-signal"));  // no file yet: no signal
}

core::Status FileRestartSignalStore::register_worker(const core::WorkerRecord& worker) {
  if (auto made = ensure_dir(dir_ / "workers"); !made) return made;
  std::ostringstream out;
  out.precision(17);
  out << "id " << worker.id << "\nhost " << worker.host << "\npid " << worker.pid << "\nreceivers "
      << join(worker.receivers) << "\nstarted_at " << worker.started_at << "\nseen_at " << worker.seen_at << "\n";
  return write_atomically(dir_ / "workers" / file_name_for(worker.id), out.str());
}

core::Status FileRestartSignalStore::unregister_worker(const std::string& id) {
  std::error_code ec;
  fs::remove(dir_ / "workers" / file_name_for(id), ec);
  if (ec) return std::unexpected(io_error("cannot remove", dir_ / "workers" / file_name_for(id), ec.message()));
  return {};
}

core::Result<std::vector<core::WorkerRecord>> FileRestartSignalStore::workers() {
  std::vector<core::WorkerRecord> records;
  std::error_code ec;
  if (!fs::is_directory(dir_ / "workers", ec)) return records;
  for (const auto& entry : fs::directory_iterator(dir_ / "workers", ec)) {
    if (entry.path().filename().string().find(".tmp.") != std::string::npos) continue;
    core::WorkerRecord record;
    std::istringstream in(read_text(entry.path()));
    for (std::string key; in >> key;) {
      std::string value;
      std::getline(in >> std::ws, value);
      if (key == "id") record.id = value;
      else if (key == "host") record.host = value;
      else if (key == "pid") record.pid = std::atoll(value.c_str());
      else if (key == "receivers") record.receivers = split(value);
      else if (key == "started_at") record.started_at = std::atof(value.c_str());
      else if (key == "seen_at") record.seen_at = std::atof(value.c_str());
    }
    if (!record.id.empty()) records.push_back(std::move(record));
  }
  if (ec) return std::unexpected(io_error("cannot list", dir_ / "workers", ec.message()));
  return records;
}

}  // namespace messengerd::ops
