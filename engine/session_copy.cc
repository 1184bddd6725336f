// COPY ... FROM STDIN and COPY ... TO STDOUT in text and CSV formats.

#include "common/csv.h"
#include "common/failpoint.h"
#include "engine/database.h"
#include "engine/session.h"
#include "storage/table_store.h"

namespace freshet::engine {
namespace {

std::string Lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

/// Splits one text-format line into fields, undoing backslash escapes; nullopt marks NULL.
std::vector<std::optional<std::string>> SplitText(std::string_view line, char delim,
                                                  const std::string& null_string) {
  std::vector<std::optional<std::string>> out;
  size_t start = 0;
  while (true) {
    size_t end = line.find(delim, start);
    std::string_view raw =
        line.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
    if (raw == null_string) {
      out.emplace_back(std::nullopt);
    } else {
      std::string f;
      for (size_t i = 0; i < raw.size(); i++) {
        if (raw[i] != '\\' || i + 1 >= raw.size()) {
          f.push_back(raw[i]);
          continue;
        }
        char n = raw[++i];
        switch (n) {
          case 'n':
            f.push_back('\n');
            break;
          case 't':
            f.push_back('\t');
            break;
          case 'r':
            f.push_back('\r');
            break;
          case 'b':
            f.push_back('\b');
            break;
          case 'f':
            f.push_back('\f');
            break;
          case 'v':
            f.push_back('\v');
            break;
          default:
            f.push_back(n);
            break;
        }
      }
      out.emplace_back(std::move(f));
    }
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  return out;
}

void EscapeText(std::string* out, std::string_view s, char delim) {
  for (char c : s) {
    switch (c) {
      case '\\':
        out->append("\\\\");
        break;
      case '\n':
        out->append("\\n");
        break;
      case '\r':
        out->append("\\r");
        break;
      case '\t':
        out->append("\\t");
        break;
      default:
        if (c == delim) out->push_back('\\');
        out->push_back(c);
    }
  }
}

}  // namespace

Status Session::HandleCopy(const parser::CopyStatement& stmt, pgwire::ResultSink& sink) {
  auto state = std::make_unique<CopyState>();
  for (const auto& opt : stmt.options) {
    std::string key = Lower(opt.key), value = opt.value;
    if (key == "format") {
      std::string v = Lower(value);
      if (v == "csv") {
        state->csv = true;
      } else if (v == "binary") {
        return Status::NotSupported("COPY BINARY is not supported yet");
      } else if (v != "text") {
        return Status::Error(sqlstate::kInvalidParameterValue,
                             "COPY format \"" + value + "\" not recognized");
      }
    } else if (key == "csv") {
      state->csv = true;
    } else if (key == "header") {
      std::string v = Lower(value);
      state->header = v.empty() || v == "true" || v == "on" || v == "1";
    } else if (key == "delimiter") {
      if (value.size() != 1) {
        return Status::Error(sqlstate::kFeatureNotSupported,
                             "COPY delimiter must be a single one-byte character");
      }
      state->delimiter = value[0];
    } else if (key == "null") {
      state->null_string = value;
    } else if (key == "quote") {
      if (value.size() == 1) state->quote = value[0];
    } else if (key == "escape") {
      if (value.size() == 1) state->escape = value[0];
    } else if (key == "encoding" || key == "freeze") {
      // accepted, nothing to do
    } else {
      return Status::Error(sqlstate::kSyntaxError, "option \"" + opt.key + "\" not recognized");
    }
  }
  if (state->csv) {
    if (state->delimiter == '\t') state->delimiter = ',';
    if (state->null_string == "\\N") state->null_string = "";
  }
  if (stmt.subscribe) return Status::NotSupported("SUBSCRIBE is not supported yet");

  if (!stmt.from) {
    // COPY ... TO STDOUT
    std::vector<std::string> names;
    std::vector<SqlType> types;
    executor::RowSet rows;
    executor::ExecContext ctx = MakeExecContext({});
    executor::Executor exec(ctx);
    planner::Binder binder(db_.catalog());
    if (stmt.query) {
      ASSIGN_OR_RETURN(auto plan, binder.BindQuery(*stmt.query));
      plan = db_.OptimizeQuery(std::move(plan));
      ASSIGN_OR_RETURN(rows, exec.Execute(*plan));
      names = plan->names;
      types = plan->types;
    } else {
      ASSIGN_OR_RETURN(auto table, FindTable(stmt.table, 0));
      std::vector<int> cols;
      if (stmt.columns.empty()) {
        for (size_t i = 0; i < table->columns.size(); i++) cols.push_back(static_cast<int>(i));
      } else {
        for (const auto& c : stmt.columns) {
          int idx = table->FindColumn(c);
          if (idx < 0) {
            return Status::Error(sqlstate::kUndefinedColumn, "column \"" + c + "\" of relation \"" +
                                                                 table->name + "\" does not exist");
          }
          cols.push_back(idx);
        }
      }
      if (table->kind == planner::RelationKind::kTable) {
        RETURN_IF_ERROR(storage::TableStore::Scan(Txn(), table->id, table->ColumnTypes(),
                                                  [&](std::string_view, Row& row) -> Result<bool> {
                                                    Row r;
                                                    for (int c : cols) r.push_back(row[c]);
                                                    rows.push_back(std::move(r));
                                                    return true;
                                                  }));
      } else if (table->kind == planner::RelationKind::kSource) {
        ASSIGN_OR_RETURN(executor::RowSet all, ReadSource(*table));
        for (Row& row : all) {
          Row r;
          for (int c : cols) r.push_back(std::move(row[c]));
          rows.push_back(std::move(r));
        }
      } else {
        return Status::NotSupported("COPY from a view: use COPY (SELECT ...) TO STDOUT");
      }
      for (int c : cols) {
        names.push_back(table->columns[c].name);
        types.push_back(table->columns[c].type);
      }
    }
    pgwire::CopyFormat fmt;
    fmt.column_count = types.size();
    sink.CopyOut(fmt);
    TextFormatOptions opts = FormatOptions();
    std::string line;
    if (state->csv && state->header) {
      for (size_t i = 0; i < names.size(); i++) {
        if (i) line.push_back(state->delimiter);
        line += names[i];
      }
      line.push_back('\n');
      sink.CopyOutData(line);
    }
    for (const Row& r : rows) {
      line.clear();
      for (size_t i = 0; i < r.size(); i++) {
        if (i) line.push_back(state->delimiter);
        if (r[i].is_null()) {
          line += state->null_string;
          continue;
        }
        std::string text = r[i].ToText(opts);
        if (state->csv) {
          bool needs_quote = text.empty() || text.find_first_of(std::string(1, state->delimiter) +
                                                                "\"\n\r") != std::string::npos;
          if (needs_quote) {
            line.push_back(state->quote);
            for (char c : text) {
              if (c == state->quote) line.push_back(state->escape);
              line.push_back(c);
            }
            line.push_back(state->quote);
          } else {
            line += text;
          }
        } else {
          EscapeText(&line, text, state->delimiter);
        }
      }
      line.push_back('\n');
      sink.CopyOutData(line);
    }
    sink.CopyOutDone();
    sink.Complete("COPY " + std::to_string(rows.size()));
    return Status::OK();
  }

  // COPY ... FROM STDIN
  ASSIGN_OR_RETURN(state->table, FindTable(stmt.table, 0));
  if (state->table->kind != planner::RelationKind::kTable &&
      state->table->kind != planner::RelationKind::kSource) {
    return Status::Error(sqlstate::kWrongObjectType,
                         "cannot copy to non-table relation \"" + state->table->name + "\"");
  }
  if (stmt.columns.empty()) {
    for (size_t i = 0; i < state->table->columns.size(); i++) {
      state->columns.push_back(static_cast<int>(i));
    }
  } else {
    for (const auto& c : stmt.columns) {
      int idx = state->table->FindColumn(c);
      if (idx < 0) {
        return Status::Error(
            sqlstate::kUndefinedColumn,
            "column \"" + c + "\" of relation \"" + state->table->name + "\" does not exist");
      }
      state->columns.push_back(idx);
    }
  }
  Txn();
  pgwire::CopyFormat fmt;
  fmt.column_count = state->columns.size();
  copy_ = std::move(state);
  sink.CopyIn(fmt);
  return Status::OK();
}

Status Session::FlushCopyLines(bool final) {
  CopyState& st = *copy_;
  const planner::TableDef& table = *st.table;
  size_t pos = 0;
  std::string& buf = st.buffer;
  while (pos < buf.size()) {
    // Find the end of the record (CSV quotes may contain newlines).
    size_t end = std::string::npos;
    if (st.csv) {
      bool quoted = false;
      for (size_t i = pos; i < buf.size(); i++) {
        char c = buf[i];
        if (c == st.quote) {
          if (quoted && st.escape == st.quote && i + 1 < buf.size() && buf[i + 1] == st.quote) {
            i++;
            continue;
          }
          quoted = !quoted;
        } else if (quoted && c == st.escape && st.escape != st.quote) {
          i++;
        } else if (c == '\n' && !quoted) {
          end = i;
          break;
        }
      }
    } else {
      end = buf.find('\n', pos);
    }
    if (end == std::string::npos) {
      if (!final) break;
      end = buf.size();
    }
    std::string_view line(buf.data() + pos, end - pos);
    pos = end + 1;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    st.line++;
    if (line == "\\.") {
      pos = buf.size();
      break;
    }
    if (st.header && !st.header_skipped) {
      st.header_skipped = true;
      continue;
    }
    if (line.empty() && final && pos >= buf.size()) break;
    std::vector<std::optional<std::string>> fields;
    if (st.csv) {
      CsvDialect dialect{st.delimiter, st.quote, st.escape, st.null_string};
      SplitCsvFields(line, dialect, &fields);
    } else {
      fields = SplitText(line, st.delimiter, st.null_string);
    }
    auto context = [&]() { return "COPY " + table.name + ", line " + std::to_string(st.line); };
    if (fields.size() != st.columns.size()) {
      return Status::Error(sqlstate::kBadCopyFileFormat,
                           fields.size() > st.columns.size()
                               ? "extra data after last expected column"
                               : "missing data for column \"" +
                                     table.columns[st.columns[fields.size()]].name + "\"")
          .WithDetail(context());
    }
    Row row(table.columns.size());
    for (size_t i = 0; i < table.columns.size(); i++) row[i] = Value::Null(table.columns[i].type);
    for (size_t k = 0; k < fields.size(); k++) {
      const auto& col = table.columns[st.columns[k]];
      if (!fields[k]) continue;
      auto v = Value::FromText(*fields[k], col.type, time_zone_);
      if (!v.ok()) {
        Status s = v.status();
        return s.WithDetail(context() + ", column " + col.name + ": \"" + *fields[k] + "\"");
      }
      row[st.columns[k]] = std::move(*v);
    }
    RETURN_IF_ERROR(writer_.Insert(Write(), table, std::move(row)));
    st.rows++;
  }
  buf.erase(0, std::min(pos, buf.size()));
  return Status::OK();
}

Status Session::CopyData(std::string_view data) {
  if (failpoint::Hit("copy")) failpoint::Crash("copy");
  if (!copy_) return Status::Error(sqlstate::kProtocolViolation, "no COPY in progress");
  ExecLock lock(*this);
  copy_->buffer.append(data);
  Status s = FlushCopyLines(false);
  if (!s.ok()) {
    copy_.reset();
    if (state_ == TxnState::kImplicit) {
      AbortTransaction();
      state_ = TxnState::kIdle;
    } else {
      state_ = TxnState::kFailed;
    }
  }
  return s;
}

Status Session::CopyDone(pgwire::ResultSink& sink) {
  if (!copy_) return Status::Error(sqlstate::kProtocolViolation, "no COPY in progress");
  ExecLock lock(*this);
  Status s = FlushCopyLines(true);
  int64_t rows = copy_->rows;
  copy_.reset();
  if (!s.ok()) {
    if (state_ == TxnState::kImplicit) {
      AbortTransaction();
      state_ = TxnState::kIdle;
    } else {
      state_ = TxnState::kFailed;
    }
    return s;
  }
  if (state_ == TxnState::kImplicit) {
    state_ = TxnState::kIdle;
    RETURN_IF_ERROR(CommitImplicit());
  }
  sink.Complete("COPY " + std::to_string(rows));
  return Status::OK();
}

void Session::CopyFail(const std::string&) {
  ExecLock lock(*this);
  copy_.reset();
  if (state_ == TxnState::kImplicit) {
    AbortTransaction();
    state_ = TxnState::kIdle;
  } else if (state_ == TxnState::kBlock) {
    state_ = TxnState::kFailed;
  }
}

}  // namespace freshet::engine
