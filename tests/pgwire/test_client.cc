#include "tests/pgwire/test_client.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>

namespace freshet::pgwire::testing {

TestClient::~TestClient() { Disconnect(); }

bool TestClient::Connect(uint16_t port) {
  Disconnect();
  fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd_ < 0) return false;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    Disconnect();
    return false;
  }
  int one = 1;
  ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
  return true;
}

void TestClient::Disconnect() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

bool TestClient::Send(std::string_view bytes) {
  size_t off = 0;
  while (off < bytes.size()) {
    ssize_t n = ::send(fd_, bytes.data() + off, bytes.size() - off, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    off += static_cast<size_t>(n);
  }
  return true;
}

std::optional<std::string> TestClient::ReadExact(size_t n, int timeout_ms) {
  std::string out;
  out.resize(n);
  size_t got = 0;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (got < n) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                    deadline - std::chrono::steady_clock::now())
                    .count();
    if (left <= 0) return std::nullopt;
    pollfd pfd{fd_, POLLIN, 0};
    int rc = ::poll(&pfd, 1, static_cast<int>(left));
    if (rc < 0 && errno == EINTR) continue;
    if (rc <= 0) return std::nullopt;
    ssize_t r = ::recv(fd_, out.data() + got, n - got, 0);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) return std::nullopt;
    got += static_cast<size_t>(r);
  }
  return out;
}

std::optional<Message> TestClient::ReadMessage(int timeout_ms) {
  auto header = ReadExact(5, timeout_ms);
  if (!header) return std::nullopt;
  int32_t len = GetInt32(*header, 1);
  if (len < 4) return std::nullopt;
  Message m;
  m.type = (*header)[0];
  if (len > 4) {
    auto body = ReadExact(static_cast<size_t>(len - 4), timeout_ms);
    if (!body) return std::nullopt;
    m.body = std::move(*body);
  }
  return m;
}

std::vector<Message> TestClient::ReadUntil(char type, int timeout_ms) {
  std::vector<Message> out;
  while (true) {
    auto m = ReadMessage(timeout_ms);
    if (!m) break;
    out.push_back(std::move(*m));
    if (out.back().type == type) break;
  }
  return out;
}

std::vector<Message> TestClient::ReadUntilReady(int timeout_ms) {
  return ReadUntil('Z', timeout_ms);
}

bool TestClient::WaitClosed(int timeout_ms) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  char buf[4096];
  while (true) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                    deadline - std::chrono::steady_clock::now())
                    .count();
    if (left <= 0) return false;
    pollfd pfd{fd_, POLLIN, 0};
    int rc = ::poll(&pfd, 1, static_cast<int>(left));
    if (rc < 0 && errno == EINTR) continue;
    if (rc <= 0) return false;
    ssize_t r = ::recv(fd_, buf, sizeof(buf), 0);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) return true;
  }
}

std::vector<Message> TestClient::Startup(std::vector<std::pair<std::string, std::string>> extra) {
  std::vector<std::pair<std::string, std::string>> params = {{"user", "freshet"},
                                                             {"database", "freshet"}};
  for (auto& p : extra) params.push_back(std::move(p));
  Send(StartupMessage(params));
  return ReadUntilReady();
}

void TestClient::PutInt16(std::string* out, int16_t v) {
  auto u = static_cast<uint16_t>(v);
  out->push_back(static_cast<char>(u >> 8));
  out->push_back(static_cast<char>(u));
}

void TestClient::PutInt32(std::string* out, int32_t v) {
  auto u = static_cast<uint32_t>(v);
  for (int shift = 24; shift >= 0; shift -= 8) out->push_back(static_cast<char>(u >> shift));
}

int16_t TestClient::GetInt16(std::string_view s, size_t at) {
  auto* p = reinterpret_cast<const unsigned char*>(s.data() + at);
  return static_cast<int16_t>((p[0] << 8) | p[1]);
}

int32_t TestClient::GetInt32(std::string_view s, size_t at) {
  auto* p = reinterpret_cast<const unsigned char*>(s.data() + at);
  return static_cast<int32_t>((uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) |
                              (uint32_t{p[2]} << 8) | p[3]);
}

std::string TestClient::Msg(char type, std::string_view body) {
  std::string out(1, type);
  PutInt32(&out, static_cast<int32_t>(body.size() + 4));
  out.append(body);
  return out;
}

std::string TestClient::StartupMessage(
    const std::vector<std::pair<std::string, std::string>>& params, int32_t version) {
  std::string body;
  PutInt32(&body, version);
  for (const auto& [k, v] : params) {
    body += k;
    body.push_back('\0');
    body += v;
    body.push_back('\0');
  }
  body.push_back('\0');
  std::string out;
  PutInt32(&out, static_cast<int32_t>(body.size() + 4));
  return out + body;
}

std::string TestClient::SslRequest() {
  std::string out;
  PutInt32(&out, 8);
  PutInt32(&out, 80877103);
  return out;
}

std::string TestClient::GssEncRequest() {
  std::string out;
  PutInt32(&out, 8);
  PutInt32(&out, 80877104);
  return out;
}

