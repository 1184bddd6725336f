#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "common/types.h"
#include "common/value.h"

namespace freshet::planner {

/// A column of a table or view.
struct ColumnDef {
  std::string name;
  SqlType type;
  bool not_null = false;
  std::string default_expr;  // SQL text of the DEFAULT expression, empty when none
};

enum class RelationKind : uint8_t { kTable, kView, kMaterializedView, kSource, kIndex, kSink };

/// A catalog object: a table, view, materialized view, source or index.
struct TableDef {
  uint64_t id = 0;
  std::string name;
  RelationKind kind = RelationKind::kTable;
  std::vector<ColumnDef> columns;
  /// Column indexes; empty = hidden row id. For a materialized view: a unique key of its rows
  /// when the planner knows one (its rows are stored and looked up by it).
  std::vector<int> primary_key;
  /// UNIQUE constraints (column indexes each) and the key-space id of each one's index.
  std::vector<std::vector<int>> unique_keys;
  std::vector<uint64_t> unique_ids;
  /// Secondary indexes (CREATE [UNIQUE] INDEX), maintained with every write of the row: an
  /// entry per row in key space `id`, the indexed values' key (NULLs included) followed by the
  /// row's key → the row's key; a UNIQUE index's entry for values without NULLs has no row key
  /// after them (so a second one is found by a point read).
  struct Index {
    uint64_t id = 0;
    std::string name;
    std::vector<int> columns;
    bool unique = false;
  };
  std::vector<Index> indexes;
  std::string definition;               // view query text; index: "table(col, ...)"
  std::string on_table;                 // index: the table it belongs to
  std::vector<std::string> depends_on;  // view: the relations it reads
  /// Source: WITH options (connector, partitions, ...) and the watermark ("watermark.column",
  /// "watermark.expr" as SQL text), in declaration order.
  std::vector<std::pair<std::string, std::string>> options;
  /// The value of option `key`, or `fallback`.
  std::string Option(const std::string& key, const std::string& fallback = "") const;

  /// Next hidden row id for tables without a primary key (runtime only).
  mutable std::shared_ptr<std::atomic<uint64_t>> next_row_id =
      std::make_shared<std::atomic<uint64_t>>(1);

  int FindColumn(const std::string& col) const;
  /// PostgreSQL's name for unique constraint `i` ("t_a_key", "t_a_b_key").
  std::string UniqueName(size_t i) const;
  std::vector<SqlType> ColumnTypes() const;
  /// OID exposed to clients (pg_class.oid): 16384 + id.
  uint32_t Oid() const { return static_cast<uint32_t>(16384 + id); }

  /// Serialized form for the catalog store.
  std::string Serialize() const;
  static Result<TableDef> Deserialize(std::string_view data);
};

/// The rows of a relation the engine computes when a query reads it (freshet_catalog.*).
struct SystemRelationData {
  std::vector<std::string> names;
  std::vector<SqlType> types;
  std::vector<std::vector<Value>> rows;
};
/// Produces freshet_catalog relations by name; nullopt when there is no such relation.
using SystemRelationProvider =
    std::function<std::optional<SystemRelationData>(const std::string& name)>;

/// The in-memory catalog: relations by name. Thread-safe. The persisted copy lives in
/// storage::Space::kCatalog; the engine writes both in the same transaction.
class Catalog {
 public:
  /// The engine's freshet_catalog relations (set once, before sessions start).
  void SetSystemRelations(SystemRelationProvider provider) { system_ = std::move(provider); }
  std::optional<SystemRelationData> SystemRelation(const std::string& name) const {
    if (!system_) return std::nullopt;
    return system_(name);
  }
  std::shared_ptr<const TableDef> Find(const std::string& name) const;
  std::vector<std::shared_ptr<const TableDef>> All() const;
  void Put(std::shared_ptr<const TableDef> def);
  void Remove(const std::string& name);
  void Clear();
  uint64_t AllocateId() { return next_id_.fetch_add(1); }
  void EnsureNextId(uint64_t id) {
    uint64_t cur = next_id_.load();
    while (cur <= id && !next_id_.compare_exchange_weak(cur, id + 1)) {
    }
  }
  /// Bumped on every change; lets sessions notice catalog changes.
  uint64_t version() const { return version_.load(); }

 private:
  mutable std::mutex mu_;
  std::map<std::string, std::shared_ptr<const TableDef>> by_name_;
  std::atomic<uint64_t> next_id_{1};
  std::atomic<uint64_t> version_{0};
  SystemRelationProvider system_;
};

}  // namespace freshet::planner
