// tensord: the tensor computation server. See --help for its flags.
#include <dlfcn.h>
#include <malloc.h>
#include <signal.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <limits>
#include <thread>

#include "absl/flags/flag.h"
#include "absl/flags/internal/program_name.h"
#include "absl/flags/internal/usage.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/flags/usage_config.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "server/flag_sources.h"
#include "server/metrics.h"
#include "server/server.h"

ABSL_FLAG(std::string, listen, "127.0.0.1:50051",
          "address to listen on, HOST:PORT (port 0 picks a free one; use "
          "0.0.0.0:PORT to accept remote clients)");
ABSL_FLAG(int, threads, 0,
          "maximum threads serving calls (0: gRPC's default, about one per "
          "core)");
ABSL_FLAG(int, blas_threads, 0,
          "OpenBLAS threads per BLAS call (the matrix products PyTorch makes "
          "through BLAS); 0: OpenBLAS's own default (one per core), as under "
          "PyTorch, whose product bits depend on it (concurrent sessions' "
          "large products then take turns). 1 serves concurrent sessions "
          "faster (no team to wait for) but some products then differ from "
          "PyTorch's in the last bits");
ABSL_FLAG(int64_t, max_sessions, 1000, "sessions the server holds at most");
ABSL_FLAG(int64_t, session_memory_limit, int64_t{4} << 30,
          "bytes of tensor data one session may hold (a session may ask for "
          "less)");
ABSL_FLAG(int64_t, max_tensors, 1 << 20,
          "tensors (handles plus names) one session may hold");
ABSL_FLAG(int64_t, max_execute_nodes, 100000, "op nodes in one Execute call");
ABSL_FLAG(int64_t, idle_ttl, 3600,
          "seconds after which an idle session expires (a session may set "
          "its own)");
ABSL_FLAG(int64_t, max_message_size, 64 << 20,
          "largest unary message in bytes; larger tensors use the streaming "
          "UploadTensor/DownloadTensor calls");
ABSL_FLAG(std::string, tls_cert, "", "PEM certificate chain; enables TLS");
ABSL_FLAG(std::string, tls_key, "", "PEM private key for --tls_cert");
ABSL_FLAG(std::string, tls_client_ca, "",
          "PEM CA bundle; when set, clients must present a certificate it "
          "signed (mutual TLS)");
ABSL_FLAG(std::string, tokens_file, "",
          "file of accepted bearer tokens, one per line; when set every call "
          "but the health check needs 'authorization: Bearer TOKEN', and a "
          "token sees only the sessions it created");
ABSL_FLAG(std::string, snapshot_dir, "",
          "directory for session snapshots: written every --snapshot_interval "
          "seconds and on SIGTERM/SIGINT, restored at start");
ABSL_FLAG(int64_t, snapshot_interval, 60,
          "seconds between snapshots (to --snapshot_dir or --session_store; "
          "with a store only sessions that changed are written)");
ABSL_FLAG(std::string, session_store, "",
          "redis://[:PASSWORD@]HOST[:PORT] of a Redis server that all "
          "replicas share (elastic scale-out): any replica serves any "
          "session, taking it over from the replica that holds it, and "
          "SIGTERM hands every session over before exit. Excludes "
          "--snapshot_dir");
ABSL_FLAG(int64_t, failover_timeout, 10,
          "with --session_store: seconds after which the sessions of a "
          "replica that died (stopped renewing its leases) are taken over "
          "by others, from their last snapshot");
ABSL_FLAG(int64_t, shutdown_grace, 10,
          "seconds in-flight calls get to finish on SIGTERM/SIGINT, after "
          "--drain_delay");
ABSL_FLAG(int64_t, drain_delay, 5,
          "seconds between SIGTERM and the shutdown (SIGINT skips it): "
          "readiness "
          "(gRPC health, /readyz) turns NOT_SERVING at once and new sessions "
          "are refused (UNAVAILABLE), while calls on existing sessions go on");
