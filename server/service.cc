#include "server/service.h"

#include <algorithm>
#include <cstring>
#include <random>
#include <type_traits>

#include "absl/cleanup/cleanup.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "core/status_macros.h"
#include "google/rpc/status.pb.h"
#include "server/log.h"

namespace tensord::server {

namespace {

constexpr int64_t kDefaultChunk = 1 << 20;
constexpr int64_t kMaxChunk = 4 << 20;

// Returns early from an RPC method with the converted status.
#define RPC_ASSIGN_OR_RETURN(lhs, expr) \
  RPC_ASSIGN_OR_RETURN_IMPL_(TENSORD_CONCAT_(rpc_so_, __LINE__), lhs, expr)
#define RPC_ASSIGN_OR_RETURN_IMPL_(so, lhs, expr) \
  auto so = (expr);                               \
  if (!so.ok()) return ToGrpc(so.status());       \
  lhs = std::move(so).value()

std::string AttrDefault(const AttrSpec& s) {
  return std::visit(
      [](const auto& v) -> std::string {
        using V = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<V, std::monostate>) {
          return "None";
        } else if constexpr (std::is_same_v<V, int64_t>) {
          return std::to_string(v);
        } else if constexpr (std::is_same_v<V, std::vector<int64_t>>) {
          return absl::StrCat("[", absl::StrJoin(v, ", "), "]");
        } else if constexpr (std::is_same_v<V, double>) {
          return absl::StrCat(v);
        } else if constexpr (std::is_same_v<V, bool>) {
          return v ? "True" : "False";
        } else if constexpr (std::is_same_v<V, DType>) {
          return absl::StrCat("torch.", DTypeName(v));
        } else if constexpr (std::is_same_v<V, std::string>) {
          return absl::StrCat("'", v, "'");
        } else {
          return v.is_floating() ? absl::StrCat(v.to_double())
                                 : std::to_string(v.to_int());
        }
      },
      s.default_value);
}

v1::AttrType AttrTypeToProto(AttrType t) {
  switch (t) {
    case AttrType::kInt:
      return v1::ATTR_TYPE_INT;
    case AttrType::kInts:
      return v1::ATTR_TYPE_INTS;
    case AttrType::kFloat:
      return v1::ATTR_TYPE_FLOAT;
    case AttrType::kScalar:
      return v1::ATTR_TYPE_SCALAR;
    case AttrType::kBool:
      return v1::ATTR_TYPE_BOOL;
    case AttrType::kDType:
      return v1::ATTR_TYPE_DTYPE;
    case AttrType::kString:
      return v1::ATTR_TYPE_STRING;
    case AttrType::kOrd:
      return v1::ATTR_TYPE_ORD;
  }
  return v1::ATTR_TYPE_UNSPECIFIED;
}

// A gRPC call as the service sees it.
class GrpcCall final : public Call {
 public:
  explicit GrpcCall(grpc::ServerContext* ctx) : ctx_(ctx) {}
  absl::string_view Metadata(absl::string_view key) const override {
    const auto& md = ctx_->client_metadata();
    auto it = md.find(grpc::string_ref(key.data(), key.size()));
    if (it == md.end()) return {};
    return absl::string_view(it->second.data(), it->second.size());
  }
  void AddResponseMetadata(const std::string& key,
                           const std::string& value) override {
    ctx_->AddInitialMetadata(key, value);
  }
  std::string Peer() const override { return ctx_->peer(); }
  bool IsCancelled() const override { return ctx_->IsCancelled(); }
  absl::string_view Transport() const override { return "grpc"; }

 private:
  grpc::ServerContext* ctx_;
};

// A request id the caller may choose: 1 to 128 of [A-Za-z0-9._:/+=-]
// (what nginx's $request_id, UUIDs and trace ids are made of).
bool IsRequestId(absl::string_view id) {
  if (id.empty() || id.size() > 128) return false;
  for (char c : id) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) &&
        absl::string_view("._:/+=-").find(c) == absl::string_view::npos) {
      return false;
    }
  }
  return true;
}

// 128 random bits as 32 hex digits; unique, not secret (a per-thread
// generator seeded from the OS, so a call pays no system call for it).
std::string NewRequestId() {
  thread_local std::mt19937_64 gen{[] {
    std::random_device rd;
    return (static_cast<uint64_t>(rd()) << 32) ^ rd();
  }()};
  static constexpr char kHex[] = "0123456789abcdef";
  std::string id(32, '0');
  for (int half = 0; half < 2; ++half) {
    uint64_t bits = gen();
    for (int i = 0; i < 16; ++i, bits >>= 4)
      id[half * 16 + i] = kHex[bits & 15];
  }
  return id;
}

