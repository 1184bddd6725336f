#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <unordered_map>
#include <vector>

namespace freshet::pgwire {

class Connection;

/// Thread-safe table of live connections keyed by their backend pid. Hands out pids (a counter
/// from 10000) and random cancel keys, routes CancelRequests to the right connection, and lets
/// the server reach every connection at shutdown. Holds weak references only.
class ConnectionRegistry {
 public:
  ConnectionRegistry() = default;
  ConnectionRegistry(const ConnectionRegistry&) = delete;
  ConnectionRegistry& operator=(const ConnectionRegistry&) = delete;

  int32_t NextPid() { return next_pid_.fetch_add(1); }
  /// A random 32-bit secret for BackendKeyData.
  static int32_t NewSecretKey();

  void Add(int32_t pid, std::weak_ptr<Connection> connection);
  /// Idempotent.
  void Remove(int32_t pid);
  /// Cancels the running statement of connection `pid` if `key` matches; true when it did.
  bool Cancel(int32_t pid, int32_t key);

  std::vector<std::shared_ptr<Connection>> Snapshot() const;
  size_t size() const;
  /// Waits until no connection is registered; false on timeout.
  bool WaitEmpty(std::chrono::milliseconds timeout);

 private:
  mutable std::mutex mu_;
  std::condition_variable empty_cv_;
  std::unordered_map<int32_t, std::weak_ptr<Connection>> connections_;
  std::atomic<int32_t> next_pid_{10000};
};

}  // namespace freshet::pgwire
