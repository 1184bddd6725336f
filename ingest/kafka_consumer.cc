#include "ingest/kafka_consumer.h"

#include <spdlog/spdlog.h>

#include <mutex>

#include "common/json_writer.h"
#include "ingest/kafka_internal.h"

namespace freshet::ingest {

namespace kafka_internal {

Status Set(rd_kafka_conf_t* conf, const std::string& key, const std::string& value) {
  char err[512];
  if (rd_kafka_conf_set(conf, key.c_str(), value.c_str(), err, sizeof(err)) != RD_KAFKA_CONF_OK) {
    return Status::Error(sqlstate::kInvalidParameterValue,
                         "invalid Kafka property \"" + key + "\": " + err);
  }
  return Status::OK();
}

namespace {
/// librdkafka's log lines go to the server log (syslog levels: 0-3 errors, 4 warnings).
void OnLog(const rd_kafka_t*, int level, const char* fac, const char* buf) {
  if (level <= 3) {
    spdlog::error("kafka {}: {}", fac, buf);
  } else if (level == 4) {
    spdlog::warn("kafka {}: {}", fac, buf);
  } else {
    spdlog::debug("kafka {}: {}", fac, buf);
  }
}
}  // namespace

Result<rd_kafka_conf_t*> MakeConf(const KafkaClientOptions& options) {
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  rd_kafka_conf_set_log_cb(conf, OnLog);
  Status s = Set(conf, "bootstrap.servers", options.bootstrap_servers);
  for (const auto& [k, v] : options.properties) {
    if (s.ok()) s = Set(conf, k, v);
  }
  if (!s.ok()) {
    rd_kafka_conf_destroy(conf);
    return s;
  }
  return conf;
}

Status FromError(rd_kafka_resp_err_t err, const std::string& what) {
  switch (err) {
    case RD_KAFKA_RESP_ERR_NO_ERROR:
      return Status::OK();
    case RD_KAFKA_RESP_ERR__TRANSPORT:
    case RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN:
    case RD_KAFKA_RESP_ERR__TIMED_OUT:
    case RD_KAFKA_RESP_ERR_REQUEST_TIMED_OUT:
    case RD_KAFKA_RESP_ERR_BROKER_NOT_AVAILABLE:
    case RD_KAFKA_RESP_ERR_LEADER_NOT_AVAILABLE:
    case RD_KAFKA_RESP_ERR_NOT_LEADER_FOR_PARTITION:
      return Status::Error(sqlstate::kConnectionFailure, what + ": " + rd_kafka_err2str(err));
    case RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART:
    case RD_KAFKA_RESP_ERR__UNKNOWN_TOPIC:
      return Status::Error(sqlstate::kUndefinedTable, what + ": " + rd_kafka_err2str(err));
    default:
      return Status::Internal(what + ": " + rd_kafka_err2str(err));
  }
}

}  // namespace kafka_internal

struct KafkaConsumer::Impl {
  rd_kafka_t* rk = nullptr;
  rd_kafka_queue_t* queue = nullptr;
  std::string topic;
  bool read_headers = false;
  std::mutex error_mu;  // librdkafka's error callback runs on its own threads
  std::string last_error;
  std::vector<rd_kafka_message_t*> batch;

