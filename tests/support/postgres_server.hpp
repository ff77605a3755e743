#pragma once
// A real PostgreSQL 15 cluster for integration tests: its own free port, data dir and unix socket
// dir under a temp dir, started lazily ONCE per test process (PostgresServer::shared()) and
// stopped and removed at exit. Tests isolate themselves by unique table or queue names.
//
// Speed: initdb (~1.5 s) runs once per machine into a template dir
// (/tmp/messengerd-pg-template-15-v2-<uid>, 1 MB WAL segments so a copy is small); each process copies it (~0.1 s) and starts a server
// (~0.4 s) with fsync and full_page_writes off (a commit still reaches the OS before it returns,
// so stop()/start() loses nothing).
// Root: initdb/postgres refuse to run as root, so when we are root every server command runs as
// `nobody` (setpriv), and the temp dir is owned by it. Never touches a server the user runs.
// stop()/start() simulate an outage on the same port and data dir.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pwd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <memory>
#include <optional>
#include <pqxx/pqxx>
#include <stdexcept>
#include <string>
#include <vector>

#include "process.hpp"
#include "temp_dir.hpp"

namespace messengerd::testing {

class PostgresServer {
 public:
  static constexpr const char* kBin = "/usr/lib/postgresql/15/bin";

  // The process-wide cluster, started on first use (throws when it cannot start).
  static PostgresServer& shared() {
    static PostgresServer server;
    return server;
  }

  PostgresServer() {
    const auto begin = std::chrono::steady_clock::now();
    if (::geteuid() == 0) {
      const passwd* nobody = ::getpwnam("nobody");
      if (nobody == nullptr) throw std::runtime_error("PostgresServer: no user nobody to run postgres as");
      uid_ = nobody->pw_uid;
      gid_ = nobody->pw_gid;
      if (::chown(dir_.path().c_str(), uid_, gid_) != 0) throw std::runtime_error("PostgresServer: chown of temp dir failed");
    }
    ensure_template();
    run_checked({"/bin/cp", "-a", template_dir().string(), data_dir().string()}, "copying the template cluster");
    for (int attempt = 0;; ++attempt) {
      port_ = free_port();
      if (try_start()) break;
      if (attempt == 4) throw std::runtime_error("PostgresServer: postgres did not start:\n" + read_file(dir_ / "server.log"));
    }
    startup_ = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - begin);
  }
  ~PostgresServer() { stop(); }
  PostgresServer(const PostgresServer&) = delete;
  PostgresServer& operator=(const PostgresServer&) = delete;

  int port() const { return port_; }
  // How long the constructor took (template copy or initdb, and start).
  std::chrono::milliseconds startup_time() const { return startup_; }
  // TCP on 127.0.0.1, trust authentication, database "postgres".
  std::string url(const std::string& database = "postgres") const {
    return "postgresql://postgres@127.0.0.1:" + std::to_string(port_) + "/" + database;
  }
  // libpq key/value form of url().
  std::string conninfo() const { return "host=127.0.0.1 port=" + std::to_string(port_) + " user=postgres dbname=postgres"; }

  void start() {
    if (running_) return;
    if (!try_start()) throw std::runtime_error("PostgresServer: restart failed:\n" + read_file(dir_ / "server.log"));
  }
  void stop() {
    if (!running_) return;
    run_as_owner({std::string(kBin) + "/pg_ctl", "-D", data_dir().string(), "-m", "fast", "-w", "stop"});
    running_ = false;
  }
  bool running() const { return running_; }

  // Runs SQL (several statements allowed) on a fresh connection, outside any transaction; rows
  // of the last statement, each field as text ("(null)" for NULL). Throws pqxx errors.
  std::vector<std::vector<std::string>> exec(const std::string& sql) const {
    pqxx::connection connection(conninfo());
    pqxx::nontransaction tx(connection);
    const pqxx::result result = tx.exec(sql);
    std::vector<std::vector<std::string>> rows;
    for (const auto& row : result) {
      auto& out = rows.emplace_back();
      for (const auto& field : row) out.push_back(field.is_null() ? "(null)" : field.c_str());
    }
    return rows;
  }
  // The first field of the first row, "" when there is none.
  std::string scalar(const std::string& sql) const {
    auto rows = exec(sql);
    return rows.empty() || rows.front().empty() ? std::string() : rows.front().front();
  }

 private:
  std::filesystem::path data_dir() const { return dir_ / "data"; }
  std::filesystem::path template_dir() const {
    return std::filesystem::temp_directory_path() / ("messengerd-pg-template-15-v2-" + std::to_string(uid_));
  }

  static int free_port() {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address));
    socklen_t length = sizeof(address);
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
    ::close(fd);
    return ntohs(address.sin_port);
  }

  // initdb once per machine; concurrent test processes each build a staging copy and the first
  // rename wins (the others discard theirs).
  void ensure_template() {
    const auto final_dir = template_dir();
    if (std::filesystem::exists(final_dir / "global" / "pg_control")) return;
    const auto staging = std::filesystem::temp_directory_path() /
                         (final_dir.filename().string() + ".staging-" + std::to_string(::getpid()));
    std::error_code ignored;
    std::filesystem::remove_all(staging, ignored);
    run_checked({std::string(kBin) + "/initdb", "-D", staging.string(), "-U", "postgres", "-A", "trust", "-E", "UTF8",
                 "--no-locale", "--no-sync", "--wal-segsize=1"},
                "initdb");
    std::error_code ec;
    std::filesystem::rename(staging, final_dir, ec);
    if (ec) std::filesystem::remove_all(staging, ignored);
    if (!std::filesystem::exists(final_dir / "global" / "pg_control")) {
      throw std::runtime_error("PostgresServer: no template cluster at " + final_dir.string());
    }
  }

  bool try_start() {
    std::error_code ignored;
        const std::string options = "-p " + std::to_string(port_) + " -k " + dir_.path().string() +
                                " -c listen_addresses=127.0.0.1 -c fsync=off"
                                " -c full_page_writes=off -c max_connections=60 -c shared_buffers=16MB"
                                " -c min_wal_size=4MB -c max_wal_size=32MB";
    auto result = run_as_owner({std::string(kBin) + "/pg_ctl", "-D", data_dir().string(), "-o", options, "-l",
                                (dir_ / "server.log").string(), "-w", "-t", "30", "start"});
    running_ = result.exit_code == 0;
    return running_;
  }

  RunResult run_as_owner(std::vector<std::string> args) const {
    std::vector<std::string> full;
    if (::geteuid() == 0) {
      full = {"/usr/bin/setpriv", "--reuid=" + std::to_string(uid_), "--regid=" + std::to_string(gid_), "--clear-groups"};
    }
    // A working directory the server user can enter (pg_ctl needs one).
    full.insert(full.end(), {"/usr/bin/env", "-C", dir_.path().string()});
    full.insert(full.end(), args.begin(), args.end());
    return run(full, dir_.path(), {}, std::chrono::seconds(60));
  }
  void run_checked(std::vector<std::string> args, const std::string& what) const {
    auto result = run_as_owner(std::move(args));
    if (result.exit_code != 0) throw std::runtime_error("PostgresServer: " + what + " failed: " + result.err + result.out);
  }

  TempDir dir_;
  uid_t uid_ = ::geteuid();
  gid_t gid_ = ::getegid();
  int port_ = 0;
  bool running_ = false;
  std::chrono::milliseconds startup_{0};
};

}  // namespace messengerd::testing
