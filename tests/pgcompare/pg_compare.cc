// freshet-pg-compare: runs the statements of .sql files against Freshet and PostgreSQL and
// compares what each answers: the SQLSTATE when a statement fails, otherwise the command tag,
// the result's column names and its rows (as a multiset; in order when the statement's last
// clause is an ORDER BY). Statements end with a ';' at the end of a line; '--' lines are
// comments. Prints each difference with its file and line, then "N passed, M failed".
//
// Usage: freshet-pg-compare --freshet CONNINFO --postgres CONNINFO FILE.sql...
#include <libpq-fe.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

namespace {

void IgnoreNotice(void*, const char*) {}

/// What one server answered to one statement.
struct Answer {
  std::string sqlstate;  // empty on success
  std::string message;
  std::string tag;
  std::vector<std::string> columns;
  std::vector<std::string> rows;  // tab-joined values, NULL as \N
};

Answer Run(PGconn* conn, const std::string& sql) {
  Answer a;
  PGresult* r = PQexec(conn, sql.c_str());
  ExecStatusType st = PQresultStatus(r);
  if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
    const char* code = PQresultErrorField(r, PG_DIAG_SQLSTATE);
    a.sqlstate = code ? code : "?????";
    const char* msg = PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY);
    a.message = msg ? msg : PQerrorMessage(conn);
    PQclear(r);
    return a;
  }
  a.tag = PQcmdStatus(r);
  for (int c = 0; c < PQnfields(r); c++) a.columns.push_back(PQfname(r, c));
  for (int i = 0; i < PQntuples(r); i++) {
    std::string row;
    for (int c = 0; c < PQnfields(r); c++) {
      if (c) row += '\t';
      row += PQgetisnull(r, i, c) ? "\\N" : PQgetvalue(r, i, c);
    }
    a.rows.push_back(std::move(row));
  }
  PQclear(r);
  return a;
}

std::string Lower(std::string s) {
  for (char& ch : s) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return s;
}

/// True when the statement's outermost last clause is ORDER BY (rows compare in order).
bool Ordered(const std::string& sql) {
  std::string s = Lower(sql);
  int depth = 0;
  size_t last_order = std::string::npos, last_close = 0;
  for (size_t i = 0; i < s.size(); i++) {
    if (s[i] == '(') depth++;
    if (s[i] == ')') {
      depth--;
      last_close = i;
    }
    if (depth == 0 && s.compare(i, 8, "order by") == 0) last_order = i;
  }
  return last_order != std::string::npos && last_order > last_close;
}

std::string Join(const std::vector<std::string>& v, const char* sep) {
  std::string out;
  for (size_t i = 0; i < v.size(); i++) out += (i ? sep : "") + v[i];
  return out;
}

/// Empty when the answers agree, else what differs.
std::string Compare(const std::string& sql, Answer f, Answer p) {
  if (!f.sqlstate.empty() || !p.sqlstate.empty()) {
    if (f.sqlstate == p.sqlstate) return "";
    return "freshet " + (f.sqlstate.empty() ? "succeeded" : f.sqlstate + " " + f.message) +
           "; postgres " + (p.sqlstate.empty() ? "succeeded" : p.sqlstate + " " + p.message);
  }
  if (f.tag != p.tag) return "tag: freshet " + f.tag + ", postgres " + p.tag;
  if (f.columns != p.columns) {
    return "columns: freshet (" + Join(f.columns, ", ") + "), postgres (" + Join(p.columns, ", ") +
           ")";
  }
  if (!Ordered(sql)) {
    std::sort(f.rows.begin(), f.rows.end());
    std::sort(p.rows.begin(), p.rows.end());
  }
  if (f.rows != p.rows) {
    return "rows: freshet [" + Join(f.rows, " | ") + "], postgres [" + Join(p.rows, " | ") + "]";
  }
  return "";
}

struct Statement {
  std::string sql;
  int line = 0;
};

std::vector<Statement> ReadStatements(const char* path, bool* ok) {
  std::ifstream in(path);
  *ok = static_cast<bool>(in);
  std::vector<Statement> out;
  std::string line, current;
  int n = 0, start = 0;
  while (std::getline(in, line)) {
    n++;
    std::string trimmed = line;
    trimmed.erase(0, trimmed.find_first_not_of(" \t"));
    if (current.empty() && (trimmed.empty() || trimmed.rfind("--", 0) == 0)) continue;
    if (current.empty()) start = n;
    current += line + "\n";
    size_t end = line.find_last_not_of(" \t\r");
    if (end != std::string::npos && line[end] == ';') {
      out.push_back({current, start});
      current.clear();
    }
  }
  if (!current.empty()) out.push_back({current, start});
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  std::string fconn, pconn;
  std::vector<const char*> files;
  for (int i = 1; i < argc; i++) {
    if (std::strcmp(argv[i], "--freshet") == 0 && i + 1 < argc) {
      fconn = argv[++i];
    } else if (std::strcmp(argv[i], "--postgres") == 0 && i + 1 < argc) {
      pconn = argv[++i];
    } else {
      files.push_back(argv[i]);
    }
  }
  if (fconn.empty() || pconn.empty() || files.empty()) {
    fprintf(stderr, "usage: freshet-pg-compare --freshet CONNINFO --postgres CONNINFO FILE...\n");
    printf("0 passed, 1 failed\n");
    return 2;
  }
  int passed = 0, failed = 0;
  for (const char* file : files) {
    PGconn* f = PQconnectdb(fconn.c_str());
    PGconn* p = PQconnectdb(pconn.c_str());
    if (PQstatus(f) != CONNECTION_OK || PQstatus(p) != CONNECTION_OK) {
      fprintf(stderr, "cannot connect: %s%s", PQerrorMessage(f), PQerrorMessage(p));
      printf("%d passed, %d failed\n", passed, failed + 1);
      return 1;
    }
    PQsetNoticeProcessor(f, IgnoreNotice, nullptr);
    PQsetNoticeProcessor(p, IgnoreNotice, nullptr);
    // Each file starts from an empty schema on PostgreSQL's side (a schema per file).
    PQclear(PQexec(p,
                   "DROP SCHEMA IF EXISTS cmp CASCADE; CREATE SCHEMA cmp; "
                   "SET search_path = cmp; SET client_min_messages = warning"));
    bool ok = false;
    std::vector<Statement> stmts = ReadStatements(file, &ok);
    if (!ok) {
      printf("FAIL %s: cannot read\n", file);
      failed++;
    }
    int file_failed = 0;
    for (const Statement& s : stmts) {
      std::string diff = Compare(s.sql, Run(f, s.sql), Run(p, s.sql));
      if (PQstatus(f) != CONNECTION_OK) diff = "freshet dropped the connection";
      if (diff.empty()) {
        passed++;
        continue;
      }
      failed++;
      file_failed++;
      std::string one = s.sql;
      std::replace(one.begin(), one.end(), '\n', ' ');
      printf("FAIL %s:%d: %s\n    %s\n", file, s.line, one.c_str(), diff.c_str());
      if (PQstatus(f) != CONNECTION_OK) break;
    }
    printf("%s: %zu statements, %d differ\n", file, stmts.size(), file_failed);
    PQfinish(f);
    PQfinish(p);
  }
  printf("%d passed, %d failed\n", passed, failed);
  return failed == 0 ? 0 : 1;
}