ABSL_FLAG(std::string, http_listen, "",
          "HOST:PORT of the HTTP listener: GET /metrics (Prometheus), "
          "/healthz, /readyz, and the unary RPCs as HTTP/JSON at POST "
          "/tensord.v1.TensorService/METHOD (port 0 picks a free one; empty: "
          "off). Uses --tls_cert/--tls_key when set");
ABSL_FLAG(std::string, log_format, "text",
          "log line format on stderr: text (\"tensord: ...\") or json (one "
          "object per line)");
ABSL_FLAG(bool, access_log, true,
          "one log line per call: time, method, code, duration, session, "
          "request id, node count, bytes in/out, peer (never a token or "
          "tensor data)");
ABSL_FLAG(bool, metrics, true,
          "per-call metrics on /metrics (tensord_rpcs_total, "
          "tensord_rpc_duration_seconds, tensord_execute_nodes); false skips "
          "their work on every call and leaves them out of /metrics (the "
          "gauges and process metrics stay)");
ABSL_FLAG(std::string, replica_id, "",
          "name of this replica, reported in GetSession and the "
          "x-tensord-replica header, and prefix of its snapshot files, so "
          "replicas may share --snapshot_dir (default: tensord-HOSTNAME; "
          "letters, digits, '.', '_', '-')");

namespace {

// The flags --help lists and the environment sets: tensord's own, defined
// in this file.
bool IsOwnFlagFile(absl::string_view file) {
  return absl::EndsWith(file, "server/main.cc");
}

}  // namespace

namespace {

// Idle worker threads of the two thread pools under the kernels busy-wait
// after each parallel call before they sleep, taking the cores that other
// sessions' kernels and other processes need: OpenBLAS's for 2^28 cycles
// (some 60 ms), libgomp's for 300000 spins (milliseconds), after every
// product and every parallel loop (a 50-step LSTM training script ran at
// half speed, and both pools' spinning was half the server's CPU time).
// Both read their settings only when they are loaded, so tensord sets
// them, unless the environment does, and executes itself once more:
// OPENBLAS_THREAD_TIMEOUT=18 (2^18 cycles, some 60 us) and
// GOMP_SPINCOUNT=10000 (tens of us) still cover calls back to back. The
// results are the same bits: only the idle wait changes.
void ShortenIdleSpinning(char** argv) {
  bool changed = false;
  auto set_default = [&changed](const char* name, const char* value) {
    if (getenv(name) != nullptr) return;
    setenv(name, value, 1);
    changed = true;
  };
  set_default("OPENBLAS_THREAD_TIMEOUT", "18");
  // OMP_WAIT_POLICY, when set, is the user's choice of waiting.
  if (getenv("OMP_WAIT_POLICY") == nullptr) {
    set_default("GOMP_SPINCOUNT", "10000");
  }
  if (!changed) return;
  execv("/proc/self/exe", argv);
  // Not executed again (no /proc): the pools' default waits then.
}

}  // namespace

