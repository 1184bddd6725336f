#include "tests/pgwire/fake_backend.h"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <optional>

#include "common/data_chunk.h"
#include "common/decimal.h"

namespace freshet::pgwire::testing {
namespace {

std::string Trim(std::string_view s) {
  size_t b = 0;
  size_t e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) b++;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) e--;
  return std::string(s.substr(b, e - b));
}

std::string Lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

bool StartsWith(const std::string& s, std::string_view prefix) { return s.rfind(prefix, 0) == 0; }

size_t CountParams(const std::string& s) {
  size_t max_index = 0;
  for (size_t i = 0; i + 1 < s.size(); i++) {
    if (s[i] == '$' && std::isdigit(static_cast<unsigned char>(s[i + 1]))) {
      max_index = std::max<size_t>(max_index, std::stoul(s.substr(i + 1)));
    }
  }
  return max_index;
}

Status SyntaxError(const std::string& statement) {
  std::string word = statement.substr(0, statement.find(' '));
  return Status::Error(sqlstate::kSyntaxError, "syntax error at or near \"" + word + "\"", 1);
}

/// Result columns of a row-returning statement, or nullopt.
std::optional<std::vector<ColumnInfo>> ColumnsOf(const std::string& s, size_t nparams) {
  if (s == "select 1") return std::vector<ColumnInfo>{{"?column?", SqlType(TypeId::kInt32)}};
  if (StartsWith(s, "select $")) {
    return std::vector<ColumnInfo>(nparams, ColumnInfo{"?column?", SqlType(TypeId::kText)});
  }
  if (StartsWith(s, "series")) {
    return std::vector<ColumnInfo>{{"n", SqlType(TypeId::kInt32), 16384, 1}};
  }
  if (StartsWith(s, "big")) return std::vector<ColumnInfo>{{"s", SqlType(TypeId::kText)}};
  if (s == "types") {
    return std::vector<ColumnInfo>{
        {"b", SqlType(TypeId::kBool)},    {"i2", SqlType(TypeId::kInt16)},
        {"i8", SqlType(TypeId::kInt64)},  {"f8", SqlType(TypeId::kFloat64)},
        {"t", SqlType(TypeId::kText)},    {"n", SqlType::Numeric(10, 2)},
        {"nul", SqlType(TypeId::kInt32)},
    };
  }
  return std::nullopt;
}

}  // namespace

Status FakeSession::ExecuteSimple(std::string_view sql, ResultSink& sink) {
  std::string text(sql);
  size_t pos = 0;
  while (pos <= text.size()) {
    size_t end = text.find(';', pos);
    if (end == std::string::npos) end = text.size();
    std::string statement = Trim(std::string_view(text).substr(pos, end - pos));
    pos = end + 1;
    if (statement.empty()) continue;
    Status status = Run(statement, nullptr, sink, /*describe=*/true);
    if (!status.ok()) {
      if (tx_status_ == 'T') tx_status_ = 'E';
      return status;
    }
    if (copying_) return Status::OK();
  }
  return Status::OK();
}

bool FakeSession::IsEmptyQuery(std::string_view sql) {
  return std::all_of(sql.begin(), sql.end(), [](char c) {
    return c == ';' || std::isspace(static_cast<unsigned char>(c));
  });
}

