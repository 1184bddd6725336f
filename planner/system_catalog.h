#pragma once

#include <memory>
#include <string>

#include "common/status.h"
#include "planner/catalog.h"
#include "planner/logical_plan.h"

namespace freshet::planner {

/// The PostgreSQL system relations that clients introspect (pg_catalog.pg_class, pg_attribute,
/// pg_type, pg_namespace, ..., information_schema.tables/columns), produced from Freshet's
/// catalog at bind time as constant relations. Relations psql and drivers query but Freshet has
/// nothing for (policies, publications, inheritance, ...) exist and are empty.
class SystemCatalog {
 public:
  /// pg_database.oid of the one database.
  static constexpr int64_t kDatabaseOid = 16383;
  /// The plan for `schema.name` ("" schema: pg_catalog), or nullptr when it is not a system
  /// relation.
  static std::unique_ptr<LogicalPlan> Relation(const std::string& schema, const std::string& name,
                                               const Catalog& catalog);
  /// A constant relation holding rows the engine computed (freshet_catalog.*).
  static std::unique_ptr<LogicalPlan> FromData(const SystemRelationData& data);
  /// OID of the namespace "public" and "pg_catalog" (as PostgreSQL's).
  /// The OID of a schema ("pg_catalog", "public", "information_schema"), -1 for none.
  static int64_t NamespaceOid(const std::string& name);
  static constexpr int64_t kPublicNamespace = 2200;
  static constexpr int64_t kCatalogNamespace = 11;
};

}  // namespace freshet::planner
