#pragma once

#include <spdlog/spdlog.h>

#include <new>
#include <stdexcept>
#include <string>
#include <type_traits>

#include "common/status.h"

namespace freshet {

/// The error a statement gets when the code under it throws: out of memory is 53200, anything
/// else an internal error whose C++ text goes to the server log only (clients get XX000 with a
/// fixed message, the statement fails alone and the session carries on).
inline Status StatusFromException(const char* where, const std::exception* e) {
  if (e != nullptr && dynamic_cast<const std::bad_alloc*>(e) != nullptr) {
    spdlog::error("{}: out of memory", where);
    return Status::Error("53200", "out of memory");
  }
  spdlog::error("{}: unexpected exception: {}", where, e != nullptr ? e->what() : "(unknown)");
  return Status::Error(sqlstate::kInternalError,
                       std::string("internal error in ") + where + " (details in the server log)");
}

/// Runs `f` (returning Status or Result<T>) and turns any exception it throws into an error.
template <typename F>
auto CatchAll(const char* where, F&& f) -> decltype(f()) {
  try {
    return f();
  } catch (const std::exception& e) {
    return StatusFromException(where, &e);
  } catch (...) {
    return StatusFromException(where, nullptr);
  }
}

}  // namespace freshet
