// Date/time input: a port of PostgreSQL's ParseDateTime/DecodeDateTime/DecodeTimeOnly/
// DecodeInterval logic (DateStyle ISO, MDY field order).

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>

#include "common/datetime.h"
#include "common/datetime_internal.h"

namespace freshet::datetime {

namespace {

// --- Error codes (PostgreSQL's DTERR_*) ----------------------------------------------------------

constexpr int kBadFormat = -1;
constexpr int kFieldOverflow = -2;
constexpr int kMdFieldOverflow = -3;
constexpr int kIntervalOverflow = -4;
constexpr int kTzDispOverflow = -5;
constexpr int kBadTimezone = -6;

// Field types produced by the tokenizer.
enum FType { kFNumber, kFString, kFDate, kFTime, kFTz, kFSpecial };

// Token types (and fmask bit numbers), as PostgreSQL numbers them.
enum TokType {
  kReserv = 0,
  kMonth = 1,
  kYear = 2,
  kDay = 3,
  kJulianTok = 4,
  kTz = 5,
  kDtz = 6,
  kIgnore = 8,
  kAmPm = 9,
  kHour = 10,
  kMinute = 11,
  kSecond = 12,
  kMillisecond = 13,
  kMicrosecond = 14,
  kDoy = 15,
  kDow = 16,
  kUnits = 17,
  kAdBc = 18,
  kAgo = 19,
  kIsoTime = 23,
  kWeek = 24,
  kDecade = 25,
  kCentury = 26,
  kMillennium = 27,
  kDtzMod = 28,
  kUnknownField = 31,
};

constexpr int M(int t) { return 1 << t; }
constexpr int kDateM = M(kYear) | M(kMonth) | M(kDay);
constexpr int kTimeM = M(kHour) | M(kMinute) | M(kSecond) | M(kMillisecond) | M(kMicrosecond);
constexpr int kAllSecsM = M(kSecond) | M(kMillisecond) | M(kMicrosecond);

// Values (DTK_*) carried by keywords.
enum Dtk {
  kDtkNone = 0,
  kDtkDate,
  kDtkTime,
  kDtkTzVal,
  kDtkEpoch,
  kDtkLate,
  kDtkEarly,
  kDtkNow,
  kDtkToday,
  kDtkTomorrow,
  kDtkYesterday,
  kDtkZulu,
  kDtkYear,
  kDtkMonth,
  kDtkDay,
  kDtkHour,
  kDtkMinute,
  kDtkSecond,
  kDtkMillisec,
  kDtkMicrosec,
  kDtkWeek,
  kDtkDecade,
  kDtkCentury,
  kDtkMillennium,
  kDtkJulian,
  kDtkDow,
  kDtkDoy,
  kDtkIsoDow,
  kDtkIsoYear,
  kDtkQuarter,
  kDtkTzHour,
  kDtkTzMinute,
  kDtkDelta,
};

constexpr int kAm = 0;
constexpr int kPm = 1;
constexpr int kHr24 = 2;
constexpr int kAd = 0;
constexpr int kBc = 1;

struct Keyword {
  const char* name;
  int type;
  int value;
};

// datetktbl (PostgreSQL 15).
constexpr Keyword kDateTokens[] = {
    {"-infinity", kReserv, kDtkEarly},
    {"ad", kAdBc, kAd},
    {"allballs", kReserv, kDtkZulu},
    {"am", kAmPm, kAm},
    {"apr", kMonth, 4},
    {"april", kMonth, 4},
    {"at", kIgnore, 0},
    {"aug", kMonth, 8},
    {"august", kMonth, 8},
    {"bc", kAdBc, kBc},
    {"d", kUnits, kDtkDay},
    {"dec", kMonth, 12},
    {"december", kMonth, 12},
    {"dow", kUnits, kDtkDow},
    {"doy", kUnits, kDtkDoy},
    {"dst", kDtzMod, 3600},
    {"epoch", kReserv, kDtkEpoch},
    {"feb", kMonth, 2},
    {"february", kMonth, 2},
    {"fri", kDow, 5},
    {"friday", kDow, 5},
    {"h", kUnits, kDtkHour},
    {"infinity", kReserv, kDtkLate},
    {"isodow", kUnits, kDtkIsoDow},
    {"isoyear", kUnits, kDtkIsoYear},
    {"j", kUnits, kDtkJulian},
    {"jan", kMonth, 1},
    {"january", kMonth, 1},
    {"jd", kUnits, kDtkJulian},
    {"jul", kMonth, 7},
    {"julian", kUnits, kDtkJulian},
    {"july", kMonth, 7},
    {"jun", kMonth, 6},
    {"june", kMonth, 6},
    {"m", kUnits, kDtkMonth},
    {"mar", kMonth, 3},
    {"march", kMonth, 3},
    {"may", kMonth, 5},
    {"mm", kUnits, kDtkMinute},
    {"mon", kDow, 1},
    {"monday", kDow, 1},
    {"nov", kMonth, 11},
    {"november", kMonth, 11},
    {"now", kReserv, kDtkNow},
    {"oct", kMonth, 10},
    {"october", kMonth, 10},
    {"on", kIgnore, 0},
    {"pm", kAmPm, kPm},
    {"s", kUnits, kDtkSecond},
    {"sat", kDow, 6},
    {"saturday", kDow, 6},
    {"sep", kMonth, 9},
    {"sept", kMonth, 9},
    {"september", kMonth, 9},
    {"sun", kDow, 0},
    {"sunday", kDow, 0},
    {"t", kIsoTime, kDtkTime},
    {"thu", kDow, 4},
    {"thur", kDow, 4},
    {"thurs", kDow, 4},
    {"thursday", kDow, 4},
    {"today", kReserv, kDtkToday},
    {"tomorrow", kReserv, kDtkTomorrow},
    {"tue", kDow, 2},
    {"tues", kDow, 2},
    {"tuesday", kDow, 2},
    {"wed", kDow, 3},
    {"wednesday", kDow, 3},
    {"weds", kDow, 3},
    {"y", kUnits, kDtkYear},
    {"yesterday", kReserv, kDtkYesterday},
};

// deltatktbl (interval units).
constexpr Keyword kDeltaTokens[] = {
    {"@", kIgnore, 0},
    {"ago", kAgo, 0},
    {"c", kUnits, kDtkCentury},
    {"cent", kUnits, kDtkCentury},
    {"centuries", kUnits, kDtkCentury},
    {"century", kUnits, kDtkCentury},
    {"d", kUnits, kDtkDay},
    {"day", kUnits, kDtkDay},
    {"days", kUnits, kDtkDay},
    {"dec", kUnits, kDtkDecade},
    {"decade", kUnits, kDtkDecade},
    {"decades", kUnits, kDtkDecade},
    {"decs", kUnits, kDtkDecade},
    {"h", kUnits, kDtkHour},
    {"hour", kUnits, kDtkHour},
    {"hours", kUnits, kDtkHour},
    {"hr", kUnits, kDtkHour},
    {"hrs", kUnits, kDtkHour},
    {"m", kUnits, kDtkMinute},
    {"microsecon", kUnits, kDtkMicrosec},
    {"mil", kUnits, kDtkMillennium},
    {"millennia", kUnits, kDtkMillennium},
    {"millennium", kUnits, kDtkMillennium},
    {"millisecon", kUnits, kDtkMillisec},
    {"mils", kUnits, kDtkMillennium},
    {"min", kUnits, kDtkMinute},
    {"mins", kUnits, kDtkMinute},
    {"minute", kUnits, kDtkMinute},
    {"minutes", kUnits, kDtkMinute},
    {"mon", kUnits, kDtkMonth},
    {"mons", kUnits, kDtkMonth},
    {"month", kUnits, kDtkMonth},
    {"months", kUnits, kDtkMonth},
    {"ms", kUnits, kDtkMillisec},
    {"msec", kUnits, kDtkMillisec},
    {"msecond", kUnits, kDtkMillisec},
    {"mseconds", kUnits, kDtkMillisec},
    {"msecs", kUnits, kDtkMillisec},
    {"qtr", kUnits, kDtkQuarter},
    {"quarter", kUnits, kDtkQuarter},
    {"s", kUnits, kDtkSecond},
    {"sec", kUnits, kDtkSecond},
    {"second", kUnits, kDtkSecond},
    {"seconds", kUnits, kDtkSecond},
    {"secs", kUnits, kDtkSecond},
    {"timezone", kUnits, kDtkTzVal},
    {"timezone_h", kUnits, kDtkTzHour},
    {"timezone_m", kUnits, kDtkTzMinute},
    {"us", kUnits, kDtkMicrosec},
    {"usec", kUnits, kDtkMicrosec},
    {"usecond", kUnits, kDtkMicrosec},
    {"useconds", kUnits, kDtkMicrosec},
    {"usecs", kUnits, kDtkMicrosec},
    {"w", kUnits, kDtkWeek},
    {"week", kUnits, kDtkWeek},
    {"weeks", kUnits, kDtkWeek},
    {"y", kUnits, kDtkYear},
    {"year", kUnits, kDtkYear},
    {"years", kUnits, kDtkYear},
    {"yr", kUnits, kDtkYear},
    {"yrs", kUnits, kDtkYear},
};

template <size_t N>
const Keyword* FindKeyword(const Keyword (&table)[N], const char* key) {
  size_t len = std::strlen(key);
  if (len > 10) len = 10;  // PostgreSQL compares at most TOKMAXLEN characters
  for (const Keyword& k : table) {
    if (std::strlen(k.name) == len && std::strncmp(k.name, key, len) == 0) return &k;
  }
  return nullptr;
}

int DecodeSpecial(const char* token, int* val) {
  const Keyword* k = FindKeyword(kDateTokens, token);
  if (k == nullptr) {
    *val = 0;
    return kUnknownField;
  }
  *val = k->value;
  return k->type;
}

int DecodeUnits(const char* token, int* val) {
  const Keyword* k = FindKeyword(kDeltaTokens, token);
  if (k == nullptr) {
    *val = 0;
    return kUnknownField;
  }
  *val = k->value;
  return k->type;
}

// --- Small C-string number parsers ---------------------------------------------------------------

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool IsAlnum(char c) { return IsDigit(c) || IsAlpha(c); }
bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}
bool IsPunct(char c) { return c > 32 && c < 127 && !IsAlnum(c); }
char ToLower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c; }

