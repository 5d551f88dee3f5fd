#include "server/service.h"

#include <algorithm>
#include <cstring>

#include "absl/cleanup/cleanup.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "core/status_macros.h"

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
  }
}

TensorServiceImpl::TensorServiceImpl(SessionManager* sessions,
                                     std::set<std::string> tokens)
    : sessions_(sessions), tokens_(std::move(tokens)) {}

absl::StatusOr<std::string> TensorServiceImpl::Caller(
    grpc::ServerContext* ctx) const {
  ctx->AddInitialMetadata("x-tensord-replica", sessions_->options().replica_id);
  if (tokens_.empty()) return std::string();
  const auto& md = ctx->client_metadata();
  auto it = md.find("authorization");
  if (it == md.end()) {
    return absl::UnauthenticatedError("missing bearer token");
  }
  const std::string value(it->second.data(), it->second.size());
  constexpr absl::string_view kBearer = "Bearer ";
  if (!absl::StartsWith(value, kBearer)) {
    return absl::UnauthenticatedError("authorization must be 'Bearer <token>'");
  }
  const std::string token = value.substr(kBearer.size());
  if (!tokens_.count(token)) {
    return absl::UnauthenticatedError("invalid bearer token");
  }
  return TokenFingerprint(token);
}

absl::StatusOr<std::shared_ptr<Session>> TensorServiceImpl::Find(
    grpc::ServerContext* ctx, const std::string& id) {
  TENSORD_ASSIGN_OR_RETURN(std::string owner, Caller(ctx));
  return sessions_->Get(id, owner);
}

grpc::Status TensorServiceImpl::CreateSession(
    grpc::ServerContext* ctx, const v1::CreateSessionRequest* req,
    v1::Session* resp) {
  RPC_ASSIGN_OR_RETURN(std::string owner, Caller(ctx));
  // The client may propose the id in the session header, so that a balancer
  // hashing on that header sends this call to the replica that later calls
  // will reach (see SessionManager::Create).
  std::string proposed;
  const auto& md = ctx->client_metadata();
  if (auto it = md.find("x-tensord-session"); it != md.end()) {
    proposed.assign(it->second.data(), it->second.size());
  }
  RPC_ASSIGN_OR_RETURN(auto s,
                       sessions_->Create(req->options(), owner, proposed));
  s->Describe(resp);
  return grpc::Status::OK;
}

grpc::Status TensorServiceImpl::GetSession(grpc::ServerContext* ctx,
                                           const v1::GetSessionRequest* req,
                                           v1::Session* resp) {
  RPC_ASSIGN_OR_RETURN(auto s, Find(ctx, req->session_id()));
  s->Describe(resp);
  return grpc::Status::OK;
}

grpc::Status TensorServiceImpl::ListSessions(grpc::ServerContext* ctx,
                                             const v1::ListSessionsRequest*,
                                             v1::ListSessionsResponse* resp) {
  RPC_ASSIGN_OR_RETURN(std::string owner, Caller(ctx));
  for (const auto& s : sessions_->List(owner))
    s->Describe(resp->add_sessions());
  return grpc::Status::OK;
}

grpc::Status TensorServiceImpl::CloseSession(grpc::ServerContext* ctx,
                                             const v1::CloseSessionRequest* req,
                                             v1::CloseSessionResponse*) {
  RPC_ASSIGN_OR_RETURN(std::string owner, Caller(ctx));
  return ToGrpc(sessions_->Close(req->session_id(), owner));
}

grpc::Status TensorServiceImpl::CreateTensor(grpc::ServerContext* ctx,
                                             const v1::CreateTensorRequest* req,
                                             v1::TensorInfo* resp) {
  RPC_ASSIGN_OR_RETURN(auto s, Find(ctx, req->session_id()));
  RPC_ASSIGN_OR_RETURN(
      *resp, s->CreateTensor(req->data(), req->requires_grad(), req->name()));
  return grpc::Status::OK;
}

