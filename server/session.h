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
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "core/ops.h"
#include "server/convert.h"
#include "tensord/v1/tensord.pb.h"

namespace tensord::server {

struct SessionLimits {
  int64_t memory_limit_bytes = int64_t{4} << 30;  // tensor data held
  int64_t max_tensors = 1 << 20;                  // handles plus names
  int64_t max_execute_nodes = 100000;             // op nodes per Execute
  TensorLimits tensor;
};

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
  absl::StatusOr<Tensor> Fetch(const v1::TensorRef& ref, bool grad,
                               v1::TensorInfo* info);
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

  // Snapshots: the session's state as a message, and back.
  void Snapshot(v1::SessionSnapshot* out);
  static absl::StatusOr<std::unique_ptr<Session>> Restore(
      const v1::SessionSnapshot& snap, SessionLimits limits,
      std::string replica_id);

 private:
  static absl::StatusOr<std::unique_ptr<Session>> RestoreImpl(
      const v1::SessionSnapshot& snap, SessionLimits limits,
      std::string replica_id);
  void Touch();
  absl::StatusOr<Tensor> ResolveLocked(const v1::TensorRef& ref) const
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  std::string NewHandleLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Drops one handle (saved into *released_handles for an undo) or name (a
  // name in staged_names is about to be rebound: left alone).
  absl::Status ReleaseOneLocked(
      const v1::TensorRef& ref,
      const std::map<std::string, Tensor>& staged_names,
      std::vector<std::pair<std::string, Tensor>>* released_handles)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  int64_t BytesLocked() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  absl::Status CheckLimitsLocked(int64_t extra_bytes,
                                 int64_t extra_tensors) const
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  absl::StatusOr<v1::TensorInfo> InsertLocked(const Tensor& t,
                                              const std::string& name)
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
  int64_t next_handle_ ABSL_GUARDED_BY(mu_) = 1;
};

// Milliseconds since the Unix epoch.
int64_t NowMs();

}  // namespace tensord::server

#endif  // TENSORD_SERVER_SESSION_H_
