#pragma once
// Wakes an idle worker when ANOTHER connection (process) writes the database: an inotify fd on
// the database file and its -wal file (IN_MODIFY, IN_CLOSE_WRITE) and on their folder
// (IN_CREATE, IN_MOVED_TO: the -wal file is created again after the last connection closed).
// A commit in WAL mode is a write to the -wal file, so an insert by a PHP app or another
// messengerd process makes the fd readable at once. Our own writes make it readable too; that
// costs one empty get(), never a missed message.
//
// Never fails: when inotify is unavailable (or the database is :memory:), fd() is -1 and the
// worker's --sleep bounds the idle wait. Threading: one thread.
#include <filesystem>
#include <string>

namespace messengerd::transport::sqlite {

class ChangeWatcher {
 public:
  ChangeWatcher() = default;  // inactive: fd() == -1
  explicit ChangeWatcher(const std::filesystem::path& database_file);
  ~ChangeWatcher();
  ChangeWatcher(const ChangeWatcher&) = delete;
  ChangeWatcher& operator=(const ChangeWatcher&) = delete;

  int fd() const { return fd_; }
  // Reads every pending event (so the fd is no longer readable) and watches a -wal or database
  // file that was (re)created meanwhile.
  void drain();

 private:
  void watch_files();

  int fd_ = -1;
  int dir_wd_ = -1;
  int db_wd_ = -1;
  int wal_wd_ = -1;
  std::filesystem::path db_file_;
  std::filesystem::path wal_file_;
};

}  // namespace messengerd::transport::sqlite
