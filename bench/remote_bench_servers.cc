// remote_bench's servers: the tensord and echo processes it starts and
// stops (killed at once when the run fails or gets a signal), and the echo
// server itself (bench/echo.proto), which this binary runs with
// --serve_echo.
#include <fcntl.h>
#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/grpcpp.h>
#include <grpcpp/health_check_service_interface.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "absl/flags/declare.h"
#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "bench/remote_bench.h"
#include "echo.grpc.pb.h"

ABSL_DECLARE_FLAG(std::string, listen);
ABSL_DECLARE_FLAG(std::string, echo_extras);

namespace remote_bench {

// ------------------------------------------------------------ child processes

namespace {

// Pids for the failure paths (a signal handler reads them).
constexpr int kMaxChildren = 4;
std::atomic<pid_t> g_children[kMaxChildren];
std::atomic<bool> g_failing{false};

void KillChildrenNow() {
  for (auto& c : g_children) {
    const pid_t pid = c.exchange(0);
    if (pid > 0) {
      kill(pid, SIGKILL);
      waitpid(pid, nullptr, 0);
    }
  }
}

}  // namespace

void OnSignal(int sig) {
  KillChildrenNow();
  _exit(128 + sig);
}

// Setup and call failures end the run: report, kill the servers, exit 1.
[[noreturn]] void Fail(const std::string& what) {
  if (!g_failing.exchange(true)) {
    std::fprintf(stderr, "remote_bench: %s\n", what.c_str());
    std::fflush(stderr);
    KillChildrenNow();
    std::_Exit(1);
  }
  // Another thread is already failing; wait for it to end the process.
  for (;;) pause();
}

void Check(const grpc::Status& st, const std::string& what) {
  if (!st.ok()) {
    Fail(absl::StrCat(what, ": ", static_cast<int>(st.error_code()), " ",
                      st.error_message()));
  }
}

// Starts argv[0] with stderr on a pipe and waits (30 s at most) for its
// "(port N)" log line.
void Spawn(Child& c, const std::vector<std::string>& argv,
           SpawnOptions options) {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) Fail("pipe2 failed");
  std::vector<char*> args;
  for (const std::string& a : argv)
    args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  const pid_t parent = getpid();
  const pid_t pid = fork();
  if (pid < 0) Fail("fork failed");
  if (pid == 0) {
    // Only async-signal-safe calls until exec.
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) _exit(1);
    if (options.fixed_layout) {
      personality(static_cast<unsigned long>(personality(0xffffffff)) |
                  ADDR_NO_RANDOMIZE);
    }
    if (options.cpu >= 0) {
      cpu_set_t set;
      CPU_ZERO(&set);
      CPU_SET(options.cpu, &set);
      sched_setaffinity(0, sizeof(set), &set);
    }
    dup2(fds[1], 2);
    execv(args[0], args.data());
    const char msg[] = "remote_bench: exec failed\n";
    (void)!write(2, msg, sizeof(msg) - 1);
    _exit(127);
  }
  close(fds[1]);
  c.pid = pid;
  c.err_fd = fds[0];
  for (auto& slot : g_children) {
    pid_t empty = 0;
    if (slot.compare_exchange_strong(empty, pid)) break;
  }
  std::string buf;
  const auto deadline = Clock::now() + std::chrono::seconds(30);
  while (c.port == 0) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                          deadline - Clock::now())
                          .count();
    if (left <= 0) Fail(c.name + " did not log its port within 30 s");
    pollfd p{c.err_fd, POLLIN, 0};
    if (poll(&p, 1, static_cast<int>(left)) <= 0) continue;
    char tmp[4096];
    const ssize_t n = read(c.err_fd, tmp, sizeof(tmp));
    if (n <= 0) Fail(c.name + " exited before it logged its port");
    buf.append(tmp, n);
    size_t nl;
    while ((nl = buf.find('\n')) != std::string::npos) {
      const std::string line = buf.substr(0, nl);
      buf.erase(0, nl + 1);
      std::fprintf(stderr, "%s\n", line.c_str());
      const size_t at = line.find("(port ");
      if (at != std::string::npos && c.port == 0) {
        c.port = std::atoi(line.c_str() + at + 6);
      }
      const size_t http_at = line.find("(http port ");
      if (http_at != std::string::npos) {
        c.http_port = std::atoi(line.c_str() + http_at + 11);
      }
    }
  }
  if (!buf.empty()) std::fprintf(stderr, "%s", buf.c_str());
  // Access-log lines (one per call) are read, as a log collector would
  // (a pipe's worth at a time), but not printed.
  c.drain = std::thread([fd = c.err_fd] {
    std::vector<char> tmp(64 << 10);
    ssize_t n;
    std::string pending;
    while ((n = read(fd, tmp.data(), tmp.size())) > 0) {
      pending.append(tmp.data(), static_cast<size_t>(n));
      size_t start = 0, nl;
      while ((nl = pending.find('\n', start)) != std::string::npos) {
        const std::string_view line(pending.data() + start, nl + 1 - start);
        if (line.find("tensord: access ") != 0) {
          (void)!write(2, line.data(), line.size());
        }
        start = nl + 1;
      }
      pending.erase(0, start);
    }
  });
}

