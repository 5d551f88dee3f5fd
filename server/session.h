// session.h — one client session: its tensors, names, random generator and
// autograd graphs. A plain class (no gRPC): the service translates requests
// into calls on it, and tests drive it directly.
//
//   Session s("id", "owner", options, limits, "replica-0");
//   v1::ExecuteResponse out;
//   TENSORD_RETURN_IF_ERROR(s.Execute(request, &out));
//
// Thread safety: every public method is safe to call from any thread; calls
// on one session are serialized (one at a time), sessions run in parallel.
// Every method is all-or-nothing: an error leaves the session as it was.
#ifndef TENSORD_SERVER_SESSION_H_
#define TENSORD_SERVER_SESSION_H_

#include <atomic>
#include <deque>
#include <functional>
#include <istream>
#include <map>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "core/ops.h"
#include "server/convert.h"
#include "server/snapshot_file.h"
#include "tensord/v1/tensord.pb.h"

namespace tensord::server {

struct SessionLimits {
  int64_t memory_limit_bytes = int64_t{4} << 30;  // data, graphs and names
  int64_t max_tensors = 1 << 20;                  // handles plus names
  int64_t max_execute_nodes = 100000;             // op nodes per Execute
  // The largest message the server sends: Execute values beyond it are
  // deferred to DownloadTensor, FetchTensor beyond it is refused.
  int64_t max_message_bytes = 64 << 20;
  // What tensors sent by the client may be (never more than the core's
  // kMaxRank and kMaxElements, which every tensor obeys).
  TensorLimits tensor;
};

// Names a client binds are at most this long (bytes).
inline constexpr size_t kMaxNameBytes = 1024;
// What each name or handle is charged to the session's memory, beyond its
// length (the map entry and the reference it holds).
inline constexpr int64_t kBindingOverheadBytes = 96;

class Session {
 public:
  Session(std::string id, std::string owner, v1::SessionOptions options,
          SessionLimits limits, std::string replica_id);
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  const std::string& id() const { return id_; }
  // The owning token's fingerprint ("" when the server has no auth).
  const std::string& owner() const { return owner_; }
  const SessionLimits& limits() const { return limits_; }
  // Every storage allocated on behalf of the session (kept tensors,
  // grads, graphs, temporaries) is charged here; bytes() is its level.
  const std::shared_ptr<MemoryAccount>& account() const { return account_; }

  // Adds a tensor (from data, or already built from an upload), optionally
  // bound to `name`. RESOURCE_EXHAUSTED over the memory or tensor limit.
  absl::StatusOr<v1::TensorInfo> CreateTensor(const v1::TensorData& data,
                                              bool requires_grad,
                                              const std::string& name);
  absl::StatusOr<v1::TensorInfo> AddTensor(Tensor t, bool requires_grad,
                                           const std::string& name);
  // OK if the session can take `bytes` more of tensor data and one more
  // tensor; RESOURCE_EXHAUSTED otherwise.
  absl::Status CanAdd(int64_t bytes);
  // The tensor (or its .grad, undefined if none) and its description.
  // For a stream (`streamed`, DownloadTensor) any size; otherwise
  // RESOURCE_EXHAUSTED when the value would not fit in one message. Either
  // way RESOURCE_EXHAUSTED when the copy holds more than the session may
  // (an expanded view: see CheckMaterializeLocked).
  absl::StatusOr<Tensor> Fetch(const v1::TensorRef& ref, bool grad,
                               v1::TensorInfo* info, bool streamed = false);
  absl::Status Release(
      const google::protobuf::RepeatedPtrField<v1::TensorRef>& refs);
  absl::StatusOr<v1::TensorInfo> SetRequiresGrad(const v1::TensorRef& ref,
                                                 bool requires_grad);
  absl::StatusOr<v1::TensorInfo> Detach(const v1::TensorRef& ref,
                                        const std::string& name);
  // Zeroes (or sets to None) the .grad of the given tensors, or of all.
  absl::Status ZeroGrad(
      const google::protobuf::RepeatedPtrField<v1::TensorRef>& refs,
      bool set_to_none);
  absl::Status Backward(const v1::BackwardRequest& request);
  // Runs the op nodes in order; all or nothing.
  absl::Status Execute(const v1::ExecuteRequest& request,
                       v1::ExecuteResponse* response);
  absl::Status DescribeGraph(const v1::TensorRef& ref,
                             v1::DescribeGraphResponse* response);

