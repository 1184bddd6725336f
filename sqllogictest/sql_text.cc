#include "sqllogictest/sql_text.h"

#include <cctype>

namespace freshet::slt {
namespace {

// A word of SQL text at parenthesis depth zero, with its byte offset.
struct Word {
  std::string upper;
  size_t offset;
};

bool IsWordChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '$';
}

// Top-level words of `sql`; stops after `limit` words. Skips quoted strings and identifiers,
// comments and everything inside parentheses.
std::vector<Word> TopLevelWords(const std::string& sql, size_t limit) {
  std::vector<Word> words;
  int depth = 0;
  size_t i = 0;
  const size_t n = sql.size();
  while (i < n && words.size() < limit) {
    char c = sql[i];
    if (c == '\'' || c == '"') {
      // Quoted string or identifier; doubled quotes escape.
      ++i;
      while (i < n) {
        if (sql[i] == c) {
          if (i + 1 < n && sql[i + 1] == c) {
            i += 2;
            continue;
          }
          break;
        }
        ++i;
      }
      ++i;
    } else if (c == '-' && i + 1 < n && sql[i + 1] == '-') {
      while (i < n && sql[i] != '\n') ++i;
    } else if (c == '/' && i + 1 < n && sql[i + 1] == '*') {
      size_t end = sql.find("*/", i + 2);
      i = end == std::string::npos ? n : end + 2;
    } else if (c == '(') {
      ++depth;
      ++i;
    } else if (c == ')') {
      if (depth > 0) --depth;
      ++i;
    } else if (IsWordChar(c)) {
      size_t start = i;
      while (i < n && IsWordChar(sql[i])) ++i;
      if (depth == 0) {
        std::string upper = sql.substr(start, i - start);
        for (char& u : upper) u = static_cast<char>(std::toupper(static_cast<unsigned char>(u)));
        words.push_back(Word{std::move(upper), start});
      }
    } else {
      ++i;
    }
  }
  return words;
}

// Like TopLevelWords, but the leading words also count inside an opening parenthesis, so that
// "(SELECT 1)" starts with SELECT.
std::vector<std::string> FirstWords(const std::string& sql, size_t n) {
  size_t i = 0;
  while (i < sql.size() && (std::isspace(static_cast<unsigned char>(sql[i])) || sql[i] == '(')) {
    ++i;
  }
  std::vector<std::string> out;
  for (Word& w : TopLevelWords(sql.substr(i), n)) out.push_back(std::move(w.upper));
  return out;
}

}  // namespace

std::vector<std::string> SqlText::LeadingWords(const std::string& sql, size_t n) {
  return FirstWords(sql, n);
}

bool SqlText::IsSchemaDefinition(const std::string& sql) {
  std::vector<std::string> words = FirstWords(sql, 4);
  if (words.empty() || words[0] != "CREATE") return false;
  for (size_t i = 1; i < words.size(); ++i) {
    if (words[i] == "TABLE" || words[i] == "INDEX" || words[i] == "VIEW") return true;
  }
  return false;
}

bool SqlText::IsDropOrAlter(const std::string& sql) {
  std::vector<std::string> words = FirstWords(sql, 1);
  return !words.empty() && (words[0] == "DROP" || words[0] == "ALTER");
}

bool SqlText::IsSelect(const std::string& sql) {
  std::vector<std::string> words = FirstWords(sql, 1);
  if (words.empty()) return false;
  if (words[0] == "SELECT" || words[0] == "VALUES") return true;
  if (words[0] != "WITH") return false;
  // WITH: neither the statement nor any WITH query may change data (`WITH d AS (DELETE ...)
  // SELECT ...`, `WITH x AS (...) INSERT ...`).
  for (const Word& w : TopLevelWords(sql, static_cast<size_t>(-1))) {
    if (w.upper == "INSERT" || w.upper == "UPDATE" || w.upper == "DELETE") return false;
    if (w.upper != "AS" && w.upper != "MATERIALIZED") continue;
    size_t open = sql.find_first_not_of(" \t\r\n", w.offset + w.upper.size());
    if (open == std::string::npos || sql[open] != '(') continue;
    std::vector<std::string> body = FirstWords(sql.substr(open), 1);
    if (!body.empty() && (body[0] == "INSERT" || body[0] == "UPDATE" || body[0] == "DELETE")) {
      return false;
    }
  }
  return true;
}

std::string SqlText::StripTrailingOrderBy(const std::string& sql) {
  std::string body = sql;
  while (!body.empty() &&
         (body.back() == ';' || std::isspace(static_cast<unsigned char>(body.back())))) {
    body.pop_back();
  }
  std::vector<Word> words = TopLevelWords(body, static_cast<size_t>(-1));
  size_t order_at = std::string::npos;
  bool limited = false;
  bool distinct_on = false;  // DISTINCT ON picks rows by the ORDER BY: keep it
  for (size_t i = 0; i < words.size(); ++i) {
    if (words[i].upper == "DISTINCT" && i + 1 < words.size() && words[i + 1].upper == "ON") {
      distinct_on = true;
    }
    if (words[i].upper == "ORDER" && i + 1 < words.size() && words[i + 1].upper == "BY") {
      order_at = words[i].offset;
      limited = false;
    } else if (order_at != std::string::npos &&
               (words[i].upper == "LIMIT" || words[i].upper == "OFFSET" ||
                words[i].upper == "FETCH")) {
      limited = true;
    }
  }
  if (order_at == std::string::npos || limited || distinct_on) return body;
  body.resize(order_at);
  while (!body.empty() && std::isspace(static_cast<unsigned char>(body.back()))) body.pop_back();
  return body;
}

}  // namespace freshet::slt
