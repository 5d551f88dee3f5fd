// remote_bench — tensord over loopback gRPC against bare gRPC echo services.
//
// One run starts two server processes on ephemeral loopback ports: the real
// `tensord` binary (path in --tensord) and this binary in --serve_echo mode
// (bench/echo.proto: an empty unary Ping and 1 MiB-chunk Upload/Download
// streams, the least a gRPC service can do). Every case does the same
// client-side work against both and compares the times:
//
//   exec_add_4         Execute `add` of two 4-element float32 handles, bound
//                      to a name, vs an empty Ping (sequential; p50 per call)
//   exec_chain10_4     one Execute of 10 chained elementwise ops on
//                      4-element tensors, last bound to a name, vs one Ping
//   upload_download_64M  UploadTensor (1 MiB chunks) then DownloadTensor
//                      (chunk_bytes 1 MiB) of a 64 MiB float32 tensor, vs the
//                      same bytes up and down through Echo.Upload/Download
//                      (median round trip; the ReleaseTensor after each is
//                      not timed)
//   exec_add_4_x32     32 threads, each with its own connection and session,
//                      doing exec_add_4 calls, vs 32 threads doing Pings
//                      (mean time per call)
//   exec_add_4_metrics_log  exec_add_4 against a tensord with per-call
//                      metrics and the access log (the defaults) vs one with
//                      --metrics=false --access_log=false, both otherwise
//                      alike (--http_listen too) and started for this case;
//                      --obs_reps interleaved runs, each giving a p50 ratio,
//                      reported as their range (not an echo comparison:
//                      left out of the geomean)
//   exec_add_4_http    exec_add_4 as HTTP/JSON (tensord's --http_listen, one
//                      keep-alive connection) vs the same call over gRPC
//                      (left out of the geomean too)
//
// Sequential cases alternate blocks of both sides so drift in the machine's
// load hits both alike. Each case also reports the server processes' CPU
// time per call (the process CPU clock, summed over the timed blocks), which is
// steadier than latency on a busy machine. Then it reads tensord's VmRSS
// (/proc/PID/status): idle, after the cases, and over --mem_cycles cycles of
// create session / upload a 1 GiB tensor / close session.
//
// Diagnostics: --cases=NAME,... runs only those cases (e.g. under perf);
// --echo_extras=health,reflection gives the echo server what tensord has
// besides its service, to show what that costs bare gRPC.
//
// Output: JSON on stdout (bench/remote_report.py prints the table), progress
// on stderr. Both servers are killed at the end and on any failure (and get
// SIGKILL from the kernel should this process die: PR_SET_PDEATHSIG).
//
// The server processes and the echo server are in remote_bench_servers.cc,
// the client calls in remote_bench_client.cc (shared: remote_bench.h).
//
//   remote_bench --tensord=build/server/tensord > remote.json
#include "bench/remote_bench.h"

#include <grpcpp/grpcpp.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <functional>
#include <latch>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "echo.grpc.pb.h"
#include "google/protobuf/util/json_util.h"
#include "httplib.h"
#include "tensord/v1/tensord.grpc.pb.h"

ABSL_FLAG(std::string, tensord, "", "path of the tensord binary to run");
ABSL_FLAG(bool, serve_echo, false,
          "internal: serve bench/echo.proto on --listen and log the port");
ABSL_FLAG(std::string, listen, "127.0.0.1:0", "with --serve_echo: address");
ABSL_FLAG(std::string, echo_extras, "",
          "diagnostic: comma-separated extras the echo server enables as "
          "tensord does, to show what they cost a bare gRPC server: health "
          "(gRPC's default health service), reflection");
ABSL_FLAG(int, seq_calls, 4000,
          "sequential calls per side for each small-op case");
ABSL_FLAG(int, rounds, 80,
          "alternating blocks the sequential calls split into");
ABSL_FLAG(int, threads, 32,
          "client threads (and sessions) of the concurrent case");
