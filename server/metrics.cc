#include "server/metrics.h"

#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "core/gemm.h"

#ifndef TENSORD_VERSION
#define TENSORD_VERSION "unknown"
#endif

namespace tensord::server {
namespace {

template <size_t N>
int BucketOf(const std::array<double, N>& bounds, double v) {
  int i = 0;
  while (i < static_cast<int>(N) && v > bounds[i]) ++i;
  return i;
}

void Header(std::string* out, absl::string_view name, absl::string_view type,
            absl::string_view help) {
  absl::StrAppend(out, "# HELP ", name, " ", help, "\n# TYPE ", name, " ", type,
                  "\n");
}

// A double as Prometheus writes it.
std::string Num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.15g", v);
  return buf;
}

// The process's CPU seconds and start time (Unix seconds), from /proc.
void ProcessStat(double* cpu_seconds, double* start_time) {
  *cpu_seconds = 0;
  *start_time = 0;
  std::ifstream f("/proc/self/stat");
  std::string text((std::istreambuf_iterator<char>(f)),
                   std::istreambuf_iterator<char>());
  // Fields after the command name, which is in parentheses and may hold
  // spaces: state is field 3, utime 14, stime 15, starttime 22.
  const size_t close = text.rfind(')');
  if (close == std::string::npos) return;
  std::istringstream in(text.substr(close + 2));
  std::string field;
  double utime = 0, stime = 0, start = 0;
  for (int i = 3; i <= 22 && (in >> field); ++i) {
    if (i == 14) utime = std::stod(field);
    if (i == 15) stime = std::stod(field);
    if (i == 22) start = std::stod(field);
  }
  const double ticks = static_cast<double>(sysconf(_SC_CLK_TCK));
  *cpu_seconds = (utime + stime) / ticks;
  std::ifstream s("/proc/stat");
  std::string key;
  double boot = 0;
  while (s >> key) {
    if (key == "btime") {
      s >> boot;
      break;
    }
  }
  *start_time = boot + start / ticks;
}

int64_t ResidentBytes() {
  std::ifstream f("/proc/self/statm");
  int64_t size = 0, resident = 0;
  f >> size >> resident;
  return resident * static_cast<int64_t>(sysconf(_SC_PAGESIZE));
}

}  // namespace

const char* TensordVersion() { return TENSORD_VERSION; }

Metrics::Metrics(bool per_call) : per_call_(per_call) {}

void Metrics::RecordCall(const CallRecord& r) {
  const int m = static_cast<int>(r.method);
  const int code = r.code >= 0 && r.code < kCodes ? r.code : 2;  // UNKNOWN
  calls_[m][code].fetch_add(1, std::memory_order_relaxed);
  auto& h = durations_[m];
  h.buckets[BucketOf(kDurationBuckets, r.duration_ns * 1e-9)].fetch_add(
      1, std::memory_order_relaxed);
  h.count.fetch_add(1, std::memory_order_relaxed);
  h.sum.fetch_add(static_cast<uint64_t>(r.duration_ns),
                  std::memory_order_relaxed);
  if (r.method == Method::kExecute && r.nodes >= 0) {
    nodes_.buckets[BucketOf(kNodeBuckets, static_cast<double>(r.nodes))]
        .fetch_add(1, std::memory_order_relaxed);
    nodes_.count.fetch_add(1, std::memory_order_relaxed);
    nodes_.sum.fetch_add(static_cast<uint64_t>(r.nodes),
                         std::memory_order_relaxed);
  }
}

void Metrics::SnapshotDone(bool ok, absl::Time when) {
  if (ok) {
    last_snapshot_ms_.store(absl::ToUnixMillis(when),
                            std::memory_order_relaxed);
  } else {
    snapshot_failures_.fetch_add(1, std::memory_order_relaxed);
  }
}

std::string Metrics::Render(const MetricGauges& g) const {
  std::string out;
  out.reserve(16 << 10);
  if (per_call_) RenderPerCall(&out);
  RenderRest(g, &out);
  return out;
}