grpc::Status TensorServiceImpl::UploadTensor(
    grpc::ServerContext* ctx,
    grpc::ServerReader<v1::UploadTensorRequest>* reader, v1::TensorInfo* resp) {
  // The token is checked before any byte of the stream is read.
  RPC_ASSIGN_OR_RETURN(std::string owner, Caller(ctx));
  v1::UploadTensorRequest header;
  if (!reader->Read(&header)) {
    return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                        "upload stream ended before its header");
  }
  RPC_ASSIGN_OR_RETURN(auto s, sessions_->Get(header.session_id(), owner));
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
    if (ctx->IsCancelled()) {
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

grpc::Status TensorServiceImpl::FetchTensor(grpc::ServerContext* ctx,
                                            const v1::FetchTensorRequest* req,
                                            v1::FetchTensorResponse* resp) {
  RPC_ASSIGN_OR_RETURN(auto s, Find(ctx, req->session_id()));
  RPC_ASSIGN_OR_RETURN(
      Tensor t, s->Fetch(req->tensor(), req->grad(), resp->mutable_info()));
  if (t.defined()) EncodeTensor(t, resp->mutable_data());
  return grpc::Status::OK;
}

grpc::Status TensorServiceImpl::DownloadTensor(
    grpc::ServerContext* ctx, const v1::FetchTensorRequest* req,
    grpc::ServerWriter<v1::TensorChunk>* writer) {
  RPC_ASSIGN_OR_RETURN(auto s, Find(ctx, req->session_id()));
  v1::TensorChunk first;
  RPC_ASSIGN_OR_RETURN(
      Tensor t, s->Fetch(req->tensor(), req->grad(), first.mutable_info(),
                         /*streamed=*/true));
  // At most 4 MiB (and within the message limit) per chunk, whatever the
  // client asks for.
  const int64_t max_chunk = std::max<int64_t>(
      1, std::min<int64_t>(kMaxChunk, s->limits().max_message_bytes - 4096));
  const int64_t chunk = std::min<int64_t>(
      req->chunk_bytes() > 0 ? req->chunk_bytes() : kDefaultChunk, max_chunk);
  const char* src =
      t.defined() ? static_cast<const char*>(t.raw_data()) : nullptr;
  const int64_t total = t.defined() ? t.nbytes() : 0;
  int64_t sent = std::min(total, chunk);
  if (sent > 0) first.set_chunk(src, sent);
  if (!writer->Write(first)) return grpc::Status::CANCELLED;
  v1::TensorChunk msg;
  while (sent < total) {
    const int64_t n = std::min(chunk, total - sent);
    msg.set_chunk(src + sent, n);
    if (!writer->Write(msg)) return grpc::Status::CANCELLED;
    sent += n;
  }
  return grpc::Status::OK;
}

grpc::Status TensorServiceImpl::ReleaseTensor(
    grpc::ServerContext* ctx, const v1::ReleaseTensorRequest* req,
    v1::ReleaseTensorResponse*) {
  RPC_ASSIGN_OR_RETURN(auto s, Find(ctx, req->session_id()));
  return ToGrpc(s->Release(req->tensors()));
}

grpc::Status TensorServiceImpl::SetRequiresGrad(
    grpc::ServerContext* ctx, const v1::SetRequiresGradRequest* req,
    v1::TensorInfo* resp) {
  RPC_ASSIGN_OR_RETURN(auto s, Find(ctx, req->session_id()));
  RPC_ASSIGN_OR_RETURN(*resp,
                       s->SetRequiresGrad(req->tensor(), req->requires_grad()));
  return grpc::Status::OK;
}

grpc::Status TensorServiceImpl::Detach(grpc::ServerContext* ctx,
                                       const v1::DetachRequest* req,
                                       v1::TensorInfo* resp) {
  RPC_ASSIGN_OR_RETURN(auto s, Find(ctx, req->session_id()));
  RPC_ASSIGN_OR_RETURN(*resp, s->Detach(req->tensor(), req->name()));
  return grpc::Status::OK;
}

grpc::Status TensorServiceImpl::ZeroGrad(grpc::ServerContext* ctx,
                                         const v1::ZeroGradRequest* req,
                                         v1::ZeroGradResponse*) {
  RPC_ASSIGN_OR_RETURN(auto s, Find(ctx, req->session_id()));
  return ToGrpc(s->ZeroGrad(req->tensors(), req->set_to_none()));
}

grpc::Status TensorServiceImpl::Backward(grpc::ServerContext* ctx,
                                         const v1::BackwardRequest* req,
                                         v1::BackwardResponse*) {
  RPC_ASSIGN_OR_RETURN(auto s, Find(ctx, req->session_id()));
  return ToGrpc(s->Backward(*req));
}

grpc::Status TensorServiceImpl::Execute(grpc::ServerContext* ctx,
                                        const v1::ExecuteRequest* req,
                                        v1::ExecuteResponse* resp) {
  RPC_ASSIGN_OR_RETURN(auto s, Find(ctx, req->session_id()));
  return ToGrpc(s->Execute(*req, resp));
}

grpc::Status TensorServiceImpl::ListOps(grpc::ServerContext* ctx,
                                        const v1::ListOpsRequest*,
                                        v1::ListOpsResponse* resp) {
  RPC_ASSIGN_OR_RETURN(std::string owner, Caller(ctx));
  (void)owner;
  FillOpSchemas(resp);
  return grpc::Status::OK;
}

grpc::Status TensorServiceImpl::DescribeGraph(
    grpc::ServerContext* ctx, const v1::DescribeGraphRequest* req,
    v1::DescribeGraphResponse* resp) {
  RPC_ASSIGN_OR_RETURN(auto s, Find(ctx, req->session_id()));
  return ToGrpc(s->DescribeGraph(req->tensor(), resp));
}

}  // namespace tensord::server
