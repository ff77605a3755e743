#include "ops/metrics_endpoint.hpp"

#include <arpa/inet.h>
#include <netdb.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>

#include <prometheus/text_serializer.h>
#include <spdlog/spdlog.h>

#include "util/signal_mask.hpp"

namespace messengerd::ops {

namespace {

void write_all(int fd, const std::string& data) {
  std::size_t sent = 0;
  while (sent < data.size()) {
    auto n = ::send(fd, data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) return;
    sent += static_cast<std::size_t>(n);
  }
}

std::string response(int status, const char* reason, const std::string& content_type, const std::string& body) {
  return "HTTP/1.0 " + std::to_string(status) + " " + reason + "\r\nContent-Type: " + content_type +
         "\r\nContent-Length: " + std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" + body;
}

}  // namespace

MetricsEndpoint::MetricsEndpoint(std::shared_ptr<prometheus::Registry> registry, const LoopHealth& health)
    : registry_(std::move(registry)), health_(health) {}

MetricsEndpoint::~MetricsEndpoint() {
  if (thread_.joinable()) {
    std::uint64_t one = 1;
    [[maybe_unused]] auto n = ::write(stop_fd_, &one, sizeof(one));
    thread_.join();
  }
  if (listen_fd_ >= 0) ::close(listen_fd_);
  if (stop_fd_ >= 0) ::close(stop_fd_);
}

core::Status MetricsEndpoint::start(const std::string& listen) {
  auto fail = [&](const std::string& why) {
    return std::unexpected(core::make_error(core::ErrorKind::invalid_argument, "metrics listen address \"" + listen + "\": " + why));
  };
  auto colon = listen.rfind(':');
  if (colon == std::string::npos) return fail("expected host:port");
  std::string host = listen.substr(0, colon);
  std::string port = listen.substr(colon + 1);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  if (host.empty()) host = "0.0.0.0";
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
  addrinfo* found = nullptr;
  if (int rc = ::getaddrinfo(host.c_str(), port.c_str(), &hints, &found); rc != 0) return fail(::gai_strerror(rc));
  std::unique_ptr<addrinfo, decltype(&::freeaddrinfo)> addresses(found, ::freeaddrinfo);

  listen_fd_ = ::socket(found->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (listen_fd_ < 0) return fail(std::strerror(errno));
  int yes = 1;
  ::setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
  if (::bind(listen_fd_, found->ai_addr, found->ai_addrlen) != 0) return fail(std::strerror(errno));
  if (::listen(listen_fd_, 16) != 0) return fail(std::strerror(errno));
  sockaddr_storage bound{};
  socklen_t length = sizeof(bound);
  ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&bound), &length);
  port_ = bound.ss_family == AF_INET6 ? ntohs(reinterpret_cast<sockaddr_in6*>(&bound)->sin6_port)
                                      : ntohs(reinterpret_cast<sockaddr_in*>(&bound)->sin_port);
  stop_fd_ = ::eventfd(0, EFD_CLOEXEC);
  thread_ = std::thread([this] {
    util::block_worker_signals_in_this_thread();
    serve();
  });
  spdlog::info("metrics on http://{}:{}/metrics, health on /healthz", host, port_);
  return {};
}

void MetricsEndpoint::serve() {
  while (true) {
    pollfd fds[2] = {{listen_fd_, POLLIN, 0}, {stop_fd_, POLLIN, 0}};
    if (::poll(fds, 2, -1) < 0) continue;
    if (fds[1].revents & POLLIN) return;
    if (fds[0].revents & POLLIN) {
      int client = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
      if (client < 0) continue;
      answer(client);
      ::close(client);
    }
  }
}

void MetricsEndpoint::answer(int client) {
  // Read the request head, bounded in size and time: a slow client cannot hold the thread.
  std::string request;
  char buffer[2048];
  while (request.find("\r\n\r\n") == std::string::npos && request.find("\n\n") == std::string::npos &&
         request.size() < 16384) {
    pollfd fd{client, POLLIN, 0};
    if (::poll(&fd, 1, 2000) <= 0) break;
    auto n = ::recv(client, buffer, sizeof(buffer), 0);
    if (n <= 0) break;
    request.append(buffer, static_cast<std::size_t>(n));
  }
  const auto line_end = request.find_first_of("\r\n");
  const std::string line = request.substr(0, line_end);
  auto first_space = line.find(' ');
  auto second_space = line.find(' ', first_space + 1);
  const std::string method = line.substr(0, first_space);
  std::string path = first_space == std::string::npos ? "" : line.substr(first_space + 1, second_space - first_space - 1);
  path = path.substr(0, path.find('?'));

  if (method != "GET" && method != "HEAD") {
    write_all(client, response(405, "Method Not Allowed", "text/plain", "GET only\n"));
  } else if (path == "/metrics") {
    write_all(client, response(200, "OK", "text/plain; version=0.0.4; charset=utf-8",
                               prometheus::TextSerializer().Serialize(registry_->Collect())));
  } else if (path == "/healthz" || path == "/health") {
    if (health_.healthy()) {
      write_all(client, response(200, "OK", "text/plain", "ok\n"));
    } else {
      write_all(client, response(503, "Service Unavailable", "text/plain", health_.stopping() ? "stopping\n" : "stuck\n"));
    }
  } else {
    write_all(client, response(404, "Not Found", "text/plain", "try /metrics or /healthz\n"));
  }
}

}  // namespace messengerd::ops
