#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "sqllogictest/slt_record.h"

namespace freshet::slt {

/// Splits the text of a sqllogictest file into records. `include` records are returned as such;
/// the runner resolves them.
class SltParser {
 public:
  /// Parses `text`; `file_name` is only used in error messages. Fails on an unknown record type
  /// or a malformed record line.
  static Result<std::vector<SltRecord>> Parse(std::string_view text, const std::string& file_name);

  /// Reads and parses a file.
  static Result<std::vector<SltRecord>> ParseFile(const std::string& path);

 private:
  explicit SltParser(std::string_view text, const std::string& file_name);

  Result<std::vector<SltRecord>> Run();
  Status ParseRecordLine(const std::vector<std::string>& tokens, const std::string& line,
                         SltRecord* record);
  // Collects lines from the current position up to a blank line (or `----` when `stop_at_dashes`)
  // and joins them with newlines.
  std::string CollectSql(bool stop_at_dashes);
  Status ErrorAt(int line, const std::string& message) const;

  std::vector<std::string> lines_;  // trailing whitespace removed
  size_t pos_ = 0;                  // index of the next unread line
  std::string file_name_;
};

}  // namespace freshet::slt
