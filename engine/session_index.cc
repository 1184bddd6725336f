// CREATE [UNIQUE] INDEX and DROP INDEX: secondary indexes on tables.

#include "engine/database.h"
#include "engine/session.h"
#include "storage/key_codec.h"
#include "storage/table_store.h"

namespace freshet::engine {

using planner::RelationKind;
using planner::TableDef;

namespace {

/// PostgreSQL's default index name: table_col1_col2_idx.
std::string DefaultIndexName(const TableDef& table, const std::vector<int>& columns) {
  std::string name = table.name;
  for (int c : columns) name += "_" + table.columns[c].name;
  return name + "_idx";
}

/// pg_indexes.indexdef: CREATE [UNIQUE] INDEX name ON public.table USING btree (a, b DESC).
std::string IndexDefinition(const parser::CreateIndexStatement& stmt, const std::string& name,
                            const TableDef& table, const std::vector<int>& columns) {
  std::string def = std::string("CREATE ") + (stmt.unique ? "UNIQUE " : "") + "INDEX " + name +
                    " ON public." + table.name + " USING btree (";
  for (size_t i = 0; i < columns.size(); i++) {
    if (i) def += ", ";
    def += table.columns[columns[i]].name;
    if (stmt.columns[i].descending) def += " DESC";
  }
  return def + ")";
}

}  // namespace

Status Session::HandleCreateIndex(const parser::CreateIndexStatement& stmt,
                                  pgwire::ResultSink& sink) {
  ASSIGN_OR_RETURN(auto table, FindTable(stmt.table, 0));
  if (table->kind != RelationKind::kTable && table->kind != RelationKind::kMaterializedView) {
    return Status::Error(sqlstate::kWrongObjectType,
                         "cannot create index on relation \"" + table->name + "\"")
        .WithDetail("Indexes are built on tables and materialized views.");
  }
  std::vector<int> columns;
  for (const auto& item : stmt.columns) {
    if (item.expr->kind != parser::ExprKind::kColumnRef || item.expr->names.size() != 1) {
      return Status::NotSupported("indexes on expressions are not supported yet; index columns");
    }
    int c = table->FindColumn(item.expr->names[0]);
    if (c < 0) {
      return Status::Error(sqlstate::kUndefinedColumn,
                           "column \"" + item.expr->names[0] + "\" does not exist");
    }
    columns.push_back(c);
  }
  std::string name = stmt.name.empty() ? DefaultIndexName(*table, columns) : stmt.name;
  ASSIGN_OR_RETURN(bool exists, RelationExists(name, stmt.if_not_exists, "CREATE INDEX", sink));
  if (exists) return Status::OK();  // IF NOT EXISTS: skipped
  if (table->kind == RelationKind::kMaterializedView && stmt.unique) {
    return Status::NotSupported("CREATE UNIQUE INDEX on a materialized view is not supported");
  }
  TableDef def;
  def.id = db_.catalog().AllocateId();
  def.name = name;
  def.kind = RelationKind::kIndex;
  def.on_table = table->name;
  def.depends_on.push_back(table->name);
  def.primary_key = columns;
  def.definition = IndexDefinition(stmt, name, *table, columns);
  if (stmt.unique) def.options.emplace_back("unique", "true");
  if (table->kind == RelationKind::kTable) {
    // A table's index is built from its rows now and maintained with every write after.
    TableDef::Index index{def.id, name, columns, stmt.unique};
    std::string existing;
    RETURN_IF_ERROR(storage::TableStore::Scan(
        Txn(), table->id, table->ColumnTypes(),
        [&](std::string_view key, Row& row) -> Result<bool> {
          bool unique = false;
          std::string entry = TableWriter::IndexEntryKey(index, row, std::string(key), &unique);
          if (unique) {
            ASSIGN_OR_RETURN(bool found, Txn().Get(storage::Space::kData, entry, &existing));
            if (found) {
              std::string cols, vals;
              for (size_t i = 0; i < columns.size(); i++) {
                cols += (i ? ", " : "") + table->columns[columns[i]].name;
                vals += (i ? ", " : "") + row[columns[i]].ToText();
              }
              return Status::Error(sqlstate::kUniqueViolation,
                                   "could not create unique index \"" + name + "\"")
                  .WithDetail("Key (" + cols + ")=(" + vals + ") is duplicated.");
            }
          }
          Txn().Put(storage::Space::kData, entry, key);
          return true;
        }));
    TableDef updated = *table;
    updated.indexes.push_back(std::move(index));
    RETURN_IF_ERROR(PutCatalog(updated));
    db_.catalog().Put(std::make_shared<TableDef>(std::move(updated)));
  }
  // A materialized view's index is recorded only: the view's rows are read by its key.
  RETURN_IF_ERROR(PutCatalog(def));
  db_.catalog().Put(std::make_shared<TableDef>(std::move(def)));
  sink.Complete("CREATE INDEX");
  return Status::OK();
}

Status Session::DropIndexEntries(const TableDef& index) {
  auto table = db_.catalog().Find(index.on_table);
  if (!table) return Status::OK();  // the table goes too (its rows and entries with it)
  TableDef updated = *table;
  auto it = std::find_if(updated.indexes.begin(), updated.indexes.end(),
                         [&](const TableDef::Index& i) { return i.id == index.id; });
  if (it == updated.indexes.end()) return Status::OK();  // a catalog-only index
  updated.indexes.erase(it);
  RETURN_IF_ERROR(Txn().DeleteRange(storage::Space::kData, storage::TableStore::Prefix(index.id),
                                    storage::TableStore::PrefixEnd(index.id)));
  RETURN_IF_ERROR(PutCatalog(updated));
  db_.catalog().Put(std::make_shared<TableDef>(std::move(updated)));
  return Status::OK();
}

}  // namespace freshet::engine
