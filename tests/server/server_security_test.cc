// server_security_test.cc — tensord's security and robustness boundaries,
// each exercised over a real gRPC channel to an in-process server:
//
//   * bearer-token authentication, and owner scoping: another token's session
//     is indistinguishable from one that does not exist (same code, same
//     message), while the standard health check needs no token;
//   * TLS and mutual TLS, with a CA and certificates the test generates with
//     the `openssl` command-line tool;
//   * idle-session expiry (memory really released, busy sessions kept);
//   * the per-session memory quota (all or nothing) and max_sessions;
//   * snapshots across a restart: values, grads, dtypes, shapes, flags,
//     owners, handles and the random generator survive; closed and expired
//     sessions do not come back; snapshots are also written periodically;
//     replicas sharing a directory keep to their own files;
//     an unwritable snapshot directory is an error that does not stop the
//     server.
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>
#include <grpcpp/security/credentials.h>
#include <stdlib.h>

#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/synchronization/notification.h"
#include "gmock/gmock.h"
#include "google/rpc/status.pb.h"
#include "gtest/gtest.h"
#include "tests/server/test_util.h"

namespace tensord::testing {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::Not;

// A status's details with its request id (ErrorDetail.request_id, one per
// call, 32 hex digits when the server made it) masked out.
std::string DetailsWithoutRequestId(const grpc::Status& st) {
  google::rpc::Status rich;
  std::string details = st.error_details();
  if (!rich.ParseFromString(details)) return details;
  for (const auto& any : rich.details()) {
    v1::ErrorDetail detail;
    if (any.UnpackTo(&detail) && !detail.request_id().empty()) {
      details = absl::StrReplaceAll(details, {{detail.request_id(), "<rid>"}});
    }
  }
  return details;
}

// ------------------------------------------------------------------ helpers

// A fresh directory under the system temp dir, removed with its contents.
class TempDir {
 public:
  TempDir() {
    std::string tmpl =
        (fs::temp_directory_path() / "tensord_sectest_XXXXXX").string();
    if (mkdtemp(tmpl.data()) == nullptr) ADD_FAILURE() << "mkdtemp failed";
    path_ = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

std::string ReadFileOrDie(const fs::path& path) {
  std::ifstream f(path, std::ios::binary);
  EXPECT_TRUE(f) << "cannot read " << path;
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

void WriteFile(const fs::path& path, const std::string& text) {
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  f << text;
  ASSERT_TRUE(f.good()) << "cannot write " << path;
}

int CountSnapshotFiles(const fs::path& dir) {
  int n = 0;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    if (e.path().extension() == ".session") ++n;
  }
  return n;
}

// A context with a short deadline, for calls expected to fail fast.
std::unique_ptr<grpc::ClientContext> ShortCtx(const std::string& session_id,
                                              const std::string& token) {
  auto ctx = Ctx(session_id, token);
  ctx->set_deadline(std::chrono::system_clock::now() +
                    std::chrono::seconds(10));
  return ctx;
}

std::unique_ptr<v1::TensorService::Stub> StubOn(
    std::shared_ptr<grpc::Channel> channel) {
  return v1::TensorService::NewStub(std::move(channel));
}

std::shared_ptr<grpc::Channel> InsecureChannel(const TestServer& server) {
  return grpc::CreateChannel(server.target(),
                             grpc::InsecureChannelCredentials());
}

// The result of grpc.health.v1.Health/Check: the call's status and the
// response's `status` field (0 UNKNOWN, 1 SERVING, 2 NOT_SERVING,
// 3 SERVICE_UNKNOWN); -1 when the call failed or the response is malformed.
struct HealthResult {
  grpc::Status status;
  int serving = -1;
};

// Calls the standard health check with a generic stub and hand-encoded
// protobuf bytes (HealthCheckRequest{service}, HealthCheckResponse{status}),
// with no metadata at all.
HealthResult CheckHealth(const std::shared_ptr<grpc::Channel>& channel,
                         const std::string& service) {
  std::string request;
  if (!service.empty()) {
    EXPECT_LT(service.size(), 128u);
    request.push_back('\x0a');  // field 1, length-delimited
    request.push_back(static_cast<char>(service.size()));
    request += service;
  }
  grpc::Slice slice(request);
  grpc::ByteBuffer req(&slice, 1);
  grpc::ByteBuffer resp;
  grpc::GenericStub stub(channel);
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  absl::Notification done;
  HealthResult out;
  stub.UnaryCall(&ctx, "/grpc.health.v1.Health/Check", grpc::StubOptions(),
                 &req, &resp, [&](grpc::Status s) {
                   out.status = std::move(s);
                   done.Notify();
                 });
  done.WaitForNotification();
  if (!out.status.ok()) return out;
  grpc::Slice all;
  if (!resp.DumpToSingleSlice(&all).ok()) return out;
  const std::string bytes(reinterpret_cast<const char*>(all.begin()),
                          all.size());
  out.serving = 0;  // proto3 omits the default, UNKNOWN
  size_t i = 0;
  while (i < bytes.size()) {
    if (static_cast<uint8_t>(bytes[i++]) != 0x08) {  // field 1, varint
      out.serving = -1;
      break;
    }
    uint64_t v = 0;
    int shift = 0;
    while (i < bytes.size()) {
      const uint8_t b = static_cast<uint8_t>(bytes[i++]);
      v |= static_cast<uint64_t>(b & 0x7f) << shift;
      shift += 7;
      if (!(b & 0x80)) break;
    }
    out.serving = static_cast<int>(v);
  }
  return out;
}

constexpr int kServing = 1;
constexpr int kNotServing = 2;

// Request builders: NameRef, HandleRef, NodeRef, LiteralRef, FloatRef,
// TRefName and TRefHandle come from test_util.
v1::OpNode* AddNode(v1::ExecuteRequest* req, const std::string& op,
                    std::vector<v1::ValueRef> inputs) {
  v1::OpNode* n = req->add_nodes();
  n->set_op(op);
  for (auto& v : inputs) *n->add_inputs() = std::move(v);
  return n;
}
void SetInts(v1::OpNode* node, const std::string& attr,
             const std::vector<int64_t>& values) {
  auto* ints = (*node->mutable_attrs())[attr].mutable_ints();
  for (int64_t v : values) ints->add_values(v);
}

v1::TensorData I64(const std::vector<int64_t>& values,
                   const std::vector<int64_t>& shape) {
  v1::TensorData d;
  d.set_dtype(v1::DTYPE_INT64);
  for (int64_t s : shape) d.add_shape(s);
  d.set_data(std::string(reinterpret_cast<const char*>(values.data()),
                         values.size() * sizeof(int64_t)));
  return d;
}
v1::TensorData Bool(const std::vector<bool>& values,
                    const std::vector<int64_t>& shape) {
  v1::TensorData d;
  d.set_dtype(v1::DTYPE_BOOL);
  for (int64_t s : shape) d.add_shape(s);
  std::string bytes;
  for (bool b : values) bytes.push_back(b ? 1 : 0);
  d.set_data(bytes);
  return d;
}
// A float32 tensor of `n` elements (i * 0.5).
v1::TensorData F32Of(int64_t n) {
  std::vector<float> v(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) v[static_cast<size_t>(i)] = 0.5f * i;
  return F32(v, {n});
}

// Thin synchronous wrappers that return status and response.
template <typename Resp>
struct Result {
  grpc::Status status;
  Resp resp;
};

Result<v1::Session> CreateSession(v1::TensorService::Stub* stub,
                                  const std::string& token,
                                  const v1::SessionOptions& options = {}) {
  v1::CreateSessionRequest req;
  *req.mutable_options() = options;
  Result<v1::Session> r;
  r.status = stub->CreateSession(Ctx("", token).get(), req, &r.resp);
  return r;
}

Result<v1::Session> GetSession(v1::TensorService::Stub* stub,
                               const std::string& id,
                               const std::string& token = "") {
  v1::GetSessionRequest req;
  req.set_session_id(id);
  Result<v1::Session> r;
  r.status = stub->GetSession(Ctx(id, token).get(), req, &r.resp);
  return r;
}

grpc::Status CloseSession(v1::TensorService::Stub* stub, const std::string& id,
                          const std::string& token = "") {
  v1::CloseSessionRequest req;
  req.set_session_id(id);
  v1::CloseSessionResponse resp;
  return stub->CloseSession(Ctx(id, token).get(), req, &resp);
}

std::set<std::string> ListSessionIds(v1::TensorService::Stub* stub,
                                     const std::string& token = "") {
  v1::ListSessionsResponse resp;
  grpc::Status st = stub->ListSessions(Ctx("", token).get(),
                                       v1::ListSessionsRequest(), &resp);
  EXPECT_TRUE(st.ok()) << st.error_message();
  std::set<std::string> ids;
  for (const auto& s : resp.sessions()) ids.insert(s.id());
  return ids;
}

Result<v1::TensorInfo> CreateTensor(v1::TensorService::Stub* stub,
                                    const std::string& id,
                                    const v1::TensorData& data,
                                    const std::string& name = "",
                                    bool requires_grad = false,
                                    const std::string& token = "") {
  v1::CreateTensorRequest req;
  req.set_session_id(id);
  *req.mutable_data() = data;
  req.set_name(name);
  req.set_requires_grad(requires_grad);
  Result<v1::TensorInfo> r;
  r.status = stub->CreateTensor(Ctx(id, token).get(), req, &r.resp);
  return r;
}

Result<v1::FetchTensorResponse> Fetch(v1::TensorService::Stub* stub,
                                      const std::string& id,
                                      const v1::TensorRef& ref,
                                      bool grad = false,
                                      const std::string& token = "") {
  v1::FetchTensorRequest req;
  req.set_session_id(id);
  *req.mutable_tensor() = ref;
  req.set_grad(grad);
  Result<v1::FetchTensorResponse> r;
  r.status = stub->FetchTensor(Ctx(id, token).get(), req, &r.resp);
  return r;
}

Result<v1::ExecuteResponse> Execute(v1::TensorService::Stub* stub,
                                    v1::ExecuteRequest req,
                                    const std::string& id,
                                    const std::string& token = "") {
  req.set_session_id(id);
  Result<v1::ExecuteResponse> r;
  r.status = stub->Execute(Ctx(id, token).get(), req, &r.resp);
  return r;
}

// [1, 2] + 1 with the value returned; checks the answer is [2, 3].
grpc::Status SmallExecute(v1::TensorService::Stub* stub, const std::string& id,
                          const std::string& token = "",
                          std::unique_ptr<grpc::ClientContext> ctx = nullptr) {
  v1::ExecuteRequest req;
  req.set_session_id(id);
  AddNode(&req, "add", {LiteralRef(F32({1, 2}, {2})), FloatRef(1)})
      ->set_return_value(true);
  if (ctx == nullptr) ctx = Ctx(id, token);
  v1::ExecuteResponse resp;
  grpc::Status st = stub->Execute(ctx.get(), req, &resp);
  if (st.ok()) {
    EXPECT_EQ(resp.results_size(), 1);
    if (resp.results_size() == 1 && resp.results(0).values_size() == 1) {
      EXPECT_EQ(AsFloats(resp.results(0).values(0)),
                (std::vector<float>{2, 3}));
    } else {
      ADD_FAILURE() << "Execute returned no value";
    }
  }
  return st;
}

// Every session-scoped RPC once against session `id` as `token`, in a fixed
// order (CloseSession last), with the status of each.
std::vector<std::pair<std::string, grpc::Status>> ProbeSession(
    v1::TensorService::Stub* stub, const std::string& id,
    const std::string& token) {
  std::vector<std::pair<std::string, grpc::Status>> out;
  {
    v1::GetSessionRequest req;
    req.set_session_id(id);
    v1::Session resp;
    out.emplace_back("GetSession",
                     stub->GetSession(ShortCtx(id, token).get(), req, &resp));
  }
  {
    v1::CreateTensorRequest req;
    req.set_session_id(id);
    *req.mutable_data() = F32({7}, {1});
    req.set_name("probe");
    v1::TensorInfo resp;
    out.emplace_back("CreateTensor",
                     stub->CreateTensor(ShortCtx(id, token).get(), req, &resp));
  }
  {
    auto ctx = ShortCtx(id, token);
    v1::TensorInfo resp;
    auto writer = stub->UploadTensor(ctx.get(), &resp);
    v1::UploadTensorRequest header;
    header.set_session_id(id);
    header.set_dtype(v1::DTYPE_FLOAT32);
    header.add_shape(1);
    header.set_name("probe_upload");
    const float one = 1;
    header.set_chunk(std::string(reinterpret_cast<const char*>(&one), 4));
    writer->Write(header);
    writer->WritesDone();
    out.emplace_back("UploadTensor", writer->Finish());
  }
  {
    v1::FetchTensorRequest req;
    req.set_session_id(id);
    *req.mutable_tensor() = TRefName("x");
    v1::FetchTensorResponse resp;
    out.emplace_back("FetchTensor",
                     stub->FetchTensor(ShortCtx(id, token).get(), req, &resp));
  }
  {
    v1::FetchTensorRequest req;
    req.set_session_id(id);
    *req.mutable_tensor() = TRefName("x");
    auto ctx = ShortCtx(id, token);
    auto reader = stub->DownloadTensor(ctx.get(), req);
    v1::TensorChunk chunk;
    int chunks = 0;
    while (reader->Read(&chunk)) ++chunks;
    grpc::Status st = reader->Finish();
    if (st.ok() && chunks == 0) {
      st = grpc::Status(grpc::StatusCode::INTERNAL, "no chunks");
    }
    out.emplace_back("DownloadTensor", st);
  }
  {
    v1::SetRequiresGradRequest req;
    req.set_session_id(id);
    *req.mutable_tensor() = TRefName("x");
    req.set_requires_grad(false);
    v1::TensorInfo resp;
    out.emplace_back(
        "SetRequiresGrad",
        stub->SetRequiresGrad(ShortCtx(id, token).get(), req, &resp));
  }
  {
    v1::DetachRequest req;
    req.set_session_id(id);
    *req.mutable_tensor() = TRefName("x");
    req.set_name("probe_detached");
    v1::TensorInfo resp;
    out.emplace_back("Detach",
                     stub->Detach(ShortCtx(id, token).get(), req, &resp));
  }
  {
    v1::ZeroGradRequest req;
    req.set_session_id(id);
    req.set_set_to_none(true);
    v1::ZeroGradResponse resp;
    out.emplace_back("ZeroGrad",
                     stub->ZeroGrad(ShortCtx(id, token).get(), req, &resp));
  }
  {
    v1::BackwardRequest req;
    req.set_session_id(id);
    *req.mutable_tensor() = TRefName("loss");
    req.set_retain_graph(true);
    v1::BackwardResponse resp;
    out.emplace_back("Backward",
                     stub->Backward(ShortCtx(id, token).get(), req, &resp));
  }
  {
    v1::ExecuteRequest req;
    req.set_session_id(id);
    AddNode(&req, "neg", {NameRef("x")})->add_bind("probe_neg");
    v1::ExecuteResponse resp;
    out.emplace_back("Execute",
                     stub->Execute(ShortCtx(id, token).get(), req, &resp));
  }
  {
    v1::DescribeGraphRequest req;
    req.set_session_id(id);
    *req.mutable_tensor() = TRefName("loss");
    v1::DescribeGraphResponse resp;
    out.emplace_back(
        "DescribeGraph",
        stub->DescribeGraph(ShortCtx(id, token).get(), req, &resp));
  }
  {
    v1::ReleaseTensorRequest req;
    req.set_session_id(id);
    *req.add_tensors() = TRefName("x");
    v1::ReleaseTensorResponse resp;
    out.emplace_back(
        "ReleaseTensor",
        stub->ReleaseTensor(ShortCtx(id, token).get(), req, &resp));
  }
  {
    v1::CloseSessionRequest req;
    req.set_session_id(id);
    v1::CloseSessionResponse resp;
    out.emplace_back("CloseSession",
                     stub->CloseSession(ShortCtx(id, token).get(), req, &resp));
  }
  return out;
}

// An id of the same shape as the server's (32 hex digits) that names no
// session.
std::string FakeIdLike(const std::string& real) {
  std::string fake(real.size(), '0');
  for (size_t i = 0; i < fake.size(); ++i) fake[i] = "0123456789abcdef"[i % 16];
  if (fake == real) fake[0] = fake[0] == 'f' ? 'e' : 'f';
  return fake;
}

// ---------------------------------------------------------------- auth

class AuthTest : public ::testing::Test {
 protected:
  static server::ServerConfig Config() {
    server::ServerConfig c;
    c.tokens = {"alpha", "beta"};
    return c;
  }
  AuthTest() : server_(Config()), stub_(server_.Stub()) {}

  TestServer server_;
  std::unique_ptr<v1::TensorService::Stub> stub_;
};

TEST_F(AuthTest, MissingOrWrongTokenIsUnauthenticated) {
  ASSERT_NE(server_.server(), nullptr);
  // A real session, so Execute without a token cannot fail merely because the
  // id is unknown.
  auto created = CreateSession(stub_.get(), "alpha");
  ASSERT_TRUE(created.status.ok()) << created.status.error_message();
  const std::string id = created.resp.id();

  for (const std::string& bad :
       {std::string(""), std::string("gamma"), std::string("alph"),
        std::string("alpha "), std::string("ALPHA")}) {
    SCOPED_TRACE("token '" + bad + "'");
    v1::Session s;
    grpc::Status st = stub_->CreateSession(ShortCtx("", bad).get(),
                                           v1::CreateSessionRequest(), &s);
    EXPECT_EQ(st.error_code(), grpc::StatusCode::UNAUTHENTICATED)
        << st.error_message();
    EXPECT_EQ(SmallExecute(stub_.get(), id, "", ShortCtx(id, bad)).error_code(),
              grpc::StatusCode::UNAUTHENTICATED);
    auto got = GetSession(stub_.get(), id, bad);
    EXPECT_EQ(got.status.error_code(), grpc::StatusCode::UNAUTHENTICATED);
    v1::ListSessionsResponse list;
    EXPECT_EQ(stub_
                  ->ListSessions(ShortCtx("", bad).get(),
                                 v1::ListSessionsRequest(), &list)
                  .error_code(),
              grpc::StatusCode::UNAUTHENTICATED);
    EXPECT_EQ(list.sessions_size(), 0);
  }

  // Every session-scoped RPC rejects a missing or wrong token, even for the
  // caller's real session id.
  for (const std::string& bad : {std::string(""), std::string("gamma")}) {
    for (const auto& [rpc, st] : ProbeSession(stub_.get(), id, bad)) {
      EXPECT_EQ(st.error_code(), grpc::StatusCode::UNAUTHENTICATED)
          << rpc << " with token '" << bad << "': " << st.error_message();
    }
    v1::ListOpsResponse ops;
    EXPECT_EQ(
        stub_->ListOps(ShortCtx("", bad).get(), v1::ListOpsRequest(), &ops)
            .error_code(),
        grpc::StatusCode::UNAUTHENTICATED);
  }

  // Authorization headers that are not "Bearer <valid token>".
  for (const std::string& header :
       {std::string("alpha"), std::string("Basic alpha"), std::string("Bearer"),
        std::string("Bearer "), std::string("Bearer  alpha"),
        std::string("Token alpha")}) {
    SCOPED_TRACE("authorization '" + header + "'");
    grpc::ClientContext ctx;
    ctx.AddMetadata("authorization", header);
    ctx.set_deadline(std::chrono::system_clock::now() +
                     std::chrono::seconds(10));
    v1::Session s;
    EXPECT_EQ(
        stub_->CreateSession(&ctx, v1::CreateSessionRequest(), &s).error_code(),
        grpc::StatusCode::UNAUTHENTICATED);
  }
  // None of the rejected calls created anything.
  EXPECT_EQ(server_.server()->sessions()->size(), 1);
  // And the valid token still works.
  EXPECT_TRUE(SmallExecute(stub_.get(), id, "alpha").ok());
}

TEST_F(AuthTest, UploadChecksTheTokenBeforeTheStream) {
  ASSERT_NE(server_.server(), nullptr);
  // An upload without a token is UNAUTHENTICATED whatever it sends, even
  // nothing at all (the server must not read or validate the stream of an
  // unauthenticated caller first).
  auto ctx = ShortCtx("", "");
  v1::TensorInfo info;
  auto writer = stub_->UploadTensor(ctx.get(), &info);
  writer->WritesDone();
  grpc::Status st = writer->Finish();
  EXPECT_EQ(st.error_code(), grpc::StatusCode::UNAUTHENTICATED)
      << st.error_code() << " " << st.error_message();
}

TEST_F(AuthTest, OtherTokensSessionIsIndistinguishableFromNonexistent) {
  ASSERT_NE(server_.server(), nullptr);
  auto created = CreateSession(stub_.get(), "alpha");
  ASSERT_TRUE(created.status.ok()) << created.status.error_message();
  const std::string id = created.resp.id();
  ASSERT_EQ(id.size(), 32u) << id;
  // x requires grad; loss = sum(x * x) keeps a graph for Backward/Describe.
  ASSERT_TRUE(
      CreateTensor(stub_.get(), id, F32({1, 2, 3}, {3}), "x", true, "alpha")
          .status.ok());
  {
    v1::ExecuteRequest req;
    AddNode(&req, "mul", {NameRef("x"), NameRef("x")});
    AddNode(&req, "sum", {NodeRef(0)})->add_bind("loss");
    auto r = Execute(stub_.get(), req, id, "alpha");
    ASSERT_TRUE(r.status.ok()) << r.status.error_message();
  }
  auto before = GetSession(stub_.get(), id, "alpha");
  ASSERT_TRUE(before.status.ok());

  const std::string fake = FakeIdLike(id);
  const auto as_beta = ProbeSession(stub_.get(), id, "beta");
  const auto nonexistent = ProbeSession(stub_.get(), fake, "beta");
  const auto nonexistent_alpha = ProbeSession(stub_.get(), fake, "alpha");
  ASSERT_EQ(as_beta.size(), nonexistent.size());
  ASSERT_EQ(as_beta.size(), nonexistent_alpha.size());
  for (size_t i = 0; i < as_beta.size(); ++i) {
    SCOPED_TRACE(as_beta[i].first);
    const grpc::Status& theirs = as_beta[i].second;
    const grpc::Status& none = nonexistent[i].second;
    EXPECT_EQ(theirs.error_code(), grpc::StatusCode::NOT_FOUND)
        << theirs.error_message();
    EXPECT_EQ(theirs.error_code(), none.error_code());
    EXPECT_EQ(none.error_code(), nonexistent_alpha[i].second.error_code());
    // The same message once the id itself is masked out.
    EXPECT_EQ(absl::StrReplaceAll(theirs.error_message(), {{id, "<id>"}}),
              absl::StrReplaceAll(none.error_message(), {{fake, "<id>"}}));
    EXPECT_EQ(absl::StrReplaceAll(none.error_message(), {{fake, "<id>"}}),
              absl::StrReplaceAll(nonexistent_alpha[i].second.error_message(),
                                  {{fake, "<id>"}}));
    // The details (ErrorDetail) too, id masked (both ids are 32 bytes, so
    // the encoding's lengths agree).
    // The request id differs per call and is masked too.
    EXPECT_FALSE(theirs.error_details().empty());
    EXPECT_EQ(
        absl::StrReplaceAll(DetailsWithoutRequestId(theirs), {{id, "<id>"}}),
        absl::StrReplaceAll(DetailsWithoutRequestId(none), {{fake, "<id>"}}));
    EXPECT_THAT(theirs.error_message(), Not(HasSubstr("owner")));
    EXPECT_THAT(theirs.error_message(), Not(HasSubstr("alpha")));
    EXPECT_THAT(theirs.error_message(), Not(HasSubstr("permission")));
  }

  // beta's attempts changed nothing: still open, same tensors, x intact.
  auto after = GetSession(stub_.get(), id, "alpha");
  ASSERT_TRUE(after.status.ok()) << after.status.error_message();
  EXPECT_EQ(after.resp.tensor_count(), before.resp.tensor_count());
  EXPECT_EQ(after.resp.name_count(), before.resp.name_count());
  EXPECT_EQ(after.resp.bytes(), before.resp.bytes());
  auto x = Fetch(stub_.get(), id, TRefName("x"), false, "alpha");
  ASSERT_TRUE(x.status.ok());
  EXPECT_EQ(AsFloats(x.resp.data()), (std::vector<float>{1, 2, 3}));
  EXPECT_TRUE(x.resp.info().requires_grad());
  EXPECT_FALSE(x.resp.info().has_grad());

  // Listing is per token.
  EXPECT_EQ(ListSessionIds(stub_.get(), "beta").count(id), 0u);
  EXPECT_EQ(ListSessionIds(stub_.get(), "alpha").count(id), 1u);
  auto theirs = CreateSession(stub_.get(), "beta");
  ASSERT_TRUE(theirs.status.ok());
  EXPECT_EQ(ListSessionIds(stub_.get(), "beta"),
            std::set<std::string>{theirs.resp.id()});
  EXPECT_EQ(ListSessionIds(stub_.get(), "alpha"), std::set<std::string>{id});
  // alpha cannot reach beta's session either.
  EXPECT_EQ(
      GetSession(stub_.get(), theirs.resp.id(), "alpha").status.error_code(),
      grpc::StatusCode::NOT_FOUND);
  // Nor get it by proposing its id to CreateSession (a retry of the same
  // owner gets its session back; another owner gets a fresh id).
  {
    v1::Session s;
    grpc::Status st = stub_->CreateSession(Ctx(theirs.resp.id(), "alpha").get(),
                                           v1::CreateSessionRequest(), &s);
    ASSERT_TRUE(st.ok()) << st.error_message();
    EXPECT_NE(s.id(), theirs.resp.id());
    EXPECT_TRUE(CloseSession(stub_.get(), s.id(), "alpha").ok());
    st = stub_->CreateSession(Ctx(theirs.resp.id(), "beta").get(),
                              v1::CreateSessionRequest(), &s);
    ASSERT_TRUE(st.ok()) << st.error_message();
    EXPECT_EQ(s.id(), theirs.resp.id());
  }
  // The owner can close it; then it is gone for the owner too.
  EXPECT_TRUE(CloseSession(stub_.get(), id, "alpha").ok());
  EXPECT_EQ(GetSession(stub_.get(), id, "alpha").status.error_code(),
            grpc::StatusCode::NOT_FOUND);
}

TEST_F(AuthTest, HealthCheckNeedsNoToken) {
  ASSERT_NE(server_.server(), nullptr);
  auto channel = InsecureChannel(server_);
  HealthResult overall = CheckHealth(channel, "");
  ASSERT_TRUE(overall.status.ok())
      << overall.status.error_code() << " " << overall.status.error_message();
  EXPECT_EQ(overall.serving, kServing);
  HealthResult service = CheckHealth(channel, "tensord.v1.TensorService");
  ASSERT_TRUE(service.status.ok()) << service.status.error_message();
  EXPECT_EQ(service.serving, kServing);
  HealthResult unknown = CheckHealth(channel, "no.such.Service");
  EXPECT_EQ(unknown.status.error_code(), grpc::StatusCode::NOT_FOUND);
  // The tensor service itself still wants a token on the same channel.
  v1::Session s;
  EXPECT_EQ(StubOn(channel)
                ->CreateSession(ShortCtx("", "").get(),
                                v1::CreateSessionRequest(), &s)
                .error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
}

// ----------------------------------------------------------------- TLS

// A CA, a server certificate for localhost/127.0.0.1, a client certificate
// from the same CA, and a client certificate from an unrelated CA, made once
// per suite with the openssl CLI.
class TlsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    const fs::path d = dir_->path();
    WriteFile(d / "ca.cnf",
              "[req]\n"
              "distinguished_name = dn\n"
              "prompt = no\n"
              "[dn]\n"
              "CN = tensord test CA\n"
              "[v3_ca]\n"
              "basicConstraints = critical, CA:TRUE\n"
              "keyUsage = critical, keyCertSign, cRLSign\n"
              "subjectKeyIdentifier = hash\n");
    WriteFile(d / "ext.cnf",
              "[server]\n"
              "basicConstraints = CA:FALSE\n"
              "keyUsage = critical, digitalSignature, keyEncipherment\n"
              "extendedKeyUsage = serverAuth\n"
              "subjectAltName = DNS:localhost, IP:127.0.0.1\n"
              "[client]\n"
              "basicConstraints = CA:FALSE\n"
              "keyUsage = critical, digitalSignature\n"
              "extendedKeyUsage = clientAuth\n");
    const std::string key =
        "openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out ";
    auto ca = [&](const std::string& name, const std::string& cn) {
      return absl::StrCat(key, name, ".key && openssl req -x509 -new -key ",
                          name, ".key -out ", name,
                          ".pem -days 2 -config ca.cnf -extensions v3_ca "
                          "-subj '/CN=",
                          cn, "'");
    };
    auto leaf = [&](const std::string& name, const std::string& cn,
                    const std::string& issuer, const std::string& ext,
                    int serial) {
      return absl::StrCat(
          key, name, ".key && openssl req -new -key ", name, ".key -out ", name,
          ".csr -config ca.cnf -subj '/CN=", cn, "' && openssl x509 -req -in ",
          name, ".csr -CA ", issuer, ".pem -CAkey ", issuer,
          ".key -set_serial ", serial, " -out ", name,
          ".pem -days 2 -extfile ext.cnf -extensions ", ext);
    };
    const std::string cmd = absl::StrCat(
        "cd '", d.string(), "' && { ", ca("ca", "tensord test CA"), " && ",
        ca("other_ca", "unrelated CA"), " && ",
        leaf("server", "localhost", "ca", "server", 1001), " && ",
        leaf("client", "tensord test client", "ca", "client", 1002), " && ",
        leaf("rogue", "rogue client", "other_ca", "client", 1003),
        "; } >openssl.log 2>&1");
    const int rc = std::system(cmd.c_str());
    ok_ = rc == 0;
    if (!ok_) log_ = ReadFileOrDie(d / "openssl.log");
  }
  static void TearDownTestSuite() {
    delete dir_;
    dir_ = nullptr;
  }
  void SetUp() override {
    ASSERT_TRUE(ok_) << "certificate generation failed (is `openssl` on the "
                        "PATH?):\n"
                     << log_;
  }

  static std::string Path(const std::string& name) {
    return (dir_->path() / name).string();
  }
  static std::string Pem(const std::string& name) {
    return ReadFileOrDie(dir_->path() / name);
  }
  static server::ServerConfig TlsConfig(bool mutual) {
    server::ServerConfig c;
    c.tls_cert_file = Path("server.pem");
    c.tls_key_file = Path("server.key");
    if (mutual) c.tls_client_ca_file = Path("ca.pem");
    return c;
  }
  // A TLS channel that trusts `root` and presents `client` ("" for none;
  // else the base name of a key/cert pair).
  static std::shared_ptr<grpc::Channel> TlsChannel(
      const TestServer& server, const std::string& root = "ca.pem",
      const std::string& client = "") {
    grpc::SslCredentialsOptions o;
    o.pem_root_certs = Pem(root);
    if (!client.empty()) {
      o.pem_private_key = Pem(client + ".key");
      o.pem_cert_chain = Pem(client + ".pem");
    }
    grpc::ChannelArguments args;
    args.SetSslTargetNameOverride("localhost");
    return grpc::CreateCustomChannel(server.target(), grpc::SslCredentials(o),
                                     args);
  }
  static grpc::Status NewSessionAndExecute(
      const std::shared_ptr<grpc::Channel>& channel,
      const std::string& token = "") {
    auto stub = StubOn(channel);
    v1::Session s;
    grpc::Status st = stub->CreateSession(ShortCtx("", token).get(),
                                          v1::CreateSessionRequest(), &s);
    if (!st.ok()) return st;
    return SmallExecute(stub.get(), s.id(), token, ShortCtx(s.id(), token));
  }

  static TempDir* dir_;
  static bool ok_;
  static std::string log_;
};
TempDir* TlsTest::dir_ = nullptr;
bool TlsTest::ok_ = false;
std::string TlsTest::log_;

TEST_F(TlsTest, ServerTls) {
  TestServer server(TlsConfig(/*mutual=*/false));
  ASSERT_NE(server.server(), nullptr);

  grpc::Status st = NewSessionAndExecute(TlsChannel(server));
  EXPECT_TRUE(st.ok()) << st.error_code() << " " << st.error_message();
  // The health check answers over TLS as well.
  EXPECT_EQ(CheckHealth(TlsChannel(server), "").serving, kServing);

  // A plaintext client cannot talk to the TLS port.
  st = NewSessionAndExecute(InsecureChannel(server));
  EXPECT_EQ(st.error_code(), grpc::StatusCode::UNAVAILABLE)
      << st.error_message();
  EXPECT_FALSE(CheckHealth(InsecureChannel(server), "").status.ok());
  // Nor a TLS client that does not trust the server's CA.
  st = NewSessionAndExecute(TlsChannel(server, "other_ca.pem"));
  EXPECT_EQ(st.error_code(), grpc::StatusCode::UNAVAILABLE)
      << st.error_message();
  // Only the TLS client's session exists.
  EXPECT_EQ(server.server()->sessions()->size(), 1);
}

TEST_F(TlsTest, MutualTls) {
  TestServer server(TlsConfig(/*mutual=*/true));
  ASSERT_NE(server.server(), nullptr);

  // No client certificate.
  grpc::Status st = NewSessionAndExecute(TlsChannel(server));
  EXPECT_EQ(st.error_code(), grpc::StatusCode::UNAVAILABLE)
      << st.error_message();
  // A certificate from a CA the server does not trust.
  st = NewSessionAndExecute(TlsChannel(server, "ca.pem", "rogue"));
  EXPECT_EQ(st.error_code(), grpc::StatusCode::UNAVAILABLE)
      << st.error_message();
  // Plaintext.
  st = NewSessionAndExecute(InsecureChannel(server));
  EXPECT_EQ(st.error_code(), grpc::StatusCode::UNAVAILABLE)
      << st.error_message();
  EXPECT_EQ(server.server()->sessions()->size(), 0);

  // A certificate signed by the configured client CA.
  st = NewSessionAndExecute(TlsChannel(server, "ca.pem", "client"));
  EXPECT_TRUE(st.ok()) << st.error_code() << " " << st.error_message();
  EXPECT_EQ(server.server()->sessions()->size(), 1);
}

TEST_F(TlsTest, TokensOverMutualTls) {
  server::ServerConfig config = TlsConfig(/*mutual=*/true);
  config.tokens = {"alpha", "beta"};
  TestServer server(config);
  ASSERT_NE(server.server(), nullptr);
  auto channel = TlsChannel(server, "ca.pem", "client");

  // A valid certificate is not a substitute for a token.
  grpc::Status st = NewSessionAndExecute(channel, "");
  EXPECT_EQ(st.error_code(), grpc::StatusCode::UNAUTHENTICATED)
      << st.error_message();
  st = NewSessionAndExecute(channel, "gamma");
  EXPECT_EQ(st.error_code(), grpc::StatusCode::UNAUTHENTICATED)
      << st.error_message();
  st = NewSessionAndExecute(channel, "alpha");
  EXPECT_TRUE(st.ok()) << st.error_code() << " " << st.error_message();

  // Owner scoping holds over TLS too.
  auto stub = StubOn(channel);
  const std::set<std::string> mine = ListSessionIds(stub.get(), "alpha");
  ASSERT_EQ(mine.size(), 1u);
  EXPECT_EQ(GetSession(stub.get(), *mine.begin(), "beta").status.error_code(),
            grpc::StatusCode::NOT_FOUND);
  EXPECT_TRUE(ListSessionIds(stub.get(), "beta").empty());
  // The health check needs the certificate but no token.
  EXPECT_EQ(CheckHealth(channel, "").serving, kServing);
}

// ------------------------------------------------------------- expiry

TEST(ExpiryTest, IdleSessionsExpireAndAreFreedBusyOnesStay) {
  TempDir snapshots;
  server::ServerConfig config;
  config.expiry_interval = absl::Milliseconds(100);
  config.sessions.snapshot_dir = snapshots.path().string();
  auto server = std::make_unique<TestServer>(config);
  ASSERT_NE(server->server(), nullptr);
  auto stub = server->Stub();

  v1::SessionOptions short_ttl;
  short_ttl.set_idle_ttl_seconds(1);
  auto idle = CreateSession(stub.get(), "", short_ttl);
  auto busy_exec = CreateSession(stub.get(), "", short_ttl);
  auto busy_fetch = CreateSession(stub.get(), "", short_ttl);
  auto control = CreateSession(stub.get(), "");  // the server's default TTL
  for (const auto* r : {&idle, &busy_exec, &busy_fetch, &control}) {
    ASSERT_TRUE(r->status.ok()) << r->status.error_message();
  }
  EXPECT_EQ(idle.resp.options().idle_ttl_seconds(), 1);
  EXPECT_EQ(control.resp.options().idle_ttl_seconds(),
            config.sessions.default_idle_ttl_seconds);
  // Each holds 4 MiB, so a leak would be a real one.
  for (const auto* r : {&idle, &busy_exec, &busy_fetch, &control}) {
    ASSERT_TRUE(CreateTensor(stub.get(), r->resp.id(), F32Of(1 << 20), "big")
                    .status.ok());
  }
  ASSERT_EQ(server->server()->sessions()->size(), 4);
  // Snapshot now, so the idle session has a file that must not resurrect it.
  ASSERT_TRUE(server->server()->Snapshot().ok());
  EXPECT_EQ(CountSnapshotFiles(snapshots.path()), 4);

  std::weak_ptr<server::Session> idle_weak;
  {
    auto s = server->server()->sessions()->Get(idle.resp.id(), "");
    ASSERT_TRUE(s.ok()) << s.status();
    idle_weak = s->shared();
  }
  ASSERT_FALSE(idle_weak.expired());

  // Keep two sessions busy for 2.5 s (well past the 1 s TTL).
  const auto start = std::chrono::steady_clock::now();
  while (std::chrono::steady_clock::now() - start <
         std::chrono::milliseconds(2500)) {
    ASSERT_TRUE(SmallExecute(stub.get(), busy_exec.resp.id()).ok());
    ASSERT_TRUE(
        Fetch(stub.get(), busy_fetch.resp.id(), TRefName("big")).status.ok());
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }

  auto gone = GetSession(stub.get(), idle.resp.id());
  EXPECT_EQ(gone.status.error_code(), grpc::StatusCode::NOT_FOUND);
  const std::string fake = FakeIdLike(idle.resp.id());
  auto never = GetSession(stub.get(), fake);
  EXPECT_EQ(
      absl::StrReplaceAll(gone.status.error_message(),
                          {{idle.resp.id(), "<id>"}}),
      absl::StrReplaceAll(never.status.error_message(), {{fake, "<id>"}}));
  EXPECT_EQ(SmallExecute(stub.get(), idle.resp.id()).error_code(),
            grpc::StatusCode::NOT_FOUND);
  EXPECT_TRUE(GetSession(stub.get(), busy_exec.resp.id()).status.ok());
  EXPECT_TRUE(GetSession(stub.get(), busy_fetch.resp.id()).status.ok());
  EXPECT_TRUE(GetSession(stub.get(), control.resp.id()).status.ok());
  EXPECT_EQ(server->server()->sessions()->size(), 3);
  EXPECT_EQ(ListSessionIds(stub.get()).count(idle.resp.id()), 0u);
  // Nothing holds on to the expired session's memory.
  EXPECT_TRUE(idle_weak.expired());

  // An expired session does not come back after a restart either.
  server->Shutdown();
  EXPECT_EQ(CountSnapshotFiles(snapshots.path()), 3);
  server.reset();
  server = std::make_unique<TestServer>(config);
  ASSERT_NE(server->server(), nullptr);
  stub = server->Stub();
  EXPECT_EQ(GetSession(stub.get(), idle.resp.id()).status.error_code(),
            grpc::StatusCode::NOT_FOUND);
  EXPECT_TRUE(GetSession(stub.get(), busy_exec.resp.id()).status.ok());
  EXPECT_TRUE(GetSession(stub.get(), control.resp.id()).status.ok());
}

// --------------------------------------------------------------- quotas

class QuotaTest : public ::testing::Test {
 protected:
  static constexpr int64_t kMiB = 1 << 20;

