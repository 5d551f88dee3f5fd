#include "server/session.h"

#include <algorithm>
#include <chrono>
#include <deque>
#include <optional>
#include <set>
#include <unordered_map>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "core/autograd.h"
#include "core/errors.h"
#include "core/status_macros.h"
#include "core/transaction.h"

namespace tensord::server {

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

absl::Status CheckSessionOptions(const v1::SessionOptions& options) {
  if (options.idle_ttl_seconds() < 0 || options.memory_limit_bytes() < 0) {
    return absl::InvalidArgumentError(
        "idle_ttl_seconds and memory_limit_bytes must not be negative");
  }
  if (options.idle_ttl_seconds() > kMaxIdleTtlSeconds) {
    return absl::InvalidArgumentError(
        absl::StrCat("idle_ttl_seconds is at most ", kMaxIdleTtlSeconds,
                     " (ten years), got ", options.idle_ttl_seconds()));
  }
  return absl::OkStatus();
}

namespace {

// Runs a public method's body: whatever escapes it (an allocation the
// system refuses, a bug) becomes a status, never an exception through gRPC
// (which would make it UNKNOWN). Changes made inside a Transaction are
// rolled back by its destructor on the way out.
template <typename F>
auto Guarded(F&& body) -> decltype(body()) {
  try {
    return body();
  } catch (const std::bad_alloc& e) {
    return absl::ResourceExhaustedError(e.what());
  } catch (const std::exception& e) {
    return absl::InternalError(absl::StrCat("internal error: ", e.what()));
  }
}

absl::Status CheckName(const std::string& name) {
  if (name.size() > kMaxNameBytes) {
    return absl::InvalidArgumentError(absl::StrCat(
        "name ", Quoted(name), " is longer than ", kMaxNameBytes, " bytes"));
  }
  return absl::OkStatus();
}

int64_t BindingBytes(const std::string& key) {
  return static_cast<int64_t>(key.size()) + kBindingOverheadBytes;
}

}  // namespace

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
  // Options are range-checked (CheckSessionOptions), so this cannot
  // overflow.
  const int64_t ttl = options_.idle_ttl_seconds();
  return ttl > 0 && now_ms - last_used_ms_.load() > ttl * 1000;
}

std::string Session::NewHandleLocked() {
  RecordUndo([this, was = next_handle_]()
                 ABSL_NO_THREAD_SAFETY_ANALYSIS { next_handle_ = was; });
  return absl::StrCat("t", next_handle_++);
}

void Session::BindLocked(std::map<std::string, Tensor>& map,
                         const std::string& key, Tensor t) {
  auto it = map.find(key);
  if (it == map.end()) {
    const int64_t charge = BindingBytes(key);
    account_->name_bytes.fetch_add(charge);
    map.emplace(key, std::move(t));
    RecordUndo([this, &map, key, charge] {
      map.erase(key);
      account_->name_bytes.fetch_sub(charge);
    });
  } else {
    RecordUndo([&map, key, old = it->second] { map[key] = old; });
    it->second = std::move(t);
  }
}

void Session::ReplaceLocked(const Tensor& old, const Tensor& replacement) {
  for (auto* map : {&handles_, &names_}) {
    std::vector<std::string> keys;
    for (const auto& [k, t] : *map) {
      if (t.is_same(old)) keys.push_back(k);
    }
    for (const std::string& k : keys) BindLocked(*map, k, replacement);
  }
}

absl::Status Session::UnbindLocked(std::map<std::string, Tensor>& map,
                                   const std::string& key) {
  auto it = map.find(key);
  if (it == map.end()) {
    return absl::NotFoundError(absl::StrCat(
        &map == &handles_ ? "no tensor with handle " : "no tensor named ",
        Quoted(key)));
  }
  const int64_t charge = BindingBytes(key);
  RecordUndo([this, &map, key, old = it->second, charge] {
    map.emplace(key, old);
    account_->name_bytes.fetch_add(charge);
  });
  map.erase(it);
  account_->name_bytes.fetch_sub(charge);
  return absl::OkStatus();
}

