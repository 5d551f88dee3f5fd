// tensord_load: a bounded load generator for the reliability checks.
//
//   tensord_load --server=127.0.0.1:PORT --server_pid=PID
//                --clients=64 --seconds=60
//
// Each client has its own channel and session and repeats a mixed step
// until the time (or --max_calls) is up: create a tensor (bound to a name,
// requires grad), an Execute that releases the new tensor's handle (the
// name keeps it) and builds y = (w * w).sum(), a backward through Execute,
// a fetch of w's grad, and an Execute that keeps a handle followed by its
// release. A session therefore holds the same few tensors throughout, and
// growth of the server's memory is the server's. Every call's latency is
// recorded; any non-OK status is an error. The server's RSS is read from
// /proc at 10 s and at the end, before the sessions close (a close frees
// and trims memory, which would hide growth). Prints the figures and, last,
// the line script/reliability counts:
//
//   reliability-check: load: held: ...    (0 errors, RSS growth < 10%)
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <latch>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "absl/cleanup/cleanup.h"
#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "client/client.h"

ABSL_FLAG(std::string, server, "127.0.0.1:50051", "tensord address");
ABSL_FLAG(int, clients, 64, "concurrent clients, one session each");
ABSL_FLAG(double, seconds, 60, "how long to run");
ABSL_FLAG(int64_t, max_calls, 0, "stop after this many calls (0: no cap)");
ABSL_FLAG(int, server_pid, 0, "pid of tensord, to read its RSS");
ABSL_FLAG(double, rss_sample_at, 10, "seconds after start of the first RSS");

namespace {

using Clock = std::chrono::steady_clock;
using tensord::client::Client;
using tensord::client::ClientOptions;
namespace v1 = tensord::v1;

double RssMiB(int pid) {
  if (pid <= 0) return 0;
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmRSS:", 0) == 0) {
      return std::stod(line.substr(6)) / 1024.0;
    }
  }
  return 0;
}

struct Stats {
  std::vector<double> latencies_ms;
  int64_t errors = 0;
  std::string first_error;
};

v1::OpNode Node(const std::string& op, std::vector<v1::ValueRef> inputs) {
  v1::OpNode n;
  n.set_op(op);
  for (auto& i : inputs) *n.add_inputs() = std::move(i);
  return n;
}
v1::ValueRef Name(const std::string& n) {
  v1::ValueRef r;
  r.set_name(n);
  return r;
}
v1::ValueRef Out(int node) {
  v1::ValueRef r;
  r.mutable_node()->set_node(node);
  return r;
}

