#include "engine/kafka_options.h"

namespace freshet::engine {

bool KafkaEndpoint::IsEndpointOption(const std::string& key) {
  return key == "connector" || key == "topic" || key.rfind("properties.", 0) == 0;
}

Result<KafkaEndpoint> KafkaEndpoint::FromDefinition(const planner::TableDef& def) {
  KafkaEndpoint e;
  for (const auto& [key, value] : def.options) {
    if (key == "properties.bootstrap.server" || key == "properties.bootstrap.servers") {
      e.client.bootstrap_servers = value;
    } else if (key == "properties.group.id") {
      e.group_id = value;
    } else if (key.rfind("properties.", 0) == 0) {
      e.client.properties.emplace_back(key.substr(11), value);
    }
  }
  e.topic = def.Option("topic");
  auto missing = [](const std::string& key, const std::string& what) {
    return Status::Error(
        sqlstate::kInvalidParameterValue,
        "invalid Kafka connector option \"" + key + "\": a Kafka connector needs " + what);
  };
  if (e.topic.empty()) return missing("topic", "topic = '...'");
  if (e.client.bootstrap_servers.empty()) {
    return missing("properties.bootstrap.server", "properties.bootstrap.server = 'host:port,...'");
  }
  return e;
}

Result<KafkaFormat> ParseKafkaFormat(const planner::TableDef& def) {
  std::string format = def.Option("format", "plain");
  if (format == "plain") return KafkaFormat::kPlain;
  if (format == "upsert") return KafkaFormat::kUpsert;
  if (format == "debezium") return KafkaFormat::kDebezium;
  return Status::Error(sqlstate::kInvalidParameterValue,
                       "FORMAT " + format + " is not supported (PLAIN, UPSERT and DEBEZIUM are)");
}

}  // namespace freshet::engine