// The session a call is about, for the access log.
template <typename Req, typename Resp>
absl::string_view SessionIdOf(const Req& req, const Resp& resp) {
  if constexpr (requires { req.session_id(); }) {
    return req.session_id();
  } else if constexpr (std::is_same_v<Resp, v1::Session>) {
    return resp.id();
  } else {
    return {};
  }
}

// `st` with the request id in its ErrorDetail (the structured part of the
// error), its message unchanged: clients show PyTorch's message as it is.
grpc::Status WithRequestId(const grpc::Status& st,
                           const std::string& request_id) {
  google::rpc::Status rich;
  if (!rich.ParseFromString(st.error_details())) return st;
  for (auto& any : *rich.mutable_details()) {
    v1::ErrorDetail detail;
    if (any.UnpackTo(&detail)) {
      detail.set_request_id(request_id);
      any.PackFrom(detail);
    }
  }
  return grpc::Status(st.error_code(), st.error_message(),
                      rich.SerializeAsString());
}

}  // namespace

void FillOpSchemas(v1::ListOpsResponse* out) {
  for (const OpDef& d : OpTable()) {
    v1::OpSchema* s = out->add_ops();
    s->set_name(d.name);
    for (const std::string& in : d.inputs) s->add_inputs(in);
    s->set_variadic(d.variadic);
    s->set_min_inputs(d.min_inputs < 0 ? static_cast<int>(d.inputs.size())
                                       : d.min_inputs);
    for (const AttrSpec& a : d.attrs) {
      v1::AttrSpec* as = s->add_attrs();
      as->set_name(a.name);
      as->set_type_name(std::string(AttrTypeName(a.type)));
      as->set_type(AttrTypeToProto(a.type));
      as->set_required(a.required);
      as->set_default_value(a.required ? "" : AttrDefault(a));
      as->set_doc(a.doc);
    }
    for (const std::string& o : d.outputs) s->add_outputs(o);
    s->set_differentiable(d.differentiable);
    s->set_inplace(d.inplace);
    s->set_doc(d.doc);
    s->set_python_result(d.python_value ? v1::PYTHON_RESULT_VALUE
                                        : v1::PYTHON_RESULT_TENSOR);
    for (const std::string& n : d.python_order) s->add_python_order(n);
    s->set_variable_outputs(d.variable_outputs);
    s->set_replaces_self(d.replaces_self);
  }
}

TensorServiceImpl::TensorServiceImpl(SessionManager* sessions,
                                     ServiceOptions options)
    : sessions_(sessions), options_(std::move(options)) {}

void TensorServiceImpl::BeginCall(Call& call, CallRecord* record,
                                  std::string* request_id) {
  // The start, for now (only metrics and the access log want the time).
  if (Observed()) record->duration_ns = absl::GetCurrentTimeNanos();
  const absl::string_view given = call.Metadata("x-request-id");
  *request_id = IsRequestId(given) ? std::string(given) : NewRequestId();
  call.AddResponseMetadata("x-request-id", *request_id);
  call.AddResponseMetadata("x-tensord-replica",
                           sessions_->options().replica_id);
  record->request_id = *request_id;
  record->transport = call.Transport();
}

grpc::Status TensorServiceImpl::EndCall(Call& call, grpc::Status status,
                                        CallRecord* record) {
  if (Observed()) {
    record->duration_ns = absl::GetCurrentTimeNanos() - record->duration_ns;
  }
  record->code = static_cast<int>(status.error_code());
  if (options_.metrics != nullptr) options_.metrics->RecordCall(*record);
  if (options_.access_log) {
    record->peer = call.Peer();
    LogAccess(*record);
  }
  if (status.ok()) return status;
  return WithRequestId(status, std::string(record->request_id));
}

template <typename Req, typename Resp>
grpc::Status TensorServiceImpl::Invoke(
    Call& call, Method method, const Req& req, Resp* resp,
    grpc::Status (TensorServiceImpl::*handler)(Call&, const Req&, Resp*)) {
  CallRecord record;
  record.method = method;
  std::string request_id;
  BeginCall(call, &record, &request_id);
  grpc::Status st = (this->*handler)(call, req, resp);
  if constexpr (std::is_same_v<Req, v1::ExecuteRequest>) {
    record.nodes = req.nodes_size();
  }
  if (options_.access_log) {
    record.session_id = SessionIdOf(req, *resp);
    record.bytes_in = static_cast<int64_t>(req.ByteSizeLong());
    record.bytes_out = st.ok() ? static_cast<int64_t>(resp->ByteSizeLong()) : 0;
  }
  return EndCall(call, std::move(st), &record);
}

