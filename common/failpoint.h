#pragma once

#include <string_view>

namespace freshet::failpoint {

/// Crash points for the crash test: the environment variable FRESHET_FAILPOINTS lists
/// `name=probability` pairs (for example `checkpoint=0.2,ddl=0.5`). Hit(name) is true with that
/// probability each time the named point is passed, and always false when the variable is unset
/// (one relaxed load). Points: `checkpoint` (around a checkpoint's synced write), `ddl` (inside
/// CREATE / DROP MATERIALIZED VIEW), `copy` (between COPY data messages), `commit` (a
/// transaction's log batches written, before its commit). Points stay disarmed until the process
/// receives SIGUSR1 (see InstallArmSignal), so a test can let a restarted server recover and be
/// checked before crashes may happen again.
bool Hit(std::string_view name);

/// When FRESHET_FAILPOINTS is set, installs the SIGUSR1 handler that arms the points (call once,
/// at startup). Does nothing otherwise.
void InstallArmSignal();

/// Kills the process at once with SIGKILL, as `kill -9` would (after one line on stderr).
[[noreturn]] void Crash(std::string_view name);

}  // namespace freshet::failpoint
