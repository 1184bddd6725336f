#include "engine/connector.h"

#include <spdlog/spdlog.h>

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

void Connector::UpdateInfo(const std::function<void(ConnectorInfo&)>& f) {
  std::lock_guard<std::mutex> lock(info_mu_);
  f(info_);
}

ConnectorInfo Connector::Info() const {
  std::lock_guard<std::mutex> lock(info_mu_);
  return info_;
}

}  // namespace freshet::engine