Status FakeSession::Run(const std::string& statement, const std::vector<BoundParam>* params,
                        ResultSink& sink, bool describe) {
  const std::string s = Lower(statement);
  size_t nparams = params != nullptr ? params->size() : 0;
  if (auto columns = ColumnsOf(s, nparams)) {
    if (describe) sink.Describe(*columns);
    std::vector<SqlType> types;
    for (const auto& c : *columns) types.push_back(c.type);
    DataChunk chunk(types);
    size_t total = 0;
    auto emit_row = [&](Row row) {
      chunk.AppendRow(std::move(row));
      total++;
      if (chunk.full()) {
        sink.Rows(chunk);
        chunk.Reset();
      }
    };
    if (s == "select 1") {
      emit_row({Value::Int32(1)});
    } else if (StartsWith(s, "select $")) {
      Row row;
      for (const auto& p : *params) {
        if (!p.value) {
          row.push_back(Value::Null(SqlType(TypeId::kText)));
        } else if (p.binary) {
          row.push_back(Value::Text("binary:" + std::to_string(p.value->size())));
        } else {
          row.push_back(Value::Text(*p.value));
        }
      }
      {
        std::lock_guard<std::mutex> lock(state_->mu);
        state_->bound_params.push_back(*params);
      }
      emit_row(std::move(row));
    } else if (StartsWith(s, "series") || StartsWith(s, "big")) {
      int n = std::stoi(s.substr(s.find(' ') + 1));
      for (int i = 1; i <= n; i++) {
        if (StartsWith(s, "series")) {
          emit_row({Value::Int32(i)});
        } else {
          emit_row({Value::Text(std::string(100, 'x'))});
        }
      }
    } else if (s == "types") {
      emit_row({Value::Bool(true), Value::Int16(-2), Value::Int64(1234567890123LL),
                Value::Float64(1.5), Value::Text("h\xc3\xa9llo"),
                Value::Numeric(Decimal(12345, 2), SqlType::Numeric(10, 2).typmod),
                Value::Null(SqlType(TypeId::kInt32))});
    }
    if (!chunk.empty()) sink.Rows(chunk);
    sink.Complete("SELECT " + std::to_string(total));
    return Status::OK();
  }
  if (s == "bad") return SyntaxError(s);
  if (s == "hint") {
    return Status::Error(sqlstate::kUndefinedColumn, "column \"x\" does not exist", 8)
        .WithDetail("some detail")
        .WithHint("Perhaps you meant to reference the column \"t.y\".");
  }
  if (s == "notice") {
    sink.Notice("NOTICE", "00000", "hello notice");
    sink.Complete("DO");
    return Status::OK();
  }
  if (StartsWith(s, "set ")) {
    if (StartsWith(s, "set application_name")) {
      size_t eq = statement.find('=');
      std::string value = Trim(statement.substr(eq + 1));
      if (!value.empty() && value.front() == '\'') value = value.substr(1, value.size() - 2);
      application_name_ = value;
      sink.ParameterChanged("application_name", value);
    }
    sink.Complete("SET");
    return Status::OK();
  }
  if (s == "begin") {
    tx_status_ = 'T';
    sink.Complete("BEGIN");
    return Status::OK();
  }
  if (s == "commit" || s == "rollback") {
    tx_status_ = 'I';
    sink.Complete(s == "commit" ? "COMMIT" : "ROLLBACK");
    return Status::OK();
  }
  if (s == "insert") {
    sink.Complete("INSERT 0 1");
    return Status::OK();
  }
  if (StartsWith(s, "copy") && s.find("from stdin") != std::string::npos) {
    copying_ = true;
    copy_buffer_.clear();
    sink.CopyIn(CopyFormat{false, 2});
    return Status::OK();
  }
  if (StartsWith(s, "copy") && s.find("to stdout") != std::string::npos) {
    sink.CopyOut(CopyFormat{false, 2});
    sink.CopyOutData("1\ta\n");
    sink.CopyOutData("2\tb\n");
    sink.CopyOutDone();
    sink.Complete("COPY 2");
    return Status::OK();
  }
  if (s == "sleep") {
    std::unique_lock<std::mutex> lock(cancel_mu_);
    state_->sleeping = true;
    bool cancelled =
        cancel_cv_.wait_for(lock, std::chrono::seconds(10), [this] { return cancel_requested_; });
    state_->sleeping = false;
    cancel_requested_ = false;
    if (cancelled) {
      return Status::Error(sqlstate::kQueryCanceled, "canceling statement due to user request");
    }
    sink.Complete("SELECT 0");
    return Status::OK();
  }
  return SyntaxError(s);
}

Result<PreparedInfo> FakeSession::Analyze(const std::string& statement,
                                          const std::vector<uint32_t>& param_oids) {
  std::string s = Lower(Trim(statement));
  while (!s.empty() && s.back() == ';') s = Trim(s.substr(0, s.size() - 1));
  if (s.find(';') != std::string::npos) {
    return Status::Error(sqlstate::kSyntaxError,
                         "cannot insert multiple commands into a prepared statement");
  }
  if (s == "bad") return SyntaxError(s);
  PreparedInfo info;
  size_t nparams = CountParams(s);
  for (size_t i = 0; i < nparams; i++) {
    info.param_oids.push_back(i < param_oids.size() && param_oids[i] != 0 ? param_oids[i] : 25);
  }
  if (auto columns = ColumnsOf(s, nparams)) {
    info.returns_rows = true;
    info.columns = std::move(*columns);
  }
  return info;
}