ABSL_FLAG(int, conc_calls, 150, "calls per thread per concurrent round");
ABSL_FLAG(int, conc_rounds, 5, "rounds of the concurrent case per side");
ABSL_FLAG(int, big_reps, 9, "timed 64 MiB round trips per side");
ABSL_FLAG(bool, obs_pin, true,
          "exec_add_4_metrics_log: run both servers and the client thread on "
          "one CPU (false: where the scheduler puts them)");
ABSL_FLAG(int, obs_reps, 3,
          "repetitions of exec_add_4_metrics_log (each --seq_calls calls "
          "per side); the report gives the range of their ratios");
ABSL_FLAG(std::string, cases, "",
          "comma-separated case names to run; empty: all (for "
          "profiling one case; the report then lists the others missing)");
ABSL_FLAG(int, mem_cycles, 10, "create/fill/close cycles of the RSS check");
ABSL_FLAG(int64_t, mem_fill_elements, int64_t{256} << 20,
          "float32 elements of the RSS check's tensor (256Mi: 1 GiB)");

namespace remote_bench {
namespace {

double Seconds(Clock::duration d) {
  return std::chrono::duration<double>(d).count();
}

bool Selected(const std::string& name) {
  const std::string only = absl::GetFlag(FLAGS_cases);
  if (only.empty()) return true;
  for (absl::string_view c : absl::StrSplit(only, ',')) {
    if (c == name) return true;
  }
  return false;
}

// ------------------------------------------------------------------- timing

double Percentile(std::vector<double> v, double p) {
  if (v.empty()) return NAN;
  std::sort(v.begin(), v.end());
  const size_t i = std::min(v.size() - 1, static_cast<size_t>(p * v.size()));
  return v[i];
}

// CPU seconds (user + system) a process has used so far, its finished
// threads included: the kernel's process CPU clock (nanoseconds), or
// /proc/PID/stat (clock ticks) where that clock cannot be read.
double ProcCpuSeconds(pid_t pid) {
  clockid_t clock;
  timespec ts;
  if (clock_getcpuclockid(pid, &clock) == 0 && clock_gettime(clock, &ts) == 0) {
    return static_cast<double>(ts.tv_sec) + ts.tv_nsec * 1e-9;
  }
  std::ifstream f(absl::StrCat("/proc/", pid, "/stat"));
  std::string stat((std::istreambuf_iterator<char>(f)),
                   std::istreambuf_iterator<char>());
  const size_t paren = stat.rfind(')');
  if (paren == std::string::npos) Fail(absl::StrCat("no /proc/", pid, "/stat"));
  std::vector<std::string> fields =
      absl::StrSplit(stat.substr(paren + 2), ' ', absl::SkipEmpty());
  if (fields.size() < 13) Fail("short /proc/PID/stat");
  // fields[0] is field 3 (state); utime and stime are fields 14 and 15.
  const double ticks =
      std::atof(fields[11].c_str()) + std::atof(fields[12].c_str());
  return ticks / static_cast<double>(sysconf(_SC_CLK_TCK));
}

// One side of a comparison: its server process, and the CPU time that
// server spent during the side's timed blocks.
struct Side {
  explicit Side(pid_t p) : pid(p) {}
  pid_t pid;
  double server_cpu_s = 0;
  int64_t ops = 0;  // calls (or round trips) in those blocks

