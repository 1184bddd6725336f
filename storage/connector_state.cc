#include "storage/connector_state.h"

#include "storage/key_codec.h"
#include "storage/row_codec.h"

namespace freshet::storage {

namespace {
constexpr std::string_view kConnectorPrefix = "connector/";
const std::vector<SqlType> kErrorTypes = {SqlType(TypeId::kInt32), SqlType(TypeId::kInt64),
                                          SqlType(TypeId::kTimestampTz), SqlType(TypeId::kText),
                                          SqlType(TypeId::kBytea)};
}  // namespace

std::string ConnectorState::Prefix(uint64_t connector, char kind) {
  std::string key(kConnectorPrefix);
  KeyCodec::AppendU64(&key, connector);
  key.push_back(kind);
  return key;
}

void ConnectorState::PutOffset(Transaction& txn, uint64_t connector, int32_t partition,
                               int64_t next_offset) {
  std::string key = Prefix(connector, 'o');
  KeyCodec::AppendU64(&key, static_cast<uint32_t>(partition));
  std::string value;
  KeyCodec::AppendU64(&value, static_cast<uint64_t>(next_offset));
  txn.Put(Space::kMeta, key, value);
}

Result<std::map<int32_t, int64_t>> ConnectorState::ReadOffsets(Store& store, uint64_t connector) {
  std::map<int32_t, int64_t> out;
  std::string prefix = Prefix(connector, 'o');
  RETURN_IF_ERROR(
      store.Scan(Space::kMeta, prefix, KeyCodec::PrefixSuccessor(prefix),
                 [&](std::string_view key, std::string_view value) {
                   if (key.size() == prefix.size() + 8 && value.size() == 8) {
                     out[static_cast<int32_t>(KeyCodec::DecodeU64(key.substr(prefix.size())))] =
                         static_cast<int64_t>(KeyCodec::DecodeU64(value));
                   }
                   return true;
                 }));
  return out;
}

Status ConnectorState::PutError(Transaction& txn, uint64_t connector, const SourceError& e) {
  std::string key = Prefix(connector, 'e');
  KeyCodec::AppendU64(&key, e.seq);
  std::string value;
  RowCodec::Encode({Value::Int32(e.partition), Value::Int64(e.offset),
                    Value::TimestampTz(e.time_micros), Value::Text(e.error), Value::Bytea(e.raw)},
                   &value);
  txn.Put(Space::kMeta, key, value);
  if (e.seq > kMaxErrors) {
    std::string begin = Prefix(connector, 'e'), end = begin;
    KeyCodec::AppendU64(&end, e.seq - kMaxErrors + 1);
    return txn.DeleteRange(Space::kMeta, begin, end);
  }
  return Status::OK();
}

Result<uint64_t> ConnectorState::LastErrorSeq(Store& store, uint64_t connector) {
  uint64_t last = 0;
  RETURN_IF_ERROR(ReadErrors(store, connector, [&](const SourceError& e) { last = e.seq; }));
  return last;
}

Status ConnectorState::ReadErrors(Store& store, uint64_t connector,
                                  const std::function<void(const SourceError&)>& visit) {
  std::string prefix = Prefix(connector, 'e');
  Status decode;
  Row row;
  RETURN_IF_ERROR(store.Scan(Space::kMeta, prefix, KeyCodec::PrefixSuccessor(prefix),
                             [&](std::string_view key, std::string_view value) {
                               decode = RowCodec::Decode(value, kErrorTypes, &row);
                               if (!decode.ok()) return false;
                               SourceError e;
                               e.seq = KeyCodec::DecodeU64(key.substr(prefix.size()));
                               e.partition = static_cast<int32_t>(row[0].GetInt());
                               e.offset = row[1].GetInt();
                               e.time_micros = row[2].GetInt();
                               e.error = row[3].GetString();
                               e.raw = row[4].GetString();
                               visit(e);
                               return true;
                             }));
  return decode;
}

Status ConnectorState::DeleteAll(Transaction& txn, uint64_t connector) {
  std::string prefix(kConnectorPrefix);
  KeyCodec::AppendU64(&prefix, connector);
  return txn.DeleteRange(Space::kMeta, prefix, KeyCodec::PrefixSuccessor(prefix));
}

}  // namespace freshet::storage
