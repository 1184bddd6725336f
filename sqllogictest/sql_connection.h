#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"

namespace freshet::slt {

/// SQLSTATE the connections report when the connection to the server was lost.
inline constexpr const char* kConnectionFailure = "08006";

/// The outcome of one successfully executed SQL string: the rows of its last statement, as text.
struct QueryResult {
  size_t columns = 0;
  std::vector<std::vector<std::optional<std::string>>> rows;  // nullopt is SQL NULL
  int64_t affected_rows = 0;
};

/// A connection that runs SQL text (simple query protocol, no implicit transaction). Errors come
/// back as a Status carrying the server's SQLSTATE and message; a lost connection is reported as
/// kConnectionFailure. Abstract so the runner can be tested without a server.
class SqlConnection {
 public:
  virtual ~SqlConnection() = default;
  virtual Result<QueryResult> Execute(const std::string& sql) = 0;
};

}  // namespace freshet::slt