/// strtol-like: optional sign then digits. *overflow when the value leaves int64.
int64_t StrToI64(const char* s, char** end, bool* overflow) {
  const char* p = s;
  bool neg = false;
  *overflow = false;
  if (*p == '+' || *p == '-') {
    neg = *p == '-';
    ++p;
  }
  if (!IsDigit(*p)) {
    *end = const_cast<char*>(s);
    return 0;
  }
  uint64_t v = 0;
  while (IsDigit(*p)) {
    if (v > (UINT64_MAX - 9) / 10) *overflow = true;
    if (!*overflow) v = v * 10 + static_cast<uint64_t>(*p - '0');
    ++p;
  }
  *end = const_cast<char*>(p);
  if (!neg && v > static_cast<uint64_t>(INT64_MAX)) *overflow = true;
  if (neg && v > static_cast<uint64_t>(INT64_MAX) + 1) *overflow = true;
  if (*overflow) return neg ? INT64_MIN : INT64_MAX;
  return neg ? static_cast<int64_t>(0 - v) : static_cast<int64_t>(v);
}

int StrToInt(const char* s, char** end, bool* overflow) {
  int64_t v = StrToI64(s, end, overflow);
  if (v > INT32_MAX || v < INT32_MIN) *overflow = true;
  return static_cast<int>(v);
}

/// atoi of a digit string, saturating.
int AtoiN(const char* s, int n) {
  int64_t v = 0;
  for (int i = 0; i < n && IsDigit(s[i]); ++i) {
    v = v * 10 + (s[i] - '0');
    if (v > INT32_MAX) return INT32_MAX;
  }
  return static_cast<int>(v);
}

/// "." followed by optional digits up to the end of the string.
int ParseFraction(const char* cp, double* frac) {
  if (cp[1] == '\0') {
    *frac = 0;
    return 0;
  }
  char* end;
  errno = 0;
  *frac = std::strtod(cp, &end);
  if (*end != '\0' || errno != 0) return kBadFormat;
  return 0;
}

int ParseFractionalSecond(const char* cp, int32_t* fsec) {
  double frac;
  int err = ParseFraction(cp, &frac);
  if (err) return err;
  *fsec = static_cast<int32_t>(std::rint(frac * 1000000));
  return 0;
}

// --- Tokenizer (ParseDateTime) -------------------------------------------------------------------

constexpr int kMaxFields = 25;
constexpr int kMaxDateLen = 128;

struct Fields {
  char buf[kMaxDateLen + kMaxFields];
  char* field[kMaxFields];
  int type[kMaxFields];
  int n = 0;
};

int Tokenize(std::string_view in, Fields* f) {
  size_t len = in.size();
  size_t nul = in.find('\0');
  if (nul != std::string_view::npos) len = nul;
  size_t i = 0;
  char* bufp = f->buf;
  const char* bufend = f->buf + sizeof(f->buf);
  auto at = [&](size_t k) -> char { return k < len ? in[k] : '\0'; };
#define APPEND(ch)                             \
  do {                                         \
    if (bufp + 1 >= bufend) return kBadFormat; \
    *bufp++ = (ch);                            \
  } while (0)
  int nf = 0;
  while (at(i) != '\0') {
    char c = at(i);
    if (IsSpace(c)) {
      ++i;
      continue;
    }
    if (nf >= kMaxFields) return kBadFormat;
    f->field[nf] = bufp;
    if (IsDigit(c)) {
      APPEND(at(i++));
      while (IsDigit(at(i))) APPEND(at(i++));
      if (at(i) == ':') {
        f->type[nf] = kFTime;
        APPEND(at(i++));
        while (IsDigit(at(i)) || at(i) == ':' || at(i) == '.') APPEND(at(i++));
      } else if (at(i) == '-' || at(i) == '/' || at(i) == '.') {
        char delim = at(i);
        APPEND(at(i++));
        if (IsDigit(at(i))) {
          f->type[nf] = delim == '.' ? kFNumber : kFDate;
          while (IsDigit(at(i))) APPEND(at(i++));
          if (at(i) == delim) {
            f->type[nf] = kFDate;
            APPEND(at(i++));
            while (IsDigit(at(i)) || at(i) == delim) APPEND(at(i++));
          }
        } else {
          f->type[nf] = kFDate;
          while (IsAlnum(at(i)) || at(i) == delim) APPEND(ToLower(at(i++)));
        }
      } else {
        f->type[nf] = kFNumber;
      }
    } else if (c == '.') {
      APPEND(at(i++));
      while (IsDigit(at(i))) APPEND(at(i++));
      f->type[nf] = kFNumber;
    } else if (IsAlpha(c)) {
      f->type[nf] = kFString;
      APPEND(ToLower(at(i++)));
      while (IsAlpha(at(i))) APPEND(ToLower(at(i++)));
      bool is_date = false;
      char n = at(i);
      if (n == '-' || n == '/' || n == '.') {
        is_date = true;
      } else if (n == '+' || IsDigit(n)) {
        *bufp = '\0';
        if (FindKeyword(kDateTokens, f->field[nf]) == nullptr) is_date = true;
      }
      if (is_date) {
        f->type[nf] = kFDate;
        do {
          APPEND(ToLower(at(i++)));
        } while (at(i) == '+' || at(i) == '-' || at(i) == '/' || at(i) == '_' || at(i) == '.' ||
                 at(i) == ':' || IsAlnum(at(i)));
      }
    } else if (c == '+' || c == '-') {
      APPEND(at(i++));
      while (IsSpace(at(i))) ++i;
      if (IsDigit(at(i))) {
        f->type[nf] = kFTz;
        APPEND(at(i++));
        while (IsDigit(at(i)) || at(i) == ':' || at(i) == '.' || at(i) == '-') APPEND(at(i++));
      } else if (IsAlpha(at(i))) {
        f->type[nf] = kFSpecial;
        APPEND(ToLower(at(i++)));
        while (IsAlpha(at(i))) APPEND(ToLower(at(i++)));
      } else {
        return kBadFormat;
      }
    } else if (IsPunct(c)) {
      ++i;
      continue;
    } else {
      return kBadFormat;
    }
    if (bufp >= bufend) return kBadFormat;
    *bufp++ = '\0';
    ++nf;
  }
#undef APPEND
  f->n = nf;
  return 0;
}

// --- Field decoders ------------------------------------------------------------------------------

