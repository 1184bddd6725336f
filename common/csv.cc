#include "common/csv.h"

namespace freshet {

void SplitCsvFields(std::string_view line, const CsvDialect& d,
                    std::vector<std::optional<std::string>>* fields) {
  fields->clear();
  std::string cur;
  bool quoted = false, was_quoted = false;
  for (size_t i = 0; i <= line.size(); i++) {
    if (i == line.size() || (!quoted && line[i] == d.delimiter)) {
      if (!was_quoted && cur == d.null_string) {
        fields->emplace_back(std::nullopt);
      } else {
        fields->emplace_back(cur);
      }
      cur.clear();
      was_quoted = false;
      continue;
    }
    char c = line[i];
    if (c == d.quote) {
      if (quoted && d.escape == d.quote && i + 1 < line.size() && line[i + 1] == d.quote) {
        cur.push_back(c);
        i++;
      } else {
        quoted = !quoted;
        was_quoted = true;
      }
    } else if (quoted && c == d.escape && d.escape != d.quote && i + 1 < line.size()) {
      cur.push_back(line[++i]);
    } else {
      cur.push_back(c);
    }
  }
}

}  // namespace freshet
