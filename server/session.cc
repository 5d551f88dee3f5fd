#include "server/session.h"

#include <chrono>
#include <deque>
#include <optional>
#include <set>
#include <unordered_map>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "core/autograd.h"
#include "core/status_macros.h"
#include "core/transaction.h"

namespace tensord::server {

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

Session::Session(std::string id, std::string owner, v1::SessionOptions options,
                 SessionLimits limits, std::string replica_id)
    : id_(std::move(id)),
      owner_(std::move(owner)),
      options_(std::move(options)),
      limits_(limits),
      replica_id_(std::move(replica_id)),
      created_ms_(NowMs()),
      last_used_ms_(created_ms_),
      account_(std::make_shared<MemoryAccount>()) {
  account_->limit = options_.memory_limit_bytes() > 0
                        ? options_.memory_limit_bytes()
                        : limits_.memory_limit_bytes;
  if (options_.has_seed()) generator_.ManualSeed(options_.seed());
}

void Session::Touch() { last_used_ms_.store(NowMs()); }

bool Session::Expired(int64_t now_ms) const {
  const int64_t ttl = options_.idle_ttl_seconds();
  return ttl > 0 && now_ms - last_used_ms_.load() > ttl * 1000;
}

std::string Session::NewHandleLocked() {
  return absl::StrCat("t", next_handle_++);
}

absl::StatusOr<Tensor> Session::ResolveLocked(const v1::TensorRef& ref) const {
  switch (ref.ref_case()) {
    case v1::TensorRef::kHandle: {
      auto it = handles_.find(ref.handle());
      if (it == handles_.end()) {
        return absl::NotFoundError(
            absl::StrCat("no tensor with handle '", ref.handle(), "'"));
      }
      return it->second;
    }
    case v1::TensorRef::kName: {
      auto it = names_.find(ref.name());
      if (it == names_.end()) {
        return absl::NotFoundError(
            absl::StrCat("name '", ref.name(), "' is not defined"));
      }
      return it->second;
    }
    default:
      return absl::InvalidArgumentError(
          "a tensor reference needs a handle or a name");
  }
}

int64_t Session::BytesLocked() const { return account_->bytes.load(); }

int64_t Session::Bytes() {
  absl::MutexLock lock(&mu_);
  return BytesLocked();
}

absl::Status Session::CheckLimitsLocked(int64_t extra_bytes,
                                        int64_t extra_tensors) const {
  const int64_t limit = account_->limit;
  const int64_t bytes = account_->total() + extra_bytes;
  if (bytes > limit) {
    return absl::ResourceExhaustedError(
        absl::StrCat("session memory limit exceeded: ", bytes,
                     " bytes needed, limit ", limit));
  }
  const int64_t count =
      static_cast<int64_t>(handles_.size() + names_.size()) + extra_tensors;
  if (count > limits_.max_tensors) {
    return absl::ResourceExhaustedError(
        absl::StrCat("session tensor limit exceeded: ", count,
                     " tensors, limit ", limits_.max_tensors));
  }
  return absl::OkStatus();
}

absl::StatusOr<v1::TensorInfo> Session::InsertLocked(const Tensor& t,
                                                     const std::string& name) {
  v1::TensorInfo info;
  DescribeTensor(t, &info);
  const std::string handle = NewHandleLocked();
  handles_[handle] = t;
  if (!name.empty()) names_[name] = t;
  info.set_handle(handle);
  return info;
}

absl::StatusOr<v1::TensorInfo> Session::CreateTensor(const v1::TensorData& data,
                                                     bool requires_grad,
                                                     const std::string& name) {
  TENSORD_ASSIGN_OR_RETURN(DType dt, FromProto(data.dtype()));
  TENSORD_ASSIGN_OR_RETURN(Shape shape,
                           DecodeShape(data.shape(), limits_.tensor));
  {
    // Check the quota before allocating anything.
    absl::MutexLock lock(&mu_);
    int64_t n = 1;
    for (int64_t d : shape) n *= d;
    TENSORD_RETURN_IF_ERROR(
        CheckLimitsLocked(n * ItemSize(dt), name.empty() ? 1 : 2));
  }
  ChargeTo charge(account_);
  absl::StatusOr<Tensor> t;
  try {
    t = DecodeTensor(data, limits_.tensor);
  } catch (const std::bad_alloc& e) {
    return absl::ResourceExhaustedError(e.what());
  }
  if (!t.ok()) return t.status();
  return AddTensor(*std::move(t), requires_grad, name);
}

absl::Status Session::CanAdd(int64_t bytes) {
  absl::MutexLock lock(&mu_);
  return CheckLimitsLocked(bytes, 1);
}

absl::StatusOr<v1::TensorInfo> Session::AddTensor(Tensor t, bool requires_grad,
                                                  const std::string& name) {
  Touch();
  ChargeTo charge(account_);
  absl::MutexLock lock(&mu_);
  // t is charged to the account already when it was built for this
  // session (decode, upload); otherwise check it fits.
  TENSORD_RETURN_IF_ERROR(CheckLimitsLocked(0, name.empty() ? 1 : 2));
  if (requires_grad) TENSORD_RETURN_IF_ERROR(t.set_requires_grad(true));
  return InsertLocked(t, name);
}

absl::StatusOr<Tensor> Session::Fetch(const v1::TensorRef& ref, bool grad,
                                      v1::TensorInfo* info) {
  Touch();
  ChargeTo charge(account_);
  absl::MutexLock lock(&mu_);
  TENSORD_ASSIGN_OR_RETURN(Tensor t, ResolveLocked(ref));
  Tensor out = grad ? t.grad() : t;
  DescribeTensor(out, info);
  if (ref.ref_case() == v1::TensorRef::kHandle && !grad) {
    info->set_handle(ref.handle());
  }
  // A copy (not a view) so the caller can encode it after the lock is gone
  // while later calls modify the session.
  if (out.defined()) {
    NoGradGuard ng;
    // A transient copy for the response: not charged to the session.
    ChargeTo uncharged(nullptr);
    try {
      TENSORD_ASSIGN_OR_RETURN(out, Clone(out));
    } catch (const std::bad_alloc& e) {
      return absl::ResourceExhaustedError(e.what());
    }
  }
  return out;
}

absl::Status Session::Release(
    const google::protobuf::RepeatedPtrField<v1::TensorRef>& refs) {
  Touch();
  ChargeTo charge(account_);
  absl::MutexLock lock(&mu_);
  for (const auto& r : refs) TENSORD_RETURN_IF_ERROR(ResolveLocked(r).status());
  for (const auto& r : refs) {
    if (r.ref_case() == v1::TensorRef::kHandle) handles_.erase(r.handle());
    if (r.ref_case() == v1::TensorRef::kName) names_.erase(r.name());
  }
  return absl::OkStatus();
}

absl::StatusOr<v1::TensorInfo> Session::SetRequiresGrad(
    const v1::TensorRef& ref, bool requires_grad) {
  Touch();
  ChargeTo charge(account_);
  absl::MutexLock lock(&mu_);
  TENSORD_ASSIGN_OR_RETURN(Tensor t, ResolveLocked(ref));
  TENSORD_RETURN_IF_ERROR(t.set_requires_grad(requires_grad));
  v1::TensorInfo info;
  DescribeTensor(t, &info);
  if (ref.ref_case() == v1::TensorRef::kHandle) info.set_handle(ref.handle());
  return info;
}

absl::StatusOr<v1::TensorInfo> Session::Detach(const v1::TensorRef& ref,
                                               const std::string& name) {
  Touch();
  ChargeTo charge(account_);
  absl::MutexLock lock(&mu_);
  TENSORD_ASSIGN_OR_RETURN(Tensor t, ResolveLocked(ref));
  TENSORD_RETURN_IF_ERROR(CheckLimitsLocked(0, name.empty() ? 1 : 2));
  return InsertLocked(t.detach(), name);
}

absl::Status Session::ZeroGrad(
    const google::protobuf::RepeatedPtrField<v1::TensorRef>& refs,
    bool set_to_none) {
  Touch();
  ChargeTo charge(account_);
  absl::MutexLock lock(&mu_);
  std::vector<Tensor> targets;
  if (refs.empty()) {
    for (const auto* m : {&handles_, &names_}) {
      for (const auto& [k, t] : *m) targets.push_back(t);
    }
  } else {
    for (const auto& r : refs) {
      TENSORD_ASSIGN_OR_RETURN(Tensor t, ResolveLocked(r));
      targets.push_back(t);
    }
  }
  Transaction txn;
  try {
    for (Tensor& t : targets) {
      if (!t.grad().defined()) continue;
      if (set_to_none) {
        t.set_grad(Tensor());
      } else {
        NoGradGuard ng;
        TENSORD_RETURN_IF_ERROR(ZeroInplace(t.grad()).status());
      }
    }
  } catch (const std::bad_alloc& e) {
    return absl::ResourceExhaustedError(e.what());
  }
  txn.Commit();
  return absl::OkStatus();
}

absl::Status Session::Backward(const v1::BackwardRequest& request) {
  Touch();
  ChargeTo charge(account_);
  absl::MutexLock lock(&mu_);
  TENSORD_ASSIGN_OR_RETURN(Tensor root, ResolveLocked(request.tensor()));
  Tensor grad;
  if (request.gradient().ref_case() != v1::TensorRef::REF_NOT_SET) {
    TENSORD_ASSIGN_OR_RETURN(grad, ResolveLocked(request.gradient()));
  }
  Transaction txn;
  TENSORD_RETURN_IF_ERROR(
      tensord::Backward(root, grad, request.retain_graph()));
  TENSORD_RETURN_IF_ERROR(CheckLimitsLocked(0, 0));
  txn.Commit();
  return absl::OkStatus();
}

namespace {

// Where an Execute request's values come from while it runs: earlier nodes'
// outputs, and names bound so far (visible to later nodes, committed at the
// end).
struct ExecState {
  std::vector<std::vector<Tensor>> outputs;
  std::map<std::string, Tensor> staged_names;
  std::vector<std::pair<std::string, Tensor>> staged_handles;
};

}  // namespace

absl::Status Session::ReleaseOneLocked(
    const v1::TensorRef& ref, const std::map<std::string, Tensor>& staged_names,
    std::vector<std::pair<std::string, Tensor>>* released_handles) {
  switch (ref.ref_case()) {
    case v1::TensorRef::kHandle: {
      auto it = handles_.find(ref.handle());
      if (it == handles_.end()) {
        return absl::NotFoundError(
            absl::StrCat("no tensor with handle '", ref.handle(), "'"));
      }
      released_handles->emplace_back(it->first, std::move(it->second));
      handles_.erase(it);
      return absl::OkStatus();
    }
    case v1::TensorRef::kName: {
      if (staged_names.count(ref.name())) return absl::OkStatus();
      if (names_.erase(ref.name()) == 0) {
        return absl::NotFoundError(
            absl::StrCat("no tensor named '", ref.name(), "'"));
      }
      return absl::OkStatus();
    }
    default:
      return absl::InvalidArgumentError("a tensor reference without a value");
  }
}

absl::Status Session::Execute(const v1::ExecuteRequest& request,
                              v1::ExecuteResponse* response) {
  Touch();
  ChargeTo charge(account_);
  if (request.nodes_size() > limits_.max_execute_nodes) {
    return absl::InvalidArgumentError(
        absl::StrCat("Execute has ", request.nodes_size(),
                     " nodes; the limit is ", limits_.max_execute_nodes));
  }
  absl::MutexLock lock(&mu_);
  // The generator (2.5 KB of state) is backed up only when an op is about
  // to draw from or reseed it (OpContext::before_generator_use).
  std::optional<Generator> generator_backup;
  const int64_t next_handle_backup = next_handle_;
  ExecState st;
  v1::ExecuteResponse out;
  absl::Status status = [&]() -> absl::Status {
    try {
      Transaction txn;
      std::optional<NoGradGuard> no_grad;
      if (request.no_grad()) no_grad.emplace();
      OpContext ctx;
      ctx.generator = &generator_;
      ctx.before_generator_use = [&] { generator_backup.emplace(generator_); };
      for (int i = 0; i < request.nodes_size(); ++i) {
        const v1::OpNode& node = request.nodes(i);
        auto fail = [&](const absl::Status& s) {
          return absl::Status(
              s.code(),
              absl::StrCat("node ", i, " (", node.op(), "): ", s.message()));
        };
        std::vector<Tensor> inputs;
        inputs.reserve(node.inputs_size());
        for (const v1::ValueRef& v : node.inputs()) {
          switch (v.value_case()) {
            case v1::ValueRef::kHandle: {
              v1::TensorRef r;
              r.set_handle(v.handle());
              auto t = ResolveLocked(r);
              if (!t.ok()) return fail(t.status());
              inputs.push_back(*t);
              break;
            }
            case v1::ValueRef::kName: {
              auto it = st.staged_names.find(v.name());
              if (it != st.staged_names.end()) {
                inputs.push_back(it->second);
                break;
              }
              v1::TensorRef r;
              r.set_name(v.name());
              auto t = ResolveLocked(r);
              if (!t.ok()) return fail(t.status());
              inputs.push_back(*t);
              break;
            }
            case v1::ValueRef::kNode: {
              const int src = v.node().node();
              if (src < 0 || src >= i) {
                return fail(absl::InvalidArgumentError(
                    absl::StrCat("input refers to node ", src,
                                 ", which does not run before this one")));
              }
              const auto& outs = st.outputs[src];
              const int k = v.node().output();
              if (k < 0 || k >= static_cast<int>(outs.size())) {
                return fail(absl::InvalidArgumentError(
                    absl::StrCat("node ", src, " has no output ", k)));
              }
              inputs.push_back(outs[k]);
              break;
            }
            case v1::ValueRef::kLiteral: {
              auto t = DecodeTensor(v.literal(), limits_.tensor);
              if (!t.ok()) return fail(t.status());
              inputs.push_back(*t);
              break;
            }
            case v1::ValueRef::kScalar:
              if (v.scalar().value_case() == v1::Scalar::VALUE_NOT_SET) {
                return fail(absl::InvalidArgumentError("empty scalar input"));
              }
              inputs.push_back(WrapScalar(DecodeScalar(v.scalar())));
              break;
            default:
              return fail(
                  absl::InvalidArgumentError("an input without a value"));
          }
        }
        AttrMap attrs;
        for (const auto& [k, a] : node.attrs()) {
          auto v = DecodeAttr(a);
          if (!v.ok()) {
            return fail(absl::InvalidArgumentError(
                absl::StrCat("attribute '", k, "': ", v.status().message())));
          }
          attrs.emplace(k, *v);
        }
        auto outs = RunOp(node.op(), inputs, attrs, ctx);
        if (!outs.ok()) return fail(outs.status());
        if (node.bind_size() > static_cast<int>(outs->size())) {
          return fail(absl::InvalidArgumentError(
              absl::StrCat("binds ", node.bind_size(), " names but the op has ",
                           outs->size(), " outputs")));
        }
        v1::NodeResult* result = out.add_results();
        for (size_t k = 0; k < outs->size(); ++k) {
          const Tensor& t = (*outs)[k];
          v1::TensorInfo* info = result->add_outputs();
          DescribeTensor(t, info);
          if (static_cast<int>(k) < node.bind_size() && !node.bind(k).empty()) {
            if (!t.defined()) {
              return fail(absl::InvalidArgumentError(
                  absl::StrCat("cannot bind '", node.bind(k), "' to None")));
            }
            st.staged_names[node.bind(k)] = t;
          }
          if (node.keep() && t.defined()) {
            const std::string h = NewHandleLocked();
            st.staged_handles.emplace_back(h, t);
            info->set_handle(h);
          }
          if (node.return_value() && t.defined()) {
            EncodeTensor(t, result->add_values());
          } else if (node.return_value()) {
            result->add_values();  // keeps positions aligned; info says None
          }
        }
        st.outputs.push_back(*std::move(outs));
      }
      // Limits are checked with what the request keeps: temporaries go first.
      st.outputs.clear();
      // Undo log of the names this request changes (not a copy of them all:
      // a session may hold many).
      std::vector<std::pair<std::string, std::optional<Tensor>>> name_undo;
      auto save_name = [&](const std::string& n) {
        auto it = names_.find(n);
        name_undo.emplace_back(n, it == names_.end()
                                      ? std::nullopt
                                      : std::optional<Tensor>(it->second));
      };
      for (const v1::TensorRef& r : request.release()) {
        if (r.ref_case() == v1::TensorRef::kName) save_name(r.name());
      }
      for (const auto& [n, t] : st.staged_names) save_name(n);
      std::vector<std::pair<std::string, Tensor>> released_handles;
      auto undo = [&] {
        for (auto it = name_undo.rbegin(); it != name_undo.rend(); ++it) {
          if (it->second) {
            names_[it->first] = *it->second;
          } else {
            names_.erase(it->first);
          }
        }
        for (auto& [h, t] : st.staged_handles) handles_.erase(h);
        for (auto& [h, t] : released_handles) handles_[h] = std::move(t);
      };
      for (const v1::TensorRef& r : request.release()) {
        absl::Status released =
            ReleaseOneLocked(r, st.staged_names, &released_handles);
        if (!released.ok()) {
          undo();
          return absl::Status(released.code(),
                              absl::StrCat("release: ", released.message()));
        }
      }
      for (auto& [n, t] : st.staged_names) names_[n] = t;
      for (auto& [h, t] : st.staged_handles) handles_[h] = t;
      absl::Status limits = CheckLimitsLocked(0, 0);
      if (!limits.ok()) {
        undo();
        return limits;
      }
      txn.Commit();
      return absl::OkStatus();
    } catch (const std::bad_alloc& e) {
      // Allocation outside an op (a literal input): nothing was kept.
      return absl::ResourceExhaustedError(e.what());
    }
  }();
  if (!status.ok()) {
    if (generator_backup) generator_ = *generator_backup;
    next_handle_ = next_handle_backup;
    return status;
  }
  *response = std::move(out);
  return absl::OkStatus();
}

absl::Status Session::DescribeGraph(const v1::TensorRef& ref,
                                    v1::DescribeGraphResponse* response) {
  Touch();
  ChargeTo charge(account_);
  absl::MutexLock lock(&mu_);
  TENSORD_ASSIGN_OR_RETURN(Tensor t, ResolveLocked(ref));
  std::string dot = "digraph autograd {\n  node [shape=box];\n";
  const Edge root = GradientEdge(t);
  if (root.fn) {
    std::unordered_map<const Node*, int> ids;
    std::deque<const Node*> queue = {root.fn.get()};
    ids[root.fn.get()] = 0;
    while (!queue.empty()) {
      const Node* n = queue.front();
      queue.pop_front();
      v1::GraphNode* g = response->add_nodes();
      g->set_id(ids[n]);
      g->set_name(n->name());
      g->set_released(n->released());
      for (const SavedTensor& s : n->saved())
        g->add_saved_versions(s.saved_version());
      std::string label = n->name();
      if (auto* acc = dynamic_cast<const AccumulateGrad*>(n)) {
        label = absl::StrCat("AccumulateGrad\\n",
                             ShapeToString(acc->leaf()->sizes));
      }
      absl::StrAppend(&dot, "  n", ids[n], " [label=\"", label, "\"];\n");
      for (const Edge& e : n->next_edges()) {
        if (!e.fn) continue;
        auto [it, inserted] =
            ids.emplace(e.fn.get(), static_cast<int>(ids.size()));
        if (inserted) queue.push_back(e.fn.get());
        g->add_next(it->second);
        absl::StrAppend(&dot, "  n", ids[n], " -> n", it->second, ";\n");
      }
    }
  }
  dot += "}\n";
  response->set_dot(dot);
  return absl::OkStatus();
}

void Session::Describe(v1::Session* out) {
  absl::MutexLock lock(&mu_);
  out->set_id(id_);
  *out->mutable_options() = options_;
  out->set_tensor_count(static_cast<int64_t>(handles_.size()));
  out->set_name_count(static_cast<int64_t>(names_.size()));
  out->set_bytes(BytesLocked());
  out->set_graph_bytes(account_->graph_bytes.load());
  out->set_created_unix_ms(created_ms_);
  out->set_last_used_unix_ms(last_used_ms_.load());
  out->set_replica_id(replica_id_);
}

void Session::Snapshot(v1::SessionSnapshot* out) {
  Describe(out->mutable_session());
  absl::MutexLock lock(&mu_);
  out->set_owner(owner_);
  out->set_next_handle(next_handle_);
  for (uint32_t w : generator_.state()) out->add_rng_state(w);
  out->set_rng_index(generator_.index());
  // One entry per distinct tensor, with every handle and name it has.
  std::map<const TensorImpl*, v1::SnapshotTensor*> by_impl;
  auto entry = [&](const Tensor& t) {
    auto [it, inserted] = by_impl.emplace(t.impl(), nullptr);
    if (inserted) {
      it->second = out->add_tensors();
      EncodeTensor(t, it->second->mutable_value());
      if (t.grad().defined())
        EncodeTensor(t.grad(), it->second->mutable_grad());
      it->second->set_requires_grad(t.requires_grad());
    }
    return it->second;
  };
  for (const auto& [h, t] : handles_) entry(t)->add_handles(h);
  for (const auto& [n, t] : names_) entry(t)->add_names(n);
}

absl::StatusOr<std::unique_ptr<Session>> Session::Restore(
    const v1::SessionSnapshot& snap, SessionLimits limits,
    std::string replica_id) {
  try {
    return RestoreImpl(snap, limits, std::move(replica_id));
  } catch (const std::bad_alloc& e) {
    return absl::ResourceExhaustedError(
        absl::StrCat("session ", snap.session().id(), ": ", e.what()));
  }
}

absl::StatusOr<std::unique_ptr<Session>> Session::RestoreImpl(
    const v1::SessionSnapshot& snap, SessionLimits limits,
    std::string replica_id) {
  auto s = std::make_unique<Session>(snap.session().id(), snap.owner(),
                                     snap.session().options(), limits,
                                     std::move(replica_id));
  absl::MutexLock lock(&s->mu_);
  ChargeTo charge(s->account_);
  for (const v1::SnapshotTensor& st : snap.tensors()) {
    TENSORD_ASSIGN_OR_RETURN(Tensor t, DecodeTensor(st.value(), limits.tensor));
    // Graphs do not survive: a tensor that required grad comes back as a
    // leaf that requires grad (when its dtype allows it).
    if (st.requires_grad() && IsDifferentiable(t.dtype())) {
      TENSORD_RETURN_IF_ERROR(t.set_requires_grad(true));
    }
    if (st.has_grad()) {
      TENSORD_ASSIGN_OR_RETURN(Tensor g,
                               DecodeTensor(st.grad(), limits.tensor));
      t.set_grad(g);
    }
    for (const std::string& h : st.handles()) s->handles_[h] = t;
    for (const std::string& n : st.names()) s->names_[n] = t;
  }
  s->next_handle_ = std::max<int64_t>(snap.next_handle(), 1);
  std::vector<uint32_t> words(snap.rng_state().begin(), snap.rng_state().end());
  if (!words.empty() && !s->generator_.SetState(words, snap.rng_index())) {
    return absl::DataLossError(
        absl::StrCat("session ", snap.session().id(), ": bad generator state"));
  }
  if (snap.session().created_unix_ms() > 0) {
    s->created_ms_ = snap.session().created_unix_ms();
  }
  s->last_used_ms_.store(NowMs());
  return s;
}

}  // namespace tensord::server