absl::StatusOr<std::string> TensorServiceImpl::Caller(Call& call) const {
  if (options_.tokens.empty()) return std::string();
  const absl::string_view header = call.Metadata("authorization");
  if (header.empty()) {
    return absl::UnauthenticatedError("missing bearer token");
  }
  const std::string value(header);
  constexpr absl::string_view kBearer = "Bearer ";
  if (!absl::StartsWith(value, kBearer)) {
    return absl::UnauthenticatedError("authorization must be 'Bearer <token>'");
  }
  const std::string token = value.substr(kBearer.size());
  if (!options_.tokens.count(token)) {
    return absl::UnauthenticatedError("invalid bearer token");
  }
  return TokenFingerprint(token);
}

absl::StatusOr<SessionRef> TensorServiceImpl::Find(Call& call,
                                                   const std::string& id) {
  TENSORD_ASSIGN_OR_RETURN(std::string owner, Caller(call));
  return sessions_->Get(id, owner);
}

grpc::Status TensorServiceImpl::DoCreateSession(
    Call& call, const v1::CreateSessionRequest& req, v1::Session* resp) {
  RPC_ASSIGN_OR_RETURN(std::string owner, Caller(call));
  // The client may propose the id in the session header, so that a balancer
  // hashing on that header sends this call to the replica that later calls
  // will reach (see SessionManager::Create).
  const std::string proposed(call.Metadata("x-tensord-session"));
  RPC_ASSIGN_OR_RETURN(auto s,
                       sessions_->Create(req.options(), owner, proposed));
  s->Describe(resp);
  return grpc::Status::OK;
}

grpc::Status TensorServiceImpl::DoGetSession(Call& call,
                                             const v1::GetSessionRequest& req,
                                             v1::Session* resp) {
  RPC_ASSIGN_OR_RETURN(auto s, Find(call, req.session_id()));
  s->Describe(resp);
  return grpc::Status::OK;
}

grpc::Status TensorServiceImpl::DoListSessions(Call& call,
                                               const v1::ListSessionsRequest&,
                                               v1::ListSessionsResponse* resp) {
  RPC_ASSIGN_OR_RETURN(std::string owner, Caller(call));
  for (const auto& s : sessions_->List(owner))
    s->Describe(resp->add_sessions());
  return grpc::Status::OK;
}

grpc::Status TensorServiceImpl::DoCloseSession(
    Call& call, const v1::CloseSessionRequest& req, v1::CloseSessionResponse*) {
  RPC_ASSIGN_OR_RETURN(std::string owner, Caller(call));
  return ToGrpc(sessions_->Close(req.session_id(), owner));
}

grpc::Status TensorServiceImpl::DoCreateTensor(
    Call& call, const v1::CreateTensorRequest& req, v1::TensorInfo* resp) {
  RPC_ASSIGN_OR_RETURN(auto s, Find(call, req.session_id()));
  RPC_ASSIGN_OR_RETURN(
      *resp, s->CreateTensor(req.data(), req.requires_grad(), req.name()));
  return grpc::Status::OK;
}

grpc::Status TensorServiceImpl::UploadTensor(
    grpc::ServerContext* ctx,
    grpc::ServerReader<v1::UploadTensorRequest>* reader, v1::TensorInfo* resp) {
  GrpcCall call(ctx);
  CallRecord record;
  record.method = Method::kUploadTensor;
  std::string request_id;
  BeginCall(call, &record, &request_id);
  grpc::Status st = DoUploadTensor(call, reader, resp, &record);
  return EndCall(call, std::move(st), &record);
}