struct PTm {
  int year = 0;
  int mon = 0;
  int mday = 0;
  int hour = 0;
  int min = 0;
  int sec = 0;
  int yday = 0;
};

int DecodeNumberField(int len, char* str, int fmask, int* tmask, PTm* tm, int32_t* fsec,
                      bool* is2digits) {
  char* cp = std::strchr(str, '.');
  if (cp != nullptr) {
    if (cp[1] == '\0') {
      *fsec = 0;
    } else {
      errno = 0;
      double frac = std::strtod(cp, nullptr);
      if (errno != 0) return kBadFormat;
      *fsec = static_cast<int32_t>(std::rint(frac * 1000000));
    }
    *cp = '\0';
    len = static_cast<int>(std::strlen(str));
  } else if ((fmask & kDateM) != kDateM) {
    if (len >= 6) {
      *tmask = kDateM;
      tm->mday = AtoiN(str + len - 2, 2);
      tm->mon = AtoiN(str + len - 4, 2);
      tm->year = AtoiN(str, len - 4);
      if (len - 4 == 2) *is2digits = true;
      return kDtkDate;
    }
  }
  if ((fmask & kTimeM) != kTimeM) {
    if (len == 6) {
      *tmask = kTimeM;
      tm->sec = AtoiN(str + 4, 2);
      tm->min = AtoiN(str + 2, 2);
      tm->hour = AtoiN(str, 2);
      return kDtkTime;
    }
    if (len == 4) {
      *tmask = kTimeM;
      tm->sec = 0;
      tm->min = AtoiN(str + 2, 2);
      tm->hour = AtoiN(str, 2);
      return kDtkTime;
    }
  }
  return kBadFormat;
}

int DecodeNumber(int flen, char* str, bool have_text_month, int fmask, int* tmask, PTm* tm,
                 int32_t* fsec, bool* is2digits) {
  *tmask = 0;
  char* cp;
  bool overflow;
  int val = StrToInt(str, &cp, &overflow);
  if (overflow) return kFieldOverflow;
  if (cp == str) return kBadFormat;
  if (*cp == '.') {
    if (cp - str > 2) {
      int err = DecodeNumberField(flen, str, fmask | kDateM, tmask, tm, fsec, is2digits);
      return err < 0 ? err : 0;
    }
    int err = ParseFractionalSecond(cp, fsec);
    if (err) return err;
  } else if (*cp != '\0') {
    return kBadFormat;
  }
  if (flen == 3 && (fmask & kDateM) == M(kYear) && val >= 1 && val <= 366) {
    *tmask = M(kDoy) | M(kMonth) | M(kDay);
    tm->yday = val;
    return 0;
  }
  switch (fmask & kDateM) {
    case 0:
      if (flen >= 3) {
        *tmask = M(kYear);
        tm->year = val;
      } else {  // DateOrder MDY
        *tmask = M(kMonth);
        tm->mon = val;
      }
      break;
    case M(kYear):
      *tmask = M(kMonth);
      tm->mon = val;
      break;
    case M(kMonth):
      if (have_text_month) {
        if (flen >= 3) {
          *tmask = M(kYear);
          tm->year = val;
        } else {
          *tmask = M(kDay);
          tm->mday = val;
        }
      } else {
        *tmask = M(kDay);
        tm->mday = val;
      }
      break;
    case M(kYear) | M(kMonth):
      if (have_text_month) {
        if (flen >= 3 && *is2digits) {
          *tmask = M(kDay);
          tm->mday = tm->year;
          tm->year = val;
          *is2digits = false;
        } else {
          *tmask = M(kDay);
          tm->mday = val;
        }
      } else {
        *tmask = M(kDay);
        tm->mday = val;
      }
      break;
    case M(kDay):
      *tmask = M(kMonth);
      tm->mon = val;
      break;
    case M(kMonth) | M(kDay):
      *tmask = M(kYear);
      tm->year = val;
      break;
    case M(kYear) | M(kMonth) | M(kDay): {
      int err = DecodeNumberField(flen, str, fmask, tmask, tm, fsec, is2digits);
      return err < 0 ? err : 0;
    }
    default:
      return kBadFormat;
  }
  if (*tmask == M(kYear)) *is2digits = flen <= 2;
  return 0;
}

int DecodeDate(char* str, int fmask, int* tmask, bool* is2digits, PTm* tm) {
  char* field[kMaxFields];
  int nf = 0;
  bool have_text_month = false;
  *tmask = 0;
  while (*str != '\0' && nf < kMaxFields) {
    while (*str != '\0' && !IsAlnum(*str)) ++str;
    if (*str == '\0') return kBadFormat;
    field[nf] = str;
    if (IsDigit(*str)) {
      while (IsDigit(*str)) ++str;
    } else if (IsAlpha(*str)) {
      while (IsAlpha(*str)) ++str;
    }
    if (*str != '\0') *str++ = '\0';
    ++nf;
  }
  for (int i = 0; i < nf; ++i) {
    if (IsAlpha(*field[i])) {
      int val;
      int type = DecodeSpecial(field[i], &val);
      if (type == kIgnore) continue;
      int dmask = M(type);
      if (type != kMonth) return kBadFormat;
      tm->mon = val;
      have_text_month = true;
      if (fmask & dmask) return kBadFormat;
      fmask |= dmask;
      *tmask |= dmask;
      field[i] = nullptr;
    }
  }
  for (int i = 0; i < nf; ++i) {
    if (field[i] == nullptr) continue;
    int len = static_cast<int>(std::strlen(field[i]));
    if (len <= 0) return kBadFormat;
    int dmask;
    int32_t fsec = 0;
    int err = DecodeNumber(len, field[i], have_text_month, fmask, &dmask, tm, &fsec, is2digits);
    if (err) return err;
    if (fmask & dmask) return kBadFormat;
    fmask |= dmask;
    *tmask |= dmask;
  }
  if ((fmask & ~(M(kDoy) | M(kTz))) != kDateM) return kBadFormat;
  return 0;
}

int ValidateDate(int fmask, bool isjulian, bool is2digits, bool bc, PTm* tm) {
  if (fmask & M(kYear)) {
    if (isjulian) {
      // already correct
    } else if (bc) {
      if (tm->year <= 0) return kFieldOverflow;
      tm->year = -(tm->year - 1);
    } else if (is2digits) {
      if (tm->year < 0) return kFieldOverflow;
      if (tm->year < 70) {
        tm->year += 2000;
      } else if (tm->year < 100) {
        tm->year += 1900;
      }
    } else if (tm->year <= 0) {
      return kFieldOverflow;
    }
  }
  if (fmask & M(kDoy)) {
    if (!IsValidJulian(tm->year, 1, 1)) return kFieldOverflow;
    J2Date(Date2J(tm->year, 1, 1) + tm->yday - 1, &tm->year, &tm->mon, &tm->mday);
  }
  if (fmask & M(kMonth)) {
    if (tm->mon < 1 || tm->mon > 12) return kMdFieldOverflow;
  }
  if (fmask & M(kDay)) {
    if (tm->mday < 1 || tm->mday > 31) return kMdFieldOverflow;
  }
  if ((fmask & kDateM) == kDateM) {
    if (tm->mday > DaysInMonth(tm->year, tm->mon)) return kFieldOverflow;
  }
  return 0;
}

struct Itm {
  int64_t hour = 0;
  int min = 0;
  int sec = 0;
  int32_t usec = 0;
};

/// "hh:mm[:ss[.fff]]" or "mm:ss.fff" (PostgreSQL's DecodeTimeCommon, full range).
int DecodeTimeCommon(char* str, int* tmask, Itm* itm) {
  *tmask = kTimeM;
  char* cp;
  bool overflow;
  int32_t fsec = 0;
  itm->hour = StrToI64(str, &cp, &overflow);
  if (overflow) return kFieldOverflow;
  if (*cp != ':') return kBadFormat;
  itm->min = StrToInt(cp + 1, &cp, &overflow);
  if (overflow) return kFieldOverflow;
  if (*cp == '\0') {
    itm->sec = 0;
  } else if (*cp == '.') {
    int err = ParseFractionalSecond(cp, &fsec);
    if (err) return err;
    if (itm->hour > INT32_MAX || itm->hour < INT32_MIN) return kFieldOverflow;
    itm->sec = itm->min;
    itm->min = static_cast<int>(itm->hour);
    itm->hour = 0;
  } else if (*cp == ':') {
    itm->sec = StrToInt(cp + 1, &cp, &overflow);
    if (overflow) return kFieldOverflow;
    if (*cp == '.') {
      int err = ParseFractionalSecond(cp, &fsec);
      if (err) return err;
    } else if (*cp != '\0') {
      return kBadFormat;
    }
  } else {
    return kBadFormat;
  }
  if (itm->hour < 0 || itm->min < 0 || itm->min > 59 || itm->sec < 0 || itm->sec > 60 || fsec < 0 ||
      fsec > 1000000) {
    return kFieldOverflow;
  }
  itm->usec = fsec;
  return 0;
}

