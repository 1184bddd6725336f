#include "ingest/kafka_producer.h"

#include <mutex>

#include "ingest/kafka_internal.h"

namespace freshet::ingest {

struct KafkaProducer::Impl {
  rd_kafka_t* rk = nullptr;
  std::string topic_name;
  bool transactional = false;
  std::mutex mu;  // the delivery callback runs inside poll/flush, on this thread
  std::string delivery_error;

  ~Impl() {
    if (rk) rd_kafka_destroy(rk);
  }
};

namespace {

void OnDelivery(rd_kafka_t*, const rd_kafka_message_t* msg, void* opaque) {
  if (msg->err == RD_KAFKA_RESP_ERR_NO_ERROR) return;
  auto* impl = static_cast<KafkaProducer::Impl*>(opaque);
  std::lock_guard<std::mutex> lock(impl->mu);
  if (impl->delivery_error.empty()) impl->delivery_error = rd_kafka_err2str(msg->err);
}

/// A transactional call's error as a Status (and the error object freed).
Status TxnStatus(rd_kafka_error_t* error, const std::string& what) {
  if (!error) return Status::OK();
  Status s =
      Status::Error(sqlstate::kConnectionFailure, what + ": " + rd_kafka_error_string(error));
  rd_kafka_error_destroy(error);
  return s;
}

}  // namespace

KafkaProducer::KafkaProducer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
KafkaProducer::~KafkaProducer() = default;

Result<std::unique_ptr<KafkaProducer>> KafkaProducer::Open(const KafkaClientOptions& options,
                                                           const std::string& topic,
                                                           const std::string& transactional_id,
                                                           int timeout_ms) {
  auto impl = std::make_unique<Impl>();
  ASSIGN_OR_RETURN(rd_kafka_conf_t * conf, kafka_internal::MakeConf(options));
  Status s = kafka_internal::Set(conf, "enable.idempotence", "true");
  if (s.ok() && !transactional_id.empty()) {
    s = kafka_internal::Set(conf, "transactional.id", transactional_id);
  }
  if (!s.ok()) {
    rd_kafka_conf_destroy(conf);
    return s;
  }
  rd_kafka_conf_set_opaque(conf, impl.get());
  rd_kafka_conf_set_dr_msg_cb(conf, OnDelivery);
  char err[512];
  impl->rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof(err));
  if (!impl->rk) {
    rd_kafka_conf_destroy(conf);
    return Status::Error(sqlstate::kInvalidParameterValue,
                         std::string("cannot create a Kafka producer: ") + err);
  }
  impl->topic_name = topic;
  if (!transactional_id.empty()) {
    impl->transactional = true;
    Status init = TxnStatus(rd_kafka_init_transactions(impl->rk, timeout_ms),
                            "cannot initialize Kafka transactions");
    if (!init.ok()) return Status::Error(sqlstate::kUnableToConnect, init.message());
  }
  return std::unique_ptr<KafkaProducer>(new KafkaProducer(std::move(impl)));
}

Status KafkaProducer::Produce(std::optional<std::string_view> key,
                              std::optional<std::string_view> value, int32_t partition) {
  return ProduceTo(impl_->topic_name, key, value, partition);
}

Status KafkaProducer::ProduceTo(const std::string& topic, std::optional<std::string_view> key,
                                std::optional<std::string_view> value, int32_t partition) {
  void* value_data = value ? const_cast<char*>(value->data()) : nullptr;
  size_t value_size = value ? value->size() : 0;
  void* key_data = key ? const_cast<char*>(key->data()) : nullptr;
  size_t key_size = key ? key->size() : 0;
  int32_t part = partition < 0 ? RD_KAFKA_PARTITION_UA : partition;
  while (true) {
    rd_kafka_resp_err_t err = rd_kafka_producev(
        impl_->rk, RD_KAFKA_V_TOPIC(topic.c_str()), RD_KAFKA_V_PARTITION(part),
        RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_VALUE(value_data, value_size),
        RD_KAFKA_V_KEY(key_data, key_size), RD_KAFKA_V_END);
    if (err == RD_KAFKA_RESP_ERR_NO_ERROR) break;
    if (err != RD_KAFKA_RESP_ERR__QUEUE_FULL) {
      return kafka_internal::FromError(err, "cannot produce to Kafka");
    }
    rd_kafka_poll(impl_->rk, 10);  // the queue is full: serve deliveries, then retry
  }
  rd_kafka_poll(impl_->rk, 0);
  return Status::OK();
}

Status KafkaProducer::Flush(int timeout_ms) {
  rd_kafka_resp_err_t err = rd_kafka_flush(impl_->rk, timeout_ms);
  std::string failure;
  {
    std::lock_guard<std::mutex> lock(impl_->mu);
    failure.swap(impl_->delivery_error);
  }
  if (!failure.empty()) {
    return Status::Error(sqlstate::kConnectionFailure, "Kafka delivery failed: " + failure);
  }
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return kafka_internal::FromError(err, "Kafka flush");
  }
  return Status::OK();
}

Status KafkaProducer::BeginTransaction() {
  return TxnStatus(rd_kafka_begin_transaction(impl_->rk), "cannot begin a Kafka transaction");
}

Status KafkaProducer::CommitTransaction(int timeout_ms) {
  rd_kafka_error_t* error = rd_kafka_commit_transaction(impl_->rk, timeout_ms);
  if (error && rd_kafka_error_txn_requires_abort(error)) {
    Status s = TxnStatus(error, "cannot commit a Kafka transaction");
    Status aborted = AbortTransaction(timeout_ms);
    (void)aborted;  // the commit's error is the one to report
    return s;
  }
  return TxnStatus(error, "cannot commit a Kafka transaction");
}

Status KafkaProducer::AbortTransaction(int timeout_ms) {
  return TxnStatus(rd_kafka_abort_transaction(impl_->rk, timeout_ms),
                   "cannot abort a Kafka transaction");
}

}  // namespace freshet::ingest