  ~Impl() {
    if (queue) rd_kafka_queue_destroy(queue);
    if (rk) {
      rd_kafka_consumer_close(rk);
      rd_kafka_destroy(rk);
    }
  }
};

namespace {

void OnError(rd_kafka_t*, int err, const char* reason, void* opaque) {
  auto* impl = static_cast<KafkaConsumer::Impl*>(opaque);
  std::lock_guard<std::mutex> lock(impl->error_mu);
  impl->last_error = std::string(rd_kafka_err2name(static_cast<rd_kafka_resp_err_t>(err))) + ": " +
                     (reason ? reason : "");
}

}  // namespace

KafkaConsumer::KafkaConsumer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
KafkaConsumer::~KafkaConsumer() = default;

Result<std::unique_ptr<KafkaConsumer>> KafkaConsumer::Open(const KafkaClientOptions& options,
                                                           const std::string& topic,
                                                           const std::string& group_id,
                                                           bool read_headers) {
  auto impl = std::make_unique<Impl>();
  impl->topic = topic;
  impl->read_headers = read_headers;
  ASSIGN_OR_RETURN(rd_kafka_conf_t * conf, kafka_internal::MakeConf(options));
  Status s = kafka_internal::Set(conf, "group.id", group_id);
  if (s.ok()) s = kafka_internal::Set(conf, "enable.auto.commit", "false");
  if (s.ok()) s = kafka_internal::Set(conf, "enable.auto.offset.store", "false");
  if (s.ok()) s = kafka_internal::Set(conf, "enable.partition.eof", "false");
  if (s.ok()) s = kafka_internal::Set(conf, "auto.offset.reset", "error");
  // Low latency unless the user says otherwise: a broker answers a fetch after 10 ms at most
  // instead of librdkafka's 500 ms wait for more data.
  // And bounded memory: librdkafka prefetches up to 64 MB per partition by default.
  bool has_wait = false, has_queue = false;
  for (const auto& [k, v] : options.properties) {
    has_wait |= k == "fetch.wait.max.ms";
    has_queue |= k == "queued.max.messages.kbytes";
  }
  if (s.ok() && !has_wait) s = kafka_internal::Set(conf, "fetch.wait.max.ms", "10");
  if (s.ok() && !has_queue) s = kafka_internal::Set(conf, "queued.max.messages.kbytes", "8192");
  if (!s.ok()) {
    rd_kafka_conf_destroy(conf);
    return s;
  }
  rd_kafka_conf_set_opaque(conf, impl.get());
  rd_kafka_conf_set_error_cb(conf, OnError);
  char err[512];
  impl->rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, err, sizeof(err));
  if (!impl->rk) {
    rd_kafka_conf_destroy(conf);
    return Status::Error(sqlstate::kInvalidParameterValue,
                         std::string("cannot create a Kafka consumer: ") + err);
  }
  rd_kafka_poll_set_consumer(impl->rk);
  impl->queue = rd_kafka_queue_get_consumer(impl->rk);
  return std::unique_ptr<KafkaConsumer>(new KafkaConsumer(std::move(impl)));
}

Result<int32_t> KafkaConsumer::PartitionCount(int timeout_ms) {
  // All topics: a request naming the topic may create it on brokers that auto-create.
  const rd_kafka_metadata_t* md = nullptr;
  rd_kafka_resp_err_t err = rd_kafka_metadata(impl_->rk, 1, nullptr, &md, timeout_ms);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    Status s = kafka_internal::FromError(
        err, "cannot read the metadata of Kafka topic \"" + impl_->topic + "\"");
    if (s.sqlstate() == sqlstate::kConnectionFailure) {
      return Status::Error(sqlstate::kUnableToConnect, s.message());
    }
    return s;
  }
  int32_t count = -1;
  rd_kafka_resp_err_t topic_err = RD_KAFKA_RESP_ERR_NO_ERROR;
  for (int i = 0; i < md->topic_cnt; i++) {
    if (impl_->topic != md->topics[i].topic) continue;
    topic_err = md->topics[i].err;
    count = md->topics[i].partition_cnt;
  }
  rd_kafka_metadata_destroy(md);
  if (topic_err != RD_KAFKA_RESP_ERR_NO_ERROR || count <= 0) {
    return Status::Error(sqlstate::kUndefinedTable,
                         "Kafka topic \"" + impl_->topic + "\" does not exist" +
                             (topic_err != RD_KAFKA_RESP_ERR_NO_ERROR
                                  ? std::string(" (") + rd_kafka_err2str(topic_err) + ")"
                                  : std::string()));
  }
  return count;
}

