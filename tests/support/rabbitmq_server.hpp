#pragma once
// A real rabbitmq-server for integration tests, entirely private to the test process:
// its own node name, AMQP port, distribution port and epmd (on its own port, so a system epmd
// is never shared), its database, logs, config, enabled-plugins file and Erlang cookie (HOME)
// under a temp dir, no plugins. Started as one process group with a watchdog shell; stop()
// kills the group and the destructor removes the dir.
//
// Start-up costs ~10-30 s (Erlang boot + a fresh Mnesia), so a test binary shares ONE broker:
// shared_rabbitmq() starts it lazily and stops it at exit; tests isolate themselves with
// unique exchange/queue names (unique_name()). The AMQP test binaries therefore run as one
// ctest each (tests/CMakeLists.txt), not one process per test.
//
// rabbitmqctl() runs the real CLI against this node (list_queues, close_all_connections, ...).
// With Options::tls an amqps listener with a CA and server certificate made by the openssl CLI
// in the temp dir is added (ca_file(), tls_port(), tls_url()).
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "process.hpp"
#include "temp_dir.hpp"

extern char** environ;

namespace messengerd::testing {

namespace rabbitmq_detail {

inline int free_port() {
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

// A child in its own process group with the environment given as overrides (replacing, not
// appending: the first HOME in environ would otherwise win), stdin from /dev/null.
class Child {
 public:
  Child(std::vector<std::string> args, const std::map<std::string, std::string>& env_overrides,
        const std::filesystem::path& out_file) {
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    std::vector<std::string> env_storage;
    for (char** e = environ; *e != nullptr; ++e) {
      std::string entry(*e);
      auto name = entry.substr(0, entry.find('='));
      if (!env_overrides.contains(name)) env_storage.push_back(std::move(entry));
    }
    for (const auto& [k, v] : env_overrides) env_storage.push_back(k + "=" + v);
    std::vector<char*> envp;
    for (auto& e : env_storage) envp.push_back(e.data());
    envp.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 1, out_file.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    posix_spawn_file_actions_adddup2(&actions, 1, 2);
    posix_spawnattr_t attr;
    posix_spawnattr_init(&attr);
    sigset_t none;
    sigemptyset(&none);
    posix_spawnattr_setsigmask(&attr, &none);
    posix_spawnattr_setpgroup(&attr, 0);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETPGROUP);
    if (posix_spawn(&pid_, argv[0], &actions, &attr, argv.data(), envp.data()) != 0) pid_ = -1;
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attr);
  }
  ~Child() { kill_group(); }
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;

  pid_t pid() const { return pid_; }
  // The exit code, or nullopt when still running after `timeout`.
  std::optional<int> wait(std::chrono::milliseconds timeout) {
    if (exit_code_ || pid_ <= 0) return exit_code_;
    auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
      int status = 0;
      if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
        return exit_code_;
      }
      if (std::chrono::steady_clock::now() >= deadline) return std::nullopt;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }
  void kill_group() {
    if (pid_ <= 0) return;
    ::kill(-pid_, SIGKILL);  // the group: erl's helpers (erl_child_setup, inet_gethost) too
    wait(std::chrono::seconds(10));
    pid_ = -1;
  }

 private:
  pid_t pid_ = -1;
  std::optional<int> exit_code_;
};

}  // namespace rabbitmq_detail

struct RabbitMqOptions {
  bool tls = false;  // also listen for amqps on tls_port() with a test CA
};

class RabbitMqServer {
 public:
  using Options = RabbitMqOptions;

  RabbitMqServer() : RabbitMqServer(Options{}) {}
  explicit RabbitMqServer(Options options)
      : options_(options),
        port_(rabbitmq_detail::free_port()),
        dist_port_(rabbitmq_detail::free_port()),
        epmd_port_(rabbitmq_detail::free_port()),
        tls_port_(options.tls ? rabbitmq_detail::free_port() : 0) {
    static std::atomic<int> counter{0};
    node_ = "mdtest" + std::to_string(::getpid()) + "n" + std::to_string(counter++) + "@localhost";
    ::chmod(dir_.path().c_str(), 0755);
    if (options_.tls) make_certificates();
    write_config();
    start();
  }
  ~RabbitMqServer() { stop(); }
  RabbitMqServer(const RabbitMqServer&) = delete;
  RabbitMqServer& operator=(const RabbitMqServer&) = delete;

