#include "ingest/option_reader.h"

#include <cctype>
#include <cstdlib>

#include "common/datetime.h"

namespace freshet::ingest {
namespace {

Status Bad(const std::string& key, const std::string& value, const std::string& what) {
  return Status::Error(
      sqlstate::kInvalidParameterValue,
      "invalid value for option \"" + key + "\": \"" + value + "\" (" + what + ")");
}

}  // namespace

const std::string* OptionReader::Find(const std::string& key) const {
  for (const auto& [k, v] : options_) {
    if (k == key) return &v;
  }
  return nullptr;
}

bool OptionReader::Has(const std::string& key) const { return Find(key) != nullptr; }

std::string OptionReader::String(const std::string& key, const std::string& fallback) const {
  const std::string* v = Find(key);
  return v ? *v : fallback;
}

Result<int64_t> OptionReader::Int(const std::string& key, int64_t fallback, int64_t min,
                                  int64_t max) const {
  const std::string* v = Find(key);
  if (!v) return fallback;
  char* end = nullptr;
  long long n = std::strtoll(v->c_str(), &end, 10);
  if (v->empty() || *end != '\0') return Bad(key, *v, "an integer is expected");
  if (n < min || n > max) {
    return Bad(key, *v, "must be between " + std::to_string(min) + " and " + std::to_string(max));
  }
  return static_cast<int64_t>(n);
}

Result<double> OptionReader::Double(const std::string& key, double fallback) const {
  const std::string* v = Find(key);
  if (!v) return fallback;
  char* end = nullptr;
  double d = std::strtod(v->c_str(), &end);
  if (v->empty() || *end != '\0') return Bad(key, *v, "a number is expected");
  return d;
}

Result<bool> OptionReader::Bool(const std::string& key, bool fallback) const {
  const std::string* v = Find(key);
  if (!v) return fallback;
  std::string s;
  for (char c : *v) s.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  if (s == "true" || s == "on" || s == "1" || s == "yes") return true;
  if (s == "false" || s == "off" || s == "0" || s == "no") return false;
  return Bad(key, *v, "a boolean is expected");
}

Result<int64_t> OptionReader::DurationMicros(const std::string& key, int64_t fallback) const {
  const std::string* v = Find(key);
  if (!v) return fallback;
  auto iv = datetime::ParseInterval(*v);
  if (!iv.ok()) return Bad(key, *v, "an interval such as '10 seconds' is expected");
  int64_t micros =
      (static_cast<int64_t>(iv->months) * 30 + iv->days) * datetime::kMicrosPerDay + iv->micros;
  if (micros < 0) return Bad(key, *v, "must not be negative");
  return micros;
}

Result<int64_t> OptionReader::Timestamp(const std::string& key, int64_t fallback) const {
  const std::string* v = Find(key);
  if (!v) return fallback;
  auto ts = datetime::ParseTimestamp(*v);
  if (!ts.ok()) return Bad(key, *v, "a timestamp is expected");
  return *ts;
}

}  // namespace freshet::ingest
