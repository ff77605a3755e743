#pragma once
// A real redis-server speaking only TLS (--port 0 --tls-port P) for integration tests, with a
// throwaway CA made by the openssl CLI in its temp dir: the CA, a server certificate for
// localhost / 127.0.0.1 signed by it, a client certificate signed by it, and a second CA that
// signed nothing (a "wrong CA"). Started in the constructor (waits until the port accepts),
// killed in the destructor.
#include <sys/socket.h>
#include <unistd.h>

#include <fstream>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "process.hpp"
#include "redis_server.hpp"
#include "temp_dir.hpp"

namespace messengerd::testing {

class RedisTlsServer {
 public:
  enum class ClientCertificates { no, optional, yes };  // --tls-auth-clients

  explicit RedisTlsServer(ClientCertificates clients = ClientCertificates::no, std::string password = "")
      : port_(free_tcp_port()), clients_(clients), password_(std::move(password)) {
    make_certificates();
    start();
  }
  ~RedisTlsServer() { stop(); }
  RedisTlsServer(const RedisTlsServer&) = delete;
  RedisTlsServer& operator=(const RedisTlsServer&) = delete;

  int port() const { return port_; }
  std::string url() const { return "rediss://127.0.0.1:" + std::to_string(port_); }
  std::string ca_file() const { return (dir_ / "ca.crt").string(); }
  std::string wrong_ca_file() const { return (dir_ / "other-ca.crt").string(); }
  std::string client_cert() const { return (dir_ / "client.crt").string(); }
  std::string client_key() const { return (dir_ / "client.key").string(); }
  // The client key encrypted with kKeyPassphrase.
  static constexpr std::string_view kKeyPassphrase = "key-pass";
  std::string encrypted_client_key() const { return (dir_ / "client-encrypted.key").string(); }

  void start() {
    std::vector<std::string> args{"/usr/bin/redis-server", "--port", "0", "--tls-port", std::to_string(port_),
                                  "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                                  "--dir", dir_.path().string(),
                                  "--tls-cert-file", (dir_ / "server.crt").string(),
                                  "--tls-key-file", (dir_ / "server.key").string(),
                                  "--tls-ca-cert-file", ca_file(),
                                  "--tls-auth-clients", clients_ == ClientCertificates::no        ? "no"
                                                        : clients_ == ClientCertificates::optional ? "optional"
                                                                                                   : "yes"};
    if (!password_.empty()) args.insert(args.end(), {"--requirepass", password_});
    process_ = std::make_unique<Process>(std::move(args), dir_.path());
    if (!await([&] { return accepts(); }, std::chrono::seconds(10))) {
      throw std::runtime_error("redis-server with TLS did not start: " + process_->err() + process_->out());
    }
  }
  void stop() {
    if (!process_) return;
    process_->signal(SIGKILL);
    process_->wait();
    process_.reset();
  }

 private:
  void openssl(std::vector<std::string> args) {
    args.insert(args.begin(), "/usr/bin/openssl");
    Process p(args, dir_.path());
    if (p.wait(std::chrono::seconds(30)) != 0) throw std::runtime_error("openssl failed: " + p.err());
  }
  // EC keys: quick to make. Certificates valid for two days.
  void make_ca(const std::string& name) {
    openssl({"req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2",
             "-subj", "/CN=messengerd test " + name, "-keyout", (dir_ / (name + ".key")).string(), "-out",
             (dir_ / (name + ".crt")).string()});
  }
  void make_signed(const std::string& name, const std::string& subject, const std::string& extensions) {
    const auto ext = dir_ / (name + ".ext");
    std::ofstream(ext) << extensions << "\n";
    openssl({"req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-subj", subject,
             "-keyout", (dir_ / (name + ".key")).string(), "-out", (dir_ / (name + ".csr")).string()});
    openssl({"x509", "-req", "-in", (dir_ / (name + ".csr")).string(), "-CA", ca_file(), "-CAkey",
             (dir_ / "ca.key").string(), "-CAcreateserial", "-days", "2", "-extfile", ext.string(), "-out",
             (dir_ / (name + ".crt")).string()});
  }
  void make_certificates() {
    make_ca("ca");
    make_ca("other-ca");
    make_signed("server", "/CN=localhost", "subjectAltName=DNS:localhost,IP:127.0.0.1");
    make_signed("client", "/CN=messengerd-client", "extendedKeyUsage=clientAuth");
    openssl({"pkey", "-in", client_key(), "-aes256", "-passout", "pass:" + std::string(kKeyPassphrase), "-out",
             encrypted_client_key()});
  }
  bool accepts() const {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<uint16_t>(port_));
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    const bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0;
    ::close(fd);
    return ok;
  }

  int port_;
  ClientCertificates clients_;
  std::string password_;
  TempDir dir_;
  std::unique_ptr<Process> process_;
};

}  // namespace messengerd::testing
