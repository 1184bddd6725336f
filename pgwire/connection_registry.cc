#include "pgwire/connection_registry.h"

#include <random>

#include "pgwire/connection.h"

namespace freshet::pgwire {

int32_t ConnectionRegistry::NewSecretKey() {
  // One getrandom() per connection: unpredictable keys without a shared generator.
  std::random_device rd;
  return static_cast<int32_t>(rd());
}

void ConnectionRegistry::Add(int32_t pid, std::weak_ptr<Connection> connection) {
  std::lock_guard<std::mutex> lock(mu_);
  connections_[pid] = std::move(connection);
}

void ConnectionRegistry::Remove(int32_t pid) {
  std::lock_guard<std::mutex> lock(mu_);
  if (connections_.erase(pid) > 0 && connections_.empty()) empty_cv_.notify_all();
}

bool ConnectionRegistry::Cancel(int32_t pid, int32_t key) {
  std::shared_ptr<Connection> target;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = connections_.find(pid);
    if (it == connections_.end()) return false;
    target = it->second.lock();
  }
  if (target == nullptr || target->secret_key() != key) return false;
  target->CancelQuery();
  return true;
}

std::vector<std::shared_ptr<Connection>> ConnectionRegistry::Snapshot() const {
  std::vector<std::shared_ptr<Connection>> result;
  std::lock_guard<std::mutex> lock(mu_);
  result.reserve(connections_.size());
  for (const auto& [pid, weak] : connections_) {
    if (auto c = weak.lock()) result.push_back(std::move(c));
  }
  return result;
}

size_t ConnectionRegistry::size() const {
  std::lock_guard<std::mutex> lock(mu_);
  return connections_.size();
}

bool ConnectionRegistry::WaitEmpty(std::chrono::milliseconds timeout) {
  std::unique_lock<std::mutex> lock(mu_);
  return empty_cv_.wait_for(lock, timeout, [this] { return connections_.empty(); });
}

}  // namespace freshet::pgwire