absl::StatusOr<Tensor> Session::ResolveLocked(const v1::TensorRef& ref) const {
  switch (ref.ref_case()) {
    case v1::TensorRef::kHandle: {
      auto it = handles_.find(ref.handle());
      if (it == handles_.end()) {
        return absl::NotFoundError(
            absl::StrCat("no tensor with handle ", Quoted(ref.handle())));
      }
      return it->second;
    }
    case v1::TensorRef::kName: {
      auto it = names_.find(ref.name());
      if (it == names_.end()) {
        return WithPythonType(
            absl::NotFoundError(
                absl::StrCat("name ", Quoted(ref.name()), " is not defined")),
            "NameError");
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

absl::Status Session::CheckLimits() {
  absl::MutexLock lock(&mu_);
  return CheckLimitsLocked(0, 0);
}

absl::Status Session::CheckMaterializeLocked(const Tensor& t,
                                             int64_t* extra) const {
  // A copy of t costs t.nbytes(); what it holds beyond its storage (the
  // repeats of an expanded view) was never charged, so it is charged now.
  const int64_t beyond = std::max<int64_t>(
      0, t.nbytes() - static_cast<int64_t>(t.storage()->nbytes()));
  *extra += beyond;
  if (beyond > 0 && account_->total() + *extra > account_->limit) {
    return absl::ResourceExhaustedError(absl::StrCat(
        "session memory limit exceeded: the value of shape ",
        ShapeToString(t.sizes()), " is ", t.nbytes(), " bytes (a view of ",
        t.storage()->nbytes(), " bytes of storage), the session holds ",
        account_->total(), " of its ", account_->limit));
  }
  return absl::OkStatus();
}

absl::StatusOr<v1::TensorInfo> Session::InsertLocked(const Tensor& t,
                                                     const std::string& name) {
  v1::TensorInfo info;
  DescribeTensor(t, &info);
  const std::string handle = NewHandleLocked();
  BindLocked(handles_, handle, t);
  if (!name.empty()) BindLocked(names_, name, t);
  info.set_handle(handle);
  return info;
}

absl::StatusOr<v1::TensorInfo> Session::CreateTensor(const v1::TensorData& data,
                                                     bool requires_grad,
                                                     const std::string& name) {
  TENSORD_RETURN_IF_ERROR(CheckName(name));
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
  return Guarded([&]() -> absl::StatusOr<v1::TensorInfo> {
    ChargeTo charge(account_);
    TENSORD_ASSIGN_OR_RETURN(Tensor t, DecodeTensor(data, limits_.tensor));
    return AddTensor(std::move(t), requires_grad, name);
  });
}

absl::Status Session::CanAdd(int64_t bytes) {
  absl::MutexLock lock(&mu_);
  return CheckLimitsLocked(bytes, 1);
}

absl::StatusOr<v1::TensorInfo> Session::AddTensor(Tensor t, bool requires_grad,
                                                  const std::string& name) {
  TENSORD_RETURN_IF_ERROR(CheckName(name));
  Touch();
  return Guarded([&]() -> absl::StatusOr<v1::TensorInfo> {
    ChargeTo charge(account_);
    absl::MutexLock lock(&mu_);
    Transaction txn;
    if (requires_grad) TENSORD_RETURN_IF_ERROR(t.set_requires_grad(true));
    TENSORD_ASSIGN_OR_RETURN(v1::TensorInfo info, InsertLocked(t, name));
    // t is charged to the account already when it was built for this
    // session (decode, upload); the bindings are charged now.
    TENSORD_RETURN_IF_ERROR(CheckLimitsLocked(0, 0));
    txn.Commit();
    return info;
  });
}

absl::StatusOr<Tensor> Session::Fetch(const v1::TensorRef& ref, bool grad,
                                      v1::TensorInfo* info, bool streamed) {
  Touch();
  return Guarded([&]() -> absl::StatusOr<Tensor> {
    absl::MutexLock lock(&mu_);
    TENSORD_ASSIGN_OR_RETURN(Tensor t, ResolveLocked(ref));
    Tensor out = grad ? t.grad() : t;
    DescribeTensor(out, info);
    if (ref.ref_case() == v1::TensorRef::kHandle && !grad) {
      info->set_handle(ref.handle());
    }
    if (!out.defined()) return out;
    if (!streamed && out.nbytes() > limits_.max_message_bytes - 4096) {
      return absl::ResourceExhaustedError(absl::StrCat(
          "the value is ", out.nbytes(), " bytes, more than fits in one ",
          "message (", limits_.max_message_bytes,
          "); read it with DownloadTensor"));
    }
    int64_t extra = 0;
    TENSORD_RETURN_IF_ERROR(CheckMaterializeLocked(out, &extra));
    // A copy (not a view) so the caller can encode it after the lock is
    // gone while later calls modify the session. Transient, so charged only
    // for what it holds beyond the storage (checked above).
    NoGradGuard ng;
    ChargeTo uncharged(nullptr);
    return Clone(out);
  });
}

absl::Status Session::Release(
    const google::protobuf::RepeatedPtrField<v1::TensorRef>& refs) {
  Touch();
  return Guarded([&]() -> absl::Status {
    absl::MutexLock lock(&mu_);
    Transaction txn;
    for (const auto& r : refs) {
      if (r.ref_case() == v1::TensorRef::kHandle) {
        TENSORD_RETURN_IF_ERROR(UnbindLocked(handles_, r.handle()));
      } else if (r.ref_case() == v1::TensorRef::kName) {
        TENSORD_RETURN_IF_ERROR(UnbindLocked(names_, r.name()));
      } else {
        return absl::InvalidArgumentError(
            "a tensor reference needs a handle or a name");
      }
    }
    txn.Commit();
    return absl::OkStatus();
  });
}

absl::StatusOr<v1::TensorInfo> Session::SetRequiresGrad(
    const v1::TensorRef& ref, bool requires_grad) {
  Touch();
  return Guarded([&]() -> absl::StatusOr<v1::TensorInfo> {
    absl::MutexLock lock(&mu_);
    TENSORD_ASSIGN_OR_RETURN(Tensor t, ResolveLocked(ref));
    TENSORD_RETURN_IF_ERROR(t.set_requires_grad(requires_grad));
    v1::TensorInfo info;
    DescribeTensor(t, &info);
    if (ref.ref_case() == v1::TensorRef::kHandle) info.set_handle(ref.handle());
    return info;
  });
}

absl::StatusOr<v1::TensorInfo> Session::Detach(const v1::TensorRef& ref,
                                               const std::string& name) {
  TENSORD_RETURN_IF_ERROR(CheckName(name));
  Touch();
  return Guarded([&]() -> absl::StatusOr<v1::TensorInfo> {
    ChargeTo charge(account_);
    absl::MutexLock lock(&mu_);
    TENSORD_ASSIGN_OR_RETURN(Tensor t, ResolveLocked(ref));
    Transaction txn;
    TENSORD_ASSIGN_OR_RETURN(v1::TensorInfo info,
                             InsertLocked(t.detach(), name));
    TENSORD_RETURN_IF_ERROR(CheckLimitsLocked(0, 0));
    txn.Commit();
    return info;
  });
}

absl::Status Session::ZeroGrad(
    const google::protobuf::RepeatedPtrField<v1::TensorRef>& refs,
    bool set_to_none) {
  Touch();
  return Guarded([&]() -> absl::Status {
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
    for (Tensor& t : targets) {
      if (!t.grad().defined()) continue;
      if (set_to_none) {
        t.set_grad(Tensor());
      } else {
        NoGradGuard ng;
        TENSORD_RETURN_IF_ERROR(ZeroInplace(t.grad()).status());
      }
    }
    txn.Commit();
    return absl::OkStatus();
  });
}

absl::Status Session::Backward(const v1::BackwardRequest& request) {
  Touch();
  return Guarded([&]() -> absl::Status {
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
  });
}

namespace {}  // namespace

// A returned value waiting for the response to be sized.
struct Session::Return {
  int node;
  int output;
  int slot;  // index in NodeResult.values
  Tensor value;
};

absl::Status Session::Execute(const v1::ExecuteRequest& request,
                              v1::ExecuteResponse* response) {
  Touch();
  if (request.nodes_size() > limits_.max_execute_nodes) {
    return absl::InvalidArgumentError(
        absl::StrCat("Execute has ", request.nodes_size(),
                     " nodes; the limit is ", limits_.max_execute_nodes));
  }
  if (request.request_id().size() > 128) {
    return absl::InvalidArgumentError(
        "request_id is longer than 128 characters");
  }
  return Guarded([&]() -> absl::Status {
    ChargeTo charge(account_);
    absl::MutexLock lock(&mu_);
    if (!request.request_id().empty()) {
      for (const Remembered& r : remembered_) {
        if (r.request_id != request.request_id()) continue;
        // A retry of a request that ran: its first response, not a rerun.
        if (!r.kept) {
          return absl::AlreadyExistsError(absl::StrCat(
              "Execute request ", Quoted(r.request_id),
              " was applied already; its response was too large to keep, "
              "so fetch the tensors it made by name"));
        }
        if (!response->ParseFromString(r.response)) {
          return absl::InternalError("a remembered response is unreadable");
        }
        return absl::OkStatus();
      }
    }
    v1::ExecuteResponse out;
    // The one rollback mechanism: every change below (tensors, grads,
    // graphs, bindings, the handle counter, the generator) records its
    // undo here, and anything but Commit undoes them all.
    Transaction txn;
    TENSORD_RETURN_IF_ERROR(ExecuteLocked(request, &out));
    txn.Commit();
    if (!request.request_id().empty())
      RememberLocked(request.request_id(), out);
    *response = std::move(out);
    return absl::OkStatus();
  });
}

void Session::RememberLocked(const std::string& request_id,
                             const v1::ExecuteResponse& response) {
  Remembered r;
  r.request_id = request_id;
  const int64_t size = static_cast<int64_t>(response.ByteSizeLong());
  if (size <= kRememberedBytes / 4) {
    r.kept = response.SerializeToString(&r.response);
    if (!r.kept) r.response.clear();
  }
  remembered_bytes_ += static_cast<int64_t>(r.response.size());
  remembered_.push_back(std::move(r));
  while (remembered_.size() > kRememberedRequests ||
         remembered_bytes_ > kRememberedBytes) {
    remembered_bytes_ -=
        static_cast<int64_t>(remembered_.front().response.size());
    remembered_.pop_front();
  }
}

absl::StatusOr<Generator*> Session::GeneratorLocked(int32_t id) {
  if (id < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("generator ", id, " does not exist (numbers are > 0)"));
  }
  if (auto it = generators_.find(id); it != generators_.end()) {
    return &it->second;
  }
  if (generators_.size() >= kMaxGenerators) {
    return absl::ResourceExhaustedError(absl::StrCat(
        "a session has at most ", kMaxGenerators, " torch.Generator objects"));
  }
  Generator* g = &generators_.try_emplace(id).first->second;
  // A failed request leaves no generator behind.
  RecordUndo([this, id]()
                 ABSL_NO_THREAD_SAFETY_ANALYSIS { generators_.erase(id); });
  return g;
}

absl::Status Session::ExecuteLocked(const v1::ExecuteRequest& request,
                                    v1::ExecuteResponse* out) {
  std::optional<NoGradGuard> no_grad;
  if (request.no_grad()) no_grad.emplace();
  OpContext ctx;
  ctx.generator = &generator_;
  std::vector<std::vector<Tensor>> outputs;
  outputs.reserve(request.nodes_size());
  // The last node that reads each node's outputs: after it runs, those
  // outputs are dropped (unless bound, kept or returned, which hold their
  // own references), so a long request of statements holds no more
  // temporaries at once than the statements would one by one.
  std::vector<int> last_use(request.nodes_size(), -1);
  for (int i = 0; i < request.nodes_size(); ++i) {
    for (const v1::ValueRef& v : request.nodes(i).inputs()) {
      if (v.value_case() == v1::ValueRef::kNode) {
        const int src = v.node().node();
        if (src >= 0 && src < i) last_use[src] = i;
      }
    }
  }
  std::vector<std::vector<int>> frees_after(request.nodes_size());
  for (int src = 0; src < request.nodes_size(); ++src) {
    frees_after[last_use[src] < 0 ? src : last_use[src]].push_back(src);
  }
  std::set<std::string> bound;  // names this request binds
  std::vector<Return> returns;
  for (int i = 0; i < request.nodes_size(); ++i) {
    const v1::OpNode& node = request.nodes(i);
    auto fail = [&](const absl::Status& s) { return AtNode(i, node.op(), s); };
    std::vector<Tensor> inputs;
    inputs.reserve(node.inputs_size());
    for (const v1::ValueRef& v : node.inputs()) {
      absl::StatusOr<Tensor> t;
      switch (v.value_case()) {
        case v1::ValueRef::kHandle: {
          v1::TensorRef r;
          r.set_handle(v.handle());
          t = ResolveLocked(r);
          break;
        }
        case v1::ValueRef::kName: {
          v1::TensorRef r;
          r.set_name(v.name());
          t = ResolveLocked(r);
          break;
        }
        case v1::ValueRef::kNode: {
          const int src = v.node().node();
          const int k = v.node().output();
          if (src < 0 || src >= i) {
            t = absl::InvalidArgumentError(
                absl::StrCat("input refers to node ", src,
                             ", which does not run before this one"));
          } else if (k < 0 || k >= static_cast<int>(outputs[src].size())) {
            t = absl::InvalidArgumentError(
                absl::StrCat("node ", src, " has no output ", k));
          } else {
            t = outputs[src][k];
          }
          break;
        }
        case v1::ValueRef::kLiteral:
          t = DecodeTensor(v.literal(), limits_.tensor);
          break;
        case v1::ValueRef::kScalar:
          if (v.scalar().value_case() == v1::Scalar::VALUE_NOT_SET) {
            t = absl::InvalidArgumentError("empty scalar input");
          } else {
            t = WrapScalar(DecodeScalar(v.scalar()));
          }
          break;
        default:
          t = absl::InvalidArgumentError("an input without a value");
      }
      if (!t.ok()) return fail(t.status());
      inputs.push_back(*std::move(t));
    }
    AttrMap attrs;
    for (const auto& [k, a] : node.attrs()) {
      auto v = DecodeAttr(a);
      if (!v.ok()) {
        return fail(absl::InvalidArgumentError(
            absl::StrCat("attribute ", Quoted(k), ": ", v.status().message())));
      }
      attrs.emplace(k, *v);
    }
    ctx.generator = &generator_;
    if (node.generator() != 0) {
      auto g = GeneratorLocked(node.generator());
      if (!g.ok()) return fail(g.status());
      ctx.generator = *g;
    }
    std::optional<NoGradGuard> node_no_grad;
    if (node.no_grad() && !request.no_grad()) node_no_grad.emplace();
    DType default_float = DType::kFloat32;
    switch (node.default_dtype()) {
      case v1::DTYPE_UNSPECIFIED:
      case v1::DTYPE_FLOAT32:
        break;
      case v1::DTYPE_FLOAT64:
        default_float = DType::kFloat64;
        break;
      default: {
        const std::string name = v1::DType_Name(node.default_dtype());
        return fail(absl::InvalidArgumentError(absl::StrCat(
            "default_dtype must be float32 or float64, not ",
            name.empty() ? absl::StrCat(static_cast<int>(node.default_dtype()))
                         : name)));
      }
    }
    DefaultFloatGuard default_float_guard(default_float);
    auto outs = RunOp(node.op(), inputs, attrs, ctx);
    if (!outs.ok()) return fail(outs.status());
    if (const OpDef* def = FindOp(node.op());
        def != nullptr && def->replaces_self && !inputs.empty() &&
        !outs->empty() && (*outs)[0].defined() &&
        !(*outs)[0].is_same(inputs[0])) {
      // x.t_(): the result takes x's place, for the session and for the
      // later nodes of this request.
      ReplaceLocked(inputs[0], (*outs)[0]);
      for (std::vector<Tensor>& earlier : outputs) {
        for (Tensor& t : earlier) {
          if (t.defined() && t.is_same(inputs[0])) t = (*outs)[0];
        }
      }
    }
    if (node.bind_size() > static_cast<int>(outs->size())) {
      return fail(absl::InvalidArgumentError(
          absl::StrCat("binds ", node.bind_size(), " names but the op has ",
                       outs->size(), " outputs")));
    }
    v1::NodeResult* result = out->add_results();
    for (size_t k = 0; k < outs->size(); ++k) {
      const Tensor& t = (*outs)[k];
      v1::TensorInfo* info = result->add_outputs();
      DescribeTensor(t, info);
      if (static_cast<int>(k) < node.bind_size() && !node.bind(k).empty()) {
        const std::string& name = node.bind(k);
        if (absl::Status s = CheckName(name); !s.ok()) return fail(s);
        if (!t.defined()) {
          return fail(absl::InvalidArgumentError(
              absl::StrCat("cannot bind ", Quoted(name), " to None")));
        }
        BindLocked(names_, name, t);
        bound.insert(name);
      }
      if (node.keep() && t.defined()) {
        const std::string h = NewHandleLocked();
        BindLocked(handles_, h, t);
        info->set_handle(h);
      }
      if (node.return_value()) {
        // Filled in once the response can be sized; None stays empty
        // (positions stay aligned; info says None).
        const int64_t max_bytes = node.return_value_max_bytes();
        if (t.defined() && (max_bytes <= 0 || t.nbytes() <= max_bytes)) {
          returns.push_back(
              Return{i, static_cast<int>(k), result->values_size(), t});
        }
        result->add_values();
      }
    }
    if (node_observer_) node_observer_(i, *outs);
    outputs.push_back(*std::move(outs));
    for (int src : frees_after[i]) outputs[src].clear();
  }
  // Limits are checked with what the request keeps: temporaries go first.
  outputs.clear();
  for (const v1::TensorRef& r : request.release()) {
    absl::Status released;
    if (r.ref_case() == v1::TensorRef::kHandle) {
      released = UnbindLocked(handles_, r.handle());
    } else if (r.ref_case() == v1::TensorRef::kName) {
      // A name this request binds stays bound to its new tensor.
      if (!bound.count(r.name())) released = UnbindLocked(names_, r.name());
    } else {
      released =
          absl::InvalidArgumentError("a tensor reference without a value");
    }
    if (!released.ok()) {
      return absl::Status(released.code(),
                          absl::StrCat("release: ", released.message()));
    }
  }
  TENSORD_RETURN_IF_ERROR(CheckLimitsLocked(0, 0));
  return ReturnValuesLocked(returns, out);
}

absl::Status Session::ReturnValuesLocked(const std::vector<Return>& returns,
                                         v1::ExecuteResponse* out) {
  // The response must fit in one message: values that would not are kept
  // under a handle and marked deferred (the client downloads them), and a
  // response too large even without values fails before anything commits.
  const int64_t budget = limits_.max_message_bytes - 1024;
  int64_t size = static_cast<int64_t>(out->ByteSizeLong());
  if (size > budget) {
    return absl::ResourceExhaustedError(absl::StrCat(
        "the response would be ", size, " bytes, more than the message limit ",
        limits_.max_message_bytes, "; split the request"));
  }
  int64_t extra = 0;
  for (const Return& r : returns) {
    v1::NodeResult* result = out->mutable_results(r.node);
    // An upper bound of what the value adds: tags and lengths, the packed
    // shape, and the data.
    const int64_t adds = r.value.nbytes() + 64 + 10 * r.value.dim();
    if (size + adds <= budget) {
      TENSORD_RETURN_IF_ERROR(CheckMaterializeLocked(r.value, &extra));
      EncodeTensor(r.value, result->mutable_values(r.slot));
      size += adds;
      continue;
    }
    // Deferred: downloaded later, one value at a time; refused now if that
    // download could never be had.
    int64_t alone = 0;
    TENSORD_RETURN_IF_ERROR(CheckMaterializeLocked(r.value, &alone));
    v1::TensorInfo* info = result->mutable_outputs(r.output);
    if (info->handle().empty()) {
      const std::string h = NewHandleLocked();
      BindLocked(handles_, h, r.value);
      info->set_handle(h);
    }
    info->set_value_deferred(true);
  }
  return CheckLimitsLocked(0, 0);
}

absl::Status Session::DescribeGraph(const v1::TensorRef& ref,
                                    v1::DescribeGraphResponse* response) {
  Touch();
  return Guarded(
      [&]() -> absl::Status { return DescribeGraphImpl(ref, response); });
}

absl::Status Session::DescribeGraphImpl(const v1::TensorRef& ref,
                                        v1::DescribeGraphResponse* response) {
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
                             ShapeToString(acc->output_shapes[0]));
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
  DescribeLocked(out);
}

void Session::DescribeLocked(v1::Session* out) {
  out->set_id(id_);
  *out->mutable_options() = options_;
  out->set_tensor_count(static_cast<int64_t>(handles_.size()));
  out->set_name_count(static_cast<int64_t>(names_.size()));
  out->set_bytes(BytesLocked());
  out->set_graph_bytes(account_->graph_bytes.load());
  out->set_name_bytes(account_->name_bytes.load());
  out->set_created_unix_ms(created_ms_);
  out->set_last_used_unix_ms(last_used_ms_.load());
  out->set_replica_id(replica_id_);
}

absl::Status Session::WriteSnapshot(std::ostream* stream) {
  return Guarded([&]() -> absl::Status {
    absl::MutexLock lock(&mu_);
    v1::SessionSnapshot header;
    header.set_format(2);
    DescribeLocked(header.mutable_session());
    header.set_owner(owner_);
    header.set_next_handle(next_handle_);
    for (uint32_t w : generator_.state()) header.add_rng_state(w);
    header.set_rng_index(generator_.index());
    for (const auto& [id, g] : generators_) {
      v1::SnapshotGenerator* out = header.add_generators();
      out->set_id(id);
      for (uint32_t w : g.state()) out->add_rng_state(w);
      out->set_rng_index(g.index());
    }
    for (const Remembered& r : remembered_) {
      v1::SnapshotRequest* out = header.add_requests();
      out->set_request_id(r.request_id);
      out->set_response(r.response);
      out->set_kept(r.kept);
    }
    // Each storage once; each tensor once, with every handle and name it
    // has, as a view of its storage.
    std::vector<const Storage*> storages;
    std::map<const Storage*, int> storage_index;
    auto view = [&](const Tensor& t, v1::SnapshotView* v) {
      auto [it, inserted] = storage_index.emplace(
          t.storage().get(), static_cast<int>(storages.size()));
      if (inserted) {
        storages.push_back(t.storage().get());
        header.add_storage_bytes(static_cast<int64_t>(t.storage()->nbytes()));
      }
      v->set_storage(it->second);
      v->set_dtype(ToProto(t.dtype()));
      v->mutable_sizes()->Assign(t.sizes().begin(), t.sizes().end());
      v->mutable_strides()->Assign(t.strides().begin(), t.strides().end());
      v->set_offset(t.storage_offset());
    };
    std::map<const TensorImpl*, int> by_impl;  // index in header.tensors
    std::vector<Tensor> entries;
    auto entry = [&](const Tensor& t) {
      auto [it, inserted] =
          by_impl.emplace(t.impl(), static_cast<int>(header.tensors_size()));
      if (inserted) {
        v1::SnapshotTensor* st = header.add_tensors();
        view(t, st->mutable_view());
        if (t.grad().defined()) view(t.grad(), st->mutable_grad_view());
        st->set_requires_grad(t.requires_grad());
        if (t.grad_fn() != nullptr) st->set_grad_fn(t.grad_fn_name());
        entries.push_back(t);
      }
      return header.mutable_tensors(it->second);
    };
    for (const auto& [h, t] : handles_) entry(t)->add_handles(h);
    for (const auto& [n, t] : names_) entry(t)->add_names(n);
    // Views keep their base (saved too when only the view is bound; a base
    // is never itself a view).
    for (size_t i = 0; i < entries.size(); ++i) {
      const std::shared_ptr<TensorImpl> base = entries[i].impl()->view_base;
      if (base == nullptr) continue;
      entry(Tensor(base));
      header.mutable_tensors(static_cast<int>(i))
          ->set_base(by_impl[base.get()] + 1);
    }
    SnapshotWriter writer(stream);
    TENSORD_RETURN_IF_ERROR(writer.WriteHeader(header));
    for (const Storage* s : storages) {
      TENSORD_RETURN_IF_ERROR(writer.WriteBytes(s->data(), s->nbytes()));
    }
    return writer.Finish();
  });
}

absl::StatusOr<std::unique_ptr<Session>> Session::ReadSnapshot(
    std::istream* in, uint64_t size, const std::string& expected_id,
    SessionLimits limits, std::string replica_id,
    const std::function<v1::SessionOptions(const v1::SessionOptions&)>&
        normalize) {
  return Guarded([&]() -> absl::StatusOr<std::unique_ptr<Session>> {
    TENSORD_ASSIGN_OR_RETURN(std::unique_ptr<SnapshotReader> reader,
                             SnapshotReader::Open(in, size));
    const v1::SessionSnapshot& header = reader->header();
    if (header.session().id() != expected_id) {
      return absl::DataLossError(absl::StrCat("the snapshot holds session ",
                                              Quoted(header.session().id()),
                                              ", not ", Quoted(expected_id)));
    }
    auto s = std::make_unique<Session>(header.session().id(), header.owner(),
                                       normalize(header.session().options()),
                                       limits, std::move(replica_id));
    absl::MutexLock lock(&s->mu_);
    ChargeTo charge(s->account_);
    // What was saved comes back even when the server's limits shrank since
    // (the caller logs it); later allocations obey the limit.
    const int64_t limit = s->account_->limit;
    s->account_->limit = std::numeric_limits<int64_t>::max();
    absl::Status restored = reader->format() == 2
                                ? s->RestoreLocked(*reader)
                                : s->RestoreLegacyLocked(header);
    s->account_->limit = limit;
    if (!restored.ok() &&
        restored.code() != absl::StatusCode::kResourceExhausted &&
        restored.code() != absl::StatusCode::kDataLoss) {
      // Whatever the file holds that a client could not have sent.
      return absl::DataLossError(restored.message());
    }
    TENSORD_RETURN_IF_ERROR(restored);
    s->next_handle_ = std::max<int64_t>(header.next_handle(), 1);
    std::vector<uint32_t> words(header.rng_state().begin(),
                                header.rng_state().end());
    if (!words.empty() && !s->generator_.SetState(words, header.rng_index())) {
      return absl::DataLossError("bad generator state");
    }
    if (header.generators_size() > static_cast<int>(kMaxGenerators)) {
      return absl::DataLossError("too many generators");
    }
    for (const v1::SnapshotGenerator& sg : header.generators()) {
      std::vector<uint32_t> w(sg.rng_state().begin(), sg.rng_state().end());
      if (sg.id() <= 0 || s->generators_.count(sg.id()) ||
          !s->generators_[sg.id()].SetState(w, sg.rng_index())) {
        return absl::DataLossError("bad generator state");
      }
    }
    if (header.requests_size() > static_cast<int>(kRememberedRequests)) {
      return absl::DataLossError("too many remembered requests");
    }
    for (const v1::SnapshotRequest& sr : header.requests()) {
      Remembered r;
      r.request_id = sr.request_id();
      r.kept = sr.kept();
      if (r.kept) r.response = sr.response();
      s->remembered_bytes_ += static_cast<int64_t>(r.response.size());
      s->remembered_.push_back(std::move(r));
    }
    if (s->remembered_bytes_ > kRememberedBytes) {
      return absl::DataLossError("remembered responses too large");
    }
    if (header.session().created_unix_ms() > 0) {
      s->created_ms_ = header.session().created_unix_ms();
    }
    s->last_used_ms_.store(NowMs());
    return s;
  });
}

namespace {

// The grad_fn a restored non-leaf gets in place of its graph.
absl::StatusOr<std::shared_ptr<Node>> LostGraphNode(const std::string& name,
                                                    const Tensor& t) {
  const bool well_formed =
      !name.empty() && name.size() <= 64 &&
      std::all_of(name.begin(), name.end(), [](char c) {
        return absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '_';
      });
  if (!well_formed || !IsDifferentiable(t.dtype())) {
    return absl::DataLossError("a tensor with a malformed grad_fn");
  }
  try {
    std::shared_ptr<Node> node = MakeNode<Node>(name, std::vector<Edge>());
    node->output_shapes = {t.sizes()};
    node->output_dtypes = {t.dtype()};
    node->set_backward(
        [name](Node&, const GradList&) -> absl::StatusOr<GradList> {
          return absl::FailedPreconditionError(absl::StrCat(
              "the autograd graph of this tensor (", name,
              ") was lost when its session was restored from a snapshot (a "
              "replica restart, or a move to another replica); compute it "
              "again from its inputs before calling backward"));
        });
    return node;
  } catch (const MemoryLimitError& e) {
    return absl::ResourceExhaustedError(e.what());
  }
}

}  // namespace

absl::Status Session::RestoreLocked(SnapshotReader& reader) {
  const v1::SessionSnapshot& header = reader.header();
  std::vector<std::shared_ptr<Storage>> storages;
  for (int64_t n : header.storage_bytes()) {
    try {
      storages.push_back(std::make_shared<Storage>(static_cast<size_t>(n)));
    } catch (const MemoryLimitError& e) {
      return absl::ResourceExhaustedError(e.what());
    }
    TENSORD_RETURN_IF_ERROR(reader.ReadBytes(storages.back()->data(), n));
  }
  TENSORD_RETURN_IF_ERROR(reader.Finish());
  // Every tensor goes through the one constructor (MakeTensor), which
  // proves it lies inside its storage. Views of one storage share a
  // version counter, as the tensors they came from did, and views get
  // their bases back.
  std::vector<std::shared_ptr<VersionCounter>> versions(storages.size());
  auto make = [&](const v1::SnapshotView& v) -> absl::StatusOr<Tensor> {
    if (v.storage() < 0 || v.storage() >= static_cast<int>(storages.size())) {
      return absl::DataLossError("a view of a storage that is not there");
    }
    TENSORD_ASSIGN_OR_RETURN(DType dt, FromProto(v.dtype()));
    // (Rank and sizes are MakeTensor's to check: ops may make what the
    // wire limits do not let a client send, up to the core's limits.)
    const std::shared_ptr<Storage>& storage = storages[v.storage()];
    if (dt == DType::kBool) {
      // Every byte a bool view can read must be 0 or 1.
      auto* p = static_cast<uint8_t*>(storage->data());
      for (size_t i = 0; i < storage->nbytes(); ++i) p[i] = p[i] != 0;
    }
    absl::StatusOr<Tensor> t =
        MakeTensor(storage, dt, Shape(v.sizes().begin(), v.sizes().end()),
                   Shape(v.strides().begin(), v.strides().end()), v.offset());
    if (!t.ok()) {
      return absl::DataLossError(
          absl::StrCat("a tensor of the snapshot: ", t.status().message()));
    }
    auto& version = versions[v.storage()];
    if (!version) version = std::make_shared<VersionCounter>();
    t->impl()->version = version;
    return t;
  };
  std::vector<Tensor> values;
  for (const v1::SnapshotTensor& st : header.tensors()) {
    TENSORD_ASSIGN_OR_RETURN(Tensor t, make(st.view()));
    values.push_back(t);
  }
  for (int i = 0; i < header.tensors_size(); ++i) {
    const v1::SnapshotTensor& st = header.tensors(i);
    Tensor& t = values[i];
    if (st.base() != 0) {
      const int b = st.base() - 1;
      if (b < 0 || b >= header.tensors_size() || b == i ||
          header.tensors(b).base() != 0 ||
          header.tensors(b).view().storage() != st.view().storage()) {
        return absl::DataLossError("a view whose base is not there");
      }
      t.impl()->view_base = values[b].impl_ptr();
    }
    // Graphs do not survive. A leaf that required grad comes back as one;
    // a tensor an op made comes back with a stand-in grad_fn of the same
    // name whose backward says the graph is gone (a backward through it
    // must not quietly treat it as a leaf).
    if (!st.grad_fn().empty()) {
      TENSORD_ASSIGN_OR_RETURN(std::shared_ptr<Node> lost,
                               LostGraphNode(st.grad_fn(), t));
      t.impl()->grad_fn = std::move(lost);
      t.impl()->output_nr = 0;
    } else if (st.requires_grad() && IsDifferentiable(t.dtype())) {
      TENSORD_RETURN_IF_ERROR(t.set_requires_grad(true));
    }
    if (st.has_grad_view()) {
      TENSORD_ASSIGN_OR_RETURN(Tensor g, make(st.grad_view()));
      if (g.sizes() != t.sizes() || g.dtype() != t.dtype()) {
        return absl::DataLossError("a gradient unlike its tensor");
      }
      t.set_grad(g);
    }
    for (const std::string& h : st.handles()) {
      TENSORD_RETURN_IF_ERROR(CheckName(h));
      BindLocked(handles_, h, t);
    }
    for (const std::string& n : st.names()) {
      TENSORD_RETURN_IF_ERROR(CheckName(n));
      BindLocked(names_, n, t);
    }
  }
  return absl::OkStatus();
}

absl::Status Session::RestoreLegacyLocked(const v1::SessionSnapshot& snap) {
  const TensorLimits core;  // what ops may make, not what a client may send
  for (const v1::SnapshotTensor& st : snap.tensors()) {
    TENSORD_ASSIGN_OR_RETURN(Tensor t, DecodeTensor(st.value(), core));
    if (st.requires_grad() && IsDifferentiable(t.dtype())) {
      TENSORD_RETURN_IF_ERROR(t.set_requires_grad(true));
    }
    if (st.has_grad()) {
      TENSORD_ASSIGN_OR_RETURN(Tensor g, DecodeTensor(st.grad(), core));
      if (g.sizes() != t.sizes() || g.dtype() != t.dtype()) {
        return absl::DataLossError("a gradient unlike its tensor");
      }
      t.set_grad(g);
    }
    for (const std::string& h : st.handles()) {
      TENSORD_RETURN_IF_ERROR(CheckName(h));
      BindLocked(handles_, h, t);
    }
    for (const std::string& n : st.names()) {
      TENSORD_RETURN_IF_ERROR(CheckName(n));
      BindLocked(names_, n, t);
    }
  }
  return absl::OkStatus();
}

}  // namespace tensord::server