int DecodeTime(char* str, int* tmask, PTm* tm, int32_t* fsec) {
  Itm itm;
  int err = DecodeTimeCommon(str, tmask, &itm);
  if (err) return err;
  if (itm.hour > INT32_MAX) return kFieldOverflow;
  tm->hour = static_cast<int>(itm.hour);
  tm->min = itm.min;
  tm->sec = itm.sec;
  *fsec = itm.usec;
  return 0;
}

bool TimeOverflows(int hour, int min, int sec, int32_t fsec) {
  if (hour < 0 || hour > 24 || min < 0 || min >= 60 || sec < 0 || sec > 60 || fsec < 0 ||
      fsec > 1000000) {
    return true;
  }
  return ((static_cast<int64_t>(hour) * 60 + min) * 60 + sec) * kMicrosPerSecond + fsec >
         kMicrosPerDay;
}

/// Numeric zone "+hh[:mm[:ss]]" or "+hhmm"; *east receives the offset east of UTC.
int DecodeTimezone(const char* str, int32_t* east) {
  if (*str != '+' && *str != '-') return kBadFormat;
  char* cp;
  bool overflow;
  int hr = StrToInt(str + 1, &cp, &overflow);
  if (overflow) return kTzDispOverflow;
  int min = 0;
  int sec = 0;
  if (*cp == ':') {
    min = StrToInt(cp + 1, &cp, &overflow);
    if (overflow) return kTzDispOverflow;
    if (*cp == ':') {
      sec = StrToInt(cp + 1, &cp, &overflow);
      if (overflow) return kTzDispOverflow;
    }
  } else if (*cp == '\0' && std::strlen(str) > 3) {
    min = hr % 100;
    hr = hr / 100;
  }
  if (hr < 0 || hr > 15) return kTzDispOverflow;
  if (min < 0 || min >= 60) return kTzDispOverflow;
  if (sec < 0 || sec >= 60) return kTzDispOverflow;
  int32_t tz = (hr * 60 + min) * 60 + sec;
  if (*str == '-') tz = -tz;
  *east = tz;
  if (*cp != '\0') return kBadFormat;
  return 0;
}

int64_t LocalMicros(const PTm& tm, int32_t fsec) {
  return (static_cast<int64_t>(DaysFromCivil(tm.year, tm.mon, tm.mday)) * 86400 +
          (static_cast<int64_t>(tm.hour) * 60 + tm.min) * 60 + tm.sec) *
             kMicrosPerSecond +
         fsec;
}

/// DetermineTimeZoneOffset: offset east of UTC of the local time in tm.
int32_t DetermineOffset(const PTm& tm, const TimeZone& tz) {
  if (!IsValidJulian(tm.year, tm.mon, tm.mday)) return 0;
  return tz.OffsetForLocal(LocalMicros(tm, 0));
}

void NowFields(const TimeZone* tz, PTm* tm, int32_t* fsec, int32_t* east) {
  int64_t now = NowMicros();
  int32_t off = tz != nullptr ? tz->OffsetAt(now) : 0;
  Tm t;
  TimestampToTm(now + off * kMicrosPerSecond, &t);
  tm->year = t.year;
  tm->mon = t.mon;
  tm->mday = t.mday;
  tm->hour = t.hour;
  tm->min = t.min;
  tm->sec = t.sec;
  *fsec = t.fsec;
  if (east != nullptr) *east = off;
}

void ShiftDate(PTm* tm, int days) {
  J2Date(Date2J(tm->year, tm->mon, tm->mday) + days, &tm->year, &tm->mon, &tm->mday);
}

/// Loads a zone named inside an input string (PostgreSQL's pg_tzset).
bool LoadInputZone(const char* name, TimeZone* out) {
  Result<TimeZone> tz = TimeZone::Parse(name);
  if (!tz.ok()) return false;
  *out = *tz;
  return true;
}

struct DecodedDateTime {
  int dtype = kDtkDate;
  PTm tm;
  int32_t fsec = 0;
  int32_t tz_east = 0;
  bool has_tz = false;
  std::string bad_zone;  // for kBadTimezone
};

