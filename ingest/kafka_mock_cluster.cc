#include "ingest/kafka_mock_cluster.h"

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

#include "ingest/kafka_internal.h"  // rdkafka.h, which rdkafka_mock.h needs first

namespace freshet::ingest {

struct KafkaMockCluster::Impl {
  rd_kafka_t* rk = nullptr;  // the handle the cluster's threads belong to
  rd_kafka_mock_cluster_t* cluster = nullptr;
  ~Impl() {
    if (cluster) rd_kafka_mock_cluster_destroy(cluster);
    if (rk) rd_kafka_destroy(rk);
  }
};

KafkaMockCluster::KafkaMockCluster(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {
  bootstrap_ = rd_kafka_mock_cluster_bootstraps(impl_->cluster);
}
KafkaMockCluster::~KafkaMockCluster() = default;

Result<std::unique_ptr<KafkaMockCluster>> KafkaMockCluster::Start(int brokers) {
  auto impl = std::make_unique<Impl>();
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  // The handle only hosts the cluster: it never connects anywhere (no warnings about that).
  Status quiet = kafka_internal::Set(conf, "log_level", "3");
  if (!quiet.ok()) {
    rd_kafka_conf_destroy(conf);
    return quiet;
  }
  char err[512];
  impl->rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof(err));
  if (!impl->rk) {
    rd_kafka_conf_destroy(conf);
    return Status::Internal(std::string("cannot create the mock cluster's handle: ") + err);
  }
  impl->cluster = rd_kafka_mock_cluster_new(impl->rk, brokers);
  if (!impl->cluster) return Status::Internal("cannot start the Kafka mock cluster");
  return std::unique_ptr<KafkaMockCluster>(new KafkaMockCluster(std::move(impl)));
}

Status KafkaMockCluster::CreateTopic(const std::string& topic, int partitions,
                                     int replication_factor) {
  rd_kafka_resp_err_t err =
      rd_kafka_mock_topic_create(impl_->cluster, topic.c_str(), partitions, replication_factor);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return kafka_internal::FromError(err, "cannot create mock topic " + topic);
  }
  return Status::OK();
}

Status KafkaMockCluster::SetBrokerDown(int32_t broker_id) {
  return kafka_internal::FromError(rd_kafka_mock_broker_set_down(impl_->cluster, broker_id),
                                   "broker down");
}

Status KafkaMockCluster::SetBrokerUp(int32_t broker_id) {
  return kafka_internal::FromError(rd_kafka_mock_broker_set_up(impl_->cluster, broker_id),
                                   "broker up");
}

Status KafkaMockCluster::SetPartitionLeader(const std::string& topic, int32_t partition,
                                            int32_t broker_id) {
  return kafka_internal::FromError(
      rd_kafka_mock_partition_set_leader(impl_->cluster, topic.c_str(), partition, broker_id),
      "set leader");
}

}  // namespace freshet::ingest
