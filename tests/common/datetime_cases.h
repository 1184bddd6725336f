// The PostgreSQL-derived datetime case tables (datetime_test_cases.inc) and, for the tables whose
// answers depend on a time zone, one uniform view of each case: the zone, the SQL PostgreSQL
// evaluates for it, Freshet's own answer and the answer recorded when the tables were generated.
// Cases in tz-database zones are checked against the PostgreSQL server on the same machine
// (datetime_zone_check.cc) because tzdata releases revise zone rules; the rest stay unit tests.
#pragma once

#include <string>
#include <vector>

#include "common/datetime.h"

namespace freshet::datetime::cases {

struct Case2 {
  const char* a;
  const char* want;
};
struct Case3 {
  const char* a;
  const char* b;
  const char* want;
};
struct Case4 {
  const char* a;
  const char* b;
  const char* c;
  const char* want;
};
struct Case8 {
  const char* a[7];
  const char* want;
};

#include "tests/common/datetime_test_cases.inc"

std::string Err(const Status& s);

/// One zone-dependent case.
struct ZoneCase {
  std::string what;          // for messages: "zone: expression"
  std::string zone;          // the TimeZone setting it runs under
  std::string sql;           // the expression PostgreSQL evaluates (its result cast to text)
  std::string recorded;      // the answer in the tables (PostgreSQL 15 with the tzdata of that day)
  std::string ours;          // Freshet's answer
  bool numeric = false;      // extract(): compare as numbers (PostgreSQL prints numeric)
  bool tz_database = false;  // the answer depends on the machine's tz database
};

/// Every case of the zone-dependent tables, evaluated by Freshet.
std::vector<ZoneCase> ZoneCases();

/// Whether `got` (Freshet's text) matches `want` (PostgreSQL's text) for this case.
bool ZoneCaseMatches(const ZoneCase& c, const std::string& want);

}  // namespace freshet::datetime::cases
