#include <gtest/gtest.h>

#include <filesystem>
#include <random>

#include "storage/key_codec.h"
#include "storage/log.h"
#include "storage/row_codec.h"
#include "storage/store.h"
#include "storage/table_store.h"

namespace freshet::storage {
namespace {

std::string TempDir() {
  static std::mt19937_64 rng(std::random_device{}());
  std::string dir =
      std::filesystem::temp_directory_path() / ("freshet-storage-test-" + std::to_string(rng()));
  std::filesystem::remove_all(dir);
  return dir;
}

std::string Key(const Value& v, bool desc = false) {
  std::string k;
  KeyCodec::AppendValue(&k, v, desc);
  return k;
}

TEST(KeyCodecTest, IntegersSortInSqlOrder) {
  std::vector<int64_t> values = {INT64_MIN, -1000, -1, 0, 1, 7, 1000, INT64_MAX};
  for (size_t i = 1; i < values.size(); i++) {
    EXPECT_LT(Key(Value::Int64(values[i - 1])), Key(Value::Int64(values[i]))) << values[i];
    EXPECT_GT(Key(Value::Int64(values[i - 1]), true), Key(Value::Int64(values[i]), true));
  }
}

TEST(KeyCodecTest, NullsSortLastAndStringsWithZerosKeepOrder) {
  EXPECT_LT(Key(Value::Int32(INT32_MAX)), Key(Value::Null(TypeId::kInt32)));
  std::string a("a\0b", 3), b("a\0c", 3), c("a");
  EXPECT_LT(Key(Value::Text(c)), Key(Value::Text(a)));
  EXPECT_LT(Key(Value::Text(a)), Key(Value::Text(b)));
  EXPECT_LT(Key(Value::Float64(-1.5)), Key(Value::Float64(-0.0)));
  EXPECT_EQ(Key(Value::Float64(-0.0)), Key(Value::Float64(0.0)));
  EXPECT_LT(Key(Value::Float64(0.25)), Key(Value::Float64(1e300)));
}

TEST(KeyCodecTest, RoundTripsEveryType) {
  std::vector<Value> values = {Value::Int64(-42),
                               Value::Text(std::string("x\0y", 3)),
                               Value::Float64(-2.5),
                               Value::Numeric(Decimal(12345, 2)),
                               Value::Bool(true),
                               Value::Null(TypeId::kText),
                               Value::MakeInterval({1, -2, 3000000}),
                               Value::Timestamp(123456789)};
  std::string key;
  for (const auto& v : values) KeyCodec::AppendValue(&key, v);
  std::string_view in = key;
  for (const auto& v : values) {
    Value out;
    ASSERT_TRUE(KeyCodec::DecodeValue(&in, v.type(), &out).ok());
    EXPECT_EQ(Value::Compare(v, out), 0) << v.ToString() << " vs " << out.ToString();
  }
  EXPECT_TRUE(in.empty());
  std::string_view truncated = std::string_view(key).substr(0, 3);
  Value out;
  EXPECT_EQ(KeyCodec::DecodeValue(&truncated, SqlType(TypeId::kInt64), &out).sqlstate(),
            sqlstate::kDataCorrupted);
}

TEST(RowCodecTest, RoundTripAndMissingTrailingColumns) {
  Row row = {Value::Int32(7), Value::Text("hello"), Value::Null(TypeId::kFloat64),
             Value::Numeric(Decimal(-5, 1)), Value::Date(100)};
  std::string enc;
  RowCodec::Encode(row, &enc);
  std::vector<SqlType> types;
  for (const auto& v : row) types.push_back(v.type());
  types.push_back(TypeId::kText);  // a column added later
  Row out;
  ASSERT_TRUE(RowCodec::Decode(enc, types, &out).ok());
  ASSERT_EQ(out.size(), 6u);
  for (size_t i = 0; i < row.size(); i++) EXPECT_EQ(Value::Compare(row[i], out[i]), 0);
  EXPECT_TRUE(out[5].is_null());
  EXPECT_FALSE(RowCodec::Decode(enc.substr(0, enc.size() - 2), types, &out).ok());
}

TEST(StoreTest, CommittedWritesSurviveReopenAndRollbackLeavesNothing) {
  std::string dir = TempDir();
  {
    auto store = Store::Open(dir);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    auto txn = (*store)->Begin();
    txn->Put(Space::kData, "k1", "v1");
    std::string v;
    auto seen = txn->Get(Space::kData, "k1", &v);
    ASSERT_TRUE(seen.ok());
    EXPECT_TRUE(*seen) << "a transaction reads its own writes";
    ASSERT_TRUE(txn->Commit().ok());
    auto txn2 = (*store)->Begin();
    txn2->Put(Space::kData, "k2", "v2");
    txn2->Rollback();
  }
  auto store = Store::Open(dir);
  ASSERT_TRUE(store.ok());
  std::string v;
  EXPECT_TRUE(*(*store)->Get(Space::kData, "k1", &v));
  EXPECT_EQ(v, "v1");
  EXPECT_FALSE(*(*store)->Get(Space::kData, "k2", &v));
  std::filesystem::remove_all(dir);
}

TEST(StoreTest, ConcurrentWritersConflictWith40001) {
  std::string dir = TempDir();
  auto store = Store::Open(dir);
  ASSERT_TRUE(store.ok());
  auto a = (*store)->Begin();
  auto b = (*store)->Begin();
  std::string v;
  ASSERT_TRUE(a->Get(Space::kData, "row", &v).ok());
  ASSERT_TRUE(b->Get(Space::kData, "row", &v).ok());
  a->Put(Space::kData, "row", "a");
  b->Put(Space::kData, "row", "b");
  ASSERT_TRUE(a->Commit().ok());
  EXPECT_EQ(b->Commit().sqlstate(), "40001");
  std::filesystem::remove_all(dir);
}

TEST(StoreTest, RefusesAnotherFormatVersion) {
  std::string dir = TempDir();
  {
    auto store = Store::Open(dir);
    ASSERT_TRUE(store.ok());
    ASSERT_TRUE((*store)->Put(Space::kMeta, "format_version", "999").ok());
  }
  auto store = Store::Open(dir);
  ASSERT_FALSE(store.ok());
  EXPECT_NE(store.status().message().find("format version 999"), std::string::npos);
  std::filesystem::remove_all(dir);
}

TEST(StoreTest, CorruptDirectoryIsAnErrorNotACrash) {
  std::string dir = TempDir();
  {
    auto store = Store::Open(dir);
    ASSERT_TRUE(store.ok());
  }
  for (const auto& entry : std::filesystem::directory_iterator(dir + "/rocksdb")) {
    if (entry.path().filename().string().rfind("CURRENT", 0) == 0) {
      std::FILE* f = std::fopen(entry.path().c_str(), "w");
      std::fputs("garbage-manifest\n", f);
      std::fclose(f);
    }
  }
  auto store = Store::Open(dir);
  EXPECT_FALSE(store.ok());
  std::filesystem::remove_all(dir);
}

TEST(TableStoreTest, ScanSeesOnlyItsTableInKeyOrder) {
  std::string dir = TempDir();
  auto store = Store::Open(dir);
  ASSERT_TRUE(store.ok());
  auto txn = (*store)->Begin();
  std::vector<SqlType> types = {TypeId::kInt32, TypeId::kText};
  for (int id : {3, 1, 2}) {
    Row r = {Value::Int32(id), Value::Text("t" + std::to_string(id))};
    TableStore::Put(*txn, TableStore::PrimaryKey(5, r, {0}), r);
  }
  Row other = {Value::Int32(0), Value::Text("other table")};
  TableStore::Put(*txn, TableStore::PrimaryKey(6, other, {0}), other);
  std::vector<int64_t> seen;
  ASSERT_TRUE(TableStore::Scan(*txn, 5, types, [&](std::string_view, Row& row) -> Result<bool> {
                seen.push_back(row[0].GetInt());
                return true;
              }).ok());
  EXPECT_EQ(seen, (std::vector<int64_t>{1, 2, 3}));
  ASSERT_TRUE(txn->Commit().ok());
  std::filesystem::remove_all(dir);
}

TEST(LogTest, EpochSnapshotsStopAtWholePublicationsWithinTheirBudget) {
  std::string dir = TempDir();
  {
    auto store = Store::Open(dir);
    ASSERT_TRUE(store.ok());
    Log log(**store);
    ASSERT_TRUE(log.OpenTopic(1, 2).ok());
    ASSERT_TRUE(log.OpenTopic(2, 1).ok());
    const TopicPartition a0{1, 0}, a1{1, 1}, b0{2, 0};
    const std::vector<TopicPartition> tps = {a0, a1, b0};
    uint64_t s1 = log.Publish({{a0, 10}}, 100);
    uint64_t s2 = log.Publish({{a1, 5}, {b0, 7}}, 200);  // one transaction over two topics
    uint64_t s3 = log.Publish({{a0, 20}}, 300);
    EXPECT_EQ(log.PendingBytes(), 600u);
    std::vector<uint64_t> ends;
    // 250 bytes: the first publication only — the second would be cut in half otherwise.
    EXPECT_EQ(log.SnapshotBounded(tps, 250, &ends), s1);
    EXPECT_EQ(ends, (std::vector<uint64_t>{10, 0, 0}));
    EXPECT_EQ(log.SnapshotBounded(tps, 300, &ends), s2);
    EXPECT_EQ(ends, (std::vector<uint64_t>{10, 5, 7}));
    // A budget smaller than one publication still makes progress.
    EXPECT_EQ(log.SnapshotBounded(tps, 0, &ends), s1);
    EXPECT_EQ(log.SnapshotBounded(tps, UINT64_MAX, &ends), s3);
    EXPECT_EQ(ends, (std::vector<uint64_t>{20, 5, 7}));
    // Trimmed publications stop counting; their ends are the base of the next snapshot.
    log.Trim(s2);
    EXPECT_EQ(log.PendingBytes(), 300u);
    EXPECT_EQ(log.SnapshotBounded(tps, 1, &ends), s3);
    EXPECT_EQ(ends, (std::vector<uint64_t>{20, 5, 7}));
    // Writers wait for room: cancelled while the log is over its bound, through once under it.
    std::atomic<bool> cancel{true};
    EXPECT_EQ(log.WaitForRoom(100, &cancel, 0).sqlstate(), "57014");
    log.Trim(s3);
    EXPECT_EQ(log.PendingBytes(), 0u);
    EXPECT_TRUE(log.WaitForRoom(100, &cancel, 0).ok());
  }
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace freshet::storage
