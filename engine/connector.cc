#include "engine/connector.h"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "common/exception_guard.h"

namespace freshet::engine {

Connector::Connector(uint64_t id, ConnectorInfo info) : id_(id), info_(std::move(info)) {
  info_.id = id;
}

Connector::~Connector() { Join(); }

void Connector::Start() {
  thread_ = std::thread([this] {
    Status s = CatchAll("connector", [&] {
      Run();
      return Status::OK();
    });
    if (!s.ok()) {
      spdlog::error("connector {} stopped: {}", Info().name, s.message());
      SetState("stopped", s.message());
    }
    finished_ = true;
  });
}

void Connector::RequestStop() {
  stop_ = true;
  std::lock_guard<std::mutex> lock(sleep_mu_);
  sleep_cv_.notify_all();
}

void Connector::Join() {
  RequestStop();
  if (thread_.joinable()) thread_.join();
}

void Connector::Sleep(int64_t micros) {
  std::unique_lock<std::mutex> lock(sleep_mu_);
  sleep_cv_.wait_for(lock, std::chrono::microseconds(micros), [&] { return stop_.load(); });
}

void Connector::SetState(const std::string& state, const std::string& error) {
  std::lock_guard<std::mutex> lock(info_mu_);
  info_.state = state;
  if (!error.empty()) info_.last_error = error;
}

int64_t Connector::RetryAfter(const Status& failure, int64_t backoff) {
  std::string name;
  {
    std::lock_guard<std::mutex> lock(info_mu_);
    info_.state = "retrying";
    info_.last_error = failure.message();
    info_.retries++;
    name = info_.name;
  }
  spdlog::warn("connector {}: {} (retrying in {} ms)", name, failure.message(), backoff / 1000);
  Sleep(backoff);
  constexpr int64_t kMaxBackoffMicros = 10000000;
  return std::min(backoff * 2, kMaxBackoffMicros);
}

void Connector::UpdateInfo(const std::function<void(ConnectorInfo&)>& f) {
  std::lock_guard<std::mutex> lock(info_mu_);
  f(info_);
}

ConnectorInfo Connector::Info() const {
  std::lock_guard<std::mutex> lock(info_mu_);
  return info_;
}

}  // namespace freshet::engine