grpc::Status TensorServiceImpl::DoUploadTensor(
    Call& call, grpc::ServerReader<v1::UploadTensorRequest>* reader,
    v1::TensorInfo* resp, CallRecord* record) {
  // The token is checked before any byte of the stream is read.
  RPC_ASSIGN_OR_RETURN(std::string owner, Caller(call));
  v1::UploadTensorRequest header;
  if (!reader->Read(&header)) {
    return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                        "upload stream ended before its header");
  }
  RPC_ASSIGN_OR_RETURN(auto s, sessions_->Get(header.session_id(), owner));
  // The log keeps the session id past the request (owned by the session).
  record->session_storage = s->id();
  record->session_id = record->session_storage;
  if (header.name().size() > kMaxNameBytes) {
    return grpc::Status(
        grpc::StatusCode::INVALID_ARGUMENT,
        absl::StrCat("name ", Quoted(header.name()), " is longer than ",
                     kMaxNameBytes, " bytes"));
  }
  RPC_ASSIGN_OR_RETURN(DType dt, FromProto(header.dtype()));
  RPC_ASSIGN_OR_RETURN(Shape shape,
                       DecodeShape(header.shape(), s->limits().tensor));
  int64_t n = 1;
  for (int64_t d : shape) n *= d;
  const int64_t need = n * ItemSize(dt);
  // The session's own quota, before anything is allocated or read.
  if (absl::Status room = s->CanAdd(need); !room.ok()) return ToGrpc(room);
  ChargeTo charge(s->account());
  RPC_ASSIGN_OR_RETURN(Tensor t, Empty(shape, dt));
  // A failed or cancelled upload gives its buffer back to the system at
  // once, not to the core's cache of freed blocks: a client that cancels
  // and retries big uploads would otherwise leave one more resident block
  // each time its retry overlaps the end of the cancelled call.
  bool bound = false;
  absl::Cleanup give_back = [&] {
    if (bound) return;
    t = Tensor();
    ReleaseCachedStorage();
  };
  char* dst = static_cast<char*>(t.raw_data());
  int64_t got = 0;
  const bool requires_grad = header.requires_grad();
  const std::string name = header.name();
  v1::UploadTensorRequest msg = std::move(header);
  do {
    const std::string& chunk = msg.chunk();
    if (got + static_cast<int64_t>(chunk.size()) > need) {
      return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                          absl::StrCat("upload sends more than the ", need,
                                       " bytes its shape needs"));
    }
    if (!chunk.empty()) std::memcpy(dst + got, chunk.data(), chunk.size());
    got += static_cast<int64_t>(chunk.size());
    record->bytes_in = got;
    if (call.IsCancelled()) {
      return grpc::Status(grpc::StatusCode::CANCELLED, "upload cancelled");
    }
  } while (reader->Read(&msg));
  if (got != need) {
    return grpc::Status(
        grpc::StatusCode::INVALID_ARGUMENT,
        absl::StrCat("upload ended after ", got, " of ", need, " bytes"));
  }
  if (dt == DType::kBool) {
    for (int64_t i = 0; i < need; ++i) dst[i] = dst[i] != 0;
  }
  RPC_ASSIGN_OR_RETURN(*resp, s->AddTensor(std::move(t), requires_grad, name));
  bound = true;
  return grpc::Status::OK;
}

grpc::Status TensorServiceImpl::DoFetchTensor(Call& call,
                                              const v1::FetchTensorRequest& req,
                                              v1::FetchTensorResponse* resp) {
  RPC_ASSIGN_OR_RETURN(auto s, Find(call, req.session_id()));
  RPC_ASSIGN_OR_RETURN(
      Tensor t, s->Fetch(req.tensor(), req.grad(), resp->mutable_info()));
  if (t.defined()) EncodeTensor(t, resp->mutable_data());
  return grpc::Status::OK;
}

grpc::Status TensorServiceImpl::DownloadTensor(
    grpc::ServerContext* ctx, const v1::FetchTensorRequest* req,
    grpc::ServerWriter<v1::TensorChunk>* writer) {
  GrpcCall call(ctx);
  CallRecord record;
  record.method = Method::kDownloadTensor;
  std::string request_id;
  BeginCall(call, &record, &request_id);
  record.session_id = req->session_id();
  grpc::Status st = DoDownloadTensor(call, *req, writer, &record);
  return EndCall(call, std::move(st), &record);
}

grpc::Status TensorServiceImpl::DoDownloadTensor(
    Call& call, const v1::FetchTensorRequest& req,
    grpc::ServerWriter<v1::TensorChunk>* writer, CallRecord* record) {
  RPC_ASSIGN_OR_RETURN(auto s, Find(call, req.session_id()));
  v1::TensorChunk first;
  RPC_ASSIGN_OR_RETURN(Tensor t,
                       s->Fetch(req.tensor(), req.grad(), first.mutable_info(),
                                /*streamed=*/true));
  // At most 4 MiB (and within the message limit) per chunk, whatever the
  // client asks for.
  const int64_t max_chunk = std::max<int64_t>(
      1, std::min<int64_t>(kMaxChunk, s->limits().max_message_bytes - 4096));
  const int64_t chunk = std::min<int64_t>(
      req.chunk_bytes() > 0 ? req.chunk_bytes() : kDefaultChunk, max_chunk);
  const char* src =
      t.defined() ? static_cast<const char*>(t.raw_data()) : nullptr;
  const int64_t total = t.defined() ? t.nbytes() : 0;
  int64_t sent = std::min(total, chunk);
  if (sent > 0) first.set_chunk(src, sent);
  if (!writer->Write(first)) return grpc::Status::CANCELLED;
  record->bytes_out = sent;
  v1::TensorChunk msg;
  while (sent < total) {
    const int64_t n = std::min(chunk, total - sent);
    msg.set_chunk(src + sent, n);
    if (!writer->Write(msg)) return grpc::Status::CANCELLED;
    sent += n;
    record->bytes_out = sent;
  }
  return grpc::Status::OK;
}

