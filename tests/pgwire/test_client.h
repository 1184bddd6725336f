#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace freshet::pgwire::testing {

/// One backend message as received.
struct Message {
  char type = 0;
  std::string body;
};

/// A minimal blocking protocol-v3 client over a POSIX socket, for driving the server byte by
/// byte in tests. Reads time out (default 5 s) instead of hanging.
class TestClient {
 public:
  TestClient() = default;
  ~TestClient();
  TestClient(const TestClient&) = delete;
  TestClient& operator=(const TestClient&) = delete;

  bool Connect(uint16_t port);
  void Disconnect();
  /// Sends raw bytes; false when the connection is gone.
  bool Send(std::string_view bytes);

  /// Reads exactly `n` bytes; nullopt on timeout, EOF or error.
  std::optional<std::string> ReadExact(size_t n, int timeout_ms = 5000);
  std::optional<Message> ReadMessage(int timeout_ms = 5000);
  /// Reads messages up to and including ReadyForQuery (stops early on EOF/timeout).
  std::vector<Message> ReadUntilReady(int timeout_ms = 5000);
  /// Reads messages until one of type `type` (inclusive).
  std::vector<Message> ReadUntil(char type, int timeout_ms = 5000);
  /// True once the server closed the connection (EOF or reset), discarding data until then.
  bool WaitClosed(int timeout_ms = 5000);
  /// Sends StartupMessage(user=freshet, database=freshet + extra) and reads until ReadyForQuery.
  std::vector<Message> Startup(std::vector<std::pair<std::string, std::string>> extra = {});

  // --- Frontend message builders ---
  static std::string Msg(char type, std::string_view body);
  static std::string StartupMessage(const std::vector<std::pair<std::string, std::string>>& params,
                                    int32_t version = 196608);
  static std::string SslRequest();
  static std::string GssEncRequest();
  static std::string CancelRequest(int32_t pid, int32_t key);
  static std::string Query(std::string_view sql);
  static std::string Parse(std::string_view name, std::string_view sql,
                           const std::vector<uint32_t>& oids = {});
  static std::string Bind(std::string_view portal, std::string_view statement,
                          const std::vector<int16_t>& param_formats,
                          const std::vector<std::optional<std::string>>& params,
                          const std::vector<int16_t>& result_formats);
  static std::string Describe(char kind, std::string_view name);
  static std::string Execute(std::string_view portal, int32_t max_rows = 0);
  static std::string Sync();
  static std::string Flush();
  static std::string Close(char kind, std::string_view name);
  static std::string CopyData(std::string_view data);
  static std::string CopyDone();
  static std::string CopyFail(std::string_view message);
  static std::string Terminate();

  static void PutInt16(std::string* out, int16_t v);
  static void PutInt32(std::string* out, int32_t v);
  static int16_t GetInt16(std::string_view s, size_t at);
  static int32_t GetInt32(std::string_view s, size_t at);

 private:
  int fd_ = -1;
};

// --- Backend message decoders ---

/// ErrorResponse / NoticeResponse fields by code ('S', 'C', 'M', ...).
std::map<char, std::string> ParseFields(const std::string& body);
/// DataRow values; nullopt for NULL.
std::vector<std::optional<std::string>> ParseDataRow(const std::string& body);

struct FieldDescription {
  std::string name;
  uint32_t table_oid;
  int16_t attnum;
  uint32_t type_oid;
  int16_t typlen;
  int32_t typmod;
  int16_t format;
};
std::vector<FieldDescription> ParseRowDescription(const std::string& body);
/// ParameterStatus name -> value.
std::pair<std::string, std::string> ParseParameterStatus(const std::string& body);
/// The message types in order, as a string ("TDCZ").
std::string Types(const std::vector<Message>& messages);

}  // namespace freshet::pgwire::testing