/// DecodeDateTime. `session` resolves local times when non-null (timestamptz input).
int DecodeDateTime(Fields* f, const TimeZone* session, DecodedDateTime* out) {
  int fmask = 0;
  int tmask = 0;
  int ptype = 0;
  int mer = kHr24;
  bool have_text_month = false;
  bool isjulian = false;
  bool is2digits = false;
  bool bc = false;
  bool have_named = false;
  TimeZone named;
  PTm* tm = &out->tm;
  int32_t* fsec = &out->fsec;
  int32_t tz = 0;  // east
  out->dtype = kDtkDate;
  for (int i = 0; i < f->n; ++i) {
    char* field = f->field[i];
    switch (f->type[i]) {
      case kFDate:
        if (ptype == kDtkJulian) {
          char* cp;
          bool overflow;
          int jday = StrToInt(field, &cp, &overflow);
          if (overflow || jday < 0) return kFieldOverflow;
          J2Date(jday, &tm->year, &tm->mon, &tm->mday);
          isjulian = true;
          int err = DecodeTimezone(cp, &tz);
          if (err) return err;
          tmask = kDateM | kTimeM | M(kTz);
          ptype = 0;
        } else if (ptype != 0 || (fmask & (M(kMonth) | M(kDay))) == (M(kMonth) | M(kDay))) {
          if (IsDigit(*field) || ptype != 0) {
            if (ptype != 0) {
              if (ptype != kDtkTime) return kBadFormat;
              ptype = 0;
            }
            if ((fmask & kTimeM) == kTimeM) return kBadFormat;
            char* cp = std::strchr(field, '-');
            if (cp == nullptr) return kBadFormat;
            int err = DecodeTimezone(cp, &tz);
            if (err) return err;
            *cp = '\0';
            err = DecodeNumberField(static_cast<int>(std::strlen(field)), field, fmask, &tmask, tm,
                                    fsec, &is2digits);
            if (err < 0) return err;
            tmask |= M(kTz);
          } else {
            if (!LoadInputZone(field, &named)) {
              out->bad_zone = field;
              return kBadTimezone;
            }
            have_named = true;
            tmask = M(kTz);
          }
        } else {
          int err = DecodeDate(field, fmask, &tmask, &is2digits, tm);
          if (err) return err;
        }
        break;

      case kFTime: {
        if (ptype != 0) {
          if (ptype != kDtkTime) return kBadFormat;
          ptype = 0;
        }
        int err = DecodeTime(field, &tmask, tm, fsec);
        if (err) return err;
        if (TimeOverflows(tm->hour, tm->min, tm->sec, *fsec)) return kFieldOverflow;
        break;
      }

      case kFTz: {
        int err = DecodeTimezone(field, &tz);
        if (err) return err;
        tmask = M(kTz);
        break;
      }

      case kFNumber:
        if (ptype != 0) {
          char* cp;
          bool overflow;
          int val = StrToInt(field, &cp, &overflow);
          if (overflow) return kFieldOverflow;
          if (*cp == '.') {
            if (ptype != kDtkJulian && ptype != kDtkTime && ptype != kDtkSecond) {
              return kBadFormat;
            }
          } else if (*cp != '\0') {
            return kBadFormat;
          }
          switch (ptype) {
            case kDtkYear:
              tm->year = val;
              tmask = M(kYear);
              break;
            case kDtkMonth:
              if ((fmask & M(kMonth)) && (fmask & M(kHour))) {
                tm->min = val;
                tmask = M(kMinute);
              } else {
                tm->mon = val;
                tmask = M(kMonth);
              }
              break;
            case kDtkDay:
              tm->mday = val;
              tmask = M(kDay);
              break;
            case kDtkHour:
              tm->hour = val;
              tmask = M(kHour);
              break;
            case kDtkMinute:
              tm->min = val;
              tmask = M(kMinute);
              break;
            case kDtkSecond:
              tm->sec = val;
              tmask = M(kSecond);
              if (*cp == '.') {
                int err = ParseFractionalSecond(cp, fsec);
                if (err) return err;
                tmask = kAllSecsM;
              }
              break;
            case kDtkJulian: {
              if (val < 0) return kFieldOverflow;
              tmask = kDateM;
              J2Date(val, &tm->year, &tm->mon, &tm->mday);
              isjulian = true;
              if (*cp == '.') {
                double time;
                int err = ParseFraction(cp, &time);
                if (err) return err;
                int64_t us = static_cast<int64_t>(std::rint(time * kMicrosPerDay));
                tm->hour = static_cast<int>(us / kMicrosPerHour);
                us -= tm->hour * kMicrosPerHour;
                tm->min = static_cast<int>(us / kMicrosPerMinute);
                us -= tm->min * kMicrosPerMinute;
                tm->sec = static_cast<int>(us / kMicrosPerSecond);
                *fsec = static_cast<int32_t>(us - tm->sec * kMicrosPerSecond);
                tmask |= kTimeM;
              }
              break;
            }
            case kDtkTime: {
              int err = DecodeNumberField(static_cast<int>(std::strlen(field)), field,
                                          fmask | kDateM, &tmask, tm, fsec, &is2digits);
              if (err < 0) return err;
              if (tmask != kTimeM) return kBadFormat;
              break;
            }
            default:
              return kBadFormat;
          }
          ptype = 0;
          out->dtype = kDtkDate;
        } else {
          int flen = static_cast<int>(std::strlen(field));
          char* cp = std::strchr(field, '.');
          int err;
          if (cp != nullptr && !(fmask & kDateM)) {
            err = DecodeDate(field, fmask, &tmask, &is2digits, tm);
            if (err) return err;
          } else if (cp != nullptr && flen - static_cast<int>(std::strlen(cp)) > 2) {
            err = DecodeNumberField(flen, field, fmask, &tmask, tm, fsec, &is2digits);
            if (err < 0) return err;
          } else if (flen >= 6 && (!(fmask & kDateM) || !(fmask & kTimeM))) {
            err = DecodeNumberField(flen, field, fmask, &tmask, tm, fsec, &is2digits);
            if (err < 0) return err;
          } else {
            err = DecodeNumber(flen, field, have_text_month, fmask, &tmask, tm, fsec, &is2digits);
            if (err) return err;
          }
        }
        break;

      case kFString:
      case kFSpecial: {
        int type;
        int val = 0;
        int32_t abbrev_off;
        bool abbrev_dst;
        if (LookupZoneAbbrev(field, &abbrev_off, &abbrev_dst)) {
          type = abbrev_dst ? kDtz : kTz;
        } else {
          type = DecodeSpecial(field, &val);
        }
        if (type == kIgnore) continue;
        tmask = M(type);
        switch (type) {
          case kReserv:
            switch (val) {
              case kDtkNow:
                tmask = kDateM | kTimeM | M(kTz);
                out->dtype = kDtkDate;
                NowFields(session, tm, fsec, &tz);
                break;
              case kDtkYesterday:
              case kDtkToday:
              case kDtkTomorrow: {
                tmask = kDateM;
                out->dtype = kDtkDate;
                PTm cur;
                int32_t cur_fsec;
                NowFields(session, &cur, &cur_fsec, nullptr);
                tm->year = cur.year;
                tm->mon = cur.mon;
                tm->mday = cur.mday;
                if (val == kDtkYesterday) ShiftDate(tm, -1);
                if (val == kDtkTomorrow) ShiftDate(tm, 1);
                break;
              }
              case kDtkZulu:
                tmask = kTimeM | M(kTz);
                out->dtype = kDtkDate;
                tm->hour = 0;
                tm->min = 0;
                tm->sec = 0;
                tz = 0;
                break;
              default:  // epoch, infinity, -infinity
                tmask = kDateM | kTimeM | M(kTz);
                out->dtype = val;
                break;
            }
            break;
          case kMonth:
            if ((fmask & M(kMonth)) && !have_text_month && !(fmask & M(kDay)) && tm->mon >= 1 &&
                tm->mon <= 31) {
              tm->mday = tm->mon;
              tmask = M(kDay);
            }
            have_text_month = true;
            tm->mon = val;
            break;
          case kDtzMod:
            tmask |= M(kDtz);
            tz += val;
            break;
          case kDtz:
            tmask |= M(kTz);
            tz = abbrev_off;
            break;
          case kTz:
            tz = abbrev_off;
            break;
          case kAmPm:
            mer = val;
            break;
          case kAdBc:
            bc = val == kBc;
            break;
          case kDow:
            break;
          case kUnits:
            tmask = 0;
            ptype = val;
            break;
          case kIsoTime:
            tmask = 0;
            if ((fmask & kDateM) != kDateM) return kBadFormat;
            if (i >= f->n - 1 || (f->type[i + 1] != kFNumber && f->type[i + 1] != kFTime &&
                                  f->type[i + 1] != kFDate)) {
              return kBadFormat;
            }
            ptype = val;
            break;
          case kUnknownField:
            if (!LoadInputZone(field, &named)) return kBadFormat;
            have_named = true;
            tmask = M(kTz);
            break;
          default:
            return kBadFormat;
        }
        break;
      }

      default:
        return kBadFormat;
    }
    if (tmask & fmask) return kBadFormat;
    fmask |= tmask;
  }

  if (out->dtype == kDtkDate) {
    int err = ValidateDate(fmask, isjulian, is2digits, bc, tm);
    if (err) return err;
    if (mer != kHr24 && tm->hour > 12) return kFieldOverflow;
    if (mer == kAm && tm->hour == 12) {
      tm->hour = 0;
    } else if (mer == kPm && tm->hour != 12) {
      tm->hour += 12;
    }
    if ((fmask & kDateM) != kDateM) return kBadFormat;  // time-only input
    if (have_named) {
      if (fmask & M(kDtzMod)) return kBadFormat;
      tz = DetermineOffset(*tm, named);
    }
    if (!(fmask & M(kTz))) {
      if (fmask & M(kDtzMod)) return kBadFormat;
      if (session != nullptr) tz = DetermineOffset(*tm, *session);
    } else {
      out->has_tz = true;
    }
  }
  out->tz_east = tz;
  return 0;
}