  // Runs `fn` (which makes `n` calls) and charges the server's CPU to it.
  template <typename F>
  auto Measure(int64_t n, F&& fn) {
    const double c0 = ProcCpuSeconds(pid);
    auto r = fn();
    server_cpu_s += ProcCpuSeconds(pid) - c0;
    ops += n;
    return r;
  }
  double CpuPerOp() const { return ops > 0 ? server_cpu_s / ops : NAN; }
};

struct Samples {
  std::vector<double> ours, ref;
};

// `calls` timed calls per side in `rounds` alternating blocks (order flipped
// every round, so drift in the machine's load hits both sides alike), after
// a warm-up.
Samples Interleaved(int calls, int rounds, Side& ours_side, Side& ref_side,
                    const std::function<void()>& ours,
                    const std::function<void()>& ref) {
  for (int i = 0; i < 200; ++i) {
    ours();
    ref();
  }
  Samples s;
  const int per_round = std::max(1, calls / rounds);
  auto run = [&](Side& side, const std::function<void()>& fn,
                 std::vector<double>& out) {
    side.Measure(per_round, [&] {
      for (int i = 0; i < per_round; ++i) {
        const auto t0 = Clock::now();
        fn();
        out.push_back(Seconds(Clock::now() - t0));
      }
      return 0;
    });
  };
  for (int r = 0; r < rounds; ++r) {
    if (r % 2 == 0) {
      run(ref_side, ref, s.ref);
      run(ours_side, ours, s.ours);
    } else {
      run(ours_side, ours, s.ours);
      run(ref_side, ref, s.ref);
    }
  }
  return s;
}

// `threads` threads make `calls` calls each, starting together; the mean
// time per call (each thread's own elapsed time / calls, averaged).
double Concurrent(int threads, int calls,
                  const std::function<void(int)>& call) {
  std::latch ready(threads + 1);
  std::latch go(1);
  std::vector<double> elapsed(threads);
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&, t] {
      ready.count_down();
      go.wait();
      const auto t0 = Clock::now();
      for (int i = 0; i < calls; ++i) call(t);
      elapsed[t] = Seconds(Clock::now() - t0);
    });
  }
  ready.arrive_and_wait();
  go.count_down();
  for (auto& th : pool) th.join();
  double sum = 0;
  for (double e : elapsed) sum += e;
  return sum / (static_cast<double>(threads) * calls);
}

struct CaseResult {
  CaseResult(std::string n, std::string s, std::string o, std::string r)
      : name(std::move(n)),
        stat(std::move(s)),
        ours_what(std::move(o)),
        ref_what(std::move(r)) {}
  std::string name, stat, ours_what, ref_what;
  double ours_s = NAN, ref_s = NAN;
  // Server process CPU per call (per round trip for the streaming case).
  double ours_cpu_s = NAN, ref_cpu_s = NAN;
  void SetCpu(const Side& o, const Side& r) {
    ours_cpu_s = o.CpuPerOp();
    ref_cpu_s = r.CpuPerOp();
  }
  std::string extra;  // JSON members with more figures
};

