// remote_bench.h — what the parts of remote_bench share (none of it is
// used outside bench/): the server processes it starts and the echo server
// it runs as with --serve_echo (remote_bench_servers.cc), and its calls to
// tensord and to the echo server (remote_bench_client.cc). remote_bench.cc
// runs and times the cases.
#ifndef TENSORD_BENCH_REMOTE_BENCH_H_
#define TENSORD_BENCH_REMOTE_BENCH_H_

#include <grpcpp/grpcpp.h>
#include <sys/types.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "echo.grpc.pb.h"
#include "tensord/v1/tensord.grpc.pb.h"

namespace remote_bench {

namespace v1 = tensord::v1;
namespace eb = tensord::bench;
using Clock = std::chrono::steady_clock;

inline constexpr int64_t kMiB = int64_t{1} << 20;

// ------------------------------------------------------------ child processes
// (remote_bench_servers.cc)

struct Child {
  explicit Child(std::string n) : name(std::move(n)) {}
  std::string name;
  pid_t pid = -1;
  int port = 0;
  int http_port = 0;  // tensord's "(http port N)", when it logs one
  int err_fd = -1;
  std::thread drain;  // forwards the child's stderr to ours
};

// The handler of SIGINT, SIGTERM and SIGHUP: kills the servers at once and
// exits 128 + sig.
void OnSignal(int sig);

// Setup and call failures end the run: report, kill the servers, exit 1.
[[noreturn]] void Fail(const std::string& what);

// Fail unless `st` is OK.
void Check(const grpc::Status& st, const std::string& what);

// How a child runs, for a comparison of two servers that must differ in
// nothing but their flags: the same address layout (ASLR off; with it, two
// processes of one binary differ by up to 20% in CPU per call on this
// kind of host, a placement of code and data in the caches that stays for
// the process's life) and, when cpu >= 0, that one CPU only.
struct SpawnOptions {
  bool fixed_layout = false;
  int cpu = -1;
};

// Starts argv[0] with stderr on a pipe and waits (30 s at most) for its
// "(port N)" log line.
void Spawn(Child& c, const std::vector<std::string>& argv,
           SpawnOptions options = {});

// SIGTERM (the servers drain and exit), SIGKILL after 10 s.
void Stop(Child& c);

// VmRSS of a process in KiB.
int64_t RssKiB(pid_t pid);

// ----------------------------------------------------------------- echo server
// (remote_bench_servers.cc)

// The --serve_echo mode: serves bench/echo.proto on --listen, logs the port
// and runs until SIGTERM or SIGINT.
int ServeEcho();

// --------------------------------------------------------------------- clients
// (remote_bench_client.cc)

using Stub = v1::TensorService::Stub;
using EchoStub = eb::Echo::Stub;

// Its own connection: channels made with equal arguments would otherwise
// share one (a global subchannel pool).
std::shared_ptr<grpc::Channel> Connect(int port);

std::string NewSession(Stub& stub);
void CloseSession(Stub& stub, const std::string& id);
std::string CreateF32(Stub& stub, const std::string& session,
                      const std::vector<float>& v);
std::vector<float> FetchF32(Stub& stub, const std::string& session,
                            const std::string& name);

// c = a + b, bound to `bind`.
v1::ExecuteRequest AddRequest(const std::string& session, const std::string& a,
                              const std::string& b, const std::string& bind);

// 10 chained elementwise ops: x0 = a + b, then alternately x * b and x + a;
// the last bound to `bind`.
inline constexpr int kChain = 10;
v1::ExecuteRequest ChainRequest(const std::string& session,
                                const std::string& a, const std::string& b,
                                const std::string& bind);

// Execute, failing unless it returns `want_results` results.
void Execute(Stub& stub, const std::string& session,
             const v1::ExecuteRequest& req, int want_results);
void Ping(EchoStub& stub);

// Uploads `total` bytes of float32 data, 1 MiB per message, repeating
// `pattern` (a whole number of MiB, or exactly `total` bytes long).
std::string Upload(Stub& stub, const std::string& session, const char* src,
                   size_t src_bytes, int64_t total);
int64_t Download(Stub& stub, const std::string& session,
                 const std::string& handle, char* dst, int64_t cap);
void Release(Stub& stub, const std::string& session, const std::string& handle);
void EchoUpload(EchoStub& stub, const char* src, int64_t total);
int64_t EchoDownload(EchoStub& stub, char* dst, int64_t cap);

}  // namespace remote_bench

#endif  // TENSORD_BENCH_REMOTE_BENCH_H_
