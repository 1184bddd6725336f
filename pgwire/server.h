#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <list>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "common/status.h"
#include "pgwire/asio.h"
#include "pgwire/backend.h"
#include "pgwire/connection.h"
#include "pgwire/connection_registry.h"

namespace freshet::pgwire {

struct ServerOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 5444;  // 0 = any free port (see Server::port())
  ConnectionOptions connection;
};

/// The PostgreSQL-protocol listener: accepts TCP connections on host:port (on a listener thread)
/// and runs each Connection on an io_context of its own with a thread of its own, as PostgreSQL
/// runs a backend per connection: a statement that waits (for the statement lock, a commit's
/// fsync, a view's epoch) holds up no other connection, concurrent commits share fsyncs, and a
/// connection's I/O completes on the thread that waits for it (no hand-off between threads per
/// message, which cost two thirds of a point query's time on a shared pool). Start/Stop/Shutdown
/// are called from the owning thread, never from an io thread (Stop joins them); Asio errors
/// never escape (they become Status values or log lines). The Backend must outlive the Server.
class Server {
 public:
  Server(Backend& backend, ServerOptions options = {});
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  /// Binds and listens, then starts the io threads. Error (58030) when the address cannot be
  /// bound, e.g. the port is taken.
  Status Start();
  /// Closes the listener and every connection (running statements are cancelled), then joins the
  /// io threads. Idempotent.
  void Stop();
  /// For SIGTERM: stops accepting, sends FATAL 57P01 "terminating connection due to
  /// administrator command" to every connection, waits up to `grace` for them to close, then
  /// Stop().
  void Shutdown(std::chrono::milliseconds grace = std::chrono::milliseconds(2000));

  /// The bound port (the actual one when 0 was requested); 0 before Start.
  uint16_t port() const { return port_; }
  size_t connection_count() const { return registry_.size(); }

 private:
  void Accept();
  void OnAccept(const boost::system::error_code& ec, boost::asio::ip::tcp::socket socket);
  void CloseAcceptor();
  /// One connection's io_context and the thread that runs it until the connection is gone.
  struct ConnectionThread {
    boost::asio::io_context context{1};
    std::thread thread;
    std::atomic<bool> done{false};
  };
  /// Runs `context` until it has no more work, logging what escapes a handler.
  static void RunIoContext(boost::asio::io_context& context);
  /// Joins the threads of connections that ended (all of them with `all`, after their contexts
  /// are stopped if `stop`).
  void ReapConnectionThreads(bool all, bool stop);

  Backend& backend_;
  const ServerOptions options_;
  // Declared before io_context_ so that it outlives connections destroyed with the io_context.
  ConnectionRegistry registry_;
  boost::asio::io_context io_context_;
  std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> work_;
  boost::asio::strand<boost::asio::io_context::executor_type> accept_strand_;
  boost::asio::ip::tcp::acceptor acceptor_;
  boost::asio::steady_timer accept_retry_timer_;
  std::thread listener_thread_;
  std::unique_ptr<ConnectionThread> next_connection_;  // the context the next socket is accepted on
  std::mutex connection_threads_mu_;
  std::list<std::unique_ptr<ConnectionThread>> connection_threads_;
  std::atomic<bool> stopping_{false};
  std::mutex lifecycle_mu_;
  bool started_ = false;
  bool stopped_ = false;
  uint16_t port_ = 0;
};

}  // namespace freshet::pgwire