/// DecodeTimeOnly (time input; zones are validated and ignored).
int DecodeTimeOnly(Fields* f, PTm* tm, int32_t* fsec, std::string* bad_zone) {
  int fmask = 0;
  int tmask = 0;
  int ptype = 0;
  int mer = kHr24;
  bool isjulian = false;
  bool is2digits = false;
  bool bc = false;
  int32_t tz = 0;
  TimeZone named;
  const char* named_zone = nullptr;
  for (int i = 0; i < f->n; ++i) {
    char* field = f->field[i];
    switch (f->type[i]) {
      case kFDate:
        if (i == 0 && f->n >= 2 && (f->type[f->n - 1] == kFDate || f->type[1] == kFTime)) {
          int err = DecodeDate(field, fmask, &tmask, &is2digits, tm);
          if (err) return err;
        } else if (IsDigit(*field)) {
          if ((fmask & kTimeM) == kTimeM) return kBadFormat;
          char* cp = std::strchr(field, '-');
          if (cp == nullptr) return kBadFormat;
          int err = DecodeTimezone(cp, &tz);
          if (err) return err;
          *cp = '\0';
          err = DecodeNumberField(static_cast<int>(std::strlen(field)), field, fmask | kDateM,
                                  &tmask, tm, fsec, &is2digits);
          if (err < 0) return err;
          tmask |= M(kTz);
        } else {
          if (!LoadInputZone(field, &named)) {
            *bad_zone = field;
            return kBadTimezone;
          }
          named_zone = field;
          tmask = M(kTz);
        }
        break;

      case kFTime: {
        if (ptype != 0) {
          if (ptype != kDtkTime) return kBadFormat;
          ptype = 0;
        }
        int err = DecodeTime(field, &tmask, tm, fsec);
        if (err) return err;
        break;
      }

      case kFTz: {
        int err = DecodeTimezone(field, &tz);
        if (err) return err;
        tmask = M(kTz);
        break;
      }

      case kFNumber:
        if (ptype != 0) {
          char* cp;
          bool overflow;
          int val = StrToInt(field, &cp, &overflow);
          if (overflow) return kFieldOverflow;
          if (*cp == '.') {
            if (ptype != kDtkJulian && ptype != kDtkTime && ptype != kDtkSecond) {
              return kBadFormat;
            }
          } else if (*cp != '\0') {
            return kBadFormat;
          }
          switch (ptype) {
            case kDtkYear:
              tm->year = val;
              tmask = M(kYear);
              break;
            case kDtkMonth:
              if ((fmask & M(kMonth)) && (fmask & M(kHour))) {
                tm->min = val;
                tmask = M(kMinute);
              } else {
                tm->mon = val;
                tmask = M(kMonth);
              }
              break;
            case kDtkDay:
              tm->mday = val;
              tmask = M(kDay);
              break;
            case kDtkHour:
              tm->hour = val;
              tmask = M(kHour);
              break;
            case kDtkMinute:
              tm->min = val;
              tmask = M(kMinute);
              break;
            case kDtkSecond:
              tm->sec = val;
              tmask = M(kSecond);
              if (*cp == '.') {
                int err = ParseFractionalSecond(cp, fsec);
                if (err) return err;
                tmask = kAllSecsM;
              }
              break;
            case kDtkTime: {
              int err = DecodeNumberField(static_cast<int>(std::strlen(field)), field,
                                          fmask | kDateM, &tmask, tm, fsec, &is2digits);
              if (err < 0) return err;
              if (tmask != kTimeM) return kBadFormat;
              break;
            }
            default:
              return kBadFormat;
          }
          ptype = 0;
        } else {
          int flen = static_cast<int>(std::strlen(field));
          char* cp = std::strchr(field, '.');
          if (cp != nullptr) {
            if (i == 0 && f->n >= 2 && f->type[f->n - 1] == kFDate) {
              int err = DecodeDate(field, fmask, &tmask, &is2digits, tm);
              if (err) return err;
            } else if (flen - static_cast<int>(std::strlen(cp)) > 2) {
              int err =
                  DecodeNumberField(flen, field, fmask | kDateM, &tmask, tm, fsec, &is2digits);
              if (err < 0) return err;
            } else {
              return kBadFormat;
            }
          } else if (flen > 4) {
            int err = DecodeNumberField(flen, field, fmask | kDateM, &tmask, tm, fsec, &is2digits);
            if (err < 0) return err;
          } else {
            int err =
                DecodeNumber(flen, field, false, fmask | kDateM, &tmask, tm, fsec, &is2digits);
            if (err) return err;
          }
        }
        break;

      case kFString:
      case kFSpecial: {
        int type;
        int val = 0;
        int32_t abbrev_off;
        bool abbrev_dst;
        if (LookupZoneAbbrev(field, &abbrev_off, &abbrev_dst)) {
          type = abbrev_dst ? kDtz : kTz;
        } else {
          type = DecodeSpecial(field, &val);
        }
        if (type == kIgnore) continue;
        tmask = M(type);
        switch (type) {
          case kReserv:
            switch (val) {
              case kDtkNow: {
                tmask = kTimeM;
                int32_t east;
                NowFields(nullptr, tm, fsec, &east);
                break;
              }
              case kDtkZulu:
                tmask = kTimeM | M(kTz);
                tm->hour = 0;
                tm->min = 0;
                tm->sec = 0;
                break;
              default:
                return kBadFormat;
            }
            break;
          case kDtzMod:
            tmask |= M(kDtz);
            break;
          case kDtz:
            tmask |= M(kTz);
            break;
          case kTz:
            break;
          case kAmPm:
            mer = val;
            break;
          case kAdBc:
            bc = val == kBc;
            break;
          case kUnits:
            tmask = 0;
            ptype = val;
            break;
          case kIsoTime:
            tmask = 0;
            if (i >= f->n - 1 || (f->type[i + 1] != kFNumber && f->type[i + 1] != kFTime &&
                                  f->type[i + 1] != kFDate)) {
              return kBadFormat;
            }
            ptype = val;
            break;
          case kUnknownField:
            if (!LoadInputZone(field, &named)) return kBadFormat;
            named_zone = field;
            tmask = M(kTz);
            break;
          default:
            return kBadFormat;
        }
        break;
      }

      default:
        return kBadFormat;
    }
    if (tmask & fmask) return kBadFormat;
    fmask |= tmask;
  }
  // A zone with DST rules needs a date to resolve its offset.
  if (named_zone != nullptr && !ZoneHasFixedOffset(named_zone) && (fmask & kDateM) != kDateM) {
    return kBadFormat;
  }
  int err = ValidateDate(fmask, isjulian, is2digits, bc, tm);
  if (err) return err;
  if (mer != kHr24 && tm->hour > 12) return kFieldOverflow;
  if (mer == kAm && tm->hour == 12) {
    tm->hour = 0;
  } else if (mer == kPm && tm->hour != 12) {
    tm->hour += 12;
  }
  if (TimeOverflows(tm->hour, tm->min, tm->sec, *fsec)) return kFieldOverflow;
  if ((fmask & kTimeM) != kTimeM) return kBadFormat;
  return 0;
}

// --- Interval decoding ---------------------------------------------------------------------------

struct ItmIn {
  int64_t usec = 0;
  int32_t mday = 0;
  int32_t mon = 0;
  int32_t year = 0;
};

bool AdjustFractMicroseconds(double frac, int64_t scale, ItmIn* itm) {
  if (frac == 0) return true;
  frac *= static_cast<double>(scale);
  int64_t usec = static_cast<int64_t>(frac);
  frac -= static_cast<double>(usec);
  if (frac > 0.5) {
    ++usec;
  } else if (frac < -0.5) {
    --usec;
  }
  return !__builtin_add_overflow(itm->usec, usec, &itm->usec);
}

bool AdjustFractDays(double frac, int scale, ItmIn* itm) {
  if (frac == 0) return true;
  frac *= scale;
  int extra_days = static_cast<int>(frac);
  if (__builtin_add_overflow(itm->mday, extra_days, &itm->mday)) return false;
  frac -= extra_days;
  return AdjustFractMicroseconds(frac, kMicrosPerDay, itm);
}

bool AdjustFractYears(double frac, int scale, ItmIn* itm) {
  int extra_months = static_cast<int>(std::rint(frac * scale * 12));
  return !__builtin_add_overflow(itm->mon, extra_months, &itm->mon);
}

bool AdjustMicroseconds(int64_t val, double fval, int64_t scale, ItmIn* itm) {
  int64_t product;
  if (__builtin_mul_overflow(val, scale, &product) ||
      __builtin_add_overflow(itm->usec, product, &itm->usec)) {
    return false;
  }
  return AdjustFractMicroseconds(fval, scale, itm);
}

bool AdjustDays(int64_t val, int scale, ItmIn* itm) {
  if (val < INT32_MIN || val > INT32_MAX) return false;
  int32_t days;
  return !__builtin_mul_overflow(static_cast<int32_t>(val), scale, &days) &&
         !__builtin_add_overflow(itm->mday, days, &itm->mday);
}

bool AdjustMonths(int64_t val, ItmIn* itm) {
  if (val < INT32_MIN || val > INT32_MAX) return false;
  return !__builtin_add_overflow(itm->mon, static_cast<int32_t>(val), &itm->mon);
}

bool AdjustYears(int64_t val, int scale, ItmIn* itm) {
  if (val < INT32_MIN || val > INT32_MAX) return false;
  int32_t years;
  return !__builtin_mul_overflow(static_cast<int32_t>(val), scale, &years) &&
         !__builtin_add_overflow(itm->year, years, &itm->year);
}

int DecodeTimeForInterval(char* str, int* tmask, ItmIn* itm) {
  Itm t;
  int err = DecodeTimeCommon(str, tmask, &t);
  if (err) return err;
  itm->usec = t.usec;
  int64_t p;
  if (__builtin_mul_overflow(t.hour, kMicrosPerHour, &p) ||
      __builtin_add_overflow(itm->usec, p, &itm->usec) ||
      __builtin_add_overflow(itm->usec, static_cast<int64_t>(t.min) * kMicrosPerMinute,
                             &itm->usec) ||
      __builtin_add_overflow(itm->usec, static_cast<int64_t>(t.sec) * kMicrosPerSecond,
                             &itm->usec)) {
    return kFieldOverflow;
  }
  return 0;
}

