#include "pgwire/server.h"

#include <spdlog/spdlog.h>

#include <exception>
#include <system_error>
#include <utility>

namespace freshet::pgwire {
namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using boost::system::error_code;

constexpr auto kStopWait = std::chrono::milliseconds(5000);
constexpr auto kStopPoll = std::chrono::milliseconds(100);
constexpr auto kAcceptRetry = std::chrono::milliseconds(100);

}  // namespace

Server::Server(Backend& backend, ServerOptions options)
    : backend_(backend),
      options_(std::move(options)),
      accept_strand_(asio::make_strand(io_context_)),
      acceptor_(accept_strand_),
      accept_retry_timer_(accept_strand_) {}

Server::~Server() { Stop(); }

Status Server::Start() {
  std::lock_guard<std::mutex> lock(lifecycle_mu_);
  if (started_) return Status::Error(sqlstate::kInternalError, "server already started");
  const std::string where = options_.host + ":" + std::to_string(options_.port);
  auto fail = [&where](const char* what, const error_code& ec) {
    return Status::Error(sqlstate::kIoError,
                         std::string("could not ") + what + " " + where + ": " + ec.message());
  };

  error_code ec;
  tcp::endpoint endpoint;
  asio::ip::address address = asio::ip::make_address(options_.host, ec);
  if (!ec) {
    endpoint = tcp::endpoint(address, options_.port);
  } else {
    tcp::resolver resolver(io_context_);
    auto results =
        resolver.resolve(options_.host, std::to_string(options_.port), tcp::resolver::passive, ec);
    if (ec || results.empty()) return fail("resolve", ec);
    endpoint = *results.begin();
  }
  acceptor_.open(endpoint.protocol(), ec);
  if (ec) return fail("create socket for", ec);
  acceptor_.set_option(tcp::acceptor::reuse_address(true), ec);
  acceptor_.bind(endpoint, ec);
  if (ec) {
    error_code ignored;
    acceptor_.close(ignored);
    return fail("bind", ec);
  }
  acceptor_.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    error_code ignored;
    acceptor_.close(ignored);
    return fail("listen on", ec);
  }
  port_ = acceptor_.local_endpoint(ec).port();

  started_ = true;
  work_.emplace(io_context_.get_executor());
  asio::post(accept_strand_, [this] { Accept(); });
  listener_thread_ = std::thread([this] { RunIoContext(io_context_); });
  spdlog::info("pgwire: listening on {}:{} (a thread per connection)", options_.host, port_);
  return Status::OK();
}

void Server::RunIoContext(asio::io_context& context) {
  while (true) {
    try {
      context.run();
      return;
    } catch (const std::exception& e) {
      spdlog::error("pgwire: exception escaped an io handler: {}", e.what());
    } catch (...) {
      spdlog::error("pgwire: unknown exception escaped an io handler");
    }
  }
}

void Server::ReapConnectionThreads(bool all, bool stop) {
  std::list<std::unique_ptr<ConnectionThread>> finished;
  {
    std::lock_guard<std::mutex> lock(connection_threads_mu_);
    for (auto it = connection_threads_.begin(); it != connection_threads_.end();) {
      if (all || (*it)->done.load()) {
        finished.push_back(std::move(*it));
        it = connection_threads_.erase(it);
      } else {
        ++it;
      }
    }
  }
  for (auto& t : finished) {
    if (stop) t->context.stop();
    if (t->thread.joinable()) t->thread.join();
  }
}

void Server::Accept() {
  if (stopping_.load() || !acceptor_.is_open()) return;
  // The socket is accepted onto the io_context its connection's thread will run.
  if (!next_connection_) next_connection_ = std::make_unique<ConnectionThread>();
  acceptor_.async_accept(
      next_connection_->context,
      [this](const error_code& ec, tcp::socket socket) { OnAccept(ec, std::move(socket)); });
}

void Server::OnAccept(const error_code& ec, tcp::socket socket) {
  if (stopping_.load() || !acceptor_.is_open()) {
    error_code ignored;
    socket.close(ignored);
    return;
  }
  if (ec) {
    if (ec == asio::error::operation_aborted) return;
    // E.g. EMFILE: back off briefly instead of spinning.
    spdlog::warn("pgwire: accept failed: {}", ec.message());
    accept_retry_timer_.expires_after(kAcceptRetry);
    accept_retry_timer_.async_wait([this](const error_code& wait_ec) {
      if (!wait_ec) Accept();
    });
    return;
  }
  const int32_t pid = registry_.NextPid();
  auto connection =
      std::make_shared<Connection>(std::move(socket), backend_, registry_, options_.connection, pid,
                                   ConnectionRegistry::NewSecretKey());
  registry_.Add(pid, connection);
  // Start posts the connection's first handler, so its context has work before the thread runs
  // it; the thread ends when the connection is gone.
  connection->Start();
  connection.reset();
  ConnectionThread* raw = next_connection_.get();
  try {
    raw->thread = std::thread([raw] {
      RunIoContext(raw->context);
      raw->done.store(true);
    });
  } catch (const std::system_error& e) {
    // No thread to be had (the process's thread limit): this connection is dropped (its
    // context, and with it the connection, destroyed) and the listener goes on.
    spdlog::warn("pgwire: no thread for connection {}: {}; closing it", pid, e.what());
    next_connection_.reset();
    Accept();
    return;
  }
  {
    std::lock_guard<std::mutex> lock(connection_threads_mu_);
    connection_threads_.push_back(std::move(next_connection_));
  }
  ReapConnectionThreads(/*all=*/false, /*stop=*/false);
  Accept();
}

void Server::CloseAcceptor() {
  stopping_.store(true);
  asio::post(accept_strand_, [this] {
    error_code ignored;
    acceptor_.close(ignored);
    try {
      accept_retry_timer_.cancel();
    } catch (const std::exception&) {
    }
  });
}

void Server::Shutdown(std::chrono::milliseconds grace) {
  {
    std::lock_guard<std::mutex> lock(lifecycle_mu_);
    if (!started_ || stopped_) return;
    CloseAcceptor();
  }
  for (auto& connection : registry_.Snapshot()) connection->Terminate(/*notify=*/true);
  registry_.WaitEmpty(grace);
  Stop();
}

void Server::Stop() {
  std::lock_guard<std::mutex> lock(lifecycle_mu_);
  if (!started_ || stopped_) return;
  stopped_ = true;
  CloseAcceptor();
  // Close every connection; repeat for any accepted while the acceptor was closing.
  auto deadline = std::chrono::steady_clock::now() + kStopWait;
  while (true) {
    for (auto& connection : registry_.Snapshot()) connection->Terminate(/*notify=*/false);
    if (registry_.WaitEmpty(kStopPoll)) break;
    if (std::chrono::steady_clock::now() > deadline) {
      spdlog::warn("pgwire: {} connections did not close in time", registry_.size());
      break;
    }
  }
  // Every connection is closed (a stuck one's context is stopped): their threads end.
  ReapConnectionThreads(/*all=*/true, /*stop=*/true);
  work_.reset();
  io_context_.stop();
  if (listener_thread_.joinable()) listener_thread_.join();
  next_connection_.reset();
  spdlog::info("pgwire: server on port {} stopped", port_);
}

}  // namespace freshet::pgwire