Status KafkaConsumer::Assign(const std::map<int32_t, int64_t>& start_offsets) {
  rd_kafka_topic_partition_list_t* list =
      rd_kafka_topic_partition_list_new(static_cast<int>(start_offsets.size()));
  for (const auto& [p, offset] : start_offsets) {
    rd_kafka_topic_partition_list_add(list, impl_->topic.c_str(), p)->offset =
        offset == kEarliest ? RD_KAFKA_OFFSET_BEGINNING
        : offset == kLatest ? RD_KAFKA_OFFSET_END
                            : offset;
  }
  rd_kafka_resp_err_t err = rd_kafka_assign(impl_->rk, list);
  rd_kafka_topic_partition_list_destroy(list);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) return kafka_internal::FromError(err, "Kafka assign");
  return Status::OK();
}

namespace {
Status QueryWatermarks(rd_kafka_t* rk, const std::string& topic, int32_t partition, int timeout_ms,
                       int64_t* low, int64_t* high) {
  rd_kafka_resp_err_t err =
      rd_kafka_query_watermark_offsets(rk, topic.c_str(), partition, low, high, timeout_ms);
  return kafka_internal::FromError(err, "cannot read the offsets of Kafka topic \"" + topic + "\"");
}
}  // namespace

Result<int64_t> KafkaConsumer::EarliestOffset(int32_t partition, int timeout_ms) {
  int64_t low = -1, high = -1;
  RETURN_IF_ERROR(QueryWatermarks(impl_->rk, impl_->topic, partition, timeout_ms, &low, &high));
  return low;
}

Result<int64_t> KafkaConsumer::HighOffset(int32_t partition, int timeout_ms) {
  int64_t low = -1, high = -1;
  RETURN_IF_ERROR(QueryWatermarks(impl_->rk, impl_->topic, partition, timeout_ms, &low, &high));
  return high;
}

Result<int64_t> KafkaConsumer::OffsetForTime(int32_t partition, int64_t timestamp_ms,
                                             int timeout_ms) {
  rd_kafka_topic_partition_list_t* list = rd_kafka_topic_partition_list_new(1);
  rd_kafka_topic_partition_list_add(list, impl_->topic.c_str(), partition)->offset = timestamp_ms;
  rd_kafka_resp_err_t err = rd_kafka_offsets_for_times(impl_->rk, list, timeout_ms);
  int64_t offset = list->elems[0].offset;
  if (err == RD_KAFKA_RESP_ERR_NO_ERROR) err = list->elems[0].err;
  rd_kafka_topic_partition_list_destroy(list);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return kafka_internal::FromError(err, "cannot look up Kafka offsets by time");
  }
  return offset < 0 ? kLatest : offset;  // -1: no record that new
}