  void Describe(v1::Session* out);
  // Bytes of tensor data the session holds (storages counted once).
  int64_t Bytes();
  int64_t last_used_ms() const { return last_used_ms_.load(); }
  bool Expired(int64_t now_ms) const;

  // Snapshots (server/snapshot_file.h, format 2): writes the session's
  // state to `out` under its lock, so it is a state the session really had.
  // Never throws; UNAVAILABLE when the stream fails. Views are written as
  // views of their storages, so a snapshot is no larger than the memory the
  // session is charged for.
  absl::Status WriteSnapshot(std::ostream* out);
  // Reads a snapshot of `size` bytes. DATA_LOSS for anything that is not a
  // whole snapshot of the session `expected_id` (empty, truncated, foreign,
  // corrupted, misnamed, or geometry that MakeTensor refuses);
  // RESOURCE_EXHAUSTED if its memory cannot be had. `normalize` turns the
  // saved options into ones that obey the server's current limits.
  static absl::StatusOr<std::unique_ptr<Session>> ReadSnapshot(
      std::istream* in, uint64_t size, const std::string& expected_id,
      SessionLimits limits, std::string replica_id,
      const std::function<v1::SessionOptions(const v1::SessionOptions&)>&
          normalize);
  // For fuzzers and tests: called in Execute after each node that
  // succeeds, with its outputs (under the session's lock).
  using NodeObserver =
      std::function<void(int node, const std::vector<Tensor>&)>;
  void SetNodeObserverForTesting(NodeObserver observer) {
    absl::MutexLock lock(&mu_);
    node_observer_ = std::move(observer);
  }

  // OK, or why the session holds more than its limits allow (after a
  // restore under smaller limits: it keeps its data, and new allocations
  // fail until it frees some).
  absl::Status CheckLimits();

  // For the SessionManager's elastic scale-out (a shared session store).
  // Calls hold the gate shared while they run (SessionRef); moving the
  // session away (a handoff, a close, a lost lease) holds it exclusively,
  // so it waits for the calls in flight, and marks the session moved:
  // calls that reach it afterwards fail with UNAVAILABLE and are retried
  // where it went.
  absl::Mutex& gate() ABSL_LOCK_RETURNED(gate_) { return gate_; }
  bool moved() const { return moved_.load(); }
  void set_moved() { moved_.store(true); }
  // Until when (ms since the epoch) this replica's lease on the session
  // holds for sure; 0 without a store.
  int64_t lease_until_ms() const { return lease_until_ms_.load(); }
  void set_lease_until_ms(int64_t ms) { lease_until_ms_.store(ms); }
  // Calls finished on the session; a snapshot pass writes the session
  // again only when it changed.
  uint64_t calls_done() const { return calls_done_.load(); }
  void CallDone() { calls_done_.fetch_add(1); }
  std::atomic<uint64_t> stored_calls{~uint64_t{0}};

  // Executes a client retries carry the request id they had (ExecuteRequest
  // .request_id): the last kRememberedRequests successful ones are
  // remembered with their responses (up to kRememberedBytes in all; larger
  // responses only as "done"), in snapshots too, so a retry is applied
  // once even after the session moved.
  static constexpr size_t kRememberedRequests = 64;
  static constexpr int64_t kRememberedBytes = 1 << 20;

