#include "engine/database.h"

#include "engine/session.h"
#include "storage/key_codec.h"
#include "storage/table_store.h"

namespace freshet::engine {

Result<std::unique_ptr<Database>> Database::Open(const std::string& data_dir) {
  auto db = std::unique_ptr<Database>(new Database());
  ASSIGN_OR_RETURN(db->store_, storage::Store::Open(data_dir));
  RETURN_IF_ERROR(db->ReloadCatalog());
  return db;
}

Status Database::ReloadCatalog() {
  std::vector<planner::TableDef> defs;
  Status decode_status;
  RETURN_IF_ERROR(
      store_->Scan(storage::Space::kCatalog, "", "", [&](std::string_view, std::string_view value) {
        auto def = planner::TableDef::Deserialize(value);
        if (!def.ok()) {
          decode_status = def.status();
          return false;
        }
        defs.push_back(std::move(*def));
        return true;
      }));
  RETURN_IF_ERROR(decode_status);
  catalog_.Clear();
  for (auto& def : defs) {
    if (def.kind == planner::RelationKind::kTable && def.primary_key.empty()) {
      ASSIGN_OR_RETURN(uint64_t max_id, storage::TableStore::MaxRowId(*store_, def.id));
      def.next_row_id->store(max_id + 1);
    }
    catalog_.Put(std::make_shared<planner::TableDef>(std::move(def)));
  }
  return Status::OK();
}

Result<std::unique_ptr<pgwire::BackendSession>> Database::StartSession(
    const std::vector<std::pair<std::string, std::string>>& params) {
  std::string user = "freshet", database;
  for (const auto& [k, v] : params) {
    if (k == "user") user = v;
    if (k == "database") database = v;
  }
  if (database.empty()) database = user;
  if (database != kDatabaseName) {
    return Status::Error(sqlstate::kInvalidCatalogName,
                         "database \"" + database + "\" does not exist");
  }
  return std::unique_ptr<pgwire::BackendSession>(new Session(*this, user, params));
}

}  // namespace freshet::engine