Result<size_t> KafkaConsumer::Poll(size_t max, int timeout_ms,
                                   const std::function<void(const KafkaMessage&)>& visit) {
  impl_->batch.resize(max);
  ssize_t n = rd_kafka_consume_batch_queue(impl_->queue, timeout_ms, impl_->batch.data(), max);
  if (n < 0) return kafka_internal::FromError(rd_kafka_last_error(), "Kafka poll");
  size_t visited = 0;
  KafkaMessage m;
  for (ssize_t i = 0; i < n; i++) {
    rd_kafka_message_t* msg = impl_->batch[i];
    if (msg->err == RD_KAFKA_RESP_ERR__AUTO_OFFSET_RESET) {
      KafkaMessage gap;
      gap.partition = msg->partition;
      gap.offset = msg->offset;
      gap.offset_out_of_range = true;
      visit(gap);
      visited++;
      rd_kafka_message_destroy(msg);
      continue;
    }
    if (msg->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      if (msg->err != RD_KAFKA_RESP_ERR__PARTITION_EOF) {
        std::lock_guard<std::mutex> lock(impl_->error_mu);
        impl_->last_error =
            std::string(rd_kafka_err2name(msg->err)) + ": " + rd_kafka_message_errstr(msg);
      }
      rd_kafka_message_destroy(msg);
      continue;
    }
    m.partition = msg->partition;
    m.offset = msg->offset;
    rd_kafka_timestamp_type_t tstype;
    m.timestamp_ms = rd_kafka_message_timestamp(msg, &tstype);
    m.has_key = msg->key != nullptr;
    m.key = m.has_key ? std::string_view(static_cast<const char*>(msg->key), msg->key_len)
                      : std::string_view();
    m.has_value = msg->payload != nullptr;
    m.value = m.has_value ? std::string_view(static_cast<const char*>(msg->payload), msg->len)
                          : std::string_view();
    if (impl_->read_headers) {
      m.headers_json = "{";
      rd_kafka_headers_t* headers = nullptr;
      if (rd_kafka_message_headers(msg, &headers) == RD_KAFKA_RESP_ERR_NO_ERROR) {
        const char* name;
        const void* value;
        size_t size;
        for (size_t h = 0; rd_kafka_header_get_all(headers, h, &name, &value, &size) ==
                           RD_KAFKA_RESP_ERR_NO_ERROR;
             h++) {
          if (h) m.headers_json += ",";
          AppendJsonString(name, &m.headers_json);
          m.headers_json += ":";
          if (value) {
            AppendJsonString(std::string_view(static_cast<const char*>(value), size),
                             &m.headers_json);
          } else {
            m.headers_json += "null";
          }
        }
      }
      m.headers_json += "}";
    }
    visit(m);
    visited++;
    rd_kafka_message_destroy(msg);
  }
  return visited;
}

Status KafkaConsumer::Commit(const std::map<int32_t, int64_t>& next_offsets) {
  if (next_offsets.empty()) return Status::OK();
  rd_kafka_topic_partition_list_t* list =
      rd_kafka_topic_partition_list_new(static_cast<int>(next_offsets.size()));
  for (const auto& [p, offset] : next_offsets) {
    rd_kafka_topic_partition_list_add(list, impl_->topic.c_str(), p)->offset = offset;
  }
  rd_kafka_resp_err_t err = rd_kafka_commit(impl_->rk, list, /*async=*/1);
  rd_kafka_topic_partition_list_destroy(list);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return kafka_internal::FromError(err, "Kafka offset commit");
  }
  return Status::OK();
}

Result<std::map<int32_t, int64_t>> KafkaConsumer::GroupCommitted(int32_t partitions,
                                                                 int timeout_ms) {
  rd_kafka_topic_partition_list_t* list = rd_kafka_topic_partition_list_new(partitions);
  for (int32_t p = 0; p < partitions; p++) {
    rd_kafka_topic_partition_list_add(list, impl_->topic.c_str(), p);
  }
  rd_kafka_resp_err_t err = rd_kafka_committed(impl_->rk, list, timeout_ms);
  std::map<int32_t, int64_t> out;
  for (int i = 0; i < list->cnt; i++) {
    out[list->elems[i].partition] = list->elems[i].offset < 0 ? -1 : list->elems[i].offset;
  }
  rd_kafka_topic_partition_list_destroy(list);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return kafka_internal::FromError(err, "cannot read the group's committed offsets");
  }
  return out;
}

int64_t KafkaConsumer::CachedHighWatermark(int32_t partition) {
  int64_t low = -1, high = -1;
  if (rd_kafka_get_watermark_offsets(impl_->rk, impl_->topic.c_str(), partition, &low, &high) !=
      RD_KAFKA_RESP_ERR_NO_ERROR) {
    return -1;
  }
  return high;
}

std::string KafkaConsumer::TakeLastError() {
  std::lock_guard<std::mutex> lock(impl_->error_mu);
  std::string e;
  e.swap(impl_->last_error);
  return e;
}

}  // namespace freshet::ingest
