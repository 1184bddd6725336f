// The engine tests' fixture: a database in a temporary directory, a session on it, and a sink
// that records what statements report.

#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <random>

#include "engine/database.h"

namespace freshet::engine::test_support {

/// Records what a statement reports, rendering rows in PostgreSQL text format.
class CaptureSink : public pgwire::ResultSink {
 public:
  void Describe(const std::vector<pgwire::ColumnInfo>& c) override { columns = c; }
  void Rows(const DataChunk& chunk) override {
    for (size_t r = 0; r < chunk.size(); r++) {
      std::string line;
      for (size_t c = 0; c < chunk.column_count(); c++) {
        if (c) line += "|";
        const Value& v = chunk.Get(c, r);
        line += v.is_null() ? "NULL" : v.ToText(format);
      }
      rows.push_back(line);
    }
  }
  void Complete(const std::string& tag) override { tags.push_back(tag); }
  void Notice(const std::string&, const std::string& code, const std::string&) override {
    notices.push_back(code);
  }
  void ParameterChanged(const std::string& n, const std::string& v) override {
    params.emplace_back(n, v);
  }
  void CopyIn(const pgwire::CopyFormat&) override { copy_in = true; }
  void CopyOut(const pgwire::CopyFormat&) override {}
  void CopyOutData(std::string_view d) override { copy_out += d; }
  void CopyOutDone() override {}

  TextFormatOptions format;  // the session's, as pgwire uses them
  std::vector<pgwire::ColumnInfo> columns;
  std::vector<std::string> rows, tags, notices;
  std::vector<std::pair<std::string, std::string>> params;
  bool copy_in = false;
  std::string copy_out;
};

class EngineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    static std::mt19937_64 rng(std::random_device{}());
    dir_ =
        std::filesystem::temp_directory_path() / ("freshet-engine-test-" + std::to_string(rng()));
    Reopen();
  }
  void TearDown() override {
    session_.reset();
    db_.reset();
    std::filesystem::remove_all(dir_);
  }
  void Reopen() {
    session_.reset();
    db_.reset();
    auto db = Database::Open(dir_, options_);
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    db_ = std::move(*db);
    session_ = NewSession();
  }
  std::unique_ptr<pgwire::BackendSession> NewSession() {
    auto s = db_->StartSession({{"user", "freshet"}, {"database", "freshet"}});
    EXPECT_TRUE(s.ok());
    return std::move(*s);
  }
  /// Runs SQL and returns the error's SQLSTATE ("" when OK).
  std::string Exec(const std::string& sql, pgwire::BackendSession* s = nullptr) {
    sink_ = CaptureSink();
    sink_.format = (s ? s : session_.get())->FormatOptions();
    Status st = (s ? s : session_.get())->ExecuteSimple(sql, sink_);
    last_ = st;
    return st.sqlstate();
  }
  std::vector<std::string> Query(const std::string& sql) {
    EXPECT_EQ(Exec(sql), "") << sql << ": " << last_.ToString();
    return sink_.rows;
  }

  std::string dir_;
  StreamEngineOptions options_;
  std::unique_ptr<Database> db_;
  std::unique_ptr<pgwire::BackendSession> session_;
  CaptureSink sink_;
  Status last_;
};

using Rows = std::vector<std::string>;

}  // namespace freshet::engine::test_support