grpc::Status TensorServiceImpl::DoReleaseTensor(
    Call& call, const v1::ReleaseTensorRequest& req,
    v1::ReleaseTensorResponse*) {
  RPC_ASSIGN_OR_RETURN(auto s, Find(call, req.session_id()));
  return ToGrpc(s->Release(req.tensors()));
}

grpc::Status TensorServiceImpl::DoSetRequiresGrad(
    Call& call, const v1::SetRequiresGradRequest& req, v1::TensorInfo* resp) {
  RPC_ASSIGN_OR_RETURN(auto s, Find(call, req.session_id()));
  RPC_ASSIGN_OR_RETURN(*resp,
                       s->SetRequiresGrad(req.tensor(), req.requires_grad()));
  return grpc::Status::OK;
}

grpc::Status TensorServiceImpl::DoDetach(Call& call,
                                         const v1::DetachRequest& req,
                                         v1::TensorInfo* resp) {
  RPC_ASSIGN_OR_RETURN(auto s, Find(call, req.session_id()));
  RPC_ASSIGN_OR_RETURN(*resp, s->Detach(req.tensor(), req.name()));
  return grpc::Status::OK;
}

grpc::Status TensorServiceImpl::DoZeroGrad(Call& call,
                                           const v1::ZeroGradRequest& req,
                                           v1::ZeroGradResponse*) {
  RPC_ASSIGN_OR_RETURN(auto s, Find(call, req.session_id()));
  return ToGrpc(s->ZeroGrad(req.tensors(), req.set_to_none()));
}

grpc::Status TensorServiceImpl::DoBackward(Call& call,
                                           const v1::BackwardRequest& req,
                                           v1::BackwardResponse*) {
  RPC_ASSIGN_OR_RETURN(auto s, Find(call, req.session_id()));
  return ToGrpc(s->Backward(req));
}

grpc::Status TensorServiceImpl::DoExecute(Call& call,
                                          const v1::ExecuteRequest& req,
                                          v1::ExecuteResponse* resp) {
  RPC_ASSIGN_OR_RETURN(auto s, Find(call, req.session_id()));
  return ToGrpc(s->Execute(req, resp));
}

grpc::Status TensorServiceImpl::DoListOps(Call& call, const v1::ListOpsRequest&,
                                          v1::ListOpsResponse* resp) {
  RPC_ASSIGN_OR_RETURN(std::string owner, Caller(call));
  (void)owner;
  FillOpSchemas(resp);
  return grpc::Status::OK;
}

grpc::Status TensorServiceImpl::DoDescribeGraph(
    Call& call, const v1::DescribeGraphRequest& req,
    v1::DescribeGraphResponse* resp) {
  RPC_ASSIGN_OR_RETURN(auto s, Find(call, req.session_id()));
  return ToGrpc(s->DescribeGraph(req.tensor(), resp));
}

// The gRPC methods and the transport-neutral Serve* ones: both run the
// handler through Invoke.
#define TENSORD_DEFINE_UNARY_(name, Req, Resp)                                \
  grpc::Status TensorServiceImpl::name(grpc::ServerContext* ctx,              \
                                       const v1::Req* req, v1::Resp* resp) {  \
    GrpcCall call(ctx);                                                       \
    return Invoke(call, Method::k##name, *req, resp,                          \
                  &TensorServiceImpl::Do##name);                              \
  }                                                                           \
  grpc::Status TensorServiceImpl::Serve##name(Call& call, const v1::Req& req, \
                                              v1::Resp* resp) {               \
    return Invoke(call, Method::k##name, req, resp,                           \
                  &TensorServiceImpl::Do##name);                              \
  }
TENSORD_UNARY_METHODS(TENSORD_DEFINE_UNARY_)
#undef TENSORD_DEFINE_UNARY_

}  // namespace tensord::server
