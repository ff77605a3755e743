#include "transport/sqlite/change_watcher.hpp"

#include <sys/inotify.h>
#include <unistd.h>

#include <array>
#include <cstring>

namespace messengerd::transport::sqlite {
namespace {
constexpr std::uint32_t kFileEvents = IN_MODIFY | IN_CLOSE_WRITE;
constexpr std::uint32_t kDirEvents = IN_CREATE | IN_MOVED_TO;
}  // namespace

ChangeWatcher::ChangeWatcher(const std::filesystem::path& database_file)
    : db_file_(database_file), wal_file_(database_file.string() + "-wal") {
  fd_ = ::inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  if (fd_ < 0) return;
  const auto dir = db_file_.parent_path();
  dir_wd_ = ::inotify_add_watch(fd_, dir.empty() ? "." : dir.c_str(), kDirEvents | IN_ONLYDIR);
  if (dir_wd_ < 0) {
    ::close(fd_);
    fd_ = -1;
    return;
  }
  watch_files();
}

ChangeWatcher::~ChangeWatcher() {
  if (fd_ >= 0) ::close(fd_);
}

void ChangeWatcher::watch_files() {
  // Adding a watch on an inode already watched returns the same descriptor: harmless.
  if (db_wd_ < 0) db_wd_ = ::inotify_add_watch(fd_, db_file_.c_str(), kFileEvents);
  if (wal_wd_ < 0) wal_wd_ = ::inotify_add_watch(fd_, wal_file_.c_str(), kFileEvents);
}

void ChangeWatcher::drain() {
  if (fd_ < 0) return;
  alignas(inotify_event) std::array<char, 4096> buffer;
  bool recreated = false;
  while (true) {
    const ssize_t n = ::read(fd_, buffer.data(), buffer.size());
    if (n <= 0) break;  // EAGAIN: drained
    for (ssize_t offset = 0; offset < n;) {
      inotify_event event;
      std::memcpy(&event, buffer.data() + offset, sizeof event);
      if (event.mask & IN_IGNORED) {  // the watched file was deleted
        if (event.wd == db_wd_) db_wd_ = -1;
        if (event.wd == wal_wd_) wal_wd_ = -1;
      }
      if (event.wd == dir_wd_ && (event.mask & kDirEvents)) recreated = true;
      offset += static_cast<ssize_t>(sizeof(inotify_event) + event.len);
    }
  }
  if (recreated || db_wd_ < 0 || wal_wd_ < 0) watch_files();
}

}  // namespace messengerd::transport::sqlite
