#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace freshet {

/// How a CSV record is written: PostgreSQL's COPY ... CSV options.
struct CsvDialect {
  char delimiter = ',';
  char quote = '"';
  char escape = '"';
  std::string null_string;  // an unquoted field equal to this is NULL
};

/// Splits one CSV record (without its line end; quoted fields may hold newlines) into fields,
/// NULL for an unquoted field equal to the dialect's null string. Replaces `fields`' contents.
void SplitCsvFields(std::string_view line, const CsvDialect& dialect,
                    std::vector<std::optional<std::string>>* fields);

}  // namespace freshet
