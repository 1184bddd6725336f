#pragma once

#include <string>

#include "common/status.h"
#include "ingest/kafka_consumer.h"
#include "planner/catalog.h"

namespace freshet::engine {

/// How a Kafka connector frames records: PLAIN rows, UPSERT by the message key, or Debezium
/// change events.
enum class KafkaFormat { kPlain, kUpsert, kDebezium };

/// The options every Kafka connector reads from a relation's WITH options: the topic and the
/// client (properties.bootstrap.server, and the other properties.* passed to librdkafka, except
/// properties.group.id, which goes to `group_id` when given). 22023 naming what is missing.
struct KafkaEndpoint {
  ingest::KafkaClientOptions client;
  std::string topic;
  std::string group_id;

  static Result<KafkaEndpoint> FromDefinition(const planner::TableDef& def);
  /// Whether `key` is one FromDefinition reads.
  static bool IsEndpointOption(const std::string& key);
};

/// FORMAT PLAIN | UPSERT | DEBEZIUM (default PLAIN); 22023 for another.
Result<KafkaFormat> ParseKafkaFormat(const planner::TableDef& def);

}  // namespace freshet::engine