void Metrics::RenderPerCall(std::string* out_ptr) const {
  constexpr auto kRelaxed = std::memory_order_relaxed;
  std::string& out = *out_ptr;
  Header(&out, "tensord_rpcs_total", "counter",
         "Calls of the TensorService by method and gRPC status code (gRPC "
         "and HTTP/JSON alike).");
  for (int m = 0; m < kMethodCount; ++m) {
    for (int c = 0; c < kCodes; ++c) {
      const uint64_t n = calls_[m][c].load(kRelaxed);
      if (n == 0) continue;
      absl::StrAppend(&out, "tensord_rpcs_total{method=\"",
                      MethodName(static_cast<Method>(m)), "\",code=\"",
                      CodeName(c), "\"} ", n, "\n");
    }
  }

  Header(&out, "tensord_rpc_duration_seconds", "histogram",
         "Time from a call's start to its status, by method.");
  for (int m = 0; m < kMethodCount; ++m) {
    const auto& h = durations_[m];
    const uint64_t count = h.count.load(kRelaxed);
    if (count == 0) continue;
    const absl::string_view name = MethodName(static_cast<Method>(m));
    uint64_t cumulative = 0;
    for (size_t b = 0; b <= kDurationBuckets.size(); ++b) {
      cumulative += h.buckets[b].load(kRelaxed);
      absl::StrAppend(
          &out, "tensord_rpc_duration_seconds_bucket{method=\"", name,
          "\",le=\"",
          b < kDurationBuckets.size() ? Num(kDurationBuckets[b]) : "+Inf",
          "\"} ", cumulative, "\n");
    }
    absl::StrAppend(&out, "tensord_rpc_duration_seconds_sum{method=\"", name,
                    "\"} ", Num(h.sum.load(kRelaxed) * 1e-9), "\n",
                    "tensord_rpc_duration_seconds_count{method=\"", name,
                    "\"} ", cumulative, "\n");
  }

  Header(&out, "tensord_execute_nodes", "histogram",
         "Op nodes per Execute call.");
  uint64_t cumulative = 0;
  for (size_t b = 0; b <= kNodeBuckets.size(); ++b) {
    cumulative += nodes_.buckets[b].load(kRelaxed);
    absl::StrAppend(&out, "tensord_execute_nodes_bucket{le=\"",
                    b < kNodeBuckets.size() ? Num(kNodeBuckets[b]) : "+Inf",
                    "\"} ", cumulative, "\n");
  }
  absl::StrAppend(&out, "tensord_execute_nodes_sum ", nodes_.sum.load(kRelaxed),
                  "\n", "tensord_execute_nodes_count ", cumulative, "\n");
}

void Metrics::RenderRest(const MetricGauges& g, std::string* out_ptr) const {
  constexpr auto kRelaxed = std::memory_order_relaxed;
  std::string& out = *out_ptr;
  Header(&out, "tensord_sessions", "gauge", "Sessions the server holds.");
  absl::StrAppend(&out, "tensord_sessions ", g.sessions, "\n");
  Header(&out, "tensord_session_bytes", "gauge",
         "Bytes of tensor data held, summed over sessions.");
  absl::StrAppend(&out, "tensord_session_bytes ", g.session_bytes, "\n");
  Header(&out, "tensord_graph_bytes", "gauge",
         "Bytes of autograd graph held, summed over sessions.");
  absl::StrAppend(&out, "tensord_graph_bytes ", g.graph_bytes, "\n");
  if (g.store) {
    Header(&out, "tensord_session_takeovers_total", "counter",
           "Sessions this replica took over through the session store: "
           "from=\"replica\" handed over by a live holder, from=\"snapshot\" "
           "loaded from the last snapshot after the holder's lease ran out.");
    absl::StrAppend(&out, "tensord_session_takeovers_total{from=\"replica\"} ",
                    g.takeovers_from_replica, "\n");
    absl::StrAppend(&out, "tensord_session_takeovers_total{from=\"snapshot\"} ",
                    g.takeovers_from_snapshot, "\n");
    Header(&out, "tensord_session_handoffs_total", "counter",
           "Sessions this replica handed over (asked by another replica, "
           "or on SIGTERM).");
    absl::StrAppend(&out, "tensord_session_handoffs_total ", g.handoffs, "\n");
    Header(&out, "tensord_session_leases_lost_total", "counter",
           "Sessions dropped because their lease could not be renewed in "
           "time (the store was out of reach).");
    absl::StrAppend(&out, "tensord_session_leases_lost_total ", g.leases_lost,
                    "\n");
  }
  Header(&out, "tensord_sessions_expired_total", "counter",
         "Sessions closed because they were idle past their TTL.");
  absl::StrAppend(&out, "tensord_sessions_expired_total ",
                  sessions_expired_.load(kRelaxed), "\n");
  Header(&out, "tensord_snapshot_failures_total", "counter",
         "Snapshot passes that failed.");
  absl::StrAppend(&out, "tensord_snapshot_failures_total ",
                  snapshot_failures_.load(kRelaxed), "\n");
  Header(&out, "tensord_last_snapshot_timestamp_seconds", "gauge",
         "Unix time of the last successful snapshot pass (0: none yet).");
  absl::StrAppend(&out, "tensord_last_snapshot_timestamp_seconds ",
                  Num(last_snapshot_ms_.load(kRelaxed) * 1e-3), "\n");
  Header(&out, "tensord_build_info", "gauge",
         "Always 1; the labels name the version and the GEMM library.");
  absl::StrAppend(&out, "tensord_build_info{version=\"", TensordVersion(),
                  "\",gemm=\"", GemmF32Kernel(), "\"} 1\n");

  double cpu = 0, start = 0;
  ProcessStat(&cpu, &start);
  Header(&out, "process_start_time_seconds", "gauge",
         "Start time of the process since the Unix epoch in seconds.");
  absl::StrAppend(&out, "process_start_time_seconds ", Num(start), "\n");
  Header(&out, "process_resident_memory_bytes", "gauge",
         "Resident memory size in bytes.");
  absl::StrAppend(&out, "process_resident_memory_bytes ", ResidentBytes(),
                  "\n");
  Header(&out, "process_cpu_seconds_total", "counter",
         "Total user and system CPU time spent in seconds.");
  absl::StrAppend(&out, "process_cpu_seconds_total ", Num(cpu), "\n");
}

}  // namespace tensord::server
