#pragma once

#include <list>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "engine/connector.h"
#include "planner/catalog.h"

namespace freshet::engine {

class Database;

/// The connectors between Freshet and external systems (Kafka sources, tables and sinks): one
/// running connector per catalog relation that has one. Reconcile brings the set in line with the
/// catalog — started for new relations, asked to stop for dropped ones — without waiting for a
/// stopping thread (which may wait for the statement lock the caller holds); stopped threads
/// are joined by a later Reconcile or by StopAll. Thread-safe.
class Connectors {
 public:
  explicit Connectors(Database& db) : db_(db) {}
  ~Connectors() { StopAll(); }

  /// Starts and stops connectors to match the catalog.
  void Reconcile();
  /// Stops and joins every connector (shutdown).
  void StopAll();
  /// What each running connector reports.
  std::vector<ConnectorInfo> Info() const;
  /// freshet_catalog.connectors (one row per connector: state, counts, last error) and
  /// freshet_catalog.source_errors (the records they could not ingest); nullopt for other names.
  std::optional<planner::SystemRelationData> Relation(const std::string& name) const;
  /// Adds consumer_lag's rows for the connectors' external partitions: the relation, the
  /// external topic ("kafka:" + name), the partition, the committed next offset, the high
  /// watermark and the lag (columns as Database's consumer_lag).
  void AppendConsumerLag(planner::SystemRelationData* d) const;

 private:
  Database& db_;
  mutable std::mutex mu_;
  std::vector<std::unique_ptr<Connector>> running_;
  std::list<std::unique_ptr<Connector>> stopping_;
};

}  // namespace freshet::engine