// SIGTERM (the servers drain and exit), SIGKILL after 10 s.
void Stop(Child& c) {
  if (c.pid <= 0) return;
  for (auto& slot : g_children) {
    pid_t mine = c.pid;
    slot.compare_exchange_strong(mine, 0);
  }
  kill(c.pid, SIGTERM);
  int status = 0;
  const auto deadline = Clock::now() + std::chrono::seconds(10);
  while (waitpid(c.pid, &status, WNOHANG) == 0) {
    if (Clock::now() > deadline) {
      std::fprintf(stderr, "remote_bench: %s ignored SIGTERM; killing it\n",
                   c.name.c_str());
      kill(c.pid, SIGKILL);
      waitpid(c.pid, &status, 0);
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  c.pid = -1;
  if (c.drain.joinable()) c.drain.join();
  close(c.err_fd);
}

// VmRSS of a process in KiB.
int64_t RssKiB(pid_t pid) {
  std::ifstream f(absl::StrCat("/proc/", pid, "/status"));
  std::string line;
  while (std::getline(f, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::atoll(line.c_str() + 6);
  }
  Fail(absl::StrCat("no VmRSS for pid ", pid));
}

// ----------------------------------------------------------------- echo server

namespace {

class EchoService final : public eb::Echo::Service {
 public:
  grpc::Status Ping(grpc::ServerContext*, const eb::EchoEmpty*,
                    eb::EchoEmpty*) override {
    return grpc::Status::OK;
  }

  grpc::Status Upload(grpc::ServerContext*,
                      grpc::ServerReader<eb::EchoChunk>* reader,
                      eb::EchoUploadReply* reply) override {
    std::lock_guard<std::mutex> lock(mu_);
    data_.clear();  // keeps its capacity: like a server reusing a buffer
    eb::EchoChunk chunk;
    while (reader->Read(&chunk)) data_.append(chunk.data());
    reply->set_bytes(static_cast<int64_t>(data_.size()));
    return grpc::Status::OK;
  }

  grpc::Status Download(grpc::ServerContext*,
                        const eb::EchoDownloadRequest* req,
                        grpc::ServerWriter<eb::EchoChunk>* writer) override {
    std::lock_guard<std::mutex> lock(mu_);
    const int64_t step = req->chunk_bytes() > 0 ? req->chunk_bytes() : kMiB;
    const int64_t total = static_cast<int64_t>(data_.size());
    eb::EchoChunk msg;
    for (int64_t off = 0; off < total; off += step) {
      msg.set_data(data_.data() + off, std::min(step, total - off));
      if (!writer->Write(msg)) return grpc::Status::CANCELLED;
    }
    return grpc::Status::OK;
  }

 private:
  std::mutex mu_;
  std::string data_;
};

}  // namespace

int ServeEcho() {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  EchoService service;
  for (absl::string_view extra : absl::StrSplit(
           absl::GetFlag(FLAGS_echo_extras), ',', absl::SkipEmpty())) {
    if (extra == "health") {
      grpc::EnableDefaultHealthCheckService(true);
    } else if (extra == "reflection") {
      grpc::reflection::InitProtoReflectionServerBuilderPlugin();
    } else {
      std::fprintf(stderr, "remote_bench echo: unknown extra '%s'\n",
                   std::string(extra).c_str());
      return 2;
    }
  }
  grpc::ServerBuilder builder;
  int port = 0;
  const std::string listen = absl::GetFlag(FLAGS_listen);
  builder.AddListeningPort(listen, grpc::InsecureServerCredentials(), &port);
  builder.RegisterService(&service);
  // As tensord's defaults (--max_message_size).
  builder.SetMaxReceiveMessageSize(64 << 20);
  builder.SetMaxSendMessageSize(64 << 20);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (!server || port == 0) {
    std::fprintf(stderr, "remote_bench echo: cannot listen on %s\n",
                 listen.c_str());
    return 1;
  }
  std::fprintf(stderr, "remote_bench echo: listening on %s (port %d)\n",
               listen.c_str(), port);
  std::fflush(stderr);
  int sig = 0;
  sigwait(&signals, &sig);
  server->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(2));
  return 0;
}

}  // namespace remote_bench
