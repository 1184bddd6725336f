#pragma once
// librdkafka helpers shared by the ingest folder's Kafka clients (the only files that see
// librdkafka's types).

#include <librdkafka/rdkafka.h>

#include <string>
#include <utility>
#include <vector>

#include "common/status.h"
#include "ingest/kafka_consumer.h"

namespace freshet::ingest::kafka_internal {

/// Sets one property on `conf`, or 22023 naming it and librdkafka's reason.
Status Set(rd_kafka_conf_t* conf, const std::string& key, const std::string& value);
/// A configuration with the client options applied (bootstrap servers, then the properties).
Result<rd_kafka_conf_t*> MakeConf(const KafkaClientOptions& options);
/// librdkafka's error as a Status: OK for no error, 08006 for transport and broker errors, XX000
/// otherwise.
Status FromError(rd_kafka_resp_err_t err, const std::string& what);

}  // namespace freshet::ingest::kafka_internal
