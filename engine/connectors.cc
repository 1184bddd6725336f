#include "engine/connectors.h"

#include <spdlog/spdlog.h>

#include <set>

#include "engine/database.h"
#include "engine/kafka_sink.h"
#include "engine/kafka_source.h"
#include "storage/connector_state.h"

namespace freshet::engine {

void Connectors::Reconcile() {
  std::lock_guard<std::mutex> lock(mu_);
  std::set<uint64_t> wanted;
  std::vector<std::shared_ptr<const planner::TableDef>> defs;
  for (const auto& def : db_.catalog().All()) {
    if (!IsKafkaConnector(*def)) continue;
    wanted.insert(def->id);
    defs.push_back(def);
  }
  for (auto it = running_.begin(); it != running_.end();) {
    if (wanted.count((*it)->id())) {
      ++it;
      continue;
    }
    (*it)->RequestStop();
    stopping_.push_back(std::move(*it));
    it = running_.erase(it);
  }
  for (const auto& def : defs) {
    bool have = false;
    for (const auto& c : running_) have |= c->id() == def->id;
    if (have) continue;
    if (def->kind == planner::RelationKind::kSink) {
      auto config = KafkaSinkConfig::FromDefinition(*def);
      if (!config.ok()) {
        spdlog::error("Kafka sink {} cannot start: {}", def->name, config.status().message());
        continue;
      }
      running_.push_back(std::make_unique<KafkaSink>(db_, def, std::move(*config)));
    } else {
      auto config = KafkaSourceConfig::FromDefinition(*def);
      if (!config.ok()) {
        spdlog::error("Kafka connector {} cannot start: {}", def->name, config.status().message());
        continue;
      }
      running_.push_back(std::make_unique<KafkaSource>(db_, def, std::move(*config)));
    }
    running_.back()->Start();
  }
  stopping_.remove_if([](const std::unique_ptr<Connector>& c) { return c->finished(); });
}

void Connectors::StopAll() {
  std::vector<std::unique_ptr<Connector>> all;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (auto& c : running_) all.push_back(std::move(c));
    for (auto& c : stopping_) all.push_back(std::move(c));
    running_.clear();
    stopping_.clear();
  }
  for (auto& c : all) c->RequestStop();
  all.clear();  // joins
}

std::vector<ConnectorInfo> Connectors::Info() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<ConnectorInfo> out;
  for (const auto& c : running_) out.push_back(c->Info());
  return out;
}

std::optional<planner::SystemRelationData> Connectors::Relation(const std::string& name) const {
  using T = TypeId;
  if (name != "connectors" && name != "source_errors") return std::nullopt;
  planner::SystemRelationData d;
  auto col = [&](const char* n, TypeId t) {
    d.names.push_back(n);
    d.types.push_back(SqlType(t));
  };
  std::vector<ConnectorInfo> infos = Info();
  if (name == "connectors") {
    col("name", T::kText);
    col("kind", T::kText);
    col("connector", T::kText);
    col("topic", T::kText);
    col("state", T::kText);
    col("records", T::kInt64);
    col("errors", T::kInt64);
    col("retries", T::kInt64);
    col("backlog", T::kInt64);  // a source: records behind; a sink: epochs behind
    col("last_error", T::kText);
    for (const auto& i : infos) {
      d.rows.push_back({Value::Text(i.name), Value::Text(i.kind), Value::Text("kafka"),
                        Value::Text(i.topic), Value::Text(i.state), Value::Int64(i.records),
                        Value::Int64(i.errors), Value::Int64(i.retries), Value::Int64(i.backlog),
                        i.last_error.empty() ? Value::Null(T::kText) : Value::Text(i.last_error)});
    }
    return d;
  }
  col("source", T::kText);
  col("partition", T::kInt32);
  col("record_offset", T::kInt64);
  col("error", T::kText);
  col("raw", T::kText);
  col("seen_at", T::kTimestampTz);
  for (const auto& def : db_.catalog().All()) {
    if (!IsKafkaConnector(*def) || def->kind == planner::RelationKind::kSink) continue;
    Status s = storage::ConnectorState::ReadErrors(
        db_.store(), def->id, [&](const storage::SourceError& e) {
          d.rows.push_back({Value::Text(def->name), Value::Int32(e.partition),
                            Value::Int64(e.offset), Value::Text(e.error), Value::Text(e.raw),
                            Value::TimestampTz(e.time_micros)});
        });
    if (!s.ok()) spdlog::warn("reading the source errors of {}: {}", def->name, s.message());
  }
  return d;
}

void Connectors::AppendConsumerLag(planner::SystemRelationData* d) const {
  for (const auto& i : Info()) {
    for (const auto& p : i.partitions) {
      int64_t lag = p.high_watermark >= 0 && p.committed >= 0
                        ? std::max<int64_t>(0, p.high_watermark - p.committed)
                        : -1;
      d->rows.push_back(
          {Value::Text(i.name), Value::Text("kafka:" + i.topic), Value::Int32(p.partition),
           p.committed >= 0 ? Value::Int64(p.committed) : Value::Null(TypeId::kInt64),
           p.high_watermark >= 0 ? Value::Int64(p.high_watermark) : Value::Null(TypeId::kInt64),
           lag >= 0 ? Value::Int64(lag) : Value::Null(TypeId::kInt64),
           Value::Null(TypeId::kInt64)});
    }
  }
}

}  // namespace freshet::engine
