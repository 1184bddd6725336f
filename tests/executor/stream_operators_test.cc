// Stream operators fed chunk by chunk with barriers: emitted changes and state, including
// retractions and restore from persisted state.

#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <random>

#include "executor/counting_op.h"
#include "executor/stream_operator.h"

namespace freshet::executor {
namespace {

/// Collects what reaches it as a multiset of "v1|v2" -> net weight.
class CaptureOp : public StreamOperator {
 public:
  explicit CaptureOp(EpochContext& ctx) : StreamOperator(ctx, 1) {}
  Status Push(int, StreamChunk& chunk) override {
    for (size_t i = 0; i < chunk.size(); i++) {
      std::string line;
      for (size_t c = 0; c < chunk.column_count(); c++) {
        if (c) line += "|";
        Value v = chunk.column(c).GetValue(i);
        line += v.is_null() ? "NULL" : v.ToText();
      }
      rows[line] += chunk.weight(i);
      if (rows[line] == 0) rows.erase(line);
    }
    return Status::OK();
  }
  std::string Describe() const override { return "Capture"; }
  std::map<std::string, int64_t> rows;
};

/// Feeds pushes into port `port` of an operator from outside (a stand-in for an input).
class FeedOp : public StreamOperator {
 public:
  explicit FeedOp(EpochContext& ctx) : StreamOperator(ctx, 0) {}
  Status Push(int, StreamChunk& chunk) override { return Emit(chunk); }
  Status SendBarrier() { return ForwardBarrier(); }
  std::string Describe() const override { return "Feed"; }
};

class StreamOpsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    static std::mt19937_64 rng(std::random_device{}());
    dir_ = std::filesystem::temp_directory_path() / ("freshet-ops-test-" + std::to_string(rng()));
    auto store = storage::Store::Open(dir_);
    ASSERT_TRUE(store.ok());
    store_ = std::move(*store);
    batch_ = std::make_unique<storage::WriteBatch>(*store_);
    ctx_.batch = batch_.get();
  }
  void TearDown() override {
    batch_.reset();
    store_.reset();
    std::filesystem::remove_all(dir_);
  }
  /// Commits the epoch's state changes.
  void Commit() {
    ASSERT_TRUE(store_->Write(*batch_, false).ok());
    batch_->Clear();
  }
  static StreamChunk Ints(std::initializer_list<std::pair<int64_t, int64_t>> rows) {
    StreamChunk c({SqlType(TypeId::kInt32)});
    for (auto [v, w] : rows) c.AppendValues({Value::Int32(static_cast<int32_t>(v))}, w);
    return c;
  }

  std::string dir_;
  std::unique_ptr<storage::Store> store_;
  std::unique_ptr<storage::WriteBatch> batch_;
  EpochContext ctx_;
};

TEST_F(StreamOpsTest, ExceptKeepsLeftRowsAbsentOnTheRight) {
  FeedOp left(ctx_), right(ctx_);
  CountingOp except(ctx_, CountingOp::Mode::kExcept, {SqlType(TypeId::kInt32)}, 7);
  CaptureOp out(ctx_);
  except.AddInput(&left);
  except.AddInput(&right);
  out.AddInput(&except);
  StreamChunk r = Ints({{10, 1}, {10, 1}});
  ASSERT_TRUE(right.Push(0, r).ok());
  StreamChunk l = Ints({{10, 1}, {30, 1}});
  ASSERT_TRUE(left.Push(0, l).ok());
  EXPECT_EQ(out.rows, (std::map<std::string, int64_t>{{"30", 1}}));
  // Retracting both right rows brings 10 back; retracting one does not.
  StreamChunk r1 = Ints({{10, -1}});
  ASSERT_TRUE(right.Push(0, r1).ok());
  EXPECT_EQ(out.rows, (std::map<std::string, int64_t>{{"30", 1}}));
  ASSERT_TRUE(right.Push(0, r1).ok());
  EXPECT_EQ(out.rows, (std::map<std::string, int64_t>{{"10", 1}, {"30", 1}}));
  Commit();
  // Restored from its state, the operator continues where it was.
  CountingOp restored(ctx_, CountingOp::Mode::kExcept, {SqlType(TypeId::kInt32)}, 7);
  ASSERT_TRUE(restored.Restore(*store_).ok());
  EXPECT_EQ(restored.StateSize(), 2u);
}

}  // namespace
}  // namespace freshet::executor
