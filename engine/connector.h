#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "common/status.h"

namespace freshet::engine {

/// What a running connector reports (freshet_catalog.connectors and consumer_lag).
struct ConnectorInfo {
  uint64_t id = 0;
  std::string name;
  std::string kind;  // source | table | sink
  std::string topic;
  std::string state = "connecting";  // connecting | running | retrying | stopped
  std::string last_error;
  int64_t records = 0;  // ingested or delivered since this process started
  int64_t errors = 0;   // records sent to source_errors since this process started
  int64_t retries = 0;
  int64_t backlog = 0;  // a source: records behind the topic's end; a sink: epochs undelivered
  struct Partition {
    int32_t partition = 0;
    int64_t committed = 0;  // next offset to read, committed with the ingested rows
    int64_t high_watermark = -1;
  };
  std::vector<Partition> partitions;
};

/// A connector's thread and what it reports: Start runs Run() on its own thread (nothing
/// thrown escapes it: an exception stops the connector with the error shown), RequestStop asks
/// it to end and returns at once, and the derived class's destructor joins (Join) before its
/// members go. Run() loops until stop_ is set, sleeping through Sleep so a stop wakes it.
class Connector {
 public:
  virtual ~Connector();
  Connector(const Connector&) = delete;
  Connector& operator=(const Connector&) = delete;

  void Start();
  void RequestStop();
  bool finished() const { return finished_.load(); }
  uint64_t id() const { return id_; }
  ConnectorInfo Info() const;

 protected:
  Connector(uint64_t id, ConnectorInfo info);
  virtual void Run() = 0;
  /// Waits for the thread (derived destructors call it first).
  void Join();
  /// Sleeps up to `micros` unless asked to stop.
  void Sleep(int64_t micros);
  void SetState(const std::string& state, const std::string& error);
  /// After a failure: logs it, shows the connector as retrying with the reason, sleeps
  /// `backoff` microseconds (unless asked to stop) and returns the next backoff (doubled, at
  /// most 10 s).
  int64_t RetryAfter(const Status& failure, int64_t backoff);
  /// Changes the report under its lock.
  void UpdateInfo(const std::function<void(ConnectorInfo&)>& f);

  std::atomic<bool> stop_{false};

 private:
  uint64_t id_;
  std::thread thread_;
  std::atomic<bool> finished_{false};
  std::mutex sleep_mu_;
  std::condition_variable sleep_cv_;
  mutable std::mutex info_mu_;
  ConnectorInfo info_;
};

}  // namespace freshet::engine