std::string Json(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

// A number for JSON (NaN, for a figure not measured, as null).
std::string Num(double v) {
  return std::isfinite(v) ? absl::StrFormat("%.9g", v) : "null";
}

std::string LoadAverage() {
  std::ifstream f("/proc/loadavg");
  std::string a, b, c;
  f >> a >> b >> c;
  return absl::StrCat(a, " ", b, " ", c);
}

void Log(const std::string& s) {
  std::fprintf(stderr, "bench remote: %s\n", s.c_str());
  std::fflush(stderr);
}

int RunBench() {
  const std::string tensord_path = absl::GetFlag(FLAGS_tensord);
  if (tensord_path.empty() || access(tensord_path.c_str(), X_OK) != 0) {
    std::fprintf(stderr,
                 "remote_bench: --tensord=PATH (an executable) needed\n");
    return 2;
  }
  signal(SIGINT, OnSignal);
  signal(SIGTERM, OnSignal);
  signal(SIGHUP, OnSignal);
  signal(SIGPIPE, SIG_IGN);

  // The big session is 1 GiB of data; the limit leaves room above it.
  const int64_t fill_bytes = absl::GetFlag(FLAGS_mem_fill_elements) * 4;
  const int64_t session_limit =
      std::max<int64_t>(int64_t{2} << 30, fill_bytes + (int64_t{1} << 30));
  Child echo("echo"), td("tensord");
  Spawn(echo,
        {"/proc/self/exe", "--serve_echo", "--listen=127.0.0.1:0",
         absl::StrCat("--echo_extras=", absl::GetFlag(FLAGS_echo_extras))});
  Spawn(td, {tensord_path, "--listen=127.0.0.1:0", "--http_listen=127.0.0.1:0",
             absl::StrCat("--session_memory_limit=", session_limit),
             "--shutdown_grace=2", "--drain_delay=0"});
  // For exec_add_4_metrics_log: two servers alike but for per-call
  // metrics and the access log (on by default, off in the second).
  // Both have one address layout and share one CPU with this case's client
  // thread (the last CPU this process may use), so neither the layout nor
  // the scheduler's placement passes for a cost.
  Child observed("tensord-observed"), unobserved("tensord-unobserved");
  int obs_cpu = -1;
  if (Selected("exec_add_4_metrics_log")) {
    cpu_set_t allowed;
    CPU_ZERO(&allowed);
    if (absl::GetFlag(FLAGS_obs_pin) &&
        sched_getaffinity(0, sizeof(allowed), &allowed) == 0) {
      for (int i = 0; i < CPU_SETSIZE; ++i) {
        if (CPU_ISSET(i, &allowed)) obs_cpu = i;
      }
    }
    const SpawnOptions fixed{/*fixed_layout=*/true, obs_cpu};
    const std::vector<std::string> common = {
        tensord_path, "--listen=127.0.0.1:0", "--http_listen=127.0.0.1:0",
        "--shutdown_grace=2", "--drain_delay=0"};
    Spawn(observed, common, fixed);
    std::vector<std::string> off = common;
    off.push_back("--metrics=false");
    off.push_back("--access_log=false");
    Spawn(unobserved, off, fixed);
  }
  const int64_t rss_idle = RssKiB(td.pid);
  const std::string load_before = LoadAverage();
  Log(absl::StrCat("tensord pid ", td.pid, " port ", td.port, ", echo pid ",
                   echo.pid, " port ", echo.port, "; load average ",
                   LoadAverage()));

  auto td_channel = Connect(td.port);
  auto echo_channel = Connect(echo.port);
  auto stub = v1::TensorService::NewStub(td_channel);
  auto echo_stub = eb::Echo::NewStub(echo_channel);

  std::vector<CaseResult> results;
  const int seq_calls = absl::GetFlag(FLAGS_seq_calls);
  const int rounds = absl::GetFlag(FLAGS_rounds);

  // Case 1 and 2: one session, two 4-element tensors made once.
  const std::string sid = NewSession(*stub);
  const std::vector<float> av = {1, 2, 3, 4}, bv = {0.5f, 0.25f, -1, 2};
  const std::string ha = CreateF32(*stub, sid, av);
  const std::string hb = CreateF32(*stub, sid, bv);
  if (Selected("exec_add_4")) {
    Log("case exec_add_4 (sequential, p50)...");
    const v1::ExecuteRequest req = AddRequest(sid, ha, hb, "c1");
    Side so(td.pid), sr(echo.pid);
    Samples s = Interleaved(
        seq_calls, rounds, so, sr, [&] { Execute(*stub, sid, req, 1); },
        [&] { Ping(*echo_stub); });
    const std::vector<float> c = FetchF32(*stub, sid, "c1");
    for (size_t i = 0; i < av.size(); ++i) {
      if (c.size() != av.size() || c[i] != av[i] + bv[i])
        Fail("exec_add_4: wrong result");
    }
    CaseResult r{"exec_add_4", "p50 per call", "Execute add(4, 4) -> name",
                 "Echo.Ping (empty)"};
    r.ours_s = Percentile(s.ours, 0.5);
    r.ref_s = Percentile(s.ref, 0.5);
    r.SetCpu(so, sr);
    r.extra = absl::StrFormat(
        "\"ours_p90_s\": %.9g, \"ref_p90_s\": %.9g, \"calls\": %d",
        Percentile(s.ours, 0.9), Percentile(s.ref, 0.9), (int)s.ours.size());
    results.push_back(r);
  }
  if (Selected("exec_add_4_metrics_log")) {
    // What per-call metrics and the access log cost: exec_add_4 against
    // the same binary with both on (the defaults) and both off, in
    // interleaved blocks, --obs_reps times (neighbours share the host:
    // the range shows how much one run can be trusted).
    Log(
        absl::StrCat("case exec_add_4_metrics_log (sequential, p50, range "
                     "over reps; ",
                     obs_cpu >= 0 ? absl::StrCat("all on cpu ", obs_cpu)
                                  : std::string("not pinned"),
                     ")..."));
    // This thread joins the servers' CPU for the case (the threads that
    // read the servers' logs stay where they are: a log collector's work
    // is not tensord's).
    cpu_set_t before;
    const bool pinned =
        obs_cpu >= 0 &&
        pthread_getaffinity_np(pthread_self(), sizeof(before), &before) == 0;
    if (pinned) {
      cpu_set_t one;
      CPU_ZERO(&one);
      CPU_SET(obs_cpu, &one);
      pthread_setaffinity_np(pthread_self(), sizeof(one), &one);
    }
    auto on_stub = v1::TensorService::NewStub(Connect(observed.port));
    auto off_stub = v1::TensorService::NewStub(Connect(unobserved.port));
    const std::string on_sid = NewSession(*on_stub);
    const std::string off_sid = NewSession(*off_stub);
    const v1::ExecuteRequest on_req =
        AddRequest(on_sid, CreateF32(*on_stub, on_sid, av),
                   CreateF32(*on_stub, on_sid, bv), "c4");
    const v1::ExecuteRequest off_req =
        AddRequest(off_sid, CreateF32(*off_stub, off_sid, av),
                   CreateF32(*off_stub, off_sid, bv), "c4");
    Side son(observed.pid), soff(unobserved.pid);
    std::vector<double> on_p50, off_p50, ratios, cpu_ratios;
    const int reps = std::max(1, absl::GetFlag(FLAGS_obs_reps));
    for (int i = 0; i < reps; ++i) {
      Side rep_on(observed.pid), rep_off(unobserved.pid);
      Samples s = Interleaved(
          seq_calls, rounds, rep_on, rep_off,
          [&] { Execute(*on_stub, on_sid, on_req, 1); },
          [&] { Execute(*off_stub, off_sid, off_req, 1); });
      on_p50.push_back(Percentile(s.ours, 0.5));
      off_p50.push_back(Percentile(s.ref, 0.5));
      ratios.push_back(on_p50.back() / off_p50.back());
      cpu_ratios.push_back(rep_on.CpuPerOp() / rep_off.CpuPerOp());
      Log(absl::StrFormat(
          "  rep %d: p50 on %.1f us, off %.1f us, ratio %.3f; server cpu "
          "on %.1f us, off %.1f us, ratio %.3f",
          i + 1, on_p50.back() * 1e6, off_p50.back() * 1e6, ratios.back(),
          rep_on.CpuPerOp() * 1e6, rep_off.CpuPerOp() * 1e6,
          cpu_ratios.back()));
      son.server_cpu_s += rep_on.server_cpu_s;
      son.ops += rep_on.ops;
      soff.server_cpu_s += rep_off.server_cpu_s;
      soff.ops += rep_off.ops;
    }
    CloseSession(*on_stub, on_sid);
    CloseSession(*off_stub, off_sid);
    if (pinned) pthread_setaffinity_np(pthread_self(), sizeof(before), &before);
    CaseResult r{"exec_add_4_metrics_log", "p50 per call",
                 "exec_add_4 with per-call metrics and the access log "
                 "(the defaults)",
                 "exec_add_4 with --metrics=false --access_log=false"};
    // The medians over the repetitions; "ratios" has each one's ratio.
    r.ours_s = Percentile(on_p50, 0.5);
    r.ref_s = Percentile(off_p50, 0.5);
    r.SetCpu(son, soff);
    auto join = [](const std::vector<double>& v) {
      return absl::StrJoin(v, ", ", [](std::string* out, double x) {
        absl::StrAppend(out, Num(x));
      });
    };
    r.extra = absl::StrFormat(
        "\"calls\": %d, \"reps\": %d, \"cpu\": %d, \"ratios\": [%s], "
        "\"server_cpu_ratios\": [%s]",
        seq_calls, reps, obs_cpu, join(ratios), join(cpu_ratios));
    results.push_back(r);
  }
  if (Selected("exec_add_4_http")) {
    // The same Execute as HTTP/JSON (Connect unary, one keep-alive
    // connection) against gRPC, on the same server.
    Log("case exec_add_4_http (sequential, p50)...");
    if (td.http_port == 0) Fail("tensord logged no http port");
    httplib::Client http("127.0.0.1", td.http_port);
    http.set_keep_alive(true);
    http.set_tcp_nodelay(true);
    const v1::ExecuteRequest req = AddRequest(sid, ha, hb, "c5");
    std::string body;
    if (!google::protobuf::util::MessageToJsonString(req, &body).ok()) {
      Fail("exec_add_4_http: cannot write the request as JSON");
    }
    const httplib::Headers headers = {{"x-tensord-session", sid}};
    Side so(td.pid), sr(td.pid);
    Samples s = Interleaved(
        seq_calls, rounds, so, sr,
        [&] {
          auto res = http.Post("/tensord.v1.TensorService/Execute", headers,
                               body, "application/json");
          if (!res || res->status != 200) {
            Fail(absl::StrCat("exec_add_4_http: HTTP ", res ? res->status : -1,
                              " ", res ? res->body : std::string()));
          }
        },
        [&] { Execute(*stub, sid, req, 1); });
    CaseResult r{"exec_add_4_http", "p50 per call",
                 "Execute add(4, 4) as HTTP/JSON (curl's protocol)",
                 "the same Execute over gRPC"};
    r.ours_s = Percentile(s.ours, 0.5);
    r.ref_s = Percentile(s.ref, 0.5);
    r.SetCpu(so, sr);
    r.extra = absl::StrFormat("\"calls\": %d", (int)s.ours.size());
    results.push_back(r);
  }
  if (Selected("exec_chain10_4")) {
    Log("case exec_chain10_4 (sequential, p50)...");
    const v1::ExecuteRequest req = ChainRequest(sid, ha, hb, "c2");
    Side so(td.pid), sr(echo.pid);
    Samples s = Interleaved(
        seq_calls, rounds, so, sr, [&] { Execute(*stub, sid, req, kChain); },
        [&] { Ping(*echo_stub); });
    // The same chain on the client.
    std::vector<float> x(av.size());
    for (size_t i = 0; i < av.size(); ++i) {
      float v = av[i] + bv[i];
      for (int k = 1; k < kChain; ++k) v = (k % 2 == 1) ? v * bv[i] : v + av[i];
      x[i] = v;
    }
    if (FetchF32(*stub, sid, "c2") != x) Fail("exec_chain10_4: wrong result");
    CaseResult r{"exec_chain10_4", "p50 per call",
                 "one Execute of 10 chained ops", "Echo.Ping (empty)"};
    r.ours_s = Percentile(s.ours, 0.5);
    r.ref_s = Percentile(s.ref, 0.5);
    r.SetCpu(so, sr);
    r.extra = absl::StrFormat(
        "\"ours_p90_s\": %.9g, \"ref_p90_s\": %.9g, \"calls\": %d",
        Percentile(s.ours, 0.9), Percentile(s.ref, 0.9), (int)s.ours.size());
    results.push_back(r);
  }
  if (Selected("upload_download_64M")) {
    Log("case upload_download_64M (median round trip)...");
    constexpr int64_t kBig = 64 * kMiB;
    std::vector<float> src(kBig / 4);
    for (size_t i = 0; i < src.size(); ++i)
      src[i] = static_cast<float>(i % 9973) * 0.5f;
    std::vector<char> dst(kBig, 1);  // touched once, outside the timing
    const char* sp = reinterpret_cast<const char*>(src.data());
    auto verify = [&](const char* what) {
      if (std::memcmp(sp, dst.data(), kBig) != 0)
        Fail(absl::StrCat(what, ": downloaded bytes differ"));
      std::memset(dst.data(), 0, 64);
    };
    auto ours = [&]() -> double {
      const auto t0 = Clock::now();
      const std::string h = Upload(*stub, sid, sp, kBig, kBig);
      const int64_t got = Download(*stub, sid, h, dst.data(), kBig);
      const double t = Seconds(Clock::now() - t0);
      Release(*stub, sid, h);
      if (got != kBig) Fail("DownloadTensor: short");
      verify("tensord");
      return t;
    };
    auto ref = [&]() -> double {
      const auto t0 = Clock::now();
      EchoUpload(*echo_stub, sp, kBig);
      const int64_t got = EchoDownload(*echo_stub, dst.data(), kBig);
      const double t = Seconds(Clock::now() - t0);
      if (got != kBig) Fail("Echo.Download: short");
      verify("echo");
      return t;
    };
    ours();  // warm-up: first allocations, connection windows
    ref();
    std::vector<double> o, e;
    Side so(td.pid), sr(echo.pid);
    const int reps = absl::GetFlag(FLAGS_big_reps);
    for (int i = 0; i < reps; ++i) {
      if (i % 2 == 0) {
        e.push_back(sr.Measure(1, ref));
        o.push_back(so.Measure(1, ours));
      } else {
        o.push_back(so.Measure(1, ours));
        e.push_back(sr.Measure(1, ref));
      }
    }
    CaseResult r{"upload_download_64M", "median round trip",
                 "UploadTensor + DownloadTensor, 1 MiB chunks",
                 "Echo.Upload + Echo.Download, 1 MiB chunks"};
    r.ours_s = Percentile(o, 0.5);
    r.ref_s = Percentile(e, 0.5);
    r.SetCpu(so, sr);
    r.extra = absl::StrFormat(
        "\"ours_min_s\": %.9g, \"ref_min_s\": %.9g, \"reps\": %d",
        *std::min_element(o.begin(), o.end()),
        *std::min_element(e.begin(), e.end()), reps);
    results.push_back(r);
  }
  CloseSession(*stub, sid);
  if (Selected(absl::StrCat("exec_add_4_x", absl::GetFlag(FLAGS_threads)))) {
    const int threads = absl::GetFlag(FLAGS_threads);
    const int calls = absl::GetFlag(FLAGS_conc_calls);
    const int conc_rounds = absl::GetFlag(FLAGS_conc_rounds);
    Log(absl::StrCat("case exec_add_4_x", threads, " (", threads,
                     " threads, sessions and connections; mean per call)..."));
    struct PerThread {
      std::shared_ptr<grpc::Channel> td_ch, echo_ch;
      std::unique_ptr<Stub> stub;
      std::unique_ptr<EchoStub> echo;
      std::string sid;
      v1::ExecuteRequest req;
    };
    std::vector<PerThread> pt(threads);
    for (int t = 0; t < threads; ++t) {
      PerThread& p = pt[t];
      p.td_ch = Connect(td.port);
      p.echo_ch = Connect(echo.port);
      p.stub = v1::TensorService::NewStub(p.td_ch);
      p.echo = eb::Echo::NewStub(p.echo_ch);
      p.sid = NewSession(*p.stub);
      const std::string a = CreateF32(*p.stub, p.sid, av);
      const std::string b = CreateF32(*p.stub, p.sid, bv);
      p.req = AddRequest(p.sid, a, b, "c");
    }
    auto ours = [&](int t) { Execute(*pt[t].stub, pt[t].sid, pt[t].req, 1); };
    auto ref = [&](int t) { Ping(*pt[t].echo); };
    Concurrent(threads, 20, ours);  // warm-up: server threads, connections
    Concurrent(threads, 20, ref);
    std::vector<double> o, e;
    Side so(td.pid), sr(echo.pid);
    const int64_t n = int64_t{threads} * calls;
    auto run_ours = [&] { return Concurrent(threads, calls, ours); };
    auto run_ref = [&] { return Concurrent(threads, calls, ref); };
    for (int r = 0; r < conc_rounds; ++r) {
      if (r % 2 == 0) {
        e.push_back(sr.Measure(n, run_ref));
        o.push_back(so.Measure(n, run_ours));
      } else {
        o.push_back(so.Measure(n, run_ours));
        e.push_back(sr.Measure(n, run_ref));
      }
    }
    for (PerThread& p : pt) CloseSession(*p.stub, p.sid);
    CaseResult r{absl::StrCat("exec_add_4_x", threads), "mean per call",
                 absl::StrCat(threads, " threads x Execute add(4, 4)"),
                 absl::StrCat(threads, " threads x Echo.Ping")};
    r.ours_s = Percentile(o, 0.5);
    r.ref_s = Percentile(e, 0.5);
    r.SetCpu(so, sr);
    r.extra = absl::StrFormat(
        "\"threads\": %d, \"calls_per_thread\": %d, \"rounds\": %d, "
        "\"ours_throughput_per_s\": %.6g, \"ref_throughput_per_s\": %.6g",
        threads, calls, conc_rounds, threads / r.ours_s, threads / r.ref_s);
    results.push_back(r);
  }

  // Memory: after the cases (their sessions closed), then cycles of a 1 GiB
  // session.
  const int64_t rss_after_cases = RssKiB(td.pid);
  const int cycles = absl::GetFlag(FLAGS_mem_cycles);
  Log(absl::StrCat("memory: ", cycles, " cycles of create session / upload ",
                   fill_bytes >> 20, " MiB / close..."));
  std::vector<int64_t> rss_filled, rss_closed;
  {
    std::vector<float> pattern(kMiB / 4);
    for (size_t i = 0; i < pattern.size(); ++i)
      pattern[i] = static_cast<float>(i);
    const char* pp = reinterpret_cast<const char*>(pattern.data());
    for (int c = 0; c < cycles; ++c) {
      const std::string s = NewSession(*stub);
      Upload(*stub, s, pp, kMiB, fill_bytes);
      rss_filled.push_back(RssKiB(td.pid));
      CloseSession(*stub, s);
      rss_closed.push_back(RssKiB(td.pid));
    }
  }
  const std::string load_after = LoadAverage();

  Stop(td);
  Stop(echo);
  if (observed.pid > 0) Stop(observed);
  if (unobserved.pid > 0) Stop(unobserved);

  // JSON for bench/remote_report.py.
  std::string out = "{\n  \"context\": {";
  absl::StrAppendFormat(
      &out,
      "\"host_cpus\": %d, \"load_before\": %s, \"load_after\": %s, "
      "\"seq_calls\": %d, \"rounds\": %d},\n",
      (int)std::thread::hardware_concurrency(), Json(load_before),
      Json(load_after), seq_calls, rounds);
  out += "  \"cases\": [\n";
  for (size_t i = 0; i < results.size(); ++i) {
    const CaseResult& r = results[i];
    absl::StrAppendFormat(
        &out,
        "    {\"name\": %s, \"stat\": %s, \"ours\": %s, \"ref\": %s, "
        "\"ours_s\": %s, \"ref_s\": %s, \"ours_server_cpu_s\": %s, "
        "\"ref_server_cpu_s\": %s, %s}%s\n",
        Json(r.name), Json(r.stat), Json(r.ours_what), Json(r.ref_what),
        Num(r.ours_s), Num(r.ref_s), Num(r.ours_cpu_s), Num(r.ref_cpu_s),
        r.extra, i + 1 < results.size() ? "," : "");
  }
  out += "  ],\n";
  absl::StrAppendFormat(
      &out,
      "  \"memory\": {\"fill_bytes\": %d, \"session_limit_bytes\": %d, "
      "\"rss_idle_kib\": %d, \"rss_after_cases_kib\": %d, "
      "\"rss_filled_kib\": [%s], \"rss_closed_kib\": [%s]}\n}\n",
      fill_bytes, session_limit, rss_idle, rss_after_cases,
      absl::StrJoin(rss_filled, ", "), absl::StrJoin(rss_closed, ", "));
  std::fputs(out.c_str(), stdout);
  std::fflush(stdout);
  return 0;
}

}  // namespace
}  // namespace remote_bench

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "tensord over loopback gRPC vs bare gRPC echo services.\n"
      "Usage: remote_bench --tensord=PATH > remote.json");
  absl::ParseCommandLine(argc, argv);
  if (absl::GetFlag(FLAGS_serve_echo)) return remote_bench::ServeEcho();
  return remote_bench::RunBench();
}