Result<PreparedInfo> FakeSession::Prepare(const std::string& name, std::string_view sql,
                                          const std::vector<uint32_t>& param_oids) {
  auto info = Analyze(std::string(sql), param_oids);
  if (!info.ok()) return info.status();
  prepared_[name] = Prepared{Trim(sql), *info};
  return info;
}

Status FakeSession::CloseStatement(const std::string& name) {
  prepared_.erase(name);
  return Status::OK();
}

Status FakeSession::ExecutePrepared(const std::string& name, const std::vector<BoundParam>& params,
                                    ResultSink& sink) {
  auto it = prepared_.find(name);
  if (it == prepared_.end()) {
    return Status::Error(sqlstate::kInvalidSqlStatementName,
                         "prepared statement \"" + name + "\" does not exist");
  }
  std::string sql = it->second.sql;
  while (!sql.empty() && sql.back() == ';') sql.pop_back();
  Status status = Run(Trim(sql), &params, sink, /*describe=*/false);
  if (!status.ok() && tx_status_ == 'T') tx_status_ = 'E';
  return status;
}

Result<PreparedInfo> FakeSession::DescribePrepared(const std::string& name) {
  auto it = prepared_.find(name);
  if (it == prepared_.end()) {
    return Status::Error(sqlstate::kInvalidSqlStatementName,
                         "prepared statement \"" + name + "\" does not exist");
  }
  return it->second.info;
}

Status FakeSession::CopyData(std::string_view data) {
  if (!copying_) return Status::Internal("not in COPY");
  if (data.find("FAIL") != std::string_view::npos) {
    copying_ = false;
    return Status::Error(sqlstate::kInvalidTextRepresentation,
                         "invalid input syntax for type integer: \"FAIL\"");
  }
  copy_buffer_.append(data);
  return Status::OK();
}

Status FakeSession::CopyDone(ResultSink& sink) {
  if (!copying_) return Status::Internal("not in COPY");
  copying_ = false;
  size_t rows = 0;
  size_t pos = 0;
  while (pos < copy_buffer_.size()) {
    size_t end = copy_buffer_.find('\n', pos);
    if (end == std::string::npos) end = copy_buffer_.size();
    std::string line = copy_buffer_.substr(pos, end - pos);
    pos = end + 1;
    if (line.empty() || line == "\\.") continue;
    std::lock_guard<std::mutex> lock(state_->mu);
    state_->copied_rows.push_back(line);
    rows++;
  }
  copy_buffer_.clear();
  sink.Complete("COPY " + std::to_string(rows));
  return Status::OK();
}

void FakeSession::CopyFail(const std::string& message) {
  copying_ = false;
  copy_buffer_.clear();
  state_->copy_fails++;
  std::lock_guard<std::mutex> lock(state_->mu);
  state_->copy_fail_messages.push_back(message);
}

void FakeSession::Cancel() {
  std::lock_guard<std::mutex> lock(cancel_mu_);
  cancel_requested_ = true;
  state_->cancels++;
  cancel_cv_.notify_all();
}

void FakeSession::Close() {
  copying_ = false;
  state_->sessions_closed++;
}

std::string FakeSession::GetParameter(const std::string& name) const {
  if (name == "server_version") return "13.14";
  if (name == "application_name") return application_name_;
  if (name == "TimeZone") return "UTC";
  return "";
}

Result<std::unique_ptr<BackendSession>> FakeBackend::StartSession(
    const std::vector<std::pair<std::string, std::string>>& params) {
  std::string database;
  std::string application_name;
  for (const auto& [k, v] : params) {
    if (k == "database") database = v;
    if (k == "application_name") application_name = v;
  }
  if (database == "nodb") {
    return Status::Error(sqlstate::kInvalidCatalogName, "database \"nodb\" does not exist");
  }
  {
    std::lock_guard<std::mutex> lock(state.mu);
    state.startup_params.push_back(params);
  }
  state.sessions_started++;
  return std::unique_ptr<BackendSession>(std::make_unique<FakeSession>(&state, application_name));
}

}  // namespace freshet::pgwire::testing