  int port() const { return port_; }
  int tls_port() const { return tls_port_; }
  const std::string& node() const { return node_; }
  // amqp://guest:guest@127.0.0.1:PORT (append "/%2f/exchange?..." as needed)
  std::string url() const { return "amqp://guest:guest@127.0.0.1:" + std::to_string(port_); }
  std::string tls_url() const { return "amqps://guest:guest@localhost:" + std::to_string(tls_port_); }
  std::filesystem::path ca_file() const { return dir_ / "ca.pem"; }
  std::filesystem::path client_cert_file() const { return dir_ / "client.pem"; }
  std::filesystem::path client_key_file() const { return dir_ / "client.key"; }
  const std::filesystem::path& dir() const { return dir_.path(); }
  // Wall time of the last start(), until the broker answered the AMQP protocol header.
  std::chrono::milliseconds last_start_duration() const { return last_start_; }

  void start() {
    auto begin = std::chrono::steady_clock::now();
    // One process group: a shell that runs epmd and the broker and kills the group when the
    // test process is gone (a crashed or killed test leaves no broker behind).
    const std::string script = "'" + epmd_binary() + "' -port " + std::to_string(epmd_port_) +
                               " -address 127.0.0.1 & /usr/lib/rabbitmq/bin/rabbitmq-server & c=$!; "
                               "while kill -0 " + std::to_string(::getpid()) +
                               " 2>/dev/null && kill -0 $c 2>/dev/null; do sleep 1; done; kill -KILL 0";
    server_ = std::make_unique<rabbitmq_detail::Child>(std::vector<std::string>{"/bin/sh", "-c", script}, env(),
                                                       dir_ / "server.log");
    auto deadline = begin + std::chrono::seconds(120);
    while (!answers_amqp(port_)) {
      if (server_->wait(std::chrono::milliseconds(0))) {
        throw std::runtime_error("rabbitmq-server exited at start:\n" + tail_of_log());
      }
      if (std::chrono::steady_clock::now() > deadline) {
        throw std::runtime_error("rabbitmq-server did not accept AMQP connections within 120 s:\n" + tail_of_log());
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    last_start_ = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - begin);
  }

  // Kills the broker and its epmd (the whole group) at once, like a crash: what the broker
  // confirmed is on disk and there after start(). A graceful stop would cost seconds.
  void stop() {
    if (server_) server_->kill_group();
    server_.reset();
  }

  // Runs rabbitmqctl against this node; returns its stdout+stderr. Throws on a failed call
  // unless `allow_failure`.
  std::string rabbitmqctl(const std::vector<std::string>& args, bool allow_failure = false) const {
    static std::atomic<int> counter{0};
    auto out = dir_ / ("ctl" + std::to_string(counter++) + ".out");
    std::vector<std::string> argv{"/usr/lib/rabbitmq/bin/rabbitmqctl", "-n", node_};
    argv.insert(argv.end(), args.begin(), args.end());
    int code = -1;
    {
      rabbitmq_detail::Child ctl(argv, env(), out);
      code = ctl.wait(std::chrono::seconds(60)).value_or(-1);
    }
    auto text = read_file(out);
    std::filesystem::remove(out);
    if (code != 0 && !allow_failure) {
      throw std::runtime_error("rabbitmqctl failed (" + std::to_string(code) + "): " + text);
    }
    return text;
  }

  // True once the port answers the AMQP 0-9-1 protocol header with a connection.start frame.
  static bool answers_amqp(int port) {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) return false;
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<std::uint16_t>(port));
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bool ok = false;
    timeval timeout{2, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));
    if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0) {
      const char header[8] = {'A', 'M', 'Q', 'P', 0, 0, 9, 1};
      unsigned char reply[1] = {0};
      ok = ::write(fd, header, sizeof(header)) == 8 && ::read(fd, reply, 1) == 1 && reply[0] == 1;  // method frame
    }
    ::close(fd);
    return ok;
  }

 private:
  static std::string epmd_binary() {
    for (const auto& entry : std::filesystem::directory_iterator("/usr/lib/erlang")) {
      auto candidate = entry.path() / "bin" / "epmd";
      if (entry.path().filename().string().starts_with("erts-") && std::filesystem::exists(candidate)) {
        return candidate.string();
      }
    }
    return "/usr/bin/epmd";
  }

  std::map<std::string, std::string> env() const {
    const auto d = dir_.path().string();
    return {
        {"HOME", d},  // the Erlang cookie of this node
        {"RABBITMQ_NODENAME", node_},
        {"RABBITMQ_NODE_IP_ADDRESS", "127.0.0.1"},
        {"RABBITMQ_NODE_PORT", std::to_string(port_)},
        {"RABBITMQ_DIST_PORT", std::to_string(dist_port_)},
        {"ERL_EPMD_PORT", std::to_string(epmd_port_)},
        {"ERL_EPMD_ADDRESS", "127.0.0.1"},
        {"RABBITMQ_MNESIA_BASE", d + "/mnesia"},
        {"RABBITMQ_LOG_BASE", d + "/log"},
        {"RABBITMQ_LOGS", "-"},  // to server.log
        {"RABBITMQ_PID_FILE", d + "/rabbitmq.pid"},
        // Erlang-term config: no cuttlefish translation at boot (saves seconds).
        {"RABBITMQ_CONFIG_FILE", d + "/rabbitmq.config"},
        {"RABBITMQ_ADVANCED_CONFIG_FILE", d + "/advanced.config"},
        {"RABBITMQ_CONF_ENV_FILE", d + "/rabbitmq-env.conf"},
        {"RABBITMQ_ENABLED_PLUGINS_FILE", d + "/enabled_plugins"},
        {"RABBITMQ_PLUGINS_EXPAND_DIR", d + "/plugins-expand"},
    };
  }

  void write_config() const {
    std::ofstream(dir_ / "enabled_plugins") << "[].\n";
    std::ofstream(dir_ / "rabbitmq-env.conf") << "";
    std::string ssl;
    if (options_.tls) {
      const auto d = dir_.path().string();
      ssl = ",\n  {ssl_listeners, [{\"127.0.0.1\", " + std::to_string(tls_port_) + "}]},\n" +
            "  {ssl_options, [{cacertfile, \"" + d + "/ca.pem\"}, {certfile, \"" + d + "/server.pem\"}, {keyfile, \"" +
            d + "/server.key\"}, {verify, verify_peer}, {fail_if_no_peer_cert, false}]}";
    }
    std::ofstream(dir_ / "rabbitmq.config")
        << "[{rabbit, [\n  {tcp_listeners, [{\"127.0.0.1\", " << port_ << "}]},\n"
        << "  {loopback_users, []},\n  {collect_statistics_interval, 60000}" << ssl << "\n]}].\n";
  }

  // A CA, a server certificate for "localhost" (and 127.0.0.1) and a client certificate.
  void make_certificates() const {
    const auto d = dir_.path().string();
    const std::string script =
        "set -e; cd '" + d + "'; "
        "openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=messengerd-test-ca -keyout ca.key -out ca.pem; "
        "printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\\n' > san.ext; "
        "openssl req -newkey rsa:2048 -nodes -subj /CN=localhost -keyout server.key -out server.csr; "
        "openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 2 -extfile san.ext -out server.pem; "
        "openssl req -newkey rsa:2048 -nodes -subj /CN=client -keyout client.key -out client.csr; "
        "openssl x509 -req -in client.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 2 -out client.pem; "
        "chmod 0644 *.pem *.key";
    rabbitmq_detail::Child openssl({"/bin/sh", "-c", script}, {}, dir_ / "openssl.log");
    if (openssl.wait(std::chrono::seconds(60)).value_or(-1) != 0) {
      throw std::runtime_error("openssl could not make the test certificates:\n" + read_file(dir_ / "openssl.log"));
    }
  }

  std::string tail_of_log() const {
    auto text = read_file(dir_ / "server.log");
    return text.size() > 4000 ? text.substr(text.size() - 4000) : text;
  }

  Options options_;
  TempDir dir_;
  int port_;
  int dist_port_;
  int epmd_port_;
  int tls_port_;
  std::string node_;
  std::unique_ptr<rabbitmq_detail::Child> server_;
  std::chrono::milliseconds last_start_{0};
};

// The test binary's one broker (with TLS when any caller of the binary wants it: pass the
// same options everywhere in one binary), started at first use and stopped at exit.
inline RabbitMqServer& shared_rabbitmq(RabbitMqOptions options = RabbitMqOptions{}) {
  static RabbitMqServer server(options);
  // The start-up time, for whoever watches the CI budget.
  static const bool reported = (std::fprintf(stderr, "rabbitmq-server %s up in %lld ms\n", server.node().c_str(),
                                             static_cast<long long>(server.last_start_duration().count())),
                                true);
  (void)reported;
  return server;
}

// A name no other test of this process (or a concurrent test process) uses.
inline std::string unique_name(const std::string& prefix) {
  static std::atomic<int> counter{0};
  return prefix + "_" + std::to_string(::getpid()) + "_" + std::to_string(counter++);
}

}  // namespace messengerd::testing
