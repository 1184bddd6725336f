#include "sqllogictest/server_process.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <deque>
#include <filesystem>
#include <fstream>
#include <thread>
#include <vector>

namespace freshet::slt {
namespace {

// A TCP port on 127.0.0.1 that was free a moment ago (bind to port 0, read it back, close).
Result<int> PickFreePort() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return Status::Internal(std::string("socket: ") + std::strerror(errno));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof(addr);
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    std::string err = std::strerror(errno);
    ::close(fd);
    return Status::Internal("cannot find a free port: " + err);
  }
  ::close(fd);
  return static_cast<int>(ntohs(addr.sin_port));
}

std::string DescribeExit(int status) {
  if (WIFEXITED(status)) return "exited with code " + std::to_string(WEXITSTATUS(status));
  if (WIFSIGNALED(status)) return "killed by signal " + std::to_string(WTERMSIG(status));
  return "stopped";
}

}  // namespace

ServerProcess::ServerProcess(std::string binary, std::string temp_dir)
    : binary_(std::move(binary)),
      temp_dir_(std::move(temp_dir)),
      data_dir_(temp_dir_ + "/data"),
      log_path_(temp_dir_ + "/server.log") {}

Result<std::unique_ptr<ServerProcess>> ServerProcess::Start(const std::string& binary) {
  if (::access(binary.c_str(), X_OK) != 0) {
    return Status::Internal("server binary " + binary +
                            " is not an executable file (use --server-binary, or --host/--port "
                            "to use a running server)");
  }
  std::string tmpl = (std::filesystem::temp_directory_path() / "freshet-slt-XXXXXX").string();
  std::vector<char> buf(tmpl.begin(), tmpl.end());
  buf.push_back('\0');
  if (::mkdtemp(buf.data()) == nullptr) {
    return Status::Internal("cannot create a temp directory: " + std::string(std::strerror(errno)));
  }
  std::unique_ptr<ServerProcess> server(new ServerProcess(binary, buf.data()));
  std::error_code ec;
  std::filesystem::create_directory(server->data_dir_, ec);
  if (ec) return Status::Internal("cannot create " + server->data_dir_ + ": " + ec.message());
  RETURN_IF_ERROR(server->Spawn());
  return server;
}

Status ServerProcess::Spawn() {
  ASSIGN_OR_RETURN(port_, PickFreePort());
  exit_reason_.clear();
  int log_fd = ::open(log_path_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (log_fd < 0) return Status::Internal("cannot open " + log_path_ + ": " + std::strerror(errno));
  std::string port = std::to_string(port_);
  std::vector<std::string> args = {binary_, "--data-dir", data_dir_, "--port", port};
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);

  pid_t pid = ::fork();
  if (pid < 0) {
    ::close(log_fd);
    return Status::Internal(std::string("fork: ") + std::strerror(errno));
  }
  if (pid == 0) {
    // Child: die with the runner, send output to the log, run the server.
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    ::dup2(log_fd, STDOUT_FILENO);
    ::dup2(log_fd, STDERR_FILENO);
    int null_fd = ::open("/dev/null", O_RDONLY);
    if (null_fd >= 0) ::dup2(null_fd, STDIN_FILENO);
    ::execv(argv[0], argv.data());
    std::fprintf(stderr, "exec %s: %s\n", argv[0], std::strerror(errno));
    ::_exit(127);
  }
  ::close(log_fd);
  pid_ = pid;
  return Status::OK();
}

bool ServerProcess::IsRunning() {
  if (pid_ < 0) return false;
  int status = 0;
  pid_t r = ::waitpid(pid_, &status, WNOHANG);
  if (r == 0) return true;
  exit_reason_ = r == pid_ ? DescribeExit(status) : "lost track of the process";
  pid_ = -1;
  return false;
}

void ServerProcess::Stop(std::chrono::milliseconds grace) {
  if (!IsRunning()) return;
  ::kill(pid_, SIGTERM);
  auto deadline = std::chrono::steady_clock::now() + grace;
  while (std::chrono::steady_clock::now() < deadline) {
    if (!IsRunning()) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ::kill(pid_, SIGKILL);
  int status = 0;
  ::waitpid(pid_, &status, 0);
  exit_reason_ = DescribeExit(status);
  pid_ = -1;
}

Status ServerProcess::Restart() {
  Stop();
  return Spawn();
}

ServerProcess::~ServerProcess() {
  Stop();
  std::error_code ec;
  std::filesystem::remove_all(temp_dir_, ec);
}

std::string ServerProcess::LogTail(int max_lines) const {
  std::ifstream in(log_path_);
  std::deque<std::string> tail;
  std::string line;
  while (std::getline(in, line)) {
    tail.push_back(line);
    if (static_cast<int>(tail.size()) > max_lines) tail.pop_front();
  }
  std::string out;
  for (const std::string& l : tail) out += "  | " + l + "\n";
  return out.empty() ? "  | (server log is empty)\n" : out;
}

}  // namespace freshet::slt
