#pragma once

#include <memory>
#include <optional>
#include <string>
#include <utility>

namespace freshet {

/// SQLSTATE codes used across Freshet (PostgreSQL's values).
namespace sqlstate {
inline constexpr const char* kSuccess = "00000";
inline constexpr const char* kWarning = "01000";
inline constexpr const char* kNoActiveTransaction = "25P01";
inline constexpr const char* kInFailedTransaction = "25P02";
inline constexpr const char* kActiveTransaction = "25001";
inline constexpr const char* kFeatureNotSupported = "0A000";
inline constexpr const char* kCardinalityViolation = "21000";
inline constexpr const char* kDataException = "22000";
inline constexpr const char* kBadCopyFileFormat = "22P04";
inline constexpr const char* kStringDataRightTruncation = "22001";
inline constexpr const char* kNumericValueOutOfRange = "22003";
inline constexpr const char* kNullValueNotAllowed = "22004";
inline constexpr const char* kInvalidDatetimeFormat = "22007";
inline constexpr const char* kDatetimeFieldOverflow = "22008";
inline constexpr const char* kDivisionByZero = "22012";
inline constexpr const char* kInvalidParameterValue = "22023";
inline constexpr const char* kInvalidTextRepresentation = "22P02";
inline constexpr const char* kInvalidEscapeSequence = "22025";
inline constexpr const char* kInvalidArgumentForLog = "2201E";
inline constexpr const char* kInvalidArgumentForPower = "2201F";
inline constexpr const char* kInvalidRowCountInLimit = "2201W";
inline constexpr const char* kInvalidRowCountInOffset = "2201X";
inline constexpr const char* kInvalidJsonText = "22P02";
inline constexpr const char* kCharacterNotInRepertoire = "22021";
inline constexpr const char* kNotNullViolation = "23502";
inline constexpr const char* kUniqueViolation = "23505";
inline constexpr const char* kSerializationFailure = "40001";
inline constexpr const char* kInvalidTransactionState = "25000";
inline constexpr const char* kInvalidCatalogName = "3D000";
inline constexpr const char* kSyntaxError = "42601";
inline constexpr const char* kUndefinedTable = "42P01";
inline constexpr const char* kUndefinedColumn = "42703";
inline constexpr const char* kUndefinedFunction = "42883";
inline constexpr const char* kUndefinedObject = "42704";
inline constexpr const char* kDuplicateTable = "42P07";
inline constexpr const char* kDuplicateColumn = "42701";
inline constexpr const char* kDuplicateObject = "42710";
inline constexpr const char* kDuplicateAlias = "42712";
inline constexpr const char* kAmbiguousColumn = "42702";
inline constexpr const char* kDatatypeMismatch = "42804";
inline constexpr const char* kCannotCoerce = "42846";
inline constexpr const char* kGroupingError = "42803";
inline constexpr const char* kWindowingError = "42P20";
inline constexpr const char* kInvalidColumnReference = "42P10";
inline constexpr const char* kWrongObjectType = "42809";
inline constexpr const char* kInvalidTablesampleArgument = "2202H";
inline constexpr const char* kInvalidTablesampleRepeat = "2202G";
inline constexpr const char* kInvalidTableDefinition = "42P16";
inline constexpr const char* kInvalidColumnDefinition = "42611";
inline constexpr const char* kDependentObjectsStillExist = "2BP01";
inline constexpr const char* kProtocolViolation = "08P01";
inline constexpr const char* kConnectionFailure = "08006";
inline constexpr const char* kUnableToConnect = "08001";
inline constexpr const char* kQueryCanceled = "57014";
inline constexpr const char* kAdminShutdown = "57P01";
inline constexpr const char* kObjectNotInPrerequisiteState = "55000";
inline constexpr const char* kProgramLimitExceeded = "54000";
inline constexpr const char* kInsufficientResources = "53000";
inline constexpr const char* kDiskFull = "53100";
inline constexpr const char* kOutOfMemory = "53200";
inline constexpr const char* kConfigurationLimitExceeded = "53400";
inline constexpr const char* kIoError = "58030";
inline constexpr const char* kInternalError = "XX000";
inline constexpr const char* kDataCorrupted = "XX001";
inline constexpr const char* kInvalidSqlStatementName = "26000";
inline constexpr const char* kInvalidCursorName = "34000";
inline constexpr const char* kDuplicatePreparedStatement = "42P05";
inline constexpr const char* kIndeterminateDatatype = "42P18";
inline constexpr const char* kUndefinedParameter = "42P02";
}  // namespace sqlstate

/// The outcome of an operation: OK, or an error carrying a SQLSTATE, a message, and optionally
/// a 1-based character position in the statement text, a detail and a hint. An OK status is a
/// single null pointer, so returning OK (and Result<T> holding a value) costs nothing extra.
class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(const Status& o) : state_(o.state_ ? std::make_unique<State>(*o.state_) : nullptr) {}
  Status& operator=(const Status& o) {
    if (this != &o) state_ = o.state_ ? std::make_unique<State>(*o.state_) : nullptr;
    return *this;
  }
  Status(Status&&) noexcept = default;
  Status& operator=(Status&&) noexcept = default;