int DecodeInterval(Fields* f, ItmIn* itm) {
  bool is_before = false;
  int fmask = 0;
  int tmask = 0;
  int type = -1;  // unit of the next bare number (seconds at the right end)
  *itm = ItmIn();
  for (int i = f->n - 1; i >= 0; --i) {
    char* field = f->field[i];
    switch (f->type[i]) {
      case kFTime: {
        int err = DecodeTimeForInterval(field, &tmask, itm);
        if (err) return err;
        type = kDtkDay;
        break;
      }
      case kFTz:
        if (std::strchr(field + 1, ':') != nullptr) {
          ItmIn saved = *itm;
          if (DecodeTimeForInterval(field + 1, &tmask, itm) == 0) {
            if (*field == '-') {
              if (itm->usec == INT64_MIN) return kFieldOverflow;
              itm->usec = -itm->usec;
            }
            type = kDtkDay;
            break;
          }
          *itm = saved;
        }
        [[fallthrough]];
      case kFDate:
      case kFNumber: {
        if (type == -1) type = kDtkSecond;
        char* cp;
        bool overflow;
        int64_t val = StrToI64(field, &cp, &overflow);
        if (overflow) return kFieldOverflow;
        double fval;
        if (*cp == '-') {
          // SQL "years-months" syntax.
          int val2 = StrToInt(cp + 1, &cp, &overflow);
          if (overflow || val2 < 0 || val2 >= 12) return kFieldOverflow;
          if (*cp != '\0') return kBadFormat;
          type = kDtkMonth;
          if (*field == '-') val2 = -val2;
          if (__builtin_mul_overflow(val, int64_t{12}, &val) ||
              __builtin_add_overflow(val, static_cast<int64_t>(val2), &val)) {
            return kFieldOverflow;
          }
          fval = 0;
        } else if (*cp == '.') {
          int err = ParseFraction(cp, &fval);
          if (err) return err;
          if (*field == '-') fval = -fval;
        } else if (*cp == '\0') {
          fval = 0;
        } else {
          return kBadFormat;
        }
        switch (type) {
          case kDtkMicrosec:
            if (!AdjustMicroseconds(val, fval, 1, itm)) return kFieldOverflow;
            tmask = M(kMicrosecond);
            break;
          case kDtkMillisec:
            if (!AdjustMicroseconds(val, fval, 1000, itm)) return kFieldOverflow;
            tmask = M(kMillisecond);
            break;
          case kDtkSecond:
            if (!AdjustMicroseconds(val, fval, kMicrosPerSecond, itm)) return kFieldOverflow;
            tmask = fval == 0 ? M(kSecond) : kAllSecsM;
            break;
          case kDtkMinute:
            if (!AdjustMicroseconds(val, fval, kMicrosPerMinute, itm)) return kFieldOverflow;
            tmask = M(kMinute);
            break;
          case kDtkHour:
            if (!AdjustMicroseconds(val, fval, kMicrosPerHour, itm)) return kFieldOverflow;
            tmask = M(kHour);
            type = kDtkDay;
            break;
          case kDtkDay:
            if (!AdjustDays(val, 1, itm) || !AdjustFractMicroseconds(fval, kMicrosPerDay, itm)) {
              return kFieldOverflow;
            }
            tmask = M(kDay);
            break;
          case kDtkWeek:
            if (!AdjustDays(val, 7, itm) || !AdjustFractDays(fval, 7, itm)) {
              return kFieldOverflow;
            }
            tmask = M(kWeek);
            break;
          case kDtkMonth:
            if (!AdjustMonths(val, itm) || !AdjustFractDays(fval, 30, itm)) {
              return kFieldOverflow;
            }
            tmask = M(kMonth);
            break;
          case kDtkYear:
            if (!AdjustYears(val, 1, itm) || !AdjustFractYears(fval, 1, itm)) {
              return kFieldOverflow;
            }
            tmask = M(kYear);
            break;
          case kDtkDecade:
            if (!AdjustYears(val, 10, itm) || !AdjustFractYears(fval, 10, itm)) {
              return kFieldOverflow;
            }
            tmask = M(kDecade);
            break;
          case kDtkCentury:
            if (!AdjustYears(val, 100, itm) || !AdjustFractYears(fval, 100, itm)) {
              return kFieldOverflow;
            }
            tmask = M(kCentury);
            break;
          case kDtkMillennium:
            if (!AdjustYears(val, 1000, itm) || !AdjustFractYears(fval, 1000, itm)) {
              return kFieldOverflow;
            }
            tmask = M(kMillennium);
            break;
          default:
            return kBadFormat;
        }
        break;
      }
      case kFString:
      case kFSpecial: {
        int uval;
        int t = DecodeUnits(field, &uval);
        if (t == kIgnore) continue;
        tmask = 0;
        if (t == kUnits) {
          type = uval;
        } else if (t == kAgo) {
          is_before = true;
          type = kDtkNone;
        } else {
          return kBadFormat;
        }
        break;
      }
      default:
        return kBadFormat;
    }
    if (tmask & fmask) return kBadFormat;
    fmask |= tmask;
  }
  if (fmask == 0) return kBadFormat;
  if (is_before) {
    if (itm->usec == INT64_MIN || itm->mday == INT32_MIN || itm->mon == INT32_MIN ||
        itm->year == INT32_MIN) {
      return kFieldOverflow;
    }
    itm->usec = -itm->usec;
    itm->mday = -itm->mday;
    itm->mon = -itm->mon;
    itm->year = -itm->year;
  }
  return 0;
}

int ParseIso8601Number(const char* str, const char** end, int64_t* ipart, double* fpart) {
  if (!(IsDigit(*str) || *str == '-' || *str == '.')) return kBadFormat;
  errno = 0;
  char* e;
  double val = std::strtod(str, &e);
  *end = e;
  if (e == str || errno != 0) return kBadFormat;
  if (std::isnan(val) || val < -1.0e15 || val > 1.0e15) return kFieldOverflow;
  if (val >= 0) {
    *ipart = static_cast<int64_t>(std::floor(val));
  } else {
    *ipart = static_cast<int64_t>(-std::floor(-val));
  }
  *fpart = val - static_cast<double>(*ipart);
  return 0;
}

int Iso8601IntegerWidth(const char* s) {
  if (*s == '-') ++s;
  int n = 0;
  while (IsDigit(s[n])) ++n;
  return n;
}

