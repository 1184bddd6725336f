// freshet-datetime-zone-check: the zone-dependent datetime cases whose answers come from the tz
// database, each evaluated by Freshet's datetime library and by the PostgreSQL server given with
// --postgres (Debian's PostgreSQL reads the same /usr/share/zoneinfo), so the expectations
// follow whatever tzdata this machine has. Prints each disagreement and "N passed, M failed".
#include <libpq-fe.h>

#include <cstdio>
#include <cstring>
#include <string>

#include "tests/common/datetime_cases.h"

using freshet::datetime::cases::ZoneCase;

namespace {

// Evaluates `q` with TimeZone = tz and returns its text or "ERROR <sqlstate>: <message>", as
// the recorded tables were generated (tests/common/pg_oracle/README.md).
constexpr const char* kEvFunction = R"sql(
create or replace function pg_temp.ev(tz text, q text) returns text language plpgsql as $$
declare r text;
begin
  perform set_config('TimeZone', tz, true);
  execute 'select (' || q || ')::text' into r;
  return coalesce(r, 'NULL');
exception when others then
  return 'ERROR ' || sqlstate || ': ' || sqlerrm;
end $$)sql";

bool Exec(PGconn* conn, const char* sql) {
  PGresult* r = PQexec(conn, sql);
  bool ok = PQresultStatus(r) == PGRES_COMMAND_OK || PQresultStatus(r) == PGRES_TUPLES_OK;
  if (!ok) fprintf(stderr, "%s: %s", sql, PQerrorMessage(conn));
  PQclear(r);
  return ok;
}

}  // namespace

int main(int argc, char** argv) {
  std::string conninfo;
  for (int i = 1; i + 1 < argc; ++i) {
    if (std::strcmp(argv[i], "--postgres") == 0) conninfo = argv[++i];
  }
  if (conninfo.empty()) {
    fprintf(stderr, "usage: freshet-datetime-zone-check --postgres CONNINFO\n");
    printf("0 passed, 1 failed\n");
    return 2;
  }
  PGconn* conn = PQconnectdb(conninfo.c_str());
  if (PQstatus(conn) != CONNECTION_OK || !Exec(conn, "set datestyle = 'ISO, MDY'") ||
      !Exec(conn, "set intervalstyle = 'postgres'") || !Exec(conn, kEvFunction)) {
    fprintf(stderr, "PostgreSQL: %s", PQerrorMessage(conn));
    printf("0 passed, 1 failed\n");
    return 1;
  }
  int passed = 0, failed = 0, changed = 0;
  for (const ZoneCase& c : freshet::datetime::cases::ZoneCases()) {
    if (!c.tz_database) continue;
    const char* params[2] = {c.zone.c_str(), c.sql.c_str()};
    PGresult* r =
        PQexecParams(conn, "select pg_temp.ev($1, $2)", 2, nullptr, params, nullptr, nullptr, 0);
    if (PQresultStatus(r) != PGRES_TUPLES_OK) {
      fprintf(stderr, "%s: %s", c.what.c_str(), PQerrorMessage(conn));
      PQclear(r);
      ++failed;
      continue;
    }
    std::string want = PQgetvalue(r, 0, 0);
    PQclear(r);
    // PostgreSQL's SET rejects a name with its own message; only the SQLSTATE must agree.
    if (want.rfind("ERROR", 0) == 0 && c.ours.rfind("ERROR", 0) == 0) {
      want = want.substr(0, 11);
      if (c.ours.substr(0, 11) == want) {
        ++passed;
        continue;
      }
    }
    if (want != c.recorded) ++changed;
    if (freshet::datetime::cases::ZoneCaseMatches(c, want)) {
      ++passed;
    } else {
      ++failed;
      printf("MISMATCH %s: freshet %s, postgres %s\n", c.what.c_str(), c.ours.c_str(),
             want.c_str());
    }
  }
  PQfinish(conn);
  printf(
      "tz database cases: %d, answers that differ from the recorded tables (tzdata changes): %d\n",
      passed + failed, changed);
  printf("%d passed, %d failed\n", passed, failed);
  return failed == 0 && passed > 0 ? 0 : 1;
}