  static Status OK() { return Status(); }
  static Status Error(std::string sqlstate, std::string message, int position = 0) {
    Status s;
    s.state_ = std::make_unique<State>();
    s.state_->sqlstate = std::move(sqlstate);
    s.state_->message = std::move(message);
    s.state_->position = position;
    return s;
  }
  static Status Internal(std::string message) {
    return Error(sqlstate::kInternalError, std::move(message));
  }
  static Status NotSupported(std::string message) {
    return Error(sqlstate::kFeatureNotSupported, std::move(message));
  }

  bool ok() const { return state_ == nullptr; }
  const std::string& sqlstate() const { return ok() ? Empty() : state_->sqlstate; }
  const std::string& message() const { return ok() ? Empty() : state_->message; }
  int position() const { return ok() ? 0 : state_->position; }
  const std::string& detail() const { return ok() ? Empty() : state_->detail; }
  const std::string& hint() const { return ok() ? Empty() : state_->hint; }

  /// Sets the position unless one is already set (no effect on OK).
  Status& WithPosition(int position) {
    if (state_ && state_->position == 0) state_->position = position;
    return *this;
  }
  Status& WithDetail(std::string detail) {
    if (state_) state_->detail = std::move(detail);
    return *this;
  }
  Status& WithHint(std::string hint) {
    if (state_) state_->hint = std::move(hint);
    return *this;
  }
  std::string ToString() const {
    return ok() ? "OK" : ("ERROR " + state_->sqlstate + ": " + state_->message);
  }

 private:
  struct State {
    std::string sqlstate;
    std::string message;
    int position = 0;
    std::string detail;
    std::string hint;
  };
  static const std::string& Empty() {
    static const std::string kEmpty;
    return kEmpty;
  }
  std::unique_ptr<State> state_;
};

/// Either a value of T or an error Status.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : value_(std::move(value)) {}          // NOLINT: implicit by design
  Result(Status status) : status_(std::move(status)) {}  // NOLINT: implicit by design

  bool ok() const { return status_.ok(); }
  const Status& status() const { return status_; }
  T& value() & { return *value_; }
  const T& value() const& { return *value_; }
  T&& value() && { return std::move(*value_); }
  T& operator*() & { return *value_; }
  const T& operator*() const& { return *value_; }
  T* operator->() { return &*value_; }
  const T* operator->() const { return &*value_; }

 private:
  Status status_;
  std::optional<T> value_;
};

}  // namespace freshet

#define FRESHET_CONCAT_INNER(a, b) a##b
#define FRESHET_CONCAT(a, b) FRESHET_CONCAT_INNER(a, b)

#define RETURN_IF_ERROR(expr)       \
  do {                              \
    ::freshet::Status _st = (expr); \
    if (!_st.ok()) return _st;      \
  } while (0)

#define ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                          \
  if (!tmp.ok()) return tmp.status();         \
  lhs = std::move(tmp).value()

#define ASSIGN_OR_RETURN(lhs, expr) \
  ASSIGN_OR_RETURN_IMPL(FRESHET_CONCAT(_res_, __LINE__), lhs, expr)
