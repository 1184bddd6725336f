#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "common/status.h"

namespace freshet::ingest {

/// librdkafka's mock Kafka cluster (rdkafka_mock.h): `brokers` brokers on loopback speaking the
/// real protocol — topics with partitions and replicas, consumer groups, idempotent and
/// transactional producers — for tests and benchmarks, with fault injection (a broker down or
/// up, a partition's leader moved). Lives until destroyed.
class KafkaMockCluster {
 public:
  ~KafkaMockCluster();
  static Result<std::unique_ptr<KafkaMockCluster>> Start(int brokers);

  /// "127.0.0.1:port,..." for bootstrap.servers.
  const std::string& bootstrap_servers() const { return bootstrap_; }
  Status CreateTopic(const std::string& topic, int partitions, int replication_factor);
  Status SetBrokerDown(int32_t broker_id);
  Status SetBrokerUp(int32_t broker_id);
  Status SetPartitionLeader(const std::string& topic, int32_t partition, int32_t broker_id);

  struct Impl;  // librdkafka's handles, in kafka_mock_cluster.cc

 private:
  explicit KafkaMockCluster(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
  std::string bootstrap_;
};

}  // namespace freshet::ingest