// `finished` counts down when the client's loop is over (or it failed to
// start); it closes its session only after `measured` is released.
void RunClient(int id, Clock::time_point end, std::atomic<int64_t>* budget,
               Stats* stats, std::latch* finished, std::latch* measured) {
  bool arrived = false;
  auto arrive = [&] {
    if (!arrived) finished->count_down();
    arrived = true;
  };
  absl::Cleanup arrive_on_return = arrive;
  ClientOptions opts;
  opts.target = absl::GetFlag(FLAGS_server);
  opts.deadline = absl::Seconds(30);
  auto client = Client::Connect(opts);
  auto fail = [&](const absl::Status& s) {
    ++stats->errors;
    if (stats->first_error.empty()) {
      stats->first_error = absl::StrCat("client ", id, ": ", s.ToString());
    }
  };
  if (!client.ok()) return fail(client.status());
  // Each call is timed and checked; false stops nothing, it is counted.
  auto timed = [&](auto&& call) {
    if (budget->fetch_sub(1) <= 0) return false;
    const auto t0 = Clock::now();
    absl::Status s = call();
    stats->latencies_ms.push_back(
        std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
    if (!s.ok()) fail(s);
    return true;
  };
  std::optional<tensord::client::Session> session;
  if (!timed([&] {
        auto s = (*client)->NewSession();
        if (s.ok()) session.emplace(std::move(*s));
        return s.status();
      }) ||
      !session) {
    return;
  }
  std::vector<float> values(16);
  for (int64_t step = 0; Clock::now() < end; ++step) {
    for (size_t k = 0; k < values.size(); ++k) values[k] = (step + k) % 7;
    std::string created;  // the new tensor's handle: released next call
    bool go = timed([&] {
      v1::TensorData d;
      d.set_dtype(v1::DTYPE_FLOAT32);
      d.add_shape(16);
      d.set_data(std::string(reinterpret_cast<const char*>(values.data()),
                             values.size() * sizeof(float)));
      auto t = session->FromData(d, /*requires_grad=*/true, "w");
      if (t.ok()) created = t->handle();
      return t.status();
    });
    go = go && timed([&] {
           v1::ExecuteRequest req;
           req.add_release()->set_handle(created);  // "w" still names it
           *req.add_nodes() = Node("mul", {Name("w"), Name("w")});
           v1::OpNode sum = Node("sum", {Out(0)});
           sum.add_bind("y");
           *req.add_nodes() = sum;
           return session->Execute(req).status();
         });
    go = go && timed([&] {
           v1::ExecuteRequest req;
           *req.add_nodes() = Node("backward", {Name("y")});
           return session->Execute(req).status();
         });
    go = go && timed([&] {
           v1::FetchTensorRequest req;
           req.set_session_id(session->id());
           req.mutable_tensor()->set_name("w");
           req.set_grad(true);
           v1::FetchTensorResponse resp;
           absl::Status s =
               tensord::client::FromGrpc((*client)->stub()->FetchTensor(
                   (*client)->Context(session->id()).get(), req, &resp));
           if (s.ok() && resp.data().data().size() != 16 * sizeof(float)) {
             return absl::InternalError("wrong grad size");
           }
           return s;
         });
    std::string handle;
    go = go && timed([&] {
           v1::ExecuteRequest req;
           v1::OpNode n = Node("mul", {Name("w"), Name("w")});
           n.set_keep(true);
           *req.add_nodes() = n;
           auto r = session->Execute(req);
           if (r.ok()) handle = r->results(0).outputs(0).handle();
           return r.status();
         });
    go = go && timed([&] {
           v1::ReleaseTensorRequest req;
           req.set_session_id(session->id());
           req.add_tensors()->set_handle(handle);
           v1::ReleaseTensorResponse resp;
           return tensord::client::FromGrpc((*client)->stub()->ReleaseTensor(
               (*client)->Context(session->id()).get(), req, &resp));
         });
    if (!go) break;
  }
  // The server's RSS is read with every session still open (a close frees
  // and trims, which would hide growth), then the sessions close.
  arrive();
  measured->wait();
  session->Close().IgnoreError();
}

}  // namespace

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "tensord_load --server=HOST:PORT --server_pid=PID [--clients=64] "
      "[--seconds=60] [--max_calls=N]");
  absl::ParseCommandLine(argc, argv);
  const int n = absl::GetFlag(FLAGS_clients);
  const int pid = absl::GetFlag(FLAGS_server_pid);
  const double seconds = absl::GetFlag(FLAGS_seconds);
  const auto start = Clock::now();
  const auto end = start + std::chrono::duration_cast<Clock::duration>(
                               std::chrono::duration<double>(seconds));
  std::atomic<int64_t> budget(absl::GetFlag(FLAGS_max_calls) > 0
                                  ? absl::GetFlag(FLAGS_max_calls)
                                  : INT64_MAX);
  std::vector<Stats> stats(n);
  std::vector<std::thread> threads;
  std::latch finished(n), measured(1);
  for (int i = 0; i < n; ++i) {
    threads.emplace_back(RunClient, i, end, &budget, &stats[i], &finished,
                         &measured);
  }
  double rss_early = 0;
  const double sample_at =
      std::min(absl::GetFlag(FLAGS_rss_sample_at), seconds / 2);
  std::this_thread::sleep_until(start +
                                std::chrono::duration_cast<Clock::duration>(
                                    std::chrono::duration<double>(sample_at)));
  rss_early = RssMiB(pid);
  finished.wait();
  const double elapsed =
      std::chrono::duration<double>(Clock::now() - start).count();
  const double rss_end = RssMiB(pid);  // every session still open
  measured.count_down();
  for (auto& t : threads) t.join();
  std::vector<double> all;
  int64_t errors = 0;
  std::string first_error;
  for (auto& s : stats) {
    all.insert(all.end(), s.latencies_ms.begin(), s.latencies_ms.end());
    errors += s.errors;
    if (first_error.empty()) first_error = s.first_error;
  }
  std::sort(all.begin(), all.end());
  auto pct = [&](double p) {
    return all.empty() ? 0.0
                       : all[std::min(all.size() - 1,
                                      static_cast<size_t>(p * all.size()))];
  };
  const double growth =
      rss_early > 0 ? 100.0 * (rss_end - rss_early) / rss_early : 0.0;
  const bool held = errors == 0 && !all.empty() && growth < 10.0;
  std::string summary = absl::StrFormat(
      "%d clients x %.0f s: %d calls (%.0f/s), %d errors, p50 %.2f ms, p99 "
      "%.2f ms, server RSS at %.0f s %.1f MiB, at the end %.1f MiB (%+.1f%%)",
      n, elapsed, all.size(), all.size() / elapsed, errors, pct(0.50),
      pct(0.99), sample_at, rss_early, rss_end, growth);
  if (!first_error.empty()) absl::StrAppend(&summary, "; ", first_error);
  std::printf("reliability-check: load: %s: %s\n", held ? "held" : "FAILED",
              summary.c_str());
  return held ? 0 : 1;
}
