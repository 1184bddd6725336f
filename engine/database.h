#pragma once

#include <memory>
#include <mutex>
#include <string>

#include "common/status.h"
#include "pgwire/backend.h"
#include "planner/catalog.h"
#include "storage/store.h"

namespace freshet::engine {

/// Owns everything a running Freshet has: the store, the catalog, and the sessions' shared
/// execution lock. Implements pgwire::Backend so the protocol layer can open sessions.
class Database : public pgwire::Backend {
 public:
  static constexpr const char* kDatabaseName = "freshet";

  /// Opens the data directory and loads the catalog.
  static Result<std::unique_ptr<Database>> Open(const std::string& data_dir);

  Result<std::unique_ptr<pgwire::BackendSession>> StartSession(
      const std::vector<std::pair<std::string, std::string>>& params) override;

  storage::Store& store() { return *store_; }
  planner::Catalog& catalog() { return catalog_; }
  /// Statements run one at a time (the batch engine is single-writer for now).
  std::mutex& exec_mutex() { return exec_mu_; }
  /// Re-reads the catalog from the store (after a rolled-back DDL).
  Status ReloadCatalog();

 private:
  std::unique_ptr<storage::Store> store_;
  planner::Catalog catalog_;
  std::mutex exec_mu_;
};

}  // namespace freshet::engine