int DecodeIso8601Interval(const char* str, ItmIn* itm) {
  bool datepart = true;
  bool havefield = false;
  *itm = ItmIn();
  if (std::strlen(str) < 2 || str[0] != 'P') return kBadFormat;
  ++str;
  while (*str) {
    if (*str == 'T') {
      datepart = false;
      havefield = false;
      ++str;
      continue;
    }
    const char* fieldstart = str;
    int64_t val;
    double fval;
    int err = ParseIso8601Number(str, &str, &val, &fval);
    if (err) return err;
    char unit = *str;
    if (unit != '\0') ++str;
    if (datepart) {
      switch (unit) {
        case 'Y':
          if (!AdjustYears(val, 1, itm) || !AdjustFractYears(fval, 1, itm)) return kFieldOverflow;
          break;
        case 'M':
          if (!AdjustMonths(val, itm) || !AdjustFractDays(fval, 30, itm)) return kFieldOverflow;
          break;
        case 'W':
          if (!AdjustDays(val, 7, itm) || !AdjustFractDays(fval, 7, itm)) return kFieldOverflow;
          break;
        case 'D':
          if (!AdjustDays(val, 1, itm) || !AdjustFractMicroseconds(fval, kMicrosPerDay, itm)) {
            return kFieldOverflow;
          }
          break;
        case 'T':
        case '\0':
          if (Iso8601IntegerWidth(fieldstart) == 8 && !havefield) {
            if (!AdjustYears(val / 10000, 1, itm) || !AdjustMonths((val / 100) % 100, itm) ||
                !AdjustDays(val % 100, 1, itm) ||
                !AdjustFractMicroseconds(fval, kMicrosPerDay, itm)) {
              return kFieldOverflow;
            }
            if (unit == '\0') return 0;
            datepart = false;
            havefield = false;
            continue;
          }
          [[fallthrough]];
        case '-':
          if (havefield) return kBadFormat;
          if (!AdjustYears(val, 1, itm) || !AdjustFractYears(fval, 1, itm)) return kFieldOverflow;
          if (unit == '\0') return 0;
          if (unit == 'T') {
            datepart = false;
            havefield = false;
            continue;
          }
          err = ParseIso8601Number(str, &str, &val, &fval);
          if (err) return err;
          if (!AdjustMonths(val, itm) || !AdjustFractDays(fval, 30, itm)) return kFieldOverflow;
          if (*str == '\0') return 0;
          if (*str == 'T') {
            datepart = false;
            havefield = false;
            continue;
          }
          if (*str != '-') return kBadFormat;
          ++str;
          err = ParseIso8601Number(str, &str, &val, &fval);
          if (err) return err;
          if (!AdjustDays(val, 1, itm) || !AdjustFractMicroseconds(fval, kMicrosPerDay, itm)) {
            return kFieldOverflow;
          }
          if (*str == '\0') return 0;
          if (*str == 'T') {
            datepart = false;
            havefield = false;
            continue;
          }
          return kBadFormat;
        default:
          return kBadFormat;
      }
    } else {
      switch (unit) {
        case 'H':
          if (!AdjustMicroseconds(val, fval, kMicrosPerHour, itm)) return kFieldOverflow;
          break;
        case 'M':
          if (!AdjustMicroseconds(val, fval, kMicrosPerMinute, itm)) return kFieldOverflow;
          break;
        case 'S':
          if (!AdjustMicroseconds(val, fval, kMicrosPerSecond, itm)) return kFieldOverflow;
          break;
        case '\0':
          if (Iso8601IntegerWidth(fieldstart) == 6 && !havefield) {
            if (!AdjustMicroseconds(val / 10000, 0, kMicrosPerHour, itm) ||
                !AdjustMicroseconds((val / 100) % 100, 0, kMicrosPerMinute, itm) ||
                !AdjustMicroseconds(val % 100, 0, kMicrosPerSecond, itm) ||
                !AdjustFractMicroseconds(fval, 1, itm)) {
              return kFieldOverflow;
            }
            return 0;
          }
          [[fallthrough]];
        case ':':
          if (havefield) return kBadFormat;
          if (!AdjustMicroseconds(val, fval, kMicrosPerHour, itm)) return kFieldOverflow;
          if (unit == '\0') return 0;
          err = ParseIso8601Number(str, &str, &val, &fval);
          if (err) return err;
          if (!AdjustMicroseconds(val, fval, kMicrosPerMinute, itm)) return kFieldOverflow;
          if (*str == '\0') return 0;
          if (*str != ':') return kBadFormat;
          ++str;
          err = ParseIso8601Number(str, &str, &val, &fval);
          if (err) return err;
          if (!AdjustMicroseconds(val, fval, kMicrosPerSecond, itm)) return kFieldOverflow;
          if (*str == '\0') return 0;
          return kBadFormat;
        default:
          return kBadFormat;
      }
    }
    havefield = true;
  }
  return 0;
}

// --- Error reporting -----------------------------------------------------------------------------

Status ParseError(int err, std::string_view str, const char* type_name,
                  const std::string& zone = std::string()) {
  std::string quoted = "\"" + std::string(str) + "\"";
  switch (err) {
    case kFieldOverflow:
      return Status::Error(sqlstate::kDatetimeFieldOverflow,
                           "date/time field value out of range: " + quoted);
    case kMdFieldOverflow: {
      Status st = Status::Error(sqlstate::kDatetimeFieldOverflow,
                                "date/time field value out of range: " + quoted);
      st.WithHint("Perhaps you need a different \"datestyle\" setting.");
      return st;
    }
    case kIntervalOverflow:
      return Status::Error("22015", "interval field value out of range: " + quoted);
    case kTzDispOverflow:
      return Status::Error("22009", "time zone displacement out of range: " + quoted);
    case kBadTimezone:
      return Status::Error(sqlstate::kInvalidParameterValue,
                           "time zone \"" + zone + "\" not recognized");
    default:
      return Status::Error(
          sqlstate::kInvalidDatetimeFormat,
          std::string("invalid input syntax for type ") + type_name + ": " + quoted);
  }
}

Status OutOfRange(const char* what, std::string_view str) {
  return Status::Error(sqlstate::kDatetimeFieldOverflow,
                       std::string(what) + " out of range: \"" + std::string(str) + "\"");
}

Result<int64_t> ParseTimestampCommon(std::string_view text, const TimeZone* tz,
                                     const char* type_name) {
  Fields f;
  DecodedDateTime d;
  int err = Tokenize(text, &f);
  if (err == 0) err = DecodeDateTime(&f, tz, &d);
  if (err > 0) err = kBadFormat;
  if (err != 0) return ParseError(err, text, type_name, d.bad_zone);
  switch (d.dtype) {
    case kDtkDate: {
      Tm tm;
      tm.year = d.tm.year;
      tm.mon = d.tm.mon;
      tm.mday = d.tm.mday;
      tm.hour = d.tm.hour;
      tm.min = d.tm.min;
      tm.sec = d.tm.sec;
      tm.fsec = d.fsec;
      int64_t result;
      if (!TmToTimestamp(tm, &result)) return OutOfRange("timestamp", text);
      if (tz != nullptr) {
        result -= static_cast<int64_t>(d.tz_east) * kMicrosPerSecond;
        if (!IsValidTimestamp(result)) return OutOfRange("timestamp", text);
      }
      return result;
    }
    case kDtkEpoch:
      return -kUnixEpochOffsetSecs * kMicrosPerSecond;
    case kDtkLate:
      return kTimestampNoEnd;
    case kDtkEarly:
      return kTimestampNoBegin;
    default:
      return ParseError(kBadFormat, text, type_name);
  }
}

}  // namespace

// --- Public parsers ------------------------------------------------------------------------------

Result<int32_t> ParseDate(std::string_view text) {
  Fields f;
  DecodedDateTime d;
  int err = Tokenize(text, &f);
  if (err == 0) err = DecodeDateTime(&f, nullptr, &d);
  if (err > 0) err = kBadFormat;
  if (err != 0) return ParseError(err, text, "date", d.bad_zone);
  switch (d.dtype) {
    case kDtkDate:
      break;
    case kDtkEpoch:
      return static_cast<int32_t>(-kUnixEpochDays);
    case kDtkLate:
      return kDateNoEnd;
    case kDtkEarly:
      return kDateNoBegin;
    default:
      return ParseError(kBadFormat, text, "date");
  }
  if (!IsValidJulian(d.tm.year, d.tm.mon, d.tm.mday)) return OutOfRange("date", text);
  int32_t date = DaysFromCivil(d.tm.year, d.tm.mon, d.tm.mday);
  if (!IsValidDate(date)) return OutOfRange("date", text);
  return date;
}

Result<int64_t> ParseTime(std::string_view text) {
  Fields f;
  PTm tm;
  int32_t fsec = 0;
  std::string bad_zone;
  int err = Tokenize(text, &f);
  if (err == 0) err = DecodeTimeOnly(&f, &tm, &fsec, &bad_zone);
  if (err != 0) return ParseError(err, text, "time", bad_zone);
  return ((static_cast<int64_t>(tm.hour) * 60 + tm.min) * 60 + tm.sec) * kMicrosPerSecond + fsec;
}

Result<int64_t> ParseTimestamp(std::string_view text) {
  return ParseTimestampCommon(text, nullptr, "timestamp");
}

Result<int64_t> ParseTimestampTz(std::string_view text, const TimeZone& tz) {
  return ParseTimestampCommon(text, &tz, "timestamp with time zone");
}

Result<Interval> ParseInterval(std::string_view text) {
  Fields f;
  ItmIn itm;
  int err = Tokenize(text, &f);
  if (err == 0) err = DecodeInterval(&f, &itm);
  if (err == kBadFormat) {
    std::string s(text.substr(0, text.find('\0')));
    err = DecodeIso8601Interval(s.c_str(), &itm);
  }
  if (err != 0) {
    if (err == kFieldOverflow) err = kIntervalOverflow;
    return ParseError(err, text, "interval");
  }
  int64_t total_months = static_cast<int64_t>(itm.year) * 12 + itm.mon;
  if (total_months > INT32_MAX || total_months < INT32_MIN) {
    return Status::Error(sqlstate::kDatetimeFieldOverflow, "interval out of range");
  }
  Interval iv;
  iv.months = static_cast<int32_t>(total_months);
  iv.days = itm.mday;
  iv.micros = itm.usec;
  return iv;
}

}  // namespace freshet::datetime
