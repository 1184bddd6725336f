#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "common/datetime.h"

namespace freshet::function {

/// What expression evaluation may read from its session and statement: the time zone, the
/// statement's start time (now()), and the cancel flag.
struct EvalContext {
  const datetime::TimeZone* time_zone = nullptr;
  int64_t statement_timestamp = 0;    // microseconds since 2000-01-01 UTC
  int64_t transaction_timestamp = 0;  // now() / current_timestamp
  const std::atomic<bool>* cancel = nullptr;
  /// current_setting(): a session parameter's value, nullopt when there is no such parameter.
  std::function<std::optional<std::string>(const std::string&)> setting;
  /// statement_timeout: steady-clock deadline in microseconds, 0 = none.
  int64_t deadline_micros = 0;
  int extra_float_digits = 1;

  const datetime::TimeZone& tz() const {
    static const datetime::TimeZone kUtc = datetime::TimeZone::Utc();
    return time_zone ? *time_zone : kUtc;
  }
};

}  // namespace freshet::function