  void SetUp() override {
    ASSERT_NE(server_.server(), nullptr);
    v1::SessionOptions o;
    o.set_memory_limit_bytes(kMiB);
    auto created = CreateSession(stub_.get(), "", o);
    ASSERT_TRUE(created.status.ok()) << created.status.error_message();
    EXPECT_EQ(created.resp.options().memory_limit_bytes(), kMiB);
    id_ = created.resp.id();
    ASSERT_TRUE(CreateTensor(stub_.get(), id_, F32({1, 2, 3, 4}, {4}), "a")
                    .status.ok());
  }

  // tensor_count, name_count and bytes, for "nothing changed" checks.
  std::tuple<int64_t, int64_t, int64_t> Counts() {
    auto s = GetSession(stub_.get(), id_);
    EXPECT_TRUE(s.status.ok()) << s.status.error_message();
    return {s.resp.tensor_count(), s.resp.name_count(), s.resp.bytes()};
  }
  bool NameExists(const std::string& name) {
    auto f = Fetch(stub_.get(), id_, TRefName(name));
    EXPECT_TRUE(f.status.ok() ||
                f.status.error_code() == grpc::StatusCode::NOT_FOUND)
        << f.status.error_message();
    return f.status.ok();
  }

  TestServer server_;
  std::unique_ptr<v1::TensorService::Stub> stub_ = server_.Stub();
  std::string id_;
};

TEST_F(QuotaTest, OversizedTensorIsRejectedAndChangesNothing) {
  const auto before = Counts();
  EXPECT_EQ(std::get<2>(before), 16);

  auto r = CreateTensor(stub_.get(), id_, F32Of(2 * kMiB / 4), "big");
  EXPECT_EQ(r.status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED)
      << r.status.error_message();
  EXPECT_EQ(Counts(), before);
  EXPECT_FALSE(NameExists("big"));

  // The streaming upload path enforces the same quota.
  {
    auto ctx = Ctx(id_);
    v1::TensorInfo info;
    auto writer = stub_->UploadTensor(ctx.get(), &info);
    v1::UploadTensorRequest header;
    header.set_session_id(id_);
    header.set_dtype(v1::DTYPE_FLOAT32);
    header.add_shape(2 * kMiB / 4);
    header.set_name("big_upload");
    writer->Write(header);
    v1::UploadTensorRequest chunk;
    chunk.set_chunk(std::string(kMiB, '\0'));
    if (writer->Write(chunk)) writer->Write(chunk);
    writer->WritesDone();
    grpc::Status st = writer->Finish();
    EXPECT_EQ(st.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED)
        << st.error_message();
  }
  EXPECT_EQ(Counts(), before);
  EXPECT_FALSE(NameExists("big_upload"));

  // The quota is cumulative: 600 KB fits once, not twice.
  ASSERT_TRUE(CreateTensor(stub_.get(), id_, F32Of(150000), "w1").status.ok());
  const auto with_w1 = Counts();
  EXPECT_EQ(std::get<2>(with_w1), 16 + 600000);
  r = CreateTensor(stub_.get(), id_, F32Of(150000), "w2");
  EXPECT_EQ(r.status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED)
      << r.status.error_message();
  EXPECT_EQ(Counts(), with_w1);
  EXPECT_FALSE(NameExists("w2"));

  // Small work still succeeds.
  EXPECT_TRUE(
      CreateTensor(stub_.get(), id_, F32({5}, {1}), "small").status.ok());
  EXPECT_TRUE(SmallExecute(stub_.get(), id_).ok());
}

TEST_F(QuotaTest, UploadOverTheSessionQuotaIsRejectedBeforeItsData) {
  // The header alone declares 2 MiB, twice the session's limit: the upload
  // is refused up front (RESOURCE_EXHAUSTED), without the server allocating
  // a buffer for it or waiting for the bytes.
  const auto before = Counts();
  auto ctx = Ctx(id_);
  v1::TensorInfo info;
  auto writer = stub_->UploadTensor(ctx.get(), &info);
  v1::UploadTensorRequest header;
  header.set_session_id(id_);
  header.set_dtype(v1::DTYPE_FLOAT32);
  header.add_shape(512);
  header.add_shape(1024);
  header.set_name("declared_big");
  writer->Write(header);
  writer->WritesDone();
  grpc::Status st = writer->Finish();
  EXPECT_EQ(st.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED)
      << st.error_code() << " " << st.error_message();
  EXPECT_EQ(Counts(), before);
  EXPECT_FALSE(NameExists("declared_big"));
}

TEST_F(QuotaTest, OversizedExecuteIsRejectedAndBindsNothing) {
  const auto before = Counts();
  auto zeros = [](v1::ExecuteRequest* req) {
    v1::OpNode* n = AddNode(req, "zeros", {});
    SetInts(n, "size", {512, 1024});  // 2 MiB of float32
    return n;
  };
  {
    v1::ExecuteRequest req;
    zeros(&req)->set_keep(true);
    auto r = Execute(stub_.get(), req, id_);
    EXPECT_EQ(r.status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED)
        << r.status.error_message();
    EXPECT_EQ(r.resp.results_size(), 0);
    EXPECT_EQ(Counts(), before);
  }
  {
    v1::ExecuteRequest req;
    zeros(&req)->add_bind("z");
    auto r = Execute(stub_.get(), req, id_);
    EXPECT_EQ(r.status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED)
        << r.status.error_message();
    EXPECT_EQ(Counts(), before);
    EXPECT_FALSE(NameExists("z"));
  }
  {
    // All or nothing: a small binding earlier in the same request is undone,
    // and so is an in-place write to an existing tensor.
    v1::ExecuteRequest req;
    AddNode(&req, "neg", {NameRef("a")})->add_bind("small");
    AddNode(&req, "add_", {NameRef("a"), FloatRef(100)});
    zeros(&req)->add_bind("z");
    auto r = Execute(stub_.get(), req, id_);
    EXPECT_EQ(r.status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED)
        << r.status.error_message();
    EXPECT_EQ(Counts(), before);
    EXPECT_FALSE(NameExists("small"));
    EXPECT_FALSE(NameExists("z"));
    auto a = Fetch(stub_.get(), id_, TRefName("a"));
    ASSERT_TRUE(a.status.ok());
    EXPECT_EQ(AsFloats(a.resp.data()), (std::vector<float>{1, 2, 3, 4}));
  }
  {
    // The limit covers everything the session allocates, temporaries
    // included: a large intermediate is refused even if not kept.
    v1::ExecuteRequest req;
    zeros(&req);
    AddNode(&req, "sum", {NodeRef(0)})->add_bind("total");
    auto r = Execute(stub_.get(), req, id_);
    EXPECT_EQ(r.status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED)
        << r.status.error_message();
    EXPECT_FALSE(NameExists("total"));
  }
  // Small work still succeeds.
  {
    v1::ExecuteRequest req;
    AddNode(&req, "mul", {NameRef("a"), FloatRef(2)})->add_bind("a2");
    auto r = Execute(stub_.get(), req, id_);
    ASSERT_TRUE(r.status.ok()) << r.status.error_message();
    auto a2 = Fetch(stub_.get(), id_, TRefName("a2"));
    ASSERT_TRUE(a2.status.ok());
    EXPECT_EQ(AsFloats(a2.resp.data()), (std::vector<float>{2, 4, 6, 8}));
  }
}

TEST_F(QuotaTest, GradientsCountTowardTheQuota) {
  // 600 KB that requires grad; its 600 KB .grad would exceed 1 MiB.
  ASSERT_TRUE(
      CreateTensor(stub_.get(), id_, F32Of(150000), "w", true).status.ok());
  {
    v1::ExecuteRequest req;
    AddNode(&req, "sum", {NameRef("w")})->add_bind("loss");
    ASSERT_TRUE(Execute(stub_.get(), req, id_).status.ok());
  }
  const auto before = Counts();
  v1::BackwardRequest req;
  req.set_session_id(id_);
  *req.mutable_tensor() = TRefName("loss");
  v1::BackwardResponse resp;
  grpc::Status st = stub_->Backward(Ctx(id_).get(), req, &resp);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED)
      << st.error_message();
  EXPECT_EQ(Counts(), before);
  auto grad = Fetch(stub_.get(), id_, TRefName("w"), /*grad=*/true);
  ASSERT_TRUE(grad.status.ok());
  EXPECT_FALSE(grad.resp.info().defined());
  auto w = Fetch(stub_.get(), id_, TRefName("w"));
  ASSERT_TRUE(w.status.ok());
  EXPECT_FALSE(w.resp.info().has_grad());
  // The Execute op path as well.
  v1::ExecuteRequest ex;
  AddNode(&ex, "backward", {NameRef("loss")});
  auto r = Execute(stub_.get(), ex, id_);
  EXPECT_EQ(r.status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED)
      << r.status.error_message();
  EXPECT_EQ(Counts(), before);
  EXPECT_TRUE(SmallExecute(stub_.get(), id_).ok());
}

TEST(MaxSessionsTest, ThirdSessionIsResourceExhausted) {
  server::ServerConfig config;
  config.sessions.max_sessions = 2;
  config.tokens = {"alpha", "beta"};
  TestServer server(config);
  ASSERT_NE(server.server(), nullptr);
  auto stub = server.Stub();
  auto s1 = CreateSession(stub.get(), "alpha");
  auto s2 = CreateSession(stub.get(), "beta");
  ASSERT_TRUE(s1.status.ok());
  ASSERT_TRUE(s2.status.ok());
  auto s3 = CreateSession(stub.get(), "alpha");
  EXPECT_EQ(s3.status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED)
      << s3.status.error_message();
  EXPECT_EQ(server.server()->sessions()->size(), 2);
  EXPECT_EQ(ListSessionIds(stub.get(), "alpha").size(), 1u);
  // A closed session frees its slot.
  ASSERT_TRUE(CloseSession(stub.get(), s1.resp.id(), "alpha").ok());
  EXPECT_TRUE(CreateSession(stub.get(), "alpha").status.ok());
  EXPECT_EQ(CreateSession(stub.get(), "beta").status.error_code(),
            grpc::StatusCode::RESOURCE_EXHAUSTED);
}

// ------------------------------------------------------------ snapshots

// Everything observable about a tensor (or its .grad) except its version.
struct Observed {
  bool defined = false;
  v1::DType dtype = v1::DTYPE_UNSPECIFIED;
  std::vector<int64_t> shape;
  std::string bytes;
  bool requires_grad = false;
  bool is_leaf = false;
  std::string grad_fn;
  bool has_grad = false;
};

Observed Observe(v1::TensorService::Stub* stub, const std::string& id,
                 const v1::TensorRef& ref, bool grad,
                 const std::string& token) {
  auto f = Fetch(stub, id, ref, grad, token);
  EXPECT_TRUE(f.status.ok()) << f.status.error_message();
  Observed o;
  const v1::TensorInfo& info = f.resp.info();
  o.defined = info.defined();
  o.dtype = info.dtype();
  o.shape.assign(info.shape().begin(), info.shape().end());
  o.requires_grad = info.requires_grad();
  o.is_leaf = info.is_leaf();
  o.grad_fn = info.grad_fn();
  o.has_grad = info.has_grad();
  if (o.defined) {
    EXPECT_EQ(f.resp.data().dtype(), info.dtype());
    EXPECT_EQ(std::vector<int64_t>(f.resp.data().shape().begin(),
                                   f.resp.data().shape().end()),
              o.shape);
    o.bytes = f.resp.data().data();
  }
  return o;
}

TEST(SnapshotTest, SessionsSurviveARestart) {
  const std::string kAlpha = "alpha-9c41e07d";
  const std::string kBeta = "beta-3f6a21b8";
  TempDir snapshots;
  server::ServerConfig config;
  config.tokens = {kAlpha, kBeta};
  config.sessions.snapshot_dir = snapshots.path().string();
  auto server = std::make_unique<TestServer>(config);
  ASSERT_NE(server->server(), nullptr);
  auto stub = server->Stub();

  v1::SessionOptions options;
  options.set_idle_ttl_seconds(600);
  options.set_memory_limit_bytes(64 << 20);
  options.set_seed(7);
  options.set_has_seed(true);
  auto created = CreateSession(stub.get(), kAlpha, options);
  ASSERT_TRUE(created.status.ok()) << created.status.error_message();
  const std::string id = created.resp.id();

  // w: float32 leaf with a .grad; loss: a non-leaf that requires grad;
  // i: int64; b: bool; d: a 0-dim float64 kept only by handle.
  auto w_created = CreateTensor(stub.get(), id, F32({1.5f, -2.0f, 3.25f}, {3}),
                                "w", true, kAlpha);
  ASSERT_TRUE(w_created.status.ok());
  const std::string w_handle = w_created.resp.handle();
  ASSERT_FALSE(w_handle.empty());
  {
    v1::ExecuteRequest req;
    AddNode(&req, "mul", {NameRef("w"), NameRef("w")});
    AddNode(&req, "sum", {NodeRef(0)})->add_bind("loss");
    ASSERT_TRUE(Execute(stub.get(), req, id, kAlpha).status.ok());
    v1::BackwardRequest bw;
    bw.set_session_id(id);
    *bw.mutable_tensor() = TRefName("loss");
    bw.set_retain_graph(true);
    v1::BackwardResponse resp;
    ASSERT_TRUE(stub->Backward(Ctx(id, kAlpha).get(), bw, &resp).ok());
  }
  ASSERT_TRUE(CreateTensor(stub.get(), id,
                           I64({3, -7, int64_t{1} << 40, -1}, {2, 2}), "i",
                           false, kAlpha)
                  .status.ok());
  ASSERT_TRUE(CreateTensor(stub.get(), id,
                           Bool({true, false, true, true, false}, {5}), "b",
                           false, kAlpha)
                  .status.ok());
  v1::TensorData d;
  d.set_dtype(v1::DTYPE_FLOAT64);
  const double pi = 3.141592653589793;
  d.set_data(std::string(reinterpret_cast<const char*>(&pi), sizeof(pi)));
  auto d_info = CreateTensor(stub.get(), id, d, "", false, kAlpha);
  ASSERT_TRUE(d_info.status.ok());
  const std::string d_handle = d_info.resp.handle();
  ASSERT_FALSE(d_handle.empty());
  // Advance the session's generator by one draw.
  {
    v1::ExecuteRequest req;
    SetInts(AddNode(&req, "rand", {}), "size", {4});
    ASSERT_TRUE(Execute(stub.get(), req, id, kAlpha).status.ok());
  }

  const std::vector<std::string> names = {"w", "loss", "i", "b"};
  std::map<std::string, std::pair<Observed, Observed>> saved;
  for (const auto& n : names) {
    saved[n] = {Observe(stub.get(), id, TRefName(n), false, kAlpha),
                Observe(stub.get(), id, TRefName(n), true, kAlpha)};
  }
  const Observed d_saved =
      Observe(stub.get(), id, TRefHandle(d_handle), false, kAlpha);
  // Sanity: the state is what the test means it to be.
  ASSERT_TRUE(saved["w"].first.has_grad);
  ASSERT_TRUE(saved["w"].second.defined);
  ASSERT_EQ(saved["loss"].first.grad_fn, "SumBackward0");
  ASSERT_FALSE(saved["loss"].first.is_leaf);
  ASSERT_EQ(saved["i"].first.dtype, v1::DTYPE_INT64);
  ASSERT_EQ(saved["b"].first.dtype, v1::DTYPE_BOOL);
  auto info_before = GetSession(stub.get(), id, kAlpha);
  ASSERT_TRUE(info_before.status.ok());

  // A second session, snapshotted and then closed: it must stay closed.
  auto closed = CreateSession(stub.get(), kAlpha);
  ASSERT_TRUE(closed.status.ok());
  ASSERT_TRUE(server->server()->Snapshot().ok());
  EXPECT_EQ(CountSnapshotFiles(snapshots.path()), 2);
  ASSERT_TRUE(CloseSession(stub.get(), closed.resp.id(), kAlpha).ok());

  // Stop as SIGTERM would, and start a new server on the same directory.
  server->Shutdown();
  EXPECT_EQ(CountSnapshotFiles(snapshots.path()), 1);
  // The owner is stored as a fingerprint, never as the token.
  for (const auto& e : fs::directory_iterator(snapshots.path())) {
    const std::string bytes = ReadFileOrDie(e.path());
    EXPECT_THAT(bytes, Not(HasSubstr(kAlpha))) << e.path();
  }
  server.reset();
  server = std::make_unique<TestServer>(config);
  ASSERT_NE(server->server(), nullptr);
  stub = server->Stub();

  EXPECT_EQ(server->server()->sessions()->size(), 1);
  EXPECT_EQ(
      GetSession(stub.get(), closed.resp.id(), kAlpha).status.error_code(),
      grpc::StatusCode::NOT_FOUND);
  // Same id, same owner.
  auto info_after = GetSession(stub.get(), id, kAlpha);
  ASSERT_TRUE(info_after.status.ok()) << info_after.status.error_message();
  EXPECT_EQ(GetSession(stub.get(), id, kBeta).status.error_code(),
            grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(ListSessionIds(stub.get(), kAlpha), std::set<std::string>{id});
  EXPECT_TRUE(ListSessionIds(stub.get(), kBeta).empty());
  EXPECT_EQ(info_after.resp.options().SerializeAsString(),
            info_before.resp.options().SerializeAsString());
  EXPECT_EQ(info_after.resp.tensor_count(), info_before.resp.tensor_count());
  EXPECT_EQ(info_after.resp.name_count(), info_before.resp.name_count());
  EXPECT_EQ(info_after.resp.bytes(), info_before.resp.bytes());

  for (const auto& n : names) {
    SCOPED_TRACE(n);
    const Observed value = Observe(stub.get(), id, TRefName(n), false, kAlpha);
    const Observed grad = Observe(stub.get(), id, TRefName(n), true, kAlpha);
    const Observed& v0 = saved[n].first;
    const Observed& g0 = saved[n].second;
    EXPECT_TRUE(value.defined);
    EXPECT_EQ(value.dtype, v0.dtype);
    EXPECT_EQ(value.shape, v0.shape);
    EXPECT_EQ(value.bytes, v0.bytes);
    EXPECT_EQ(value.requires_grad, v0.requires_grad);
    EXPECT_EQ(value.has_grad, v0.has_grad);
    // Graphs do not survive, but what was not a leaf keeps its grad_fn's
    // name (a stand-in whose backward says the graph is gone).
    EXPECT_EQ(value.is_leaf, v0.is_leaf);
    EXPECT_EQ(value.grad_fn, v0.grad_fn);
    EXPECT_EQ(grad.defined, g0.defined);
    EXPECT_EQ(grad.dtype, g0.dtype);
    EXPECT_EQ(grad.shape, g0.shape);
    EXPECT_EQ(grad.bytes, g0.bytes);
  }
  const Observed d_after =
      Observe(stub.get(), id, TRefHandle(d_handle), false, kAlpha);
  EXPECT_EQ(d_after.dtype, v1::DTYPE_FLOAT64);
  EXPECT_EQ(d_after.shape, d_saved.shape);
  EXPECT_TRUE(d_after.shape.empty());
  EXPECT_EQ(d_after.bytes, d_saved.bytes);

  // The generator continues where it was: this draw is the second draw of a
  // fresh session with the same seed.
  {
    v1::ExecuteRequest req;
    SetInts(AddNode(&req, "rand", {}), "size", {4});
    req.mutable_nodes(0)->set_return_value(true);
    auto restored = Execute(stub.get(), req, id, kAlpha);
    ASSERT_TRUE(restored.status.ok()) << restored.status.error_message();
    auto fresh = CreateSession(stub.get(), kBeta, options);
    ASSERT_TRUE(fresh.status.ok());
    v1::ExecuteRequest two;
    SetInts(AddNode(&two, "rand", {}), "size", {4});
    SetInts(AddNode(&two, "rand", {}), "size", {4});
    two.mutable_nodes(1)->set_return_value(true);
    auto reference = Execute(stub.get(), two, fresh.resp.id(), kBeta);
    ASSERT_TRUE(reference.status.ok()) << reference.status.error_message();
    EXPECT_EQ(restored.resp.results(0).values(0).data(),
              reference.resp.results(1).values(0).data());
  }

  // New handles do not collide with restored ones.
  auto fresh_tensor =
      CreateTensor(stub.get(), id, F32({9}, {1}), "", false, kAlpha);
  ASSERT_TRUE(fresh_tensor.status.ok());
  EXPECT_NE(fresh_tensor.resp.handle(), d_handle);
  EXPECT_NE(fresh_tensor.resp.handle(), w_handle);
  EXPECT_EQ(Observe(stub.get(), id, TRefHandle(d_handle), false, kAlpha).bytes,
            d_saved.bytes);

  // The restored leaf takes part in autograd: grads accumulate onto the
  // restored .grad (2w + 3).
  {
    v1::ExecuteRequest req;
    AddNode(&req, "mul", {NameRef("w"), FloatRef(3)});
    AddNode(&req, "sum", {NodeRef(0)});
    AddNode(&req, "backward", {NodeRef(1)});
    auto r = Execute(stub.get(), req, id, kAlpha);
    ASSERT_TRUE(r.status.ok()) << r.status.error_message();
    auto g = Fetch(stub.get(), id, TRefName("w"), true, kAlpha);
    ASSERT_TRUE(g.status.ok());
    EXPECT_EQ(AsFloats(g.resp.data()), (std::vector<float>{6, -1, 9.5f}));
  }

  // w's handle and name still refer to one tensor: an in-place write through
  // the handle shows through the name.
  {
    v1::ExecuteRequest req;
    req.set_no_grad(true);
    AddNode(&req, "add_", {HandleRef(w_handle), FloatRef(1)});
    auto r = Execute(stub.get(), req, id, kAlpha);
    ASSERT_TRUE(r.status.ok()) << r.status.error_message();
    auto w = Fetch(stub.get(), id, TRefName("w"), false, kAlpha);
    ASSERT_TRUE(w.status.ok());
    EXPECT_EQ(AsFloats(w.resp.data()), (std::vector<float>{2.5f, -1, 4.25f}));
  }
}

TEST(SnapshotTest, SessionMetadataSurvivesARestart) {
  TempDir snapshots;
  server::ServerConfig config;
  config.sessions.snapshot_dir = snapshots.path().string();
  auto server = std::make_unique<TestServer>(config);
  ASSERT_NE(server->server(), nullptr);
  auto stub = server->Stub();
  auto created = CreateSession(stub.get(), "");
  ASSERT_TRUE(created.status.ok());
  const std::string id = created.resp.id();
  // Make the creation time clearly older than the restart.
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  server->Shutdown();
  server.reset();
  server = std::make_unique<TestServer>(config);
  ASSERT_NE(server->server(), nullptr);
  stub = server->Stub();
  auto restored = GetSession(stub.get(), id);
  ASSERT_TRUE(restored.status.ok()) << restored.status.error_message();
  EXPECT_EQ(restored.resp.created_unix_ms(), created.resp.created_unix_ms())
      << "created_unix_ms (\"Unix time of creation\") was reset by the restart";
  EXPECT_EQ(restored.resp.options().SerializeAsString(),
            created.resp.options().SerializeAsString());
}

TEST(SnapshotTest, SnapshotsAreWrittenPeriodically) {
  TempDir snapshots;
  server::ServerConfig config;
  config.sessions.snapshot_dir = snapshots.path().string();
  config.snapshot_interval = absl::Milliseconds(200);
  config.expiry_interval = absl::Milliseconds(50);
  TestServer server(config);
  ASSERT_NE(server.server(), nullptr);
  auto stub = server.Stub();
  auto created = CreateSession(stub.get(), "");
  ASSERT_TRUE(created.status.ok());
  // Files are REPLICA_ID.SESSION_ID.session.
  const fs::path file = snapshots.path() / (config.sessions.replica_id + "." +
                                            created.resp.id() + ".session");
  const auto start = std::chrono::steady_clock::now();
  while (!fs::exists(file) &&
         std::chrono::steady_clock::now() - start < std::chrono::seconds(3)) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_TRUE(fs::exists(file)) << "no periodic snapshot within 3 s";
  // A closed session's file goes away with the next periodic snapshot.
  ASSERT_TRUE(CloseSession(stub.get(), created.resp.id()).ok());
  while (fs::exists(file) &&
         std::chrono::steady_clock::now() - start < std::chrono::seconds(6)) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_FALSE(fs::exists(file));
}

// Replicas behind a balancer may share one snapshot directory: each writes,
// removes and restores only its own sessions' files.
TEST(SnapshotTest, ReplicasShareADirectory) {
  TempDir snapshots;
  server::ServerConfig c0, c1;
  c0.sessions.snapshot_dir = c1.sessions.snapshot_dir =
      snapshots.path().string();
  c0.sessions.replica_id = "r";  // a prefix of the other id, on purpose
  c1.sessions.replica_id = "r.1";
  auto r0 = std::make_unique<TestServer>(c0);
  TestServer r1(c1);
  ASSERT_NE(r0->server(), nullptr);
  ASSERT_NE(r1.server(), nullptr);
  auto stub0 = r0->Stub();
  auto stub1 = r1.Stub();
  auto s0 = CreateSession(stub0.get(), "");
  auto s1 = CreateSession(stub1.get(), "");
  auto gone = CreateSession(stub1.get(), "");
  ASSERT_TRUE(s0.status.ok() && s1.status.ok() && gone.status.ok());
  ASSERT_TRUE(CreateTensor(stub0.get(), s0.resp.id(), F32({1, 2}, {2}), "a")
                  .status.ok());
  ASSERT_TRUE(
      CreateTensor(stub1.get(), s1.resp.id(), F32({3}, {1}), "a").status.ok());
  ASSERT_TRUE(r1.server()->Snapshot().ok());
  ASSERT_TRUE(r0->server()->Snapshot().ok());  // must not delete r.1's files
  EXPECT_EQ(CountSnapshotFiles(snapshots.path()), 3);
  EXPECT_TRUE(
      fs::exists(snapshots.path() / ("r.1." + s1.resp.id() + ".session")));
  ASSERT_TRUE(CloseSession(stub1.get(), gone.resp.id()).ok());
  ASSERT_TRUE(r1.server()->Snapshot().ok());
  EXPECT_EQ(CountSnapshotFiles(snapshots.path()), 2);

  // r restarts on the shared directory: its session only, with its value.
  r0.reset();
  r0 = std::make_unique<TestServer>(c0);
  ASSERT_NE(r0->server(), nullptr);
  stub0 = r0->Stub();
  EXPECT_EQ(r0->server()->sessions()->size(), 1);
  auto a = Fetch(stub0.get(), s0.resp.id(), TRefName("a"));
  ASSERT_TRUE(a.status.ok()) << a.status.error_message();
  EXPECT_EQ(a.resp.data().data(), F32({1, 2}, {2}).data());
  EXPECT_EQ(GetSession(stub0.get(), s1.resp.id(), "").status.error_code(),
            grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(CountSnapshotFiles(snapshots.path()), 2);
}

TEST(SnapshotTest, UnusableDirectoryAtStartIsAConfigurationError) {
  TempDir dir;
  const fs::path file = dir.path() / "regular_file";
  WriteFile(file, "not a directory\n");
  for (const fs::path& bad : {file, file / "snapshots"}) {
    server::ServerConfig config;
    config.listen = "127.0.0.1:0";
    config.sessions.snapshot_dir = bad.string();
    auto started = server::TensordServer::Start(config);
    EXPECT_EQ(started.status().code(), absl::StatusCode::kInvalidArgument)
        << bad;
    EXPECT_THAT(std::string(started.status().message()),
                ::testing::HasSubstr("--snapshot_dir"));
  }
}

TEST(SnapshotTest, UnwritableDirectoryIsAnErrorButTheServerKeepsServing) {
  TempDir dir;
  const fs::path file = dir.path() / "regular_file";
  server::ServerConfig config;
  config.sessions.snapshot_dir = file.string();
  TestServer server(config);
  ASSERT_NE(server.server(), nullptr);
  // The directory becomes unusable while the server runs.
  fs::remove_all(file);
  WriteFile(file, "not a directory\n");
  auto stub = server.Stub();
  auto created = CreateSession(stub.get(), "");
  ASSERT_TRUE(created.status.ok());
  ASSERT_TRUE(CreateTensor(stub.get(), created.resp.id(), F32({1}, {1}), "x")
                  .status.ok());
  auto channel = InsecureChannel(server);
  EXPECT_EQ(CheckHealth(channel, "tensord.snapshots").serving, kServing);

  const absl::Status st = server.server()->Snapshot();
  EXPECT_FALSE(st.ok());
  // The failure shows in the health of the snapshot writer only.
  EXPECT_EQ(CheckHealth(channel, "tensord.snapshots").serving, kNotServing);
  EXPECT_EQ(CheckHealth(channel, "").serving, kServing);

  EXPECT_TRUE(SmallExecute(stub.get(), created.resp.id()).ok());
  EXPECT_TRUE(GetSession(stub.get(), created.resp.id()).status.ok());
  EXPECT_TRUE(CreateSession(stub.get(), "").status.ok());
  EXPECT_TRUE(fs::is_regular_file(file));
}

}  // namespace
}  // namespace tensord::testing