std::string TestClient::CancelRequest(int32_t pid, int32_t key) {
  std::string out;
  PutInt32(&out, 16);
  PutInt32(&out, 80877102);
  PutInt32(&out, pid);
  PutInt32(&out, key);
  return out;
}

std::string TestClient::Query(std::string_view sql) {
  std::string body(sql);
  body.push_back('\0');
  return Msg('Q', body);
}

std::string TestClient::Parse(std::string_view name, std::string_view sql,
                              const std::vector<uint32_t>& oids) {
  std::string body(name);
  body.push_back('\0');
  body.append(sql);
  body.push_back('\0');
  PutInt16(&body, static_cast<int16_t>(oids.size()));
  for (uint32_t oid : oids) PutInt32(&body, static_cast<int32_t>(oid));
  return Msg('P', body);
}

std::string TestClient::Bind(std::string_view portal, std::string_view statement,
                             const std::vector<int16_t>& param_formats,
                             const std::vector<std::optional<std::string>>& params,
                             const std::vector<int16_t>& result_formats) {
  std::string body(portal);
  body.push_back('\0');
  body.append(statement);
  body.push_back('\0');
  PutInt16(&body, static_cast<int16_t>(param_formats.size()));
  for (int16_t f : param_formats) PutInt16(&body, f);
  PutInt16(&body, static_cast<int16_t>(params.size()));
  for (const auto& p : params) {
    if (!p) {
      PutInt32(&body, -1);
    } else {
      PutInt32(&body, static_cast<int32_t>(p->size()));
      body += *p;
    }
  }
  PutInt16(&body, static_cast<int16_t>(result_formats.size()));
  for (int16_t f : result_formats) PutInt16(&body, f);
  return Msg('B', body);
}

std::string TestClient::Describe(char kind, std::string_view name) {
  std::string body(1, kind);
  body.append(name);
  body.push_back('\0');
  return Msg('D', body);
}

std::string TestClient::Execute(std::string_view portal, int32_t max_rows) {
  std::string body(portal);
  body.push_back('\0');
  PutInt32(&body, max_rows);
  return Msg('E', body);
}

std::string TestClient::Sync() { return Msg('S', ""); }
std::string TestClient::Flush() { return Msg('H', ""); }

std::string TestClient::Close(char kind, std::string_view name) {
  std::string body(1, kind);
  body.append(name);
  body.push_back('\0');
  return Msg('C', body);
}

std::string TestClient::CopyData(std::string_view data) { return Msg('d', data); }
std::string TestClient::CopyDone() { return Msg('c', ""); }

std::string TestClient::CopyFail(std::string_view message) {
  std::string body(message);
  body.push_back('\0');
  return Msg('f', body);
}

std::string TestClient::Terminate() { return Msg('X', ""); }

std::map<char, std::string> ParseFields(const std::string& body) {
  std::map<char, std::string> fields;
  size_t pos = 0;
  while (pos < body.size() && body[pos] != '\0') {
    char code = body[pos++];
    size_t end = body.find('\0', pos);
    if (end == std::string::npos) break;
    fields[code] = body.substr(pos, end - pos);
    pos = end + 1;
  }
  return fields;
}

std::vector<std::optional<std::string>> ParseDataRow(const std::string& body) {
  std::vector<std::optional<std::string>> values;
  int16_t n = TestClient::GetInt16(body, 0);
  size_t pos = 2;
  for (int i = 0; i < n; i++) {
    int32_t len = TestClient::GetInt32(body, pos);
    pos += 4;
    if (len < 0) {
      values.emplace_back(std::nullopt);
    } else {
      values.emplace_back(body.substr(pos, static_cast<size_t>(len)));
      pos += static_cast<size_t>(len);
    }
  }
  return values;
}

std::vector<FieldDescription> ParseRowDescription(const std::string& body) {
  std::vector<FieldDescription> fields;
  int16_t n = TestClient::GetInt16(body, 0);
  size_t pos = 2;
  for (int i = 0; i < n; i++) {
    FieldDescription f;
    size_t end = body.find('\0', pos);
    f.name = body.substr(pos, end - pos);
    pos = end + 1;
    f.table_oid = static_cast<uint32_t>(TestClient::GetInt32(body, pos));
    f.attnum = TestClient::GetInt16(body, pos + 4);
    f.type_oid = static_cast<uint32_t>(TestClient::GetInt32(body, pos + 6));
    f.typlen = TestClient::GetInt16(body, pos + 10);
    f.typmod = TestClient::GetInt32(body, pos + 12);
    f.format = TestClient::GetInt16(body, pos + 16);
    pos += 18;
    fields.push_back(std::move(f));
  }
  return fields;
}

std::pair<std::string, std::string> ParseParameterStatus(const std::string& body) {
  size_t end = body.find('\0');
  std::string name = body.substr(0, end);
  std::string value = body.substr(end + 1, body.find('\0', end + 1) - end - 1);
  return {name, value};
}

std::string Types(const std::vector<Message>& messages) {
  std::string out;
  for (const auto& m : messages) out.push_back(m.type);
  return out;
}

}  // namespace freshet::pgwire::testing
