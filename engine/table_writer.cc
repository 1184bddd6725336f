#include "engine/table_writer.h"

#include "common/vector.h"
#include "storage/key_codec.h"
#include "storage/table_store.h"

namespace freshet::engine {

namespace {

std::string KeyDescription(const planner::TableDef& table, const Row& row,
                           const std::vector<int>& key_columns) {
  std::string cols, vals;
  for (size_t i = 0; i < key_columns.size(); i++) {
    if (i) {
      cols += ", ";
      vals += ", ";
    }
    cols += table.columns[key_columns[i]].name;
    const Value& v = row[key_columns[i]];
    vals += v.is_null() ? "null" : v.ToText();
  }
  return "Key (" + cols + ")=(" + vals + ") already exists.";
}

/// What every row written to a table must satisfy: NOT NULL columns hold values (23502), and
/// each value is stored as its column's type — a mismatch is a binder bug, refused here as XX000
/// instead of being written as bytes no read could decode.
Status CheckStoredRow(const planner::TableDef& table, const Row& row) {
  if (row.size() != table.columns.size()) {
    return Status::Internal("row of " + std::to_string(row.size()) + " values for relation \"" +
                            table.name + "\" of " + std::to_string(table.columns.size()) +
                            " columns");
  }
  for (size_t i = 0; i < table.columns.size(); i++) {
    const auto& col = table.columns[i];
    if (row[i].is_null()) {
      if (col.not_null) {
        return Status::Error(sqlstate::kNotNullViolation, "null value in column \"" + col.name +
                                                              "\" of relation \"" + table.name +
                                                              "\" violates not-null constraint");
      }
      continue;
    }
    if (PhysicalTypeOf(row[i].type().id) != PhysicalTypeOf(col.type.id)) {
      return Status::Internal("value of type " + row[i].type().ToString() + " for column \"" +
                              col.name + "\" of type " + col.type.ToString());
    }
  }
  return Status::OK();
}

/// FNV-1a over the canonical encoding: the same key always reaches the same partition.
uint64_t PartitionHash(const Value& v) {
  std::string key;
  AppendHashKey(v, &key);
  uint64_t h = 1469598103934665603ULL;
  for (unsigned char c : key) h = (h ^ c) * 1099511628211ULL;
  return h;
}

}  // namespace

Status TableWriter::Insert(WriteTransaction& txn, const planner::TableDef& table, Row row) {
  if (table.kind == planner::RelationKind::kSource) return AppendToSource(txn, table, row);
  RETURN_IF_ERROR(txn.NoteTable(table));
  RETURN_IF_ERROR(CheckStoredRow(table, row));
  std::string key;
  if (table.primary_key.empty()) {
    key = storage::TableStore::RowIdKey(table.id, table.next_row_id->fetch_add(1));
  } else {
    key = storage::TableStore::PrimaryKey(table.id, row, table.primary_key);
    std::string existing;
    ASSIGN_OR_RETURN(bool found, txn.storage().Get(storage::Space::kData, key, &existing));
    if (found) {
      return Status::Error(
                 sqlstate::kUniqueViolation,
                 "duplicate key value violates unique constraint \"" + table.name + "_pkey\"")
          .WithDetail(KeyDescription(table, row, table.primary_key));
    }
  }
  RETURN_IF_ERROR(PutIndexEntries(txn, table, key, row));
  storage::TableStore::Put(txn.storage(), key, row);
  txn.RecordChange(table, row, 1);
  return Status::OK();
}

Status TableWriter::PutIndexEntries(WriteTransaction& txn, const planner::TableDef& table,
                                    const std::string& key, const Row& row) {
  auto duplicate = [&](const std::string& constraint, const std::vector<int>& columns) {
    return Status::Error(sqlstate::kUniqueViolation,
                         "duplicate key value violates unique constraint \"" + constraint + "\"")
        .WithDetail(KeyDescription(table, row, columns));
  };
  std::string existing;
  for (size_t i = 0; i < table.unique_keys.size(); i++) {
    auto entry = storage::TableStore::UniqueKey(table.unique_ids[i], row, table.unique_keys[i]);
    if (!entry) continue;
    ASSIGN_OR_RETURN(bool found, txn.storage().Get(storage::Space::kData, *entry, &existing));
    if (found) return duplicate(table.UniqueName(i), table.unique_keys[i]);
    txn.storage().Put(storage::Space::kData, *entry, key);
  }
  for (const auto& index : table.indexes) {
    bool unique = false;
    std::string entry = IndexEntryKey(index, row, key, &unique);
    if (unique) {
      ASSIGN_OR_RETURN(bool found, txn.storage().Get(storage::Space::kData, entry, &existing));
      if (found) return duplicate(index.name, index.columns);
    }
    txn.storage().Put(storage::Space::kData, entry, key);
  }
  return Status::OK();
}

std::string TableWriter::IndexEntryKey(const planner::TableDef::Index& index, const Row& row,
                                       const std::string& key, bool* unique_entry) {
  std::string entry = storage::TableStore::Prefix(index.id);
  bool has_null = false;
  for (int c : index.columns) {
    has_null |= row[c].is_null();
    storage::KeyCodec::AppendValue(&entry, row[c]);
  }
  // NULLs are never equal: such an entry is as a non-unique index's, made distinct by the key.
  bool unique = index.unique && !has_null;
  if (!unique) entry.append(key);
  if (unique_entry) *unique_entry = unique;
  return entry;
}

void TableWriter::DeleteIndexEntries(WriteTransaction& txn, const planner::TableDef& table,
                                     const std::string& key, const Row& row) {
  for (size_t i = 0; i < table.unique_keys.size(); i++) {
    auto entry = storage::TableStore::UniqueKey(table.unique_ids[i], row, table.unique_keys[i]);
    if (entry) txn.storage().Delete(storage::Space::kData, *entry);
  }
  for (const auto& index : table.indexes) {
    txn.storage().Delete(storage::Space::kData, IndexEntryKey(index, row, key));
  }
}

Status TableWriter::Delete(WriteTransaction& txn, const planner::TableDef& table,
                           const std::string& key, const Row& row) {
  RETURN_IF_ERROR(txn.NoteTable(table));
  DeleteIndexEntries(txn, table, key, row);
  txn.storage().Delete(storage::Space::kData, key);
  txn.RecordChange(table, row, -1);
  return Status::OK();
}

Status TableWriter::Replace(WriteTransaction& txn, const planner::TableDef& table,
                            const std::string& key, const Row& old_row, Row new_row) {
  if (!table.primary_key.empty()) {
    RETURN_IF_ERROR(Delete(txn, table, key, old_row));
    return Insert(txn, table, std::move(new_row));
  }
  // Hidden row id: the row keeps its key.
  RETURN_IF_ERROR(CheckStoredRow(table, new_row));
  RETURN_IF_ERROR(Delete(txn, table, key, old_row));
  RETURN_IF_ERROR(PutIndexEntries(txn, table, key, new_row));
  storage::TableStore::Put(txn.storage(), key, new_row);
  txn.RecordChange(table, new_row, 1);
  return Status::OK();
}

Status TableWriter::AppendToSource(WriteTransaction& txn, const planner::TableDef& source,
                                   const Row& row) {
  if (source.Option("connector", "log") != "log") {
    return Status::Error(sqlstate::kWrongObjectType, "cannot insert into source \"" + source.name +
                                                         "\": its rows come from its '" +
                                                         source.Option("connector") +
                                                         "' connector");
  }
  uint32_t partitions = log_.PartitionCount(source.id);
  if (partitions == 0) return Status::Internal("source without a topic");
  uint32_t p;
  std::string key = source.Option("partition.key");
  if (!key.empty()) {
    p = static_cast<uint32_t>(PartitionHash(row[source.FindColumn(key)]) % partitions);
  } else {
    p = round_robin_[source.id]++ % partitions;
  }
  return AppendToPartition(txn, source, p, EventTimeColumn(source), row);
}

int TableWriter::EventTimeColumn(const planner::TableDef& source) {
  std::string wm = source.Option("watermark.column");
  return wm.empty() ? -1 : source.FindColumn(wm);
}

Status TableWriter::AppendToPartition(WriteTransaction& txn, const planner::TableDef& source,
                                      uint32_t partition, int event_time_column, const Row& row) {
  for (size_t i = 0; i < source.columns.size(); i++) {
    if (row[i].is_null() && source.columns[i].not_null) {
      return Status::Error(sqlstate::kNotNullViolation, "null value in column \"" +
                                                            source.columns[i].name +
                                                            "\" of relation \"" + source.name +
                                                            "\" violates not-null constraint");
    }
  }
  int64_t event_time = 0;
  if (event_time_column >= 0) {
    const Value& v = row[event_time_column];
    if (!v.is_null()) event_time = v.GetInt();
  }
  txn.Append(storage::TopicPartition{source.id, partition}, row, 1, event_time);
  return Status::OK();
}

Status TableWriter::DeleteAll(WriteTransaction& txn, const planner::TableDef& def, bool record) {
  if (record) {
    // The changelog sees every row go.
    RETURN_IF_ERROR(storage::TableStore::Scan(txn.storage(), def.id, def.ColumnTypes(),
                                              [&](std::string_view, Row& row) -> Result<bool> {
                                                txn.RecordChange(def, row, -1);
                                                return true;
                                              }));
  }
  std::vector<uint64_t> spaces = def.unique_ids;
  for (const auto& index : def.indexes) spaces.push_back(index.id);
  spaces.push_back(def.id);
  for (uint64_t id : spaces) {
    RETURN_IF_ERROR(txn.storage().DeleteRange(storage::Space::kData,
                                              storage::TableStore::Prefix(id),
                                              storage::TableStore::PrefixEnd(id)));
  }
  return Status::OK();
}

}  // namespace freshet::engine
