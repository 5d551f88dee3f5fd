// metrics.h — tensord's counters and histograms, and their Prometheus text
// (GET /metrics on the HTTP listener).
//
//   Metrics m;
//   m.RecordCall(record);              // every RPC, from the call wrapper
//   std::string text = m.Render(gauges);
//
// Recording is lock-free and allocation-free (relaxed atomics), so it runs
// on every call; Render reads the atomics, the process's /proc files and
// the gauges the caller passes. Without per-call metrics (tensord
// --metrics=false) the service records nothing and Render leaves out the
// per-call families (calls, durations, Execute nodes). Thread-safe.
#ifndef TENSORD_SERVER_METRICS_H_
#define TENSORD_SERVER_METRICS_H_

#include <array>
#include <atomic>
#include <cstdint>
#include <string>

#include "absl/time/time.h"
#include "server/call.h"

namespace tensord::server {

// Values sampled when /metrics is read.
struct MetricGauges {
  int64_t sessions = 0;
  int64_t session_bytes = 0;
  int64_t graph_bytes = 0;
  // With a session store (counters, kept by the SessionManager):
  bool store = false;
  int64_t takeovers_from_replica = 0;  // handed over by a live holder
  int64_t takeovers_from_snapshot =
      0;                 // loaded after the holder's lease ran out
  int64_t handoffs = 0;  // given up to another replica or the drain
  int64_t leases_lost = 0;
};

// The version string of this build ("0.1.0").
const char* TensordVersion();

class Metrics {
 public:
  // `per_call`: whether calls are recorded (RecordCall) and shown.
  explicit Metrics(bool per_call = true);
  Metrics(const Metrics&) = delete;
  Metrics& operator=(const Metrics&) = delete;

  // Counts the call, its duration, and (Execute) its node count. The
  // service does not call it when per-call metrics are off.
  void RecordCall(const CallRecord& r);
  void SessionsExpired(int n) {
    sessions_expired_.fetch_add(n, std::memory_order_relaxed);
  }
  // A snapshot pass: a failure counts; a success sets the timestamp.
  void SnapshotDone(bool ok, absl::Time when);

  // The Prometheus text exposition format, version 0.0.4: HELP and TYPE
  // for every metric.
  std::string Render(const MetricGauges& gauges) const;

  // Bucket upper bounds.
  static constexpr std::array<double, 16> kDurationBuckets = {
      0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
      0.05,   0.1,     0.25,   0.5,   1,      2.5,   5,    10};
  static constexpr std::array<double, 12> kNodeBuckets = {
      1, 2, 4, 8, 16, 64, 256, 1024, 4096, 16384, 65536, 262144};

 private:
  static constexpr int kCodes = 17;
  const bool per_call_;
  template <size_t N>
  struct Histogram {
    std::atomic<uint64_t> buckets[N + 1] = {};  // the last one is +Inf
    std::atomic<uint64_t> count{0};
    std::atomic<uint64_t> sum{0};  // nanoseconds, or nodes
  };

  void RenderPerCall(std::string* out) const;
  void RenderRest(const MetricGauges& gauges, std::string* out) const;

  std::atomic<uint64_t> calls_[kMethodCount][kCodes] = {};
  Histogram<kDurationBuckets.size()> durations_[kMethodCount];
  Histogram<kNodeBuckets.size()> nodes_;
  std::atomic<uint64_t> sessions_expired_{0};
  std::atomic<uint64_t> snapshot_failures_{0};
  std::atomic<int64_t> last_snapshot_ms_{0};
};

}  // namespace tensord::server

#endif  // TENSORD_SERVER_METRICS_H_