int main(int argc, char** argv) {
  ShortenIdleSpinning(argv);
  absl::SetProgramUsageMessage(
      "serves sessions of tensors with PyTorch semantics over gRPC "
      "(and, with --http_listen, HTTP/JSON).\n"
      "Usage: tensord [--listen=HOST:PORT] [flags]\n\n"
      "Every flag can also be set by the environment variable TENSORD_<FLAG> "
      "(the flag's name in upper case, e.g. TENSORD_LISTEN=0.0.0.0:50051) "
      "and in a flag file (--flagfile=FILE, one --flag=value per line).\n"
      "Precedence, highest first: command line, --flagfile, environment, "
      "default.");
  absl::FlagsUsageConfig usage;
  usage.contains_help_flags = IsOwnFlagFile;
  usage.contains_helpshort_flags = IsOwnFlagFile;
  usage.normalize_filename = [](absl::string_view file) {
    const size_t at = file.rfind("server/main.cc");
    return std::string(at == absl::string_view::npos ? file : file.substr(at));
  };
  usage.version_string = [] {
    return absl::StrCat("tensord ", tensord::server::TensordVersion(), "\n");
  };
  absl::SetFlagsUsageConfig(usage);
  using tensord::server::Log;
  if (absl::Status st =
          tensord::server::ApplyEnvironment("TENSORD_", IsOwnFlagFile);
      !st.ok()) {
    Log(std::string(st.message()));
    return 2;
  }
  // Flag files first, so that the command line overrides them.
  std::vector<char*> args = tensord::server::FlagfilesFirst(argc, argv);
  // --help lists tensord's flags and exits 0 (abseil's own --help exits 1).
  for (size_t i = 1; i < args.size(); ++i) {
    const absl::string_view a = args[i];
    if (a == "--") break;
    if (a == "--help" || a == "-help") {
      absl::flags_internal::SetProgramInvocationName("tensord");
      absl::flags_internal::FlagsHelp(
          std::cout, "server/main.cc",
          absl::flags_internal::HelpFormat::kHumanReadable,
          absl::ProgramUsageMessage());
      return 0;
    }
  }
  absl::ParseCommandLine(static_cast<int>(args.size()), args.data());
  auto log_format =
      tensord::server::ParseLogFormat(absl::GetFlag(FLAGS_log_format));
  if (!log_format.ok()) {
    Log(std::string(log_format.status().message()));
    return 2;
  }
  tensord::server::SetLogFormat(*log_format);
  // absl::Mutex's deadlock detector records every lock order in a global
  // graph (GraphCycles, about 1% of server time under load): a debugging
  // aid, off in production. The TSan build still checks the locking.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  // gRPC's message buffers (1 MiB chunks) are large and short-lived: keep
  // them in the heap, not in a fresh mmap with page faults per message.
  mallopt(M_MMAP_THRESHOLD, 32 << 20);
  // Give free heap back in 8 MiB steps. The threshold also decides when a
  // thread arena's free top is returned, which malloc_trim() (called when a
  // session closes) does not do: with 256 MiB, gRPC's handler threads kept
  // 15-25 MiB each of freed upload buffers resident and RSS grew by ~25%
  // over ten 1 GiB upload/close cycles; with 8 MiB it stays flat (script/bench
  // remote's memory check) at no measurable cost to the 64 MB round trip.
  mallopt(M_TRIM_THRESHOLD, 8 << 20);

  // Signals are taken by one thread with sigwait, so the handler code is
  // ordinary code; every other thread inherits the blocked mask.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  // Every number is range-checked: a bad one is one line and exit 2.
  struct Range {
    const char* flag;
    int64_t value, min, max;
  };
  const Range ranges[] = {
      {"threads", absl::GetFlag(FLAGS_threads), 0, 4096},
      {"blas_threads", absl::GetFlag(FLAGS_blas_threads), 0, 1024},
      {"max_sessions", absl::GetFlag(FLAGS_max_sessions), 1, int64_t{1} << 40},
      {"session_memory_limit", absl::GetFlag(FLAGS_session_memory_limit), 1,
       std::numeric_limits<int64_t>::max()},
      {"max_tensors", absl::GetFlag(FLAGS_max_tensors), 1, int64_t{1} << 40},
      {"max_execute_nodes", absl::GetFlag(FLAGS_max_execute_nodes), 1,
       int64_t{1} << 30},
      {"idle_ttl", absl::GetFlag(FLAGS_idle_ttl), 1,
       tensord::server::kMaxIdleTtlSeconds},
      {"max_message_size", absl::GetFlag(FLAGS_max_message_size), 64 << 10,
       std::numeric_limits<int32_t>::max()},
      {"snapshot_interval", absl::GetFlag(FLAGS_snapshot_interval), 1,
       int64_t{365} * 86400},
      {"shutdown_grace", absl::GetFlag(FLAGS_shutdown_grace), 0, 86400},
      {"drain_delay", absl::GetFlag(FLAGS_drain_delay), 0, 86400},
      {"failover_timeout", absl::GetFlag(FLAGS_failover_timeout), 1, 3600},
  };
  for (const Range& r : ranges) {
    if (r.value < r.min || r.value > r.max) {
      Log(absl::StrCat("--", r.flag, "=", r.value, " is out of range [", r.min,
                       ", ", r.max, "]"));
      return 2;
    }
  }
  // OpenBLAS (when it is the BLAS the loader found) reads its thread count
  // at load time; set the flag's instead.
  if (auto* set_threads = reinterpret_cast<void (*)(int)>(
          dlsym(RTLD_DEFAULT, "openblas_set_num_threads"));
      set_threads != nullptr && absl::GetFlag(FLAGS_blas_threads) > 0) {
    set_threads(absl::GetFlag(FLAGS_blas_threads));
  }
  tensord::server::ServerConfig config;
  config.listen = absl::GetFlag(FLAGS_listen);
  config.threads = absl::GetFlag(FLAGS_threads);
  config.max_message_bytes = absl::GetFlag(FLAGS_max_message_size);
  config.tls_cert_file = absl::GetFlag(FLAGS_tls_cert);
  config.tls_key_file = absl::GetFlag(FLAGS_tls_key);
  config.tls_client_ca_file = absl::GetFlag(FLAGS_tls_client_ca);
  config.http_listen = absl::GetFlag(FLAGS_http_listen);
  config.access_log = absl::GetFlag(FLAGS_access_log);
  config.metrics = absl::GetFlag(FLAGS_metrics);
  if (!absl::GetFlag(FLAGS_tokens_file).empty()) {
    auto tokens =
        tensord::server::ReadTokensFile(absl::GetFlag(FLAGS_tokens_file));
    if (!tokens.ok()) {
      Log(std::string(tokens.status().message()));
      return 2;
    }
    config.tokens = *tokens;
  }
  config.sessions.max_sessions = absl::GetFlag(FLAGS_max_sessions);
  config.sessions.default_idle_ttl_seconds = absl::GetFlag(FLAGS_idle_ttl);
  config.sessions.limits.memory_limit_bytes =
      absl::GetFlag(FLAGS_session_memory_limit);
  config.sessions.limits.max_tensors = absl::GetFlag(FLAGS_max_tensors);
  config.sessions.limits.max_execute_nodes =
      absl::GetFlag(FLAGS_max_execute_nodes);
  config.sessions.snapshot_dir = absl::GetFlag(FLAGS_snapshot_dir);
  config.snapshot_interval =
      absl::Seconds(absl::GetFlag(FLAGS_snapshot_interval));
  config.session_store = absl::GetFlag(FLAGS_session_store);
  config.sessions.lease_ms = absl::GetFlag(FLAGS_failover_timeout) * 1000;
  std::string replica = absl::GetFlag(FLAGS_replica_id);
  if (replica.empty()) {
    char host[256] = {0};
    gethostname(host, sizeof(host) - 1);
    replica = absl::StrCat("tensord-", host);
  }
  // The id names snapshot files and goes into a response header.
  if (replica.size() > 128 ||
      replica.find_first_not_of("abcdefghijklmnopqrstuvwxyz"
                                "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") !=
          std::string::npos) {
    Log("--replica_id must be 1 to 128 of [A-Za-z0-9._-]");
    return 2;
  }
  config.sessions.replica_id = replica;

  auto server = tensord::server::TensordServer::Start(config);
  if (!server.ok()) {
    Log(std::string(server.status().message()));
    return server.status().code() == absl::StatusCode::kInvalidArgument ? 2 : 1;
  }
  int sig = 0;
  sigwait(&signals, &sig);
  Log(absl::StrCat("received signal ", sig));
  // SIGTERM is how orchestrators stop a replica: drain first. SIGINT is
  // Ctrl-C at a terminal: stop at once, as before.
  if (sig == SIGTERM) {
    (*server)->Drain(absl::Seconds(absl::GetFlag(FLAGS_drain_delay)));
  }
  (*server)->Shutdown(absl::Seconds(absl::GetFlag(FLAGS_shutdown_grace)));
  return 0;
}
