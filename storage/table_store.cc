#include "storage/table_store.h"

#include <algorithm>

#include "storage/key_codec.h"
#include "storage/row_codec.h"

namespace freshet::storage {

std::string TableStore::Prefix(uint64_t table_id) {
  std::string k;
  KeyCodec::AppendU64(&k, table_id);
  return k;
}

std::string TableStore::PrefixEnd(uint64_t table_id) { return Prefix(table_id + 1); }

std::string TableStore::PrimaryKey(uint64_t table_id, const Row& row, const std::vector<int>& pk) {
  std::string k = Prefix(table_id);
  for (int c : pk) KeyCodec::AppendValue(&k, row[c]);
  return k;
}

std::optional<std::string> TableStore::UniqueKey(uint64_t index_id, const Row& row,
                                                 const std::vector<int>& cols) {
  std::string k = Prefix(index_id);
  for (int c : cols) {
    if (row[c].is_null()) return std::nullopt;
    KeyCodec::AppendValue(&k, row[c]);
  }
  return k;
}

std::string TableStore::RowIdKey(uint64_t table_id, uint64_t row_id) {
  std::string k = Prefix(table_id);
  KeyCodec::AppendU64(&k, row_id);
  return k;
}

Result<uint64_t> TableStore::MaxRowId(Store& store, uint64_t table_id) {
  uint64_t max_id = 0;
  RETURN_IF_ERROR(store.Scan(Space::kData, Prefix(table_id), PrefixEnd(table_id),
                             [&](std::string_view key, std::string_view) {
                               if (key.size() == 16) {
                                 uint64_t id = KeyCodec::DecodeU64(key.substr(8));
                                 if (id > max_id) max_id = id;
                               }
                               return true;
                             }));
  return max_id;
}

Status TableStore::Scan(Transaction& txn, uint64_t table_id, const std::vector<SqlType>& types,
                        const std::function<Result<bool>(std::string_view, Row&)>& visit,
                        const std::vector<bool>* columns) {
  return ScanRange(txn, Prefix(table_id), PrefixEnd(table_id), types, visit, columns);
}

Status TableStore::ScanRange(Transaction& txn, std::string_view begin, std::string_view end,
                             const std::vector<SqlType>& types,
                             const std::function<Result<bool>(std::string_view, Row&)>& visit,
                             const std::vector<bool>* columns) {
  auto cursor = txn.Scan(Space::kData, begin, end);
  Row row;
  // No column read (count(*)): the rows need no decoding.
  bool none = columns && std::none_of(columns->begin(), columns->end(), [](bool b) { return b; });
  for (; cursor->Valid(); cursor->Next()) {
    if (none) {
      if (row.size() != types.size()) {
        row.clear();
        for (const SqlType& t : types) row.push_back(Value::Null(t));
      }
      ASSIGN_OR_RETURN(bool more, visit(cursor->key(), row));
      if (!more) break;
      continue;
    }
    RETURN_IF_ERROR(RowCodec::Decode(cursor->value(), types, &row, columns));
    ASSIGN_OR_RETURN(bool more, visit(cursor->key(), row));
    if (!more) break;
  }
  return cursor->status();
}

Status TableStore::ScanChunks(Transaction& txn, std::string_view begin, std::string_view end,
                              const std::vector<bool>* columns, StreamChunk* chunk,
                              const std::function<Result<bool>(const StreamChunk&)>& visit) {
  auto cursor = txn.Scan(Space::kData, begin, end);
  bool none = columns && std::none_of(columns->begin(), columns->end(), [](bool b) { return b; });
  const size_t cols = chunk->column_count();
  // Vectors are sized for a whole chunk once and rows decoded into their slots; the chunk is
  // cut to the rows it got before it is visited.
  size_t n = 0;
  auto start = [&] {
    chunk->Reset();
    for (size_t c = 0; c < cols; c++) chunk->column(c).Resize(StreamChunk::kChunkSize);
    n = 0;
  };
  auto emit = [&]() -> Result<bool> {
    for (size_t c = 0; c < cols; c++) chunk->column(c).Resize(n);
    chunk->SetSize(n);
    return visit(*chunk);
  };
  start();
  for (; cursor->Valid(); cursor->Next()) {
    if (!none)
      RETURN_IF_ERROR(RowCodec::DecodeColumns(cursor->value(), chunk, 0, cols, n, columns));
    if (++n == StreamChunk::kChunkSize) {
      ASSIGN_OR_RETURN(bool more, emit());
      if (!more) return cursor->status();
      start();
    }
  }
  RETURN_IF_ERROR(cursor->status());
  if (n > 0) {
    ASSIGN_OR_RETURN(bool more, emit());
    (void)more;
  }
  return Status::OK();
}

Result<bool> TableStore::Get(Transaction& txn, std::string_view key,
                             const std::vector<SqlType>& types, Row* row,
                             const std::vector<bool>* columns) {
  std::string value;
  ASSIGN_OR_RETURN(bool found, txn.Get(Space::kData, key, &value));
  if (!found) return false;
  RETURN_IF_ERROR(RowCodec::Decode(value, types, row, columns));
  return true;
}

void TableStore::Put(Transaction& txn, std::string_view key, const Row& row) {
  std::string value;
  RowCodec::Encode(row, &value);
  txn.Put(Space::kData, key, value);
}

}  // namespace freshet::storage