 private:
  absl::Status RestoreLocked(SnapshotReader& reader)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  absl::Status RestoreLegacyLocked(const v1::SessionSnapshot& snap)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void Touch();
  void DescribeLocked(v1::Session* out) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // The client's generator number `id` (> 0), made on first use.
  absl::StatusOr<Generator*> GeneratorLocked(int32_t id)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  static constexpr size_t kMaxGenerators = 256;
  absl::StatusOr<Tensor> ResolveLocked(const v1::TensorRef& ref) const
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  // Every change to the bindings goes through these three, which charge
  // names and handles to the account and record their undo in the current
  // Transaction (Execute's one rollback mechanism).
  std::string NewHandleLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void BindLocked(std::map<std::string, Tensor>& map, const std::string& key,
                  Tensor t) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Binds every handle and name of `old` to `replacement` (an in-place
  // view op's result: OpDef::replaces_self).
  void ReplaceLocked(const Tensor& old, const Tensor& replacement)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // NOT_FOUND if `key` is not bound.
  absl::Status UnbindLocked(std::map<std::string, Tensor>& map,
                            const std::string& key)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  int64_t BytesLocked() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  absl::Status CheckLimitsLocked(int64_t extra_bytes,
                                 int64_t extra_tensors) const
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // OK if `t` may be materialised (copied contiguous) for a response:
  // what it becomes beyond its storage (an expanded view) is charged.
  absl::Status CheckMaterializeLocked(const Tensor& t, int64_t* extra) const
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  absl::StatusOr<v1::TensorInfo> InsertLocked(const Tensor& t,
                                              const std::string& name)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  absl::Status ExecuteLocked(const v1::ExecuteRequest& request,
                             v1::ExecuteResponse* out)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  struct Return;
  absl::Status ReturnValuesLocked(const std::vector<Return>& returns,
                                  v1::ExecuteResponse* out)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  absl::Status DescribeGraphImpl(const v1::TensorRef& ref,
                                 v1::DescribeGraphResponse* response);
  void RememberLocked(const std::string& request_id,
                      const v1::ExecuteResponse& response)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const std::string id_;
  const std::string owner_;
  const v1::SessionOptions options_;
  const SessionLimits limits_;
  const std::string replica_id_;
  int64_t created_ms_;
  std::atomic<int64_t> last_used_ms_;
  const std::shared_ptr<MemoryAccount> account_;

  absl::Mutex mu_;
  std::map<std::string, Tensor> handles_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, Tensor> names_ ABSL_GUARDED_BY(mu_);
  Generator generator_ ABSL_GUARDED_BY(mu_);
  // The client's torch.Generator objects by number (OpNode.generator).
  std::map<int32_t, Generator> generators_ ABSL_GUARDED_BY(mu_);
  int64_t next_handle_ ABSL_GUARDED_BY(mu_) = 1;
  NodeObserver node_observer_ ABSL_GUARDED_BY(mu_);
  // Remembered Execute requests, oldest first (see kRememberedRequests).
  struct Remembered {
    std::string request_id;
    std::string response;  // serialized ExecuteResponse
    bool kept = false;     // false: too large to keep; only "done" is known
  };
  std::deque<Remembered> remembered_ ABSL_GUARDED_BY(mu_);
  int64_t remembered_bytes_ ABSL_GUARDED_BY(mu_) = 0;

  absl::Mutex gate_;
  std::atomic<bool> moved_{false};
  std::atomic<int64_t> lease_until_ms_{0};
  std::atomic<uint64_t> calls_done_{0};
};

// OK for a session option set a client may ask for; INVALID_ARGUMENT for
// negative values or an idle TTL above kMaxIdleTtlSeconds.
absl::Status CheckSessionOptions(const v1::SessionOptions& options);
inline constexpr int64_t kMaxIdleTtlSeconds = int64_t{10} * 366 * 86400;

// Milliseconds since the Unix epoch.
int64_t NowMs();

}  // namespace tensord::server

#endif  // TENSORD_SERVER_SESSION_H_
