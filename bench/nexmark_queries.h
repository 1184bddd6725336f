#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace freshet::bench {

/// One Nexmark query: its text in Freshet's dialect (a SELECT over the person / auction / bid
/// sources, run as a view or a sink) and the same query for PostgreSQL over tables of the same
/// events, with windows spelled out by date_bin and generate_series (the independent oracle).
struct NexmarkQuery {
  std::string name;                  // "q0"
  std::vector<std::string> sources;  // the nexmark sources it reads
  std::string freshet;
  std::string postgres;
  bool side_input = false;  // q13 joins the side_input table
  std::string note;         // how it differs from the reference query, if it does
};

/// q0-q22 but q6 and q12 (see NexmarkSkipped).
const std::vector<NexmarkQuery>& NexmarkQueries();
/// The queries left out, with why.
const std::vector<std::pair<std::string, std::string>>& NexmarkSkipped();
const NexmarkQuery* FindNexmarkQuery(const std::string& name);

/// CREATE SOURCE for a nexmark table type ("person", "auction", "bid") with extra WITH options
/// (e.g. "nexmark.event.num = 100000, nexmark.max.speed = true").
std::string NexmarkSourceDdl(const std::string& table, const std::string& options);
/// CREATE TABLE for PostgreSQL with the same columns.
std::string NexmarkPostgresTableDdl(const std::string& table);
/// The side input q13 joins: 10,000 keys.
std::string SideInputDdl();
std::string SideInputRows();

}  // namespace freshet::bench
