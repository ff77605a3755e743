#pragma once
// A real redis-server for integration tests: its own free port and data dir, started in the
// constructor (waits until it answers PING, with a deadline), killed in the destructor. Never
// touches a server the user runs. stop()/start() simulate an outage on the same port.
#include <arpa/inet.h>
#include <hiredis/hiredis.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "process.hpp"
#include "temp_dir.hpp"

namespace messengerd::testing {

inline int free_tcp_port() {
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

class RedisServer {
 public:
  RedisServer() : port_(free_tcp_port()) { start(); }
  ~RedisServer() { stop(); }
  RedisServer(const RedisServer&) = delete;
  RedisServer& operator=(const RedisServer&) = delete;

  int port() const { return port_; }
  std::string url() const { return "redis://127.0.0.1:" + std::to_string(port_); }

  void start() {
    process_ = std::make_unique<Process>(
        std::vector<std::string>{"/usr/bin/redis-server", "--port", std::to_string(port_), "--bind", "127.0.0.1",
                                 "--save", "", "--appendonly", "no", "--dir", dir_.path().string()},
        dir_.path());
    if (!await([&] { return ping(); }, std::chrono::seconds(10))) throw std::runtime_error("redis-server did not start");
  }
  void stop() {
    if (!process_) return;
    process_->signal(SIGKILL);
    process_->wait();
    process_.reset();
  }

  // One command on a fresh connection; the reply as text (integers as digits, arrays flattened
  // with '\n', nil as "(nil)").
  std::string command(const std::vector<std::string>& args) const {
    redisContext* c = redisConnect("127.0.0.1", port_);
    if (c == nullptr || c->err != 0) {
      if (c != nullptr) redisFree(c);
      return "(error: no connection)";
    }
    std::vector<const char*> argv;
    std::vector<size_t> lengths;
    for (const auto& a : args) {
      argv.push_back(a.data());
      lengths.push_back(a.size());
    }
    auto* reply = static_cast<redisReply*>(redisCommandArgv(c, static_cast<int>(argv.size()), argv.data(), lengths.data()));
    std::string text = reply == nullptr ? "(error: no reply)" : flatten(reply);
    if (reply != nullptr) freeReplyObject(reply);
    redisFree(c);
    return text;
  }

 private:
  static std::string flatten(const redisReply* r) {
    switch (r->type) {
      case REDIS_REPLY_STRING:
      case REDIS_REPLY_STATUS: return std::string(r->str, r->len);
      case REDIS_REPLY_ERROR: return "(error) " + std::string(r->str, r->len);
      case REDIS_REPLY_INTEGER: return std::to_string(r->integer);
      case REDIS_REPLY_NIL: return "(nil)";
      case REDIS_REPLY_ARRAY: {
        std::string all;
        for (std::size_t i = 0; i < r->elements; ++i) all += (i ? "\n" : "") + flatten(r->element[i]);
        return all;
      }
      default: return "?";
    }
  }
  bool ping() const { return command({"PING"}) == "PONG"; }

  int port_;
  TempDir dir_;
  std::unique_ptr<Process> process_;
};

}  // namespace messengerd::testing
