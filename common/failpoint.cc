#include "common/failpoint.h"

#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <random>
#include <string>
#include <utility>
#include <vector>

namespace freshet::failpoint {
namespace {

struct Points {
  std::vector<std::pair<std::string, double>> points;
  std::mutex mu;
  std::mt19937_64 rng;
};

/// Parsed once, at the first Hit; null when FRESHET_FAILPOINTS is unset or empty.
Points* Load() {
  static Points* points = []() -> Points* {
    const char* env = std::getenv("FRESHET_FAILPOINTS");
    if (!env || !*env) return nullptr;
    auto* p = new Points();
    p->rng.seed(static_cast<uint64_t>(getpid()) * 0x9E3779B97F4A7C15ull ^
                static_cast<uint64_t>(time(nullptr)));
    std::string spec = env;
    size_t pos = 0;
    while (pos < spec.size()) {
      size_t comma = spec.find(',', pos);
      if (comma == std::string::npos) comma = spec.size();
      std::string item = spec.substr(pos, comma - pos);
      size_t eq = item.find('=');
      if (eq != std::string::npos) {
        p->points.emplace_back(item.substr(0, eq), std::atof(item.c_str() + eq + 1));
      }
      pos = comma + 1;
    }
    return p;
  }();
  return points;
}

std::atomic<bool> armed{false};

void OnArmSignal(int) { armed.store(true); }

}  // namespace

void InstallArmSignal() {
  if (!Load()) return;
  struct sigaction sa {};
  sa.sa_handler = OnArmSignal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGUSR1, &sa, nullptr);
}

bool Hit(std::string_view name) {
  Points* p = Load();
  if (!p || !armed.load(std::memory_order_relaxed)) return false;
  for (const auto& [point, probability] : p->points) {
    if (point != name) continue;
    std::lock_guard<std::mutex> lock(p->mu);
    return std::uniform_real_distribution<double>(0, 1)(p->rng) < probability;
  }
  return false;
}

void Crash(std::string_view name) {
  std::fprintf(stderr, "freshet: failpoint %.*s: killing the server\n",
               static_cast<int>(name.size()), name.data());
  std::fflush(stderr);
  kill(getpid(), SIGKILL);
  std::abort();
}

}  // namespace freshet::failpoint
