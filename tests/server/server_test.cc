// server_test.cc — tensord's TensorService over a real gRPC channel to an
// in-process server (TestServer on an ephemeral loopback port).
//
// Covers:
//  * every RPC at least once (sessions, tensors, streaming upload/download,
//    requires_grad, detach, zero_grad, backward, Execute, ListOps,
//    DescribeGraph) and the `x-tensord-replica` initial metadata header;
//  * CreateSession adopting the id the client proposes in its header;
//  * the seed walkthrough's autograd part, op by op through Execute;
//  * a table of bad requests: each must fail with its gRPC code and leave
//    the session exactly as it was (counts, bytes, values, grads, versions,
//    graphs, names and handles);
//  * Execute's all-or-nothing rule: in-place writes, accumulated grads,
//    freed graphs, new names and handles and the random generator are all
//    rolled back when a later node fails (checked against a twin session);
//  * the per-request node limit (max_execute_nodes);
//  * ops asked to build enormous tensors must be refused, not crash the
//    server (run in a death-test child so a crash cannot take the suite);
//  * a 256 MB float32 tensor through UploadTensor/DownloadTensor;
//  * 16 concurrent sessions on 16 threads, each running 50 autograd steps.
#include <grpcpp/grpcpp.h>

#include <atomic>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "google/rpc/status.pb.h"
#include "gtest/gtest.h"
#include "server/session_manager.h"
#include "tests/server/test_util.h"

namespace tensord::server_test {
namespace {

using tensord::testing::AsFloats;
using tensord::testing::Ctx;
using tensord::testing::F32;
using tensord::testing::TestServer;
using ::testing::HasSubstr;
using Stub = v1::TensorService::Stub;
using Code = grpc::StatusCode;

constexpr char kReplica[] = "replica-under-test";

// ------------------------------------------------------------- helpers

std::string CodeName(Code c) {
  return absl::StatusCodeToString(static_cast<absl::StatusCode>(c));
}

std::string Describe(const grpc::Status& s) {
  return absl::StrCat(CodeName(s.error_code()), ": ", s.error_message());
}

#define ASSERT_RPC_OK(expr)                                                    \
  do {                                                                         \
    const grpc::Status rpc_status_ = (expr);                                   \
    ASSERT_TRUE(rpc_status_.ok()) << #expr << " -> " << Describe(rpc_status_); \
  } while (0)

#define EXPECT_RPC_OK(expr)                                                    \
  do {                                                                         \
    const grpc::Status rpc_status_ = (expr);                                   \
    EXPECT_TRUE(rpc_status_.ok()) << #expr << " -> " << Describe(rpc_status_); \
  } while (0)

#define EXPECT_RPC_CODE(expr, code)                               \
  do {                                                            \
    const grpc::Status rpc_status_ = (expr);                      \
    EXPECT_EQ(CodeName(rpc_status_.error_code()), CodeName(code)) \
        << #expr << " -> " << rpc_status_.error_message();        \
  } while (0)

v1::TensorData I64(const std::vector<int64_t>& values,
                   const std::vector<int64_t>& shape) {
  v1::TensorData d;
  d.set_dtype(v1::DTYPE_INT64);
  for (int64_t s : shape) d.add_shape(s);
  d.set_data(std::string(reinterpret_cast<const char*>(values.data()),
                         values.size() * sizeof(int64_t)));
  return d;
}

// Tensor data with a raw dtype/shape/byte count (for malformed requests).
v1::TensorData Raw(int dtype, const std::vector<int64_t>& shape,
                   size_t nbytes) {
  v1::TensorData d;
  d.set_dtype(static_cast<v1::DType>(dtype));
  for (int64_t s : shape) d.add_shape(s);
  d.set_data(std::string(nbytes, '\0'));
  return d;
}

std::vector<uint8_t> AsBytes(const v1::TensorData& d) {
  return std::vector<uint8_t>(d.data().begin(), d.data().end());
}

v1::TensorRef RefName(const std::string& n) { return testing::TRefName(n); }
v1::TensorRef RefHandle(const std::string& h) { return testing::TRefHandle(h); }

// Execute inputs.
v1::ValueRef N(const std::string& name) { return testing::NameRef(name); }
v1::ValueRef H(const std::string& handle) { return testing::HandleRef(handle); }
v1::ValueRef Out(int node, int output = 0) {
  return testing::NodeRef(node, output);
}
v1::ValueRef Lit(const v1::TensorData& d) { return testing::LiteralRef(d); }
v1::ValueRef SF(double f) { return testing::FloatRef(f); }
v1::ValueRef SI(int64_t i) {
  v1::ValueRef v;
  v.mutable_scalar()->set_i(i);
  return v;
}

// Attributes.
v1::AttrValue AInt(int64_t i) {
  v1::AttrValue a;
  a.set_i(i);
  return a;
}
v1::AttrValue AInts(const std::vector<int64_t>& l) {
  v1::AttrValue a;
  for (int64_t i : l) a.mutable_ints()->add_values(i);
  return a;
}
v1::AttrValue AF(double f) {
  v1::AttrValue a;
  a.set_f(f);
  return a;
}
v1::AttrValue ABool(bool b) {
  v1::AttrValue a;
  a.set_b(b);
  return a;
}
v1::AttrValue AStr(const std::string& s) {
  v1::AttrValue a;
  a.set_s(s);
  return a;
}
v1::AttrValue ADType(int dtype) {
  v1::AttrValue a;
  a.set_dtype(static_cast<v1::DType>(dtype));
  return a;
}

v1::OpNode Op(const std::string& op, std::vector<v1::ValueRef> inputs = {},
              std::map<std::string, v1::AttrValue> attrs = {}) {
  v1::OpNode n;
  n.set_op(op);
  for (auto& i : inputs) *n.add_inputs() = std::move(i);
  for (auto& [k, v] : attrs) (*n.mutable_attrs())[k] = v;
  return n;
}
v1::OpNode Bind(v1::OpNode n, const std::vector<std::string>& names) {
  for (const auto& s : names) n.add_bind(s);
  return n;
}
v1::OpNode Ret(v1::OpNode n) {
  n.set_return_value(true);
  return n;
}
v1::OpNode Keep(v1::OpNode n) {
  n.set_keep(true);
  return n;
}

// ---- RPC wrappers (each on a fresh context carrying the session header).

grpc::Status NewSession(Stub* stub, std::string* id,
                        const v1::SessionOptions& options = {},
                        v1::Session* out = nullptr) {
  v1::CreateSessionRequest req;
  *req.mutable_options() = options;
  v1::Session s;
  grpc::Status st = stub->CreateSession(Ctx().get(), req, &s);
  *id = s.id();
  if (out) *out = s;
  return st;
}

grpc::Status GetSession(Stub* stub, const std::string& sid, v1::Session* out) {
  v1::GetSessionRequest req;
  req.set_session_id(sid);
  return stub->GetSession(Ctx(sid).get(), req, out);
}

grpc::Status CloseSession(Stub* stub, const std::string& sid) {
  v1::CloseSessionRequest req;
  req.set_session_id(sid);
  v1::CloseSessionResponse resp;
  return stub->CloseSession(Ctx(sid).get(), req, &resp);
}

grpc::Status Create(Stub* stub, const std::string& sid,
                    const v1::TensorData& data, bool requires_grad = false,
                    const std::string& name = "",
                    v1::TensorInfo* out = nullptr) {
  v1::CreateTensorRequest req;
  req.set_session_id(sid);
  *req.mutable_data() = data;
  req.set_requires_grad(requires_grad);
  req.set_name(name);
  v1::TensorInfo info;
  return stub->CreateTensor(Ctx(sid).get(), req, out ? out : &info);
}

grpc::Status Fetch(Stub* stub, const std::string& sid, const v1::TensorRef& ref,
                   bool grad, v1::FetchTensorResponse* out) {
  v1::FetchTensorRequest req;
  req.set_session_id(sid);
  *req.mutable_tensor() = ref;
  req.set_grad(grad);
  return stub->FetchTensor(Ctx(sid).get(), req, out);
}

grpc::Status Exec(Stub* stub, const std::string& sid,
                  const std::vector<v1::OpNode>& nodes,
                  v1::ExecuteResponse* out = nullptr, bool no_grad = false) {
  v1::ExecuteRequest req;
  req.set_session_id(sid);
  for (const auto& n : nodes) *req.add_nodes() = n;
  req.set_no_grad(no_grad);
  v1::ExecuteResponse resp;
  return stub->Execute(Ctx(sid).get(), req, out ? out : &resp);
}

grpc::Status Backward(Stub* stub, const std::string& sid,
                      const v1::TensorRef& tensor,
                      const v1::TensorRef* gradient = nullptr,
                      bool retain_graph = false) {
  v1::BackwardRequest req;
  req.set_session_id(sid);
  *req.mutable_tensor() = tensor;
  if (gradient) *req.mutable_gradient() = *gradient;
  req.set_retain_graph(retain_graph);
  v1::BackwardResponse resp;
  return stub->Backward(Ctx(sid).get(), req, &resp);
}

grpc::Status ZeroGrad(Stub* stub, const std::string& sid,
                      const std::vector<v1::TensorRef>& refs,
                      bool set_to_none) {
  v1::ZeroGradRequest req;
  req.set_session_id(sid);
  for (const auto& r : refs) *req.add_tensors() = r;
  req.set_set_to_none(set_to_none);
  v1::ZeroGradResponse resp;
  return stub->ZeroGrad(Ctx(sid).get(), req, &resp);
}

grpc::Status Release(Stub* stub, const std::string& sid,
                     const std::vector<v1::TensorRef>& refs) {
  v1::ReleaseTensorRequest req;
  req.set_session_id(sid);
  for (const auto& r : refs) *req.add_tensors() = r;
  v1::ReleaseTensorResponse resp;
  return stub->ReleaseTensor(Ctx(sid).get(), req, &resp);
}

grpc::Status SetRequiresGrad(Stub* stub, const std::string& sid,
                             const v1::TensorRef& ref, bool value,
                             v1::TensorInfo* out = nullptr) {
  v1::SetRequiresGradRequest req;
  req.set_session_id(sid);
  *req.mutable_tensor() = ref;
  req.set_requires_grad(value);
  v1::TensorInfo info;
  return stub->SetRequiresGrad(Ctx(sid).get(), req, out ? out : &info);
}

grpc::Status Detach(Stub* stub, const std::string& sid,
                    const v1::TensorRef& ref, const std::string& name,
                    v1::TensorInfo* out = nullptr) {
  v1::DetachRequest req;
  req.set_session_id(sid);
  *req.mutable_tensor() = ref;
  req.set_name(name);
  v1::TensorInfo info;
  return stub->Detach(Ctx(sid).get(), req, out ? out : &info);
}

grpc::Status DescribeGraph(Stub* stub, const std::string& sid,
                           const v1::TensorRef& ref,
                           v1::DescribeGraphResponse* out) {
  v1::DescribeGraphRequest req;
  req.set_session_id(sid);
  *req.mutable_tensor() = ref;
  return stub->DescribeGraph(Ctx(sid).get(), req, out);
}

// Streams `msgs` as one UploadTensor call (no messages: an empty stream).
grpc::Status Upload(Stub* stub, const std::string& sid,
                    const std::vector<v1::UploadTensorRequest>& msgs,
                    v1::TensorInfo* out = nullptr) {
  auto ctx = Ctx(sid);
  v1::TensorInfo info;
  auto writer = stub->UploadTensor(ctx.get(), out ? out : &info);
  for (const auto& m : msgs) {
    if (!writer->Write(m)) break;
  }
  writer->WritesDone();
  return writer->Finish();
}

// An upload header (first message) for a float32 or other tensor.
v1::UploadTensorRequest UploadHeader(const std::string& sid, int dtype,
                                     const std::vector<int64_t>& shape,
                                     const std::string& name = "",
                                     bool requires_grad = false) {
  v1::UploadTensorRequest h;
  h.set_session_id(sid);
  h.set_dtype(static_cast<v1::DType>(dtype));
  for (int64_t s : shape) h.add_shape(s);
  h.set_name(name);
  h.set_requires_grad(requires_grad);
  return h;
}

v1::UploadTensorRequest ChunkMsg(std::string bytes) {
  v1::UploadTensorRequest m;
  m.set_chunk(std::move(bytes));
  return m;
}

grpc::Status Download(Stub* stub, const std::string& sid,
                      const v1::TensorRef& ref, bool grad, int64_t chunk_bytes,
                      std::vector<v1::TensorChunk>* out) {
  v1::FetchTensorRequest req;
  req.set_session_id(sid);
  *req.mutable_tensor() = ref;
  req.set_grad(grad);
  req.set_chunk_bytes(chunk_bytes);
  auto ctx = Ctx(sid);
  auto reader = stub->DownloadTensor(ctx.get(), req);
  v1::TensorChunk c;
  while (reader->Read(&c)) out->push_back(c);
  return reader->Finish();
}

// The float values of a tensor (or its grad) by name; fails the test on
// error.
std::vector<float> Floats(Stub* stub, const std::string& sid,
                          const std::string& name, bool grad = false) {
  v1::FetchTensorResponse r;
  grpc::Status s = Fetch(stub, sid, RefName(name), grad, &r);
  EXPECT_TRUE(s.ok()) << "fetch " << name << (grad ? ".grad" : "") << ": "
                      << Describe(s);
  EXPECT_EQ(r.data().dtype(), v1::DTYPE_FLOAT32) << name;
  return AsFloats(r.data());
}

using F = std::vector<float>;

// ------------------------------------------------------- session state

// Everything a client can observe of a session, as comparable strings:
// GetSession counts and bytes, and for each probed name and handle its
// value, its grad (with info: version, grad_fn, flags) and its graph (saved
// versions, released flags). Probing an absent name or handle records the
// error, so "a new name must not exist" is part of the state.
using SessionState = std::map<std::string, std::string>;

SessionState CaptureState(Stub* stub, const std::string& sid,
                          const std::vector<std::string>& names,
                          int max_handle) {
  SessionState st;
  v1::Session s;
  grpc::Status gs = GetSession(stub, sid, &s);
  st["session"] =
      gs.ok() ? absl::StrCat("tensors=", s.tensor_count(),
                             " names=", s.name_count(), " bytes=", s.bytes())
              : Describe(gs);
  std::vector<std::pair<std::string, v1::TensorRef>> refs;
  for (const auto& n : names) refs.emplace_back("name " + n, RefName(n));
  for (int i = 1; i <= max_handle; ++i) {
    const std::string h = absl::StrCat("t", i);
    refs.emplace_back("handle " + h, RefHandle(h));
  }
  for (const auto& [key, ref] : refs) {
    for (bool grad : {false, true}) {
      v1::FetchTensorResponse r;
      grpc::Status fs = Fetch(stub, sid, ref, grad, &r);
      st[key + (grad ? " .grad" : " value")] =
          fs.ok() ? r.ShortDebugString() : CodeName(fs.error_code());
    }
    v1::DescribeGraphResponse g;
    grpc::Status ds = DescribeGraph(stub, sid, ref, &g);
    st[key + " graph"] =
        ds.ok() ? g.ShortDebugString() : CodeName(ds.error_code());
  }
  return st;
}

void ExpectSameState(const SessionState& expected, const SessionState& actual,
                     const std::string& what) {
  EXPECT_EQ(expected.size(), actual.size()) << what;
  for (const auto& [k, v] : expected) {
    auto it = actual.find(k);
    if (it == actual.end()) {
      ADD_FAILURE() << what << ": missing state entry " << k;
      continue;
    }
    EXPECT_EQ(v, it->second) << what << ": state entry '" << k << "' changed";
  }
}

// ===================================================== every RPC once

class RpcTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    tensord::server::ServerConfig config;
    config.sessions.replica_id = kReplica;
    server_ = new TestServer(config);
  }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }
  void SetUp() override {
    stub_ = server_->Stub();
    ASSERT_RPC_OK(NewSession(stub_.get(), &sid_));
  }
  void TearDown() override { (void)CloseSession(stub_.get(), sid_); }

  Stub* stub() { return stub_.get(); }

  static TestServer* server_;
  std::unique_ptr<Stub> stub_;
  std::string sid_;
};
TestServer* RpcTest::server_ = nullptr;

// A request of many statements holds no more temporaries at once than the
// statements would one by one: each node's outputs go once the last node
// that reads them has run (clients batch statements into one Execute).
TEST_F(RpcTest, ExecuteDropsTemporariesAfterTheirLastUse) {
  v1::SessionOptions opts;
  opts.set_memory_limit_bytes(1 << 20);  // 1 MiB
  std::string sid;
  ASSERT_RPC_OK(NewSession(stub(), &sid, opts));
  // 40 steps of x = x * 1.0 on 256 KiB tensors (10 MiB of temporaries in
  // all); then the sum, returned. With every temporary alive this is far
  // over 1 MiB.
  std::vector<v1::OpNode> nodes = {Op("zeros", {}, {{"size", AInts({65536})}})};
  for (int i = 0; i < 40; ++i) {
    nodes.push_back(
        Op("mul", {Out(static_cast<int>(nodes.size()) - 1), SF(1.0)}));
  }
  nodes.push_back(Ret(Op("sum", {Out(static_cast<int>(nodes.size()) - 1)})));
  v1::ExecuteResponse r;
  ASSERT_RPC_OK(Exec(stub(), sid, nodes, &r));
  EXPECT_EQ(r.results_size(), 42);
  // An output read twice, far apart, is still there for its last reader.
  v1::ExecuteResponse r2;
  ASSERT_RPC_OK(Exec(
      stub(), sid,
      {Op("ones", {}, {{"size", AInts({4})}}), Op("mul", {Out(0), SF(2.0)}),
       Op("mul", {Out(1), SF(2.0)}), Ret(Op("add", {Out(0), Out(2)}))},
      &r2));
  ASSERT_EQ(r2.results(3).values_size(), 1);
  const std::string& bytes = r2.results(3).values(0).data();
  ASSERT_EQ(bytes.size(), 16u);
  float first;
  std::memcpy(&first, bytes.data(), sizeof first);
  EXPECT_EQ(first, 5.0f);
}

TEST_F(RpcTest, SessionLifecycle) {
  v1::SessionOptions opts;
  opts.set_idle_ttl_seconds(600);
  opts.set_memory_limit_bytes(1 << 20);
  opts.set_seed(42);
  opts.set_has_seed(true);
  std::string id;
  v1::Session created;
  ASSERT_RPC_OK(NewSession(stub(), &id, opts, &created));
  EXPECT_EQ(id.size(), 32u) << id;  // 128 random bits in hex
  EXPECT_NE(id, sid_);
  EXPECT_EQ(created.replica_id(), kReplica);
  EXPECT_EQ(created.options().idle_ttl_seconds(), 600);
  EXPECT_EQ(created.options().memory_limit_bytes(), 1 << 20);
  EXPECT_EQ(created.tensor_count(), 0);

  ASSERT_RPC_OK(Create(stub(), id, F32({1, 2, 3, 4}, {4}), false, "a"));
  ASSERT_RPC_OK(Create(stub(), id, F32({1, 2}, {2})));
  v1::Session got;
  ASSERT_RPC_OK(GetSession(stub(), id, &got));
  EXPECT_EQ(got.id(), id);
  EXPECT_EQ(got.tensor_count(), 2);
  EXPECT_EQ(got.name_count(), 1);
  EXPECT_EQ(got.bytes(), 24);
  EXPECT_FALSE(got.replica_id().empty());
  EXPECT_EQ(got.replica_id(), kReplica);
  EXPECT_GE(got.last_used_unix_ms(), got.created_unix_ms());
  EXPECT_GT(got.created_unix_ms(), 1600000000000);

  v1::ListSessionsResponse list;
  ASSERT_RPC_OK(
      stub()->ListSessions(Ctx().get(), v1::ListSessionsRequest(), &list));
  int found = 0;
  for (const auto& s : list.sessions()) {
    if (s.id() == id) {
      ++found;
      EXPECT_EQ(s.tensor_count(), 2);
    }
  }
  EXPECT_EQ(found, 1);

  ASSERT_RPC_OK(CloseSession(stub(), id));
  EXPECT_RPC_CODE(GetSession(stub(), id, &got), Code::NOT_FOUND);
  EXPECT_RPC_CODE(CloseSession(stub(), id), Code::NOT_FOUND);
  EXPECT_RPC_CODE(Exec(stub(), id, {Op("neg", {N("a")})}), Code::NOT_FOUND);
  list.Clear();
  ASSERT_RPC_OK(
      stub()->ListSessions(Ctx().get(), v1::ListSessionsRequest(), &list));
  for (const auto& s : list.sessions()) EXPECT_NE(s.id(), id);
}

// A closed session's storage leaves the process: not kept in the core's
// cache of freed blocks (which would otherwise hold up to 1 GiB).
TEST_F(RpcTest, CloseSessionEmptiesTheStorageCache) {
  std::string id;
  ASSERT_RPC_OK(NewSession(stub(), &id));
  const int64_t n = 1 << 18;  // 1 MiB of float32: a cached block size
  ASSERT_RPC_OK(
      Create(stub(), id, F32(std::vector<float>(n, 1.0f), {n}), false, "big"));
  ASSERT_RPC_OK(CloseSession(stub(), id));
  EXPECT_EQ(CachedStorageBytes(), 0);
}

// The same when a call still holds the session as it closes: the memory
// goes when the call lets go of the session (the last reference), not
// before and not never.
TEST(SessionMemoryTest, ASessionClosedDuringACallIsFreedWhenTheCallEnds) {
  tensord::server::SessionManager manager{tensord::server::ServerOptions{}};
  auto created = manager.Create(v1::SessionOptions(), "");
  ASSERT_TRUE(created.ok()) << created.status();
  std::shared_ptr<tensord::server::Session> in_flight = *std::move(created);
  const int64_t n = 1 << 18;  // 1 MiB of float32
  ASSERT_TRUE(
      in_flight
          ->CreateTensor(F32(std::vector<float>(n, 1.0f), {n}), false, "big")
          .ok());
  ASSERT_TRUE(manager.Close(in_flight->id(), "").ok());
  EXPECT_EQ(in_flight->account()->bytes.load(), 4 * n);  // still held
  in_flight.reset();
  EXPECT_EQ(CachedStorageBytes(), 0);
  EXPECT_EQ(LiveStorageBytes(), 0);
}

TEST_F(RpcTest, ReplicaHeaderOnResponses) {
  const std::string key = "x-tensord-replica";
  auto header = [&](grpc::ClientContext* ctx) -> std::string {
    const auto& md = ctx->GetServerInitialMetadata();
    auto it = md.find(key);
    if (it == md.end()) return "<absent>";
    return std::string(it->second.data(), it->second.size());
  };
  {
    auto ctx = Ctx(sid_);
    v1::GetSessionRequest req;
    req.set_session_id(sid_);
    v1::Session s;
    ASSERT_RPC_OK(stub()->GetSession(ctx.get(), req, &s));
    EXPECT_EQ(header(ctx.get()), kReplica) << "GetSession";
  }
  {
    auto ctx = Ctx(sid_);
    v1::ExecuteRequest req;
    req.set_session_id(sid_);
    *req.add_nodes() = Op("zeros", {}, {{"size", AInts({2})}});
    v1::ExecuteResponse resp;
    ASSERT_RPC_OK(stub()->Execute(ctx.get(), req, &resp));
    EXPECT_EQ(header(ctx.get()), kReplica) << "Execute";
  }
  {
    auto ctx = Ctx();
    v1::ListOpsResponse resp;
    ASSERT_RPC_OK(stub()->ListOps(ctx.get(), v1::ListOpsRequest(), &resp));
    EXPECT_EQ(header(ctx.get()), kReplica) << "ListOps";
  }
  {
    ASSERT_RPC_OK(Create(stub(), sid_, F32({1, 2}, {2}), false, "d"));
    auto ctx = Ctx(sid_);
    v1::FetchTensorRequest req;
    req.set_session_id(sid_);
    *req.mutable_tensor() = RefName("d");
    auto reader = stub()->DownloadTensor(ctx.get(), req);
    v1::TensorChunk c;
    while (reader->Read(&c)) {
    }
    ASSERT_RPC_OK(reader->Finish());
    EXPECT_EQ(header(ctx.get()), kReplica) << "DownloadTensor";
  }
}

// Behind a balancer hashing on x-tensord-session, CreateSession must land on
// the replica the id routes to, so the client proposes the id in that header.
// A well-formed unused id is adopted; a malformed or taken one is replaced.
TEST_F(RpcTest, CreateSessionAdoptsProposedId) {
  auto create = [&](const std::string& proposed, std::string* id) {
    auto ctx = Ctx(proposed);
    v1::Session s;
    grpc::Status st =
        stub()->CreateSession(ctx.get(), v1::CreateSessionRequest(), &s);
    *id = s.id();
    return st;
  };
  const std::string proposed = "0123456789abcdef0123456789abcdef";
  std::string id;
  ASSERT_RPC_OK(create(proposed, &id));
  EXPECT_EQ(id, proposed);
  v1::Session got;
  ASSERT_RPC_OK(GetSession(stub(), proposed, &got));

  // Taken by the same owner: a retry of a CreateSession whose reply was
  // lost gets that session back, not a second one.
  v1::TensorInfo info;
  ASSERT_RPC_OK(Create(stub(), proposed, F32({1}, {1}), false, "kept", &info));
  std::string again;
  ASSERT_RPC_OK(create(proposed, &again));
  EXPECT_EQ(again, proposed);
  ASSERT_RPC_OK(GetSession(stub(), proposed, &got));
  EXPECT_EQ(got.name_count(), 1) << "the existing session is untouched";

  const std::vector<std::string> bad_ids = {
      "0123456789ABCDEF0123456789ABCDEF", "0123", "../../etc/passwd",
      "0123456789abcdef0123456789abcdeg", proposed + "0"};
  for (const std::string& bad : bad_ids) {
    std::string fresh;
    ASSERT_RPC_OK(create(bad, &fresh));
    EXPECT_NE(fresh, bad);
    EXPECT_EQ(fresh.size(), 32u) << bad;
    ASSERT_RPC_OK(CloseSession(stub(), fresh));
  }
  ASSERT_RPC_OK(CloseSession(stub(), proposed));
}

TEST_F(RpcTest, CreateFetchRelease) {
  v1::TensorInfo info;
  ASSERT_RPC_OK(
      Create(stub(), sid_, F32({1, 2, 3, 4, 5, 6}, {2, 3}), true, "w", &info));
  EXPECT_TRUE(info.defined());
  EXPECT_FALSE(info.handle().empty());
  EXPECT_EQ(info.dtype(), v1::DTYPE_FLOAT32);
  EXPECT_THAT(info.shape(), ::testing::ElementsAre(2, 3));
  EXPECT_TRUE(info.requires_grad());
  EXPECT_TRUE(info.is_leaf());
  EXPECT_FALSE(info.has_grad());
  const std::string handle = info.handle();

  // By name and by handle: same value.
  v1::FetchTensorResponse by_name, by_handle;
  ASSERT_RPC_OK(Fetch(stub(), sid_, RefName("w"), false, &by_name));
  ASSERT_RPC_OK(Fetch(stub(), sid_, RefHandle(handle), false, &by_handle));
  EXPECT_EQ(AsFloats(by_name.data()), F({1, 2, 3, 4, 5, 6}));
  EXPECT_THAT(by_name.data().shape(), ::testing::ElementsAre(2, 3));
  EXPECT_EQ(by_handle.data().data(), by_name.data().data());
  EXPECT_EQ(by_handle.info().handle(), handle);

  // No grad yet: grad fetch says undefined, with no data.
  v1::FetchTensorResponse g;
  ASSERT_RPC_OK(Fetch(stub(), sid_, RefName("w"), true, &g));
  EXPECT_FALSE(g.info().defined());
  EXPECT_FALSE(g.has_data());

  // After a backward: grad of sum(w * w) is 2w.
  ASSERT_RPC_OK(Exec(stub(), sid_,
                     {Op("mul", {N("w"), N("w")}), Op("sum", {Out(0)}),
                      Op("backward", {Out(1)})}));
  ASSERT_RPC_OK(Fetch(stub(), sid_, RefName("w"), true, &g));
  EXPECT_TRUE(g.info().defined());
  EXPECT_EQ(AsFloats(g.data()), F({2, 4, 6, 8, 10, 12}));
  v1::FetchTensorResponse w;
  ASSERT_RPC_OK(Fetch(stub(), sid_, RefName("w"), false, &w));
  EXPECT_TRUE(w.info().has_grad());

  // Int64 data round-trips byte for byte.
  ASSERT_RPC_OK(Create(stub(), sid_, I64({-1, 1LL << 40}, {2}), false, "i"));
  v1::FetchTensorResponse iv;
  ASSERT_RPC_OK(Fetch(stub(), sid_, RefName("i"), false, &iv));
  EXPECT_EQ(iv.data().dtype(), v1::DTYPE_INT64);
  EXPECT_EQ(iv.data().data(), I64({-1, 1LL << 40}, {2}).data());

  v1::Session s;
  ASSERT_RPC_OK(GetSession(stub(), sid_, &s));
  EXPECT_EQ(s.tensor_count(), 2);
  EXPECT_EQ(s.name_count(), 2);
  EXPECT_EQ(s.bytes(), 24 + 24 + 16);  // w, w.grad, i

  // Releasing the handle keeps the name; releasing the name frees it all.
  ASSERT_RPC_OK(Release(stub(), sid_, {RefHandle(handle)}));
  EXPECT_RPC_CODE(Fetch(stub(), sid_, RefHandle(handle), false, &by_handle),
                  Code::NOT_FOUND);
  EXPECT_EQ(Floats(stub(), sid_, "w"), F({1, 2, 3, 4, 5, 6}));
  ASSERT_RPC_OK(Release(stub(), sid_, {RefName("w"), RefName("i")}));
  EXPECT_RPC_CODE(Fetch(stub(), sid_, RefName("w"), false, &by_name),
                  Code::NOT_FOUND);
  ASSERT_RPC_OK(GetSession(stub(), sid_, &s));
  EXPECT_EQ(s.tensor_count(), 1);  // i's handle
  EXPECT_EQ(s.name_count(), 0);
  EXPECT_EQ(s.bytes(), 16);
}

TEST_F(RpcTest, SetRequiresGrad) {
  ASSERT_RPC_OK(Create(stub(), sid_, F32({1, 2}, {2}), false, "a"));
  v1::TensorInfo info;
  ASSERT_RPC_OK(SetRequiresGrad(stub(), sid_, RefName("a"), true, &info));
  EXPECT_TRUE(info.requires_grad());
  // Now it takes part in autograd.
  ASSERT_RPC_OK(Exec(stub(), sid_,
                     {Op("mul", {N("a"), SF(3)}), Op("sum", {Out(0)}),
                      Op("backward", {Out(1)})}));
  EXPECT_EQ(Floats(stub(), sid_, "a", true), F({3, 3}));
  ASSERT_RPC_OK(SetRequiresGrad(stub(), sid_, RefName("a"), false, &info));
  EXPECT_FALSE(info.requires_grad());
  v1::ExecuteResponse r;
  ASSERT_RPC_OK(Exec(stub(), sid_, {Op("mul", {N("a"), SF(3)})}, &r));
  EXPECT_FALSE(r.results(0).outputs(0).requires_grad());
  EXPECT_TRUE(r.results(0).outputs(0).grad_fn().empty());
}

TEST_F(RpcTest, DetachSharesStorage) {
  ASSERT_RPC_OK(Create(stub(), sid_, F32({1, 2, 3}, {3}), true, "x"));
  v1::FetchTensorResponse before;
  ASSERT_RPC_OK(Fetch(stub(), sid_, RefName("x"), false, &before));
  v1::TensorInfo d;
  ASSERT_RPC_OK(Detach(stub(), sid_, RefName("x"), "xd", &d));
  EXPECT_FALSE(d.handle().empty());
  EXPECT_FALSE(d.requires_grad());
  EXPECT_TRUE(d.is_leaf());
  EXPECT_THAT(d.shape(), ::testing::ElementsAre(3));
  // In place through the detached tensor (allowed: it needs no grad) ...
  ASSERT_RPC_OK(Exec(stub(), sid_, {Op("add_", {N("xd"), SF(10)})}));
  // ... shows in the original, whose version counter is shared.
  v1::FetchTensorResponse after;
  ASSERT_RPC_OK(Fetch(stub(), sid_, RefName("x"), false, &after));
  EXPECT_EQ(AsFloats(after.data()), F({11, 12, 13}));
  EXPECT_EQ(after.info().version(), before.info().version() + 1);
  EXPECT_TRUE(after.info().requires_grad());
  // And through the handle the detach returned.
  ASSERT_RPC_OK(Exec(stub(), sid_, {Op("mul_", {H(d.handle()), SF(2)})}));
  EXPECT_EQ(Floats(stub(), sid_, "x"), F({22, 24, 26}));
}

TEST_F(RpcTest, ZeroGrad) {
  ASSERT_RPC_OK(Create(stub(), sid_, F32({1, 2}, {2}), true, "a"));
  ASSERT_RPC_OK(Create(stub(), sid_, F32({3, 4}, {2}), true, "b"));
  auto step = [&] {
    ASSERT_RPC_OK(Exec(stub(), sid_,
                       {Op("mul", {N("a"), N("b")}), Op("sum", {Out(0)}),
                        Op("backward", {Out(1)})}));
  };
  step();
  EXPECT_EQ(Floats(stub(), sid_, "a", true), F({3, 4}));
  EXPECT_EQ(Floats(stub(), sid_, "b", true), F({1, 2}));
  // Only a: zeros, still defined; b keeps its grad.
  ASSERT_RPC_OK(ZeroGrad(stub(), sid_, {RefName("a")}, false));
  v1::FetchTensorResponse g;
  ASSERT_RPC_OK(Fetch(stub(), sid_, RefName("a"), true, &g));
  EXPECT_TRUE(g.info().defined());
  EXPECT_EQ(AsFloats(g.data()), F({0, 0}));
  EXPECT_EQ(Floats(stub(), sid_, "b", true), F({1, 2}));
  // Accumulates from zero again.
  step();
  EXPECT_EQ(Floats(stub(), sid_, "a", true), F({3, 4}));
  EXPECT_EQ(Floats(stub(), sid_, "b", true), F({2, 4}));
  // set_to_none on every tensor (empty list).
  ASSERT_RPC_OK(ZeroGrad(stub(), sid_, {}, true));
  for (const char* n : {"a", "b"}) {
    ASSERT_RPC_OK(Fetch(stub(), sid_, RefName(n), true, &g));
    EXPECT_FALSE(g.info().defined()) << n;
    EXPECT_FALSE(g.has_data()) << n;
    v1::FetchTensorResponse v;
    ASSERT_RPC_OK(Fetch(stub(), sid_, RefName(n), false, &v));
    EXPECT_FALSE(v.info().has_grad()) << n;
  }
  step();
  EXPECT_EQ(Floats(stub(), sid_, "a", true), F({3, 4}));
  // Zeros for every tensor (empty list, set_to_none false).
  ASSERT_RPC_OK(ZeroGrad(stub(), sid_, {}, false));
  EXPECT_EQ(Floats(stub(), sid_, "a", true), F({0, 0}));
  EXPECT_EQ(Floats(stub(), sid_, "b", true), F({0, 0}));
}

TEST_F(RpcTest, BackwardRpc) {
  ASSERT_RPC_OK(Create(stub(), sid_, F32({1, 2, 3}, {3}), true, "x"));
  ASSERT_RPC_OK(Create(stub(), sid_, F32({1, 10, 100}, {3}), false, "g"));
  ASSERT_RPC_OK(Exec(stub(), sid_,
                     {Bind(Op("mul", {N("x"), N("x")}), {"y"}),
                      Bind(Op("sum", {Out(0)}), {"loss"})}));
  // Scalar root, graph retained: can go twice and accumulates.
  ASSERT_RPC_OK(Backward(stub(), sid_, RefName("loss"), nullptr, true));
  EXPECT_EQ(Floats(stub(), sid_, "x", true), F({2, 4, 6}));
  ASSERT_RPC_OK(Backward(stub(), sid_, RefName("loss"), nullptr, false));
  EXPECT_EQ(Floats(stub(), sid_, "x", true), F({4, 8, 12}));
  // The graph is freed now.
  EXPECT_RPC_CODE(Backward(stub(), sid_, RefName("loss")),
                  Code::FAILED_PRECONDITION);
  // Non-scalar root with an explicit gradient, on a fresh graph.
  ASSERT_RPC_OK(ZeroGrad(stub(), sid_, {RefName("x")}, true));
  ASSERT_RPC_OK(
      Exec(stub(), sid_, {Bind(Op("mul", {N("x"), N("x")}), {"y2"})}));
  const v1::TensorRef g = RefName("g");
  ASSERT_RPC_OK(Backward(stub(), sid_, RefName("y2"), &g));
  EXPECT_EQ(Floats(stub(), sid_, "x", true), F({2, 40, 600}));
}

TEST_F(RpcTest, ExecuteResults) {
  ASSERT_RPC_OK(Create(stub(), sid_, F32({1, 2, 3, 4}, {2, 2}), true, "x"));
  v1::ExecuteResponse r;
  ASSERT_RPC_OK(Exec(
      stub(), sid_,
      {Ret(Keep(Op("add", {N("x"), SF(1)}, {{"alpha", AF(2)}}))),
       Ret(Bind(
           Op("sum", {Out(0)}, {{"dim", AInts({1})}, {"keepdim", ABool(true)}}),
           {"s"})),
       Ret(Op("index", {N("x")}, {{"index", AStr("1, 0:1")}})),
       Ret(Op("max.dim", {N("x")}, {{"dim", AInt(0)}})),
       Op("mul", {N("s"), N("s")}), Ret(Op("arange", {}, {{"end", AInt(3)}}))},
      &r));
  ASSERT_EQ(r.results_size(), 6);
  // x + 2 * 1
  const auto& add = r.results(0);
  EXPECT_EQ(AsFloats(add.values(0)), F({3, 4, 5, 6}));
  EXPECT_EQ(add.outputs(0).grad_fn(), "AddBackward0");
  EXPECT_FALSE(add.outputs(0).handle().empty());
  EXPECT_TRUE(add.outputs(0).requires_grad());
  EXPECT_FALSE(add.outputs(0).is_leaf());
  // sum over dim 1, keepdim
  EXPECT_EQ(AsFloats(r.results(1).values(0)), F({7, 11}));
  EXPECT_THAT(r.results(1).values(0).shape(), ::testing::ElementsAre(2, 1));
  EXPECT_EQ(r.results(1).outputs(0).grad_fn(), "SumBackward1");
  EXPECT_TRUE(r.results(1).outputs(0).handle().empty());  // not kept
  // x[1, 0:1]
  EXPECT_EQ(AsFloats(r.results(2).values(0)), F({3}));
  EXPECT_THAT(r.results(2).values(0).shape(), ::testing::ElementsAre(1));
  // max.dim: two outputs, values and int64 indices
  ASSERT_EQ(r.results(3).values_size(), 2);
  EXPECT_EQ(AsFloats(r.results(3).values(0)), F({3, 4}));
  EXPECT_EQ(r.results(3).values(1).dtype(), v1::DTYPE_INT64);
  EXPECT_EQ(r.results(3).values(1).data(), I64({1, 1}, {2}).data());
  // no return_value: info only
  EXPECT_EQ(r.results(4).values_size(), 0);
  ASSERT_EQ(r.results(4).outputs_size(), 1);
  EXPECT_THAT(r.results(4).outputs(0).shape(), ::testing::ElementsAre(2, 1));
  // arange with an int end: int64, as torch
  EXPECT_EQ(r.results(5).values(0).dtype(), v1::DTYPE_INT64);
  EXPECT_EQ(r.results(5).values(0).data(), I64({0, 1, 2}, {3}).data());
  // The bound name and kept handle are in the session.
  EXPECT_EQ(Floats(stub(), sid_, "s"), F({7, 11}));
  v1::FetchTensorResponse kept;
  ASSERT_RPC_OK(
      Fetch(stub(), sid_, RefHandle(add.outputs(0).handle()), false, &kept));
  EXPECT_EQ(AsFloats(kept.data()), F({3, 4, 5, 6}));

  // no_grad: in place on a leaf that requires grad is allowed, and results
  // carry no history.
  v1::ExecuteResponse ng;
  ASSERT_RPC_OK(Exec(stub(), sid_,
                     {Op("add_", {N("x"), SF(1)}), Op("mul", {N("x"), SF(2)})},
                     &ng, /*no_grad=*/true));
  EXPECT_FALSE(ng.results(1).outputs(0).requires_grad());
  EXPECT_EQ(Floats(stub(), sid_, "x"), F({2, 3, 4, 5}));
}

// An in-place view op (x.t_()) makes a new tensor with x's new geometry;
// the session puts it where x was: x's names and handles, and later nodes
// of the same request that read x. A failed request puts x back.
TEST_F(RpcTest, InplaceViewOpReplacesItsInputEverywhere) {
  ASSERT_RPC_OK(
      Create(stub(), sid_, F32({1, 2, 3, 4, 5, 6}, {2, 3}), false, "x"));
  v1::ExecuteResponse kept;
  ASSERT_RPC_OK(Exec(stub(), sid_, {Keep(Op("alias", {N("x")}))}, &kept));
  const std::string h = kept.results(0).outputs(0).handle();
  ASSERT_FALSE(h.empty());
  auto shape_of = [&](const v1::ValueRef& ref) {
    v1::ExecuteResponse r;
    EXPECT_TRUE(Exec(stub(), sid_, {Op("alias", {ref})}, &r).ok());
    const auto& s = r.results(0).outputs(0).shape();
    return std::vector<int64_t>(s.begin(), s.end());
  };

  v1::ExecuteResponse r;
  ASSERT_RPC_OK(Exec(
      stub(), sid_, {Op("t_", {N("x")}), Ret(Op("contiguous", {N("x")}))}, &r));
  EXPECT_THAT(r.results(0).outputs(0).shape(), ::testing::ElementsAre(3, 2));
  EXPECT_EQ(AsFloats(r.results(1).values(0)), F({1, 4, 2, 5, 3, 6}));
  EXPECT_EQ(shape_of(N("x")), std::vector<int64_t>({3, 2}));
  EXPECT_EQ(shape_of(H(h)), std::vector<int64_t>({3, 2}));

  // A node's output replaced for the later nodes of the request.
  ASSERT_RPC_OK(Exec(stub(), sid_,
                     {Op("mul", {N("x"), SF(2)}),
                      Op("unsqueeze_", {Out(0)}, {{"dim", AInt(0)}}),
                      Ret(Op("alias", {Out(0)}))},
                     &r));
  EXPECT_THAT(r.results(2).values(0).shape(), ::testing::ElementsAre(1, 3, 2));

  // A failing request leaves x (name and handle) as it was.
  const grpc::Status s =
      Exec(stub(), sid_,
           {Op("t_", {N("x")}), Op("squeeze_", {H(h)}),
            Op("add", {N("x"), Lit(F32({1, 2, 3, 4}, {4}))})});
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(shape_of(N("x")), std::vector<int64_t>({3, 2}));
  EXPECT_EQ(shape_of(H(h)), std::vector<int64_t>({3, 2}));
  EXPECT_EQ(Floats(stub(), sid_, "x"), F({1, 4, 2, 5, 3, 6}));
}

// Execute's release list: handles and names dropped with the nodes, all or
// nothing; a name the request rebinds stays bound to its new tensor.
TEST_F(RpcTest, ExecuteReleases) {
  ASSERT_RPC_OK(Create(stub(), sid_, F32({1, 2}, {2}), false, "a"));
  ASSERT_RPC_OK(Create(stub(), sid_, F32({3, 4}, {2}), false, "b"));
  v1::ExecuteResponse kept;
  ASSERT_RPC_OK(Exec(stub(), sid_, {Keep(Op("alias", {N("a")}))}, &kept));
  const std::string handle = kept.results(0).outputs(0).handle();
  ASSERT_FALSE(handle.empty());

  auto exec_releasing = [&](const std::vector<v1::OpNode>& nodes,
                            const std::vector<v1::TensorRef>& release) {
    v1::ExecuteRequest req;
    req.set_session_id(sid_);
    for (const auto& n : nodes) *req.add_nodes() = n;
    for (const auto& r : release) *req.add_release() = r;
    v1::ExecuteResponse resp;
    return stub()->Execute(Ctx(sid_).get(), req, &resp);
  };
  // An unknown name in the list: NOT_FOUND, and nothing happened (the node's
  // binding of c is not committed, the handle is still there).
  EXPECT_RPC_CODE(exec_releasing({Bind(Op("neg", {N("a")}), {"c"})},
                                 {RefHandle(handle), RefName("nope")}),
                  Code::NOT_FOUND);
  v1::FetchTensorResponse f;
  EXPECT_RPC_OK(Fetch(stub(), sid_, RefHandle(handle), false, &f));
  EXPECT_RPC_CODE(Fetch(stub(), sid_, RefName("c"), false, &f),
                  Code::NOT_FOUND);
  // Release the handle and name a, rebind b in the same request.
  ASSERT_RPC_OK(
      exec_releasing({Bind(Op("neg", {N("b")}), {"b"})},
                     {RefHandle(handle), RefName("a"), RefName("b")}));
  EXPECT_RPC_CODE(Fetch(stub(), sid_, RefHandle(handle), false, &f),
                  Code::NOT_FOUND);
  EXPECT_RPC_CODE(Fetch(stub(), sid_, RefName("a"), false, &f),
                  Code::NOT_FOUND);
  EXPECT_EQ(Floats(stub(), sid_, "b"), F({-3, -4}));
}

TEST_F(RpcTest, ListOps) {
  v1::ListOpsResponse resp;
  ASSERT_RPC_OK(stub()->ListOps(Ctx().get(), v1::ListOpsRequest(), &resp));
  ASSERT_GT(resp.ops_size(), 50);
  std::map<std::string, const v1::OpSchema*> by_name;
  for (const auto& op : resp.ops()) {
    EXPECT_FALSE(op.doc().empty()) << op.name() << " has no doc";
    EXPECT_TRUE(by_name.emplace(op.name(), &op).second)
        << "duplicate op " << op.name();
  }
  ASSERT_TRUE(by_name.count("add"));
  const v1::OpSchema& add = *by_name["add"];
  EXPECT_THAT(add.inputs(), ::testing::ElementsAre("self", "other"));
  EXPECT_EQ(add.min_inputs(), 2);
  EXPECT_TRUE(add.differentiable());
  EXPECT_FALSE(add.inplace());
  bool alpha = false;
  for (const auto& a : add.attrs()) {
    if (a.name() != "alpha") continue;
    alpha = true;
    EXPECT_EQ(a.type_name(), "Scalar");
    EXPECT_EQ(a.type(), v1::ATTR_TYPE_SCALAR);
    EXPECT_FALSE(a.required());
    EXPECT_EQ(a.default_value(), "1");
  }
  EXPECT_TRUE(alpha) << "add has no attr alpha";
  ASSERT_TRUE(by_name.count("add_"));
  EXPECT_TRUE(by_name["add_"]->inplace());
  ASSERT_TRUE(by_name.count("backward"));
  EXPECT_EQ(by_name["backward"]->min_inputs(), 1);
  EXPECT_EQ(by_name["backward"]->inputs_size(), 2);
  for (const char* n : {"sum", "mul", "index", "index_put_", "grad", "detach",
                        "requires_grad_", "retain_grad", "rand"}) {
    EXPECT_TRUE(by_name.count(n)) << n;
  }
}

TEST_F(RpcTest, DescribeGraph) {
  ASSERT_RPC_OK(Create(stub(), sid_, F32({0, 1, 2, 3}, {4}), true, "x"));
  ASSERT_RPC_OK(Exec(
      stub(), sid_,
      {Op("dot", {N("x"), N("x")}), Bind(Op("mul", {SI(2), Out(0)}), {"y"})}));
  v1::DescribeGraphResponse g;
  ASSERT_RPC_OK(DescribeGraph(stub(), sid_, RefName("y"), &g));
  ASSERT_GE(g.nodes_size(), 3);
  EXPECT_EQ(g.nodes(0).name(), "MulBackward0");
  EXPECT_EQ(g.nodes(0).id(), 0);
  std::map<std::string, int> names;
  for (const auto& n : g.nodes()) {
    names[n.name()]++;
    EXPECT_FALSE(n.released()) << n.name();
    for (int next : n.next()) {
      EXPECT_GE(next, 0);
      EXPECT_LT(next, g.nodes_size());
    }
  }
  EXPECT_EQ(names["MulBackward0"], 1);
  EXPECT_EQ(names["DotBackward0"], 1);
  EXPECT_EQ(names["AccumulateGrad"], 1);  // x reached twice, one node
  EXPECT_THAT(g.dot(), HasSubstr("digraph"));
  EXPECT_THAT(g.dot(), HasSubstr("MulBackward0"));
  EXPECT_THAT(g.dot(), HasSubstr("AccumulateGrad"));
  EXPECT_THAT(g.dot(), HasSubstr("->"));
  // After backward the saved tensors are freed.
  ASSERT_RPC_OK(Backward(stub(), sid_, RefName("y")));
  ASSERT_RPC_OK(DescribeGraph(stub(), sid_, RefName("y"), &g));
  bool any_released = false;
  for (const auto& n : g.nodes()) any_released |= n.released();
  EXPECT_TRUE(any_released);
  // A tensor without history has an empty graph.
  ASSERT_RPC_OK(Create(stub(), sid_, F32({1}, {1}), false, "plain"));
  v1::DescribeGraphResponse empty;
  ASSERT_RPC_OK(DescribeGraph(stub(), sid_, RefName("plain"), &empty));
  EXPECT_EQ(empty.nodes_size(), 0);
  EXPECT_THAT(empty.dot(), HasSubstr("digraph"));
}

TEST_F(RpcTest, UploadDownloadSmall) {
  const F values = {1.5f, -2, 3, 4, 5, 6, 7, 8, 9, 10};
  const std::string bytes(reinterpret_cast<const char*>(values.data()),
                          values.size() * 4);
  // Header with the first chunk, then two more chunks.
  v1::UploadTensorRequest first =
      UploadHeader(sid_, v1::DTYPE_FLOAT32, {2, 5}, "up", true);
  first.set_chunk(bytes.substr(0, 12));
  v1::TensorInfo info;
  ASSERT_RPC_OK(Upload(
      stub(), sid_,
      {first, ChunkMsg(bytes.substr(12, 16)), ChunkMsg(bytes.substr(28))},
      &info));
  EXPECT_FALSE(info.handle().empty());
  EXPECT_TRUE(info.requires_grad());
  EXPECT_THAT(info.shape(), ::testing::ElementsAre(2, 5));
  EXPECT_EQ(Floats(stub(), sid_, "up"), values);

  // Download in 8-byte chunks: 5 messages, the first with the info.
  std::vector<v1::TensorChunk> chunks;
  ASSERT_RPC_OK(Download(stub(), sid_, RefName("up"), false, 8, &chunks));
  ASSERT_EQ(chunks.size(), 5u);
  EXPECT_TRUE(chunks[0].has_info());
  EXPECT_EQ(chunks[0].info().dtype(), v1::DTYPE_FLOAT32);
  EXPECT_THAT(chunks[0].info().shape(), ::testing::ElementsAre(2, 5));
  EXPECT_TRUE(chunks[0].info().requires_grad());
  std::string joined;
  for (const auto& c : chunks) {
    EXPECT_LE(c.chunk().size(), 8u);
    joined += c.chunk();
  }
  EXPECT_EQ(joined, bytes);

  // Download of a grad that does not exist: one message, undefined.
  chunks.clear();
  ASSERT_RPC_OK(Download(stub(), sid_, RefName("up"), true, 0, &chunks));
  ASSERT_EQ(chunks.size(), 1u);
  EXPECT_FALSE(chunks[0].info().defined());
  EXPECT_TRUE(chunks[0].chunk().empty());
  // And of a grad that does.
  ASSERT_RPC_OK(Exec(stub(), sid_,
                     {Op("mul", {N("up"), SF(3)}), Op("sum", {Out(0)}),
                      Op("backward", {Out(1)})}));
  chunks.clear();
  ASSERT_RPC_OK(Download(stub(), sid_, RefName("up"), true, 0, &chunks));
  ASSERT_EQ(chunks.size(), 1u);
  EXPECT_TRUE(chunks[0].info().defined());
  v1::TensorData d;
  d.set_data(chunks[0].chunk());
  EXPECT_EQ(AsFloats(d), F(10, 3.0f));

  // Int64 upload with chunks split mid-element.
  const std::string ib = I64({7, -8, 1LL << 50}, {3}).data();
  v1::UploadTensorRequest ih = UploadHeader(sid_, v1::DTYPE_INT64, {3}, "ints");
  ASSERT_RPC_OK(Upload(
      stub(), sid_, {ih, ChunkMsg(ib.substr(0, 5)), ChunkMsg(ib.substr(5))}));
  v1::FetchTensorResponse iv;
  ASSERT_RPC_OK(Fetch(stub(), sid_, RefName("ints"), false, &iv));
  EXPECT_EQ(iv.data().data(), ib);
}

// ======================================== seed walkthrough via Execute

TEST_F(RpcTest, SeedWalkthroughAutograd) {
  v1::ExecuteResponse r;
  // x = torch.arange(4.0); x.requires_grad_(True)
  ASSERT_RPC_OK(Exec(stub(), sid_,
                     {Bind(Op("arange", {}, {{"end", AF(4.0)}}), {"x"}),
                      Ret(Op("requires_grad_", {N("x")}))},
                     &r));
  EXPECT_EQ(AsFloats(r.results(1).values(0)), F({0, 1, 2, 3}));
  EXPECT_EQ(r.results(1).values(0).dtype(), v1::DTYPE_FLOAT32);
  EXPECT_TRUE(r.results(1).outputs(0).requires_grad());
  EXPECT_TRUE(r.results(1).outputs(0).is_leaf());

  // y = 2 * torch.dot(x, x)  -> tensor(28., grad_fn=<MulBackward0>)
  ASSERT_RPC_OK(Exec(stub(), sid_,
                     {Op("dot", {N("x"), N("x")}),
                      Ret(Bind(Op("mul", {SI(2), Out(0)}), {"y"}))},
                     &r));
  const auto& y = r.results(1);
  EXPECT_EQ(AsFloats(y.values(0)), F({28}));
  EXPECT_EQ(y.values(0).shape_size(), 0);  // 0-dim
  EXPECT_EQ(y.outputs(0).grad_fn(), "MulBackward0");
  EXPECT_TRUE(y.outputs(0).requires_grad());

  // y.backward(); x.grad -> [0, 4, 8, 12]; x.grad == 4 * x -> all True
  ASSERT_RPC_OK(
      Exec(stub(), sid_,
           {Op("backward", {N("y")}), Ret(Op("grad", {N("x")})),
            Op("mul", {SI(4), N("x")}), Ret(Op("eq", {Out(1), Out(2)}))},
           &r));
  EXPECT_EQ(AsFloats(r.results(1).values(0)), F({0, 4, 8, 12}));
  EXPECT_EQ(r.results(3).values(0).dtype(), v1::DTYPE_BOOL);
  EXPECT_EQ(AsBytes(r.results(3).values(0)),
            std::vector<uint8_t>({1, 1, 1, 1}));

  // x.grad.zero_(); y = x.sum(); y.backward(); x.grad -> [1, 1, 1, 1]
  ASSERT_RPC_OK(Exec(stub(), sid_,
                     {Op("grad", {N("x")}), Op("zero_", {Out(0)}),
                      Bind(Op("sum", {N("x")}), {"y"}),
                      Op("backward", {Out(2)}), Ret(Op("grad", {N("x")}))},
                     &r));
  EXPECT_EQ(AsFloats(r.results(4).values(0)), F({1, 1, 1, 1}));

  // x.grad.zero_(); y = x * x; y.backward() -> the scalar-only error, and
  // the failed request changes nothing (grad stays 1s, y stays the sum).
  grpc::Status st = Exec(
      stub(), sid_,
      {Op("grad", {N("x")}), Op("zero_", {Out(0)}),
       Bind(Op("mul", {N("x"), N("x")}), {"y"}), Op("backward", {N("y")})});
  EXPECT_EQ(CodeName(st.error_code()), CodeName(Code::INVALID_ARGUMENT));
  EXPECT_THAT(st.error_message(),
              HasSubstr("grad can be implicitly created only for scalar "
                        "outputs"));
  EXPECT_EQ(Floats(stub(), sid_, "x", true), F({1, 1, 1, 1}));
  v1::FetchTensorResponse yf;
  ASSERT_RPC_OK(Fetch(stub(), sid_, RefName("y"), false, &yf));
  EXPECT_EQ(yf.info().grad_fn(), "SumBackward0");
  EXPECT_EQ(AsFloats(yf.data()), F({6}));
  // The same through the Backward RPC.
  ASSERT_RPC_OK(
      Exec(stub(), sid_, {Bind(Op("mul", {N("x"), N("x")}), {"sq"})}));
  st = Backward(stub(), sid_, RefName("sq"));
  EXPECT_EQ(CodeName(st.error_code()), CodeName(Code::INVALID_ARGUMENT));
  EXPECT_THAT(st.error_message(),
              HasSubstr("grad can be implicitly created only for scalar "
                        "outputs"));

  // x.grad.zero_(); y = x * x; y.sum().backward() -> [0, 2, 4, 6]
  ASSERT_RPC_OK(
      Exec(stub(), sid_,
           {Op("grad", {N("x")}), Op("zero_", {Out(0)}),
            Bind(Op("mul", {N("x"), N("x")}), {"y"}), Op("sum", {Out(2)}),
            Op("backward", {Out(3)}), Ret(Op("grad", {N("x")}))},
           &r));
  EXPECT_EQ(AsFloats(r.results(5).values(0)), F({0, 2, 4, 6}));

  // x.grad.zero_(); y = x * x; y.backward(torch.ones(len(x))) -> [0, 2, 4, 6]
  ASSERT_RPC_OK(
      Exec(stub(), sid_,
           {Op("grad", {N("x")}), Op("zero_", {Out(0)}),
            Bind(Op("mul", {N("x"), N("x")}), {"y"}),
            Op("ones", {}, {{"size", AInts({4})}}),
            Op("backward", {Out(2), Out(3)}), Ret(Op("grad", {N("x")}))},
           &r));
  EXPECT_EQ(AsFloats(r.results(5).values(0)), F({0, 2, 4, 6}));

  // x.grad.zero_(); y = x * x; u = y.detach(); z = u * x;
  // z.sum().backward(); x.grad == u -> all True
  ASSERT_RPC_OK(Exec(
      stub(), sid_,
      {Op("grad", {N("x")}), Op("zero_", {Out(0)}),
       Bind(Op("mul", {N("x"), N("x")}), {"y"}),
       Ret(Bind(Op("detach", {Out(2)}), {"u"})), Op("mul", {Out(3), N("x")}),
       Op("sum", {Out(4)}), Op("backward", {Out(5)}), Ret(Op("grad", {N("x")})),
       Ret(Op("eq", {Out(7), Out(3)}))},
      &r));
  EXPECT_FALSE(r.results(3).outputs(0).requires_grad());
  EXPECT_TRUE(r.results(3).outputs(0).grad_fn().empty());
  EXPECT_EQ(AsFloats(r.results(3).values(0)), F({0, 1, 4, 9}));
  EXPECT_EQ(AsFloats(r.results(7).values(0)), F({0, 1, 4, 9}));
  EXPECT_EQ(AsBytes(r.results(8).values(0)),
            std::vector<uint8_t>({1, 1, 1, 1}));
}

// ============================================ bad requests, state kept

// A session every bad request runs against:
//   x  = [0, 1, 2, 3] (leaf, requires grad; handle t1), x.grad = [0, 2, 4, 6]
//   n  = int64 [1, 2, 3] (t2); c = float [1, 1, 1, 1] (t3);
//   m  = float 2x3 (t4); sq = x * x (kept as t5; its graph freed by
//   backward); loss = sq.sum(); h = x * 3 (graph alive).
// Memory limit 1 MiB.
const std::vector<std::string> kProbeNames = {
    "x", "n", "c", "m", "sq", "loss", "h", "nope", "fresh", "g", "a", "b"};
constexpr int kProbeHandles = 8;

void Populate(Stub* stub, std::string* sid) {
  v1::SessionOptions opts;
  opts.set_memory_limit_bytes(1 << 20);
  opts.set_seed(5);
  opts.set_has_seed(true);
  ASSERT_RPC_OK(NewSession(stub, sid, opts));
  v1::TensorInfo info;
  ASSERT_RPC_OK(Create(stub, *sid, F32({0, 1, 2, 3}, {4}), true, "x", &info));
  ASSERT_EQ(info.handle(), "t1");
  ASSERT_RPC_OK(Create(stub, *sid, I64({1, 2, 3}, {3}), false, "n"));
  ASSERT_RPC_OK(Create(stub, *sid, F32({1, 1, 1, 1}, {4}), false, "c"));
  ASSERT_RPC_OK(
      Create(stub, *sid, F32({1, 2, 3, 4, 5, 6}, {2, 3}), false, "m", &info));
  ASSERT_EQ(info.handle(), "t4");
  v1::ExecuteResponse r;
  ASSERT_RPC_OK(
      Exec(stub, *sid,
           {Keep(Bind(Op("mul", {N("x"), N("x")}), {"sq"})),
            Bind(Op("sum", {Out(0)}), {"loss"}),
            Bind(Op("mul", {N("x"), SF(3)}), {"h"}), Op("backward", {Out(1)})},
           &r));
  ASSERT_EQ(r.results(0).outputs(0).handle(), "t5");
  ASSERT_EQ(Floats(stub, *sid, "x", true), F({0, 2, 4, 6}));
}

struct BadRequest {
  std::string name;
  Code code;
  std::string message;  // expected substring of the error; "" for any
  std::function<grpc::Status(Stub*, const std::string& sid)> call;
};

void PrintTo(const BadRequest& b, std::ostream* os) { *os << b.name; }

using Call = std::function<grpc::Status(Stub*, const std::string&)>;

Call ExecCall(std::vector<v1::OpNode> nodes) {
  return
      [nodes](Stub* s, const std::string& sid) { return Exec(s, sid, nodes); };
}

Call CreateCall(v1::TensorData data, bool requires_grad = false) {
  return [data, requires_grad](Stub* s, const std::string& sid) {
    return Create(s, sid, data, requires_grad, "fresh");
  };
}

Call UploadCall(
    std::function<std::vector<v1::UploadTensorRequest>(const std::string&)>
        msgs) {
  return [msgs](Stub* s, const std::string& sid) {
    return Upload(s, sid, msgs(sid));
  };
}

std::vector<BadRequest> BadRequests() {
  std::vector<BadRequest> t;
  const std::string kUnknownId = "0123456789abcdef0123456789abcdef";

  // ---- NOT_FOUND: sessions, tensors, names, ops
  t.push_back({"GetSessionUnknownId", Code::NOT_FOUND, "not found",
               [=](Stub* s, const std::string&) {
                 v1::Session out;
                 return GetSession(s, kUnknownId, &out);
               }});
  t.push_back({"CloseSessionUnknownId", Code::NOT_FOUND, "",
               [=](Stub* s, const std::string&) {
                 return CloseSession(s, kUnknownId);
               }});
  t.push_back(
      {"ExecuteUnknownSession", Code::NOT_FOUND, "",
       [=](Stub* s, const std::string&) {
         return Exec(s, kUnknownId, {Op("zeros", {}, {{"size", AInts({1})}})});
       }});
  t.push_back({"CreateTensorUnknownSession", Code::NOT_FOUND, "",
               [=](Stub* s, const std::string&) {
                 return Create(s, kUnknownId, F32({1}, {1}));
               }});
  t.push_back({"UploadUnknownSession", Code::NOT_FOUND, "",
               UploadCall([=](const std::string&) {
                 auto h = UploadHeader(kUnknownId, v1::DTYPE_FLOAT32, {1});
                 h.set_chunk(std::string(4, '\0'));
                 return std::vector<v1::UploadTensorRequest>{h};
               })});
  t.push_back({"FetchUnknownHandle", Code::NOT_FOUND, "t999",
               [](Stub* s, const std::string& sid) {
                 v1::FetchTensorResponse r;
                 return Fetch(s, sid, RefHandle("t999"), false, &r);
               }});
  t.push_back({"FetchUnknownName", Code::NOT_FOUND, "nope",
               [](Stub* s, const std::string& sid) {
                 v1::FetchTensorResponse r;
                 return Fetch(s, sid, RefName("nope"), true, &r);
               }});
  t.push_back({"DownloadUnknownName", Code::NOT_FOUND, "",
               [](Stub* s, const std::string& sid) {
                 std::vector<v1::TensorChunk> c;
                 return Download(s, sid, RefName("nope"), false, 0, &c);
               }});
  t.push_back({"ReleasePartlyUnknown", Code::NOT_FOUND, "",
               [](Stub* s, const std::string& sid) {
                 return Release(
                     s, sid, {RefName("x"), RefHandle("t3"), RefName("nope")});
               }});
  t.push_back(
      {"ZeroGradPartlyUnknown", Code::NOT_FOUND, "",
       [](Stub* s, const std::string& sid) {
         return ZeroGrad(s, sid, {RefName("x"), RefName("nope")}, false);
       }});
  t.push_back({"SetRequiresGradUnknown", Code::NOT_FOUND, "",
               [](Stub* s, const std::string& sid) {
                 return SetRequiresGrad(s, sid, RefName("nope"), true);
               }});
  t.push_back({"DetachUnknown", Code::NOT_FOUND, "",
               [](Stub* s, const std::string& sid) {
                 return Detach(s, sid, RefHandle("t999"), "fresh");
               }});
  t.push_back({"BackwardUnknownTensor", Code::NOT_FOUND, "",
               [](Stub* s, const std::string& sid) {
                 return Backward(s, sid, RefName("nope"));
               }});
  t.push_back({"BackwardUnknownGradient", Code::NOT_FOUND, "",
               [](Stub* s, const std::string& sid) {
                 const v1::TensorRef g = RefName("nope");
                 return Backward(s, sid, RefName("h"), &g);
               }});
  t.push_back({"DescribeGraphUnknown", Code::NOT_FOUND, "",
               [](Stub* s, const std::string& sid) {
                 v1::DescribeGraphResponse r;
                 return DescribeGraph(s, sid, RefName("nope"), &r);
               }});
  t.push_back({"ExecuteUnknownHandleInput", Code::NOT_FOUND, "t999",
               ExecCall({Bind(Op("neg", {N("x")}), {"fresh"}),
                         Op("add", {N("x"), H("t999")})})});
  t.push_back({"ExecuteUnknownNameInput", Code::NOT_FOUND, "nope",
               ExecCall({Bind(Op("neg", {N("x")}), {"fresh"}),
                         Op("add", {Out(0), N("nope")})})});
  t.push_back({"ExecuteUnknownOp", Code::NOT_FOUND, "frobnicate",
               ExecCall({Bind(Op("neg", {N("x")}), {"fresh"}),
                         Op("frobnicate", {N("x")})})});

  // ---- INVALID_ARGUMENT: arity, attributes, shapes, bytes, dtypes, refs
  t.push_back({"WrongArityTooFew", Code::INVALID_ARGUMENT,
               "takes 2 tensor inputs but 1 were given",
               ExecCall({Op("add", {N("x")})})});
  t.push_back({"WrongArityTooMany", Code::INVALID_ARGUMENT, "",
               ExecCall({Op("neg", {N("x"), N("c")})})});
  t.push_back({"WrongArityBackwardThreeInputs", Code::INVALID_ARGUMENT, "",
               ExecCall({Op("backward", {N("h"), N("c"), N("c")})})});
  t.push_back({"WrongAttrTypeStringForInts", Code::INVALID_ARGUMENT,
               "argument 'dim' must be int[]",
               ExecCall({Op("sum", {N("x")}, {{"dim", AStr("0")}})})});
  t.push_back({"WrongAttrTypeIntForBool", Code::INVALID_ARGUMENT, "keepdim",
               ExecCall({Op("sum", {N("x")}, {{"keepdim", AInt(1)}})})});
  t.push_back({"WrongAttrTypeIntsForString", Code::INVALID_ARGUMENT, "",
               ExecCall({Op("index", {N("x")}, {{"index", AInts({0})}})})});
  t.push_back({"UnknownAttr", Code::INVALID_ARGUMENT,
               "unexpected keyword argument 'beta'",
               ExecCall({Op("add", {N("x"), N("c")}, {{"beta", AF(2)}})})});
  t.push_back({"MissingRequiredAttr", Code::INVALID_ARGUMENT, "index",
               ExecCall({Op("index", {N("x")})})});
  t.push_back(
      {"AttrWithoutValue", Code::INVALID_ARGUMENT, "",
       ExecCall({Op("add", {N("x"), N("c")}, {{"alpha", v1::AttrValue()}})})});
  {
    v1::AttrValue empty_scalar;
    empty_scalar.mutable_scalar();
    t.push_back(
        {"EmptyScalarAttr", Code::INVALID_ARGUMENT, "",
         ExecCall({Op("add", {N("x"), N("c")}, {{"alpha", empty_scalar}})})});
  }
  {
    // A scalar input with no value is as malformed as a scalar attribute
    // with none (EmptyScalarAttr); it must not read as 0.
    v1::ValueRef empty_scalar;
    empty_scalar.mutable_scalar();
    t.push_back({"EmptyScalarInput", Code::INVALID_ARGUMENT, "",
                 ExecCall({Op("add", {N("x"), empty_scalar})})});
  }
  t.push_back({"AttrUnknownDtype", Code::INVALID_ARGUMENT, "",
               ExecCall({Op("zeros", {},
                            {{"size", AInts({2})}, {"dtype", ADType(99)}})})});
  t.push_back({"BroadcastShapeMismatch", Code::INVALID_ARGUMENT, "",
               ExecCall({Bind(Op("neg", {N("c")}), {"fresh"}),
                         Op("add", {N("x"), Lit(F32({1, 2, 3}, {3}))})})});
  t.push_back({"InplaceBroadcastMismatch", Code::INVALID_ARGUMENT, "",
               ExecCall({Op("add_", {N("c"), N("m")})})});
  t.push_back({"DimOutOfRange", Code::INVALID_ARGUMENT,
               "Dimension out of range",
               ExecCall({Op("sum", {N("x")}, {{"dim", AInts({1})}})})});
  t.push_back({"IndexOutOfBounds", Code::INVALID_ARGUMENT, "out of bounds",
               ExecCall({Op("index", {N("x")}, {{"index", AStr("4")}})})});
  t.push_back({"CreateTensorBytesShort", Code::INVALID_ARGUMENT, "",
               CreateCall(Raw(v1::DTYPE_FLOAT32, {4}, 12))});
  t.push_back({"CreateTensorBytesLong", Code::INVALID_ARGUMENT, "",
               CreateCall(Raw(v1::DTYPE_FLOAT32, {4}, 20))});
  t.push_back({"LiteralBytesMismatch", Code::INVALID_ARGUMENT, "",
               ExecCall({Op("neg", {Lit(Raw(v1::DTYPE_FLOAT32, {2}, 4))})})});
  t.push_back({"UploadBytesShort", Code::INVALID_ARGUMENT, "",
               UploadCall([](const std::string& sid) {
                 auto h = UploadHeader(sid, v1::DTYPE_FLOAT32, {4}, "fresh");
                 return std::vector<v1::UploadTensorRequest>{
                     h, ChunkMsg(std::string(12, 'a'))};
               })});
  t.push_back({"UploadBytesLong", Code::INVALID_ARGUMENT, "",
               UploadCall([](const std::string& sid) {
                 auto h = UploadHeader(sid, v1::DTYPE_FLOAT32, {4}, "fresh");
                 return std::vector<v1::UploadTensorRequest>{
                     h, ChunkMsg(std::string(16, 'a')),
                     ChunkMsg(std::string(4, 'a'))};
               })});
  t.push_back({"UploadEmptyStream", Code::INVALID_ARGUMENT, "",
               UploadCall([](const std::string&) {
                 return std::vector<v1::UploadTensorRequest>{};
               })});
  t.push_back({"CreateTensorNegativeDim", Code::INVALID_ARGUMENT,
               "negative dimension",
               CreateCall(Raw(v1::DTYPE_FLOAT32, {2, -1}, 0))});
  t.push_back({"LiteralNegativeDim", Code::INVALID_ARGUMENT,
               "negative dimension",
               ExecCall({Op("neg", {Lit(Raw(v1::DTYPE_FLOAT32, {-3}, 0))})})});
  t.push_back({"UploadNegativeDim", Code::INVALID_ARGUMENT,
               "negative dimension", UploadCall([](const std::string& sid) {
                 return std::vector<v1::UploadTensorRequest>{
                     UploadHeader(sid, v1::DTYPE_FLOAT32, {-4}, "fresh")};
               })});
  t.push_back({"OpNegativeSize", Code::INVALID_ARGUMENT, "negative dimension",
               ExecCall({Op("zeros", {}, {{"size", AInts({2, -1})}})})});
  t.push_back(
      {"CreateTensorRankAboveLimit", Code::INVALID_ARGUMENT, "rank",
       CreateCall(Raw(v1::DTYPE_FLOAT32, std::vector<int64_t>(17, 1), 4))});
  t.push_back({"CreateTensorUnknownDtype", Code::INVALID_ARGUMENT,
               "unknown dtype", CreateCall(Raw(99, {1}, 4))});
  t.push_back({"CreateTensorUnspecifiedDtype", Code::INVALID_ARGUMENT, "",
               CreateCall(Raw(v1::DTYPE_UNSPECIFIED, {1}, 4))});
  for (int bad : {static_cast<int>(v1::DTYPE_INT64),
                  static_cast<int>(v1::DTYPE_FLOAT16), 77}) {
    v1::OpNode zeros = Op("zeros", {}, {{"size", AInts({2})}});
    zeros.set_default_dtype(static_cast<v1::DType>(bad));
    t.push_back({absl::StrCat("DefaultDtype", bad), Code::INVALID_ARGUMENT,
                 "default_dtype must be float32 or float64",
                 ExecCall({Bind(Op("neg", {N("x")}), {"fresh"}), zeros})});
  }
  t.push_back({"LiteralUnknownDtype", Code::INVALID_ARGUMENT, "",
               ExecCall({Op("neg", {Lit(Raw(-5, {1}, 4))})})});
  t.push_back({"UploadUnknownDtype", Code::INVALID_ARGUMENT, "",
               UploadCall([](const std::string& sid) {
                 auto h = UploadHeader(sid, 42, {1}, "fresh");
                 h.set_chunk(std::string(4, '\0'));
                 return std::vector<v1::UploadTensorRequest>{h};
               })});
  t.push_back(
      {"ForwardReference", Code::INVALID_ARGUMENT, "",
       ExecCall({Bind(Op("neg", {Out(1)}), {"fresh"}), Op("neg", {N("x")})})});
  t.push_back(
      {"SelfReference", Code::INVALID_ARGUMENT, "",
       ExecCall({Bind(Op("neg", {N("x")}), {"fresh"}), Op("neg", {Out(1)})})});
  t.push_back({"NegativeNodeReference", Code::INVALID_ARGUMENT, "",
               ExecCall({Op("neg", {Out(-1)})})});
  t.push_back({"OutputIndexOutOfRange", Code::INVALID_ARGUMENT,
               "has no output 1",
               ExecCall({Op("neg", {N("x")}), Op("neg", {Out(0, 1)})})});
  t.push_back({"InputWithoutValue", Code::INVALID_ARGUMENT, "",
               ExecCall({Op("neg", {v1::ValueRef()})})});
  t.push_back({"BindMoreNamesThanOutputs", Code::INVALID_ARGUMENT, "",
               ExecCall({Bind(Op("neg", {N("x")}), {"a", "b"})})});
  t.push_back({"BindNone", Code::INVALID_ARGUMENT, "None",
               ExecCall({Bind(Op("grad", {N("c")}), {"g"})})});
  t.push_back({"FetchWithoutRef", Code::INVALID_ARGUMENT, "",
               [](Stub* s, const std::string& sid) {
                 v1::FetchTensorResponse r;
                 return Fetch(s, sid, v1::TensorRef(), false, &r);
               }});
  t.push_back({"NonScalarBackwardRpc", Code::INVALID_ARGUMENT,
               "grad can be implicitly created only for scalar outputs",
               [](Stub* s, const std::string& sid) {
                 return Backward(s, sid, RefName("h"));
               }});
  t.push_back({"NonScalarBackwardExecute", Code::INVALID_ARGUMENT,
               "grad can be implicitly created only for scalar outputs",
               ExecCall({Op("backward", {N("h")})})});
  t.push_back({"BackwardGradientShapeMismatch", Code::INVALID_ARGUMENT,
               "Mismatch in shape", [](Stub* s, const std::string& sid) {
                 const v1::TensorRef g = RefName("m");
                 return Backward(s, sid, RefName("h"), &g);
               }});
  t.push_back({"CreateSessionNegativeTtl", Code::INVALID_ARGUMENT, "",
               [](Stub* s, const std::string&) {
                 v1::SessionOptions o;
                 o.set_idle_ttl_seconds(-1);
                 std::string id;
                 return NewSession(s, &id, o);
               }});

  // ---- RESOURCE_EXHAUSTED: DecodeShape's element limit (2^33 elements,
  // overflow-safe), and the session's 1 MiB memory limit.
  t.push_back({"CreateTensorHugeDims", Code::RESOURCE_EXHAUSTED,
               "exceeds the limit",
               CreateCall(Raw(v1::DTYPE_FLOAT32, {1LL << 40, 1LL << 40}, 0))});
  t.push_back(
      {"CreateTensorElementCountOverflow", Code::RESOURCE_EXHAUSTED,
       "exceeds the limit",
       CreateCall(Raw(v1::DTYPE_FLOAT32,
                      {1LL << 32, 1LL << 32, 1LL << 32, 1LL << 32}, 0))});
  t.push_back(
      {"CreateTensorDimAboveMaxElements", Code::RESOURCE_EXHAUSTED,
       "exceeds the limit",
       CreateCall(Raw(v1::DTYPE_FLOAT32, {1LL << 62, 1LL << 62, 4}, 0))});
  t.push_back({"CreateTensorOneAboveMaxElements", Code::RESOURCE_EXHAUSTED,
               "exceeds the limit",
               CreateCall(Raw(v1::DTYPE_FLOAT32, {(1LL << 33) + 1}, 0))});
  t.push_back({"LiteralHugeDims", Code::RESOURCE_EXHAUSTED, "",
               ExecCall({Op("neg", {Lit(Raw(v1::DTYPE_FLOAT32,
                                            {1LL << 40, 1LL << 40}, 0))})})});
  t.push_back({"UploadHugeDims", Code::RESOURCE_EXHAUSTED, "",
               UploadCall([](const std::string& sid) {
                 return std::vector<v1::UploadTensorRequest>{UploadHeader(
                     sid, v1::DTYPE_FLOAT32, {1LL << 40, 1LL << 40}, "fresh")};
               })});
  t.push_back({"CreateTensorOverSessionMemory", Code::RESOURCE_EXHAUSTED,
               "memory limit",
               CreateCall(Raw(v1::DTYPE_FLOAT32, {1 << 20}, 0))});
  t.push_back({"UploadOverSessionMemory", Code::RESOURCE_EXHAUSTED,
               "memory limit", UploadCall([](const std::string& sid) {
                 return std::vector<v1::UploadTensorRequest>{
                     UploadHeader(sid, v1::DTYPE_FLOAT32, {1 << 19}, "fresh"),
                     ChunkMsg(std::string(1 << 20, 'a')),
                     ChunkMsg(std::string(1 << 20, 'b'))};
               })});
  // The quota is checked before anything is streamed or allocated, as
  // CreateTensor does (CreateTensorOverSessionMemory): a header alone that
  // is over the session's limit is RESOURCE_EXHAUSTED.
  t.push_back({"UploadHeaderOverSessionMemory", Code::RESOURCE_EXHAUSTED,
               "memory limit", UploadCall([](const std::string& sid) {
                 return std::vector<v1::UploadTensorRequest>{
                     UploadHeader(sid, v1::DTYPE_FLOAT32, {1 << 20}, "fresh")};
               })});
  t.push_back(
      {"ExecuteOverSessionMemory", Code::RESOURCE_EXHAUSTED, "memory limit",
       ExecCall(
           {Bind(Op("zeros", {}, {{"size", AInts({1 << 20})}}), {"fresh"})})});

  // ---- FAILED_PRECONDITION: autograd misuse
  t.push_back({"InplaceOnLeafRequiringGrad", Code::FAILED_PRECONDITION,
               "a leaf Variable that requires grad is being used in an "
               "in-place operation",
               ExecCall({Op("add_", {N("x"), SF(1)})})});
  t.push_back({"InplaceOnViewOfLeaf", Code::FAILED_PRECONDITION,
               "a view of a leaf Variable",
               ExecCall({Op("index", {N("x")}, {{"index", AStr("0:2")}}),
                         Op("mul_", {Out(0), SF(2)})})});
  t.push_back({"IndexPutOnLeafRequiringGrad", Code::FAILED_PRECONDITION, "",
               ExecCall({Op("index_put_", {N("x"), SF(0)},
                            {{"index", AStr("1:3")}})})});
  t.push_back({"BackwardTwiceRpc", Code::FAILED_PRECONDITION,
               "Trying to backward through the graph a second time",
               [](Stub* s, const std::string& sid) {
                 return Backward(s, sid, RefName("loss"));
               }});
  t.push_back({"BackwardTwiceExecute", Code::FAILED_PRECONDITION,
               "Trying to backward through the graph a second time",
               ExecCall({Op("backward", {N("loss")})})});
  t.push_back({"BackwardWithoutGradFn", Code::FAILED_PRECONDITION,
               "does not require grad", [](Stub* s, const std::string& sid) {
                 return Backward(s, sid, RefName("c"));
               }});
  t.push_back({"SetRequiresGradOnInt", Code::FAILED_PRECONDITION,
               "only Tensors of floating point dtype can require gradients",
               [](Stub* s, const std::string& sid) {
                 return SetRequiresGrad(s, sid, RefName("n"), true);
               }});
  t.push_back({"RequiresGradOnIntExecute", Code::FAILED_PRECONDITION,
               "floating point", ExecCall({Op("requires_grad_", {N("n")})})});
  t.push_back({"CreateIntTensorRequiringGrad", Code::FAILED_PRECONDITION,
               "floating point", CreateCall(I64({1, 2}, {2}), true)});
  t.push_back({"UploadIntTensorRequiringGrad", Code::FAILED_PRECONDITION,
               "floating point", UploadCall([](const std::string& sid) {
                 auto h =
                     UploadHeader(sid, v1::DTYPE_INT64, {1}, "fresh", true);
                 h.set_chunk(std::string(8, '\0'));
                 return std::vector<v1::UploadTensorRequest>{h};
               })});
  t.push_back({"SetRequiresGradFalseOnNonLeaf", Code::FAILED_PRECONDITION,
               "leaf", [](Stub* s, const std::string& sid) {
                 return SetRequiresGrad(s, sid, RefName("h"), false);
               }});
  t.push_back({"RetainGradWithoutGrad", Code::FAILED_PRECONDITION, "",
               ExecCall({Op("retain_grad", {N("c")})})});
  return t;
}

class BadRequestTest : public ::testing::TestWithParam<BadRequest> {
 protected:
  static void SetUpTestSuite() { server_ = new TestServer(); }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }
  static TestServer* server_;
};
TestServer* BadRequestTest::server_ = nullptr;

TEST_P(BadRequestTest, FailsWithCodeAndLeavesSessionUnchanged) {
  const BadRequest& c = GetParam();
  auto stub = server_->Stub();
  std::string sid;
  ASSERT_NO_FATAL_FAILURE(Populate(stub.get(), &sid));
  const SessionState before =
      CaptureState(stub.get(), sid, kProbeNames, kProbeHandles);

  const grpc::Status s = c.call(stub.get(), sid);
  EXPECT_EQ(CodeName(s.error_code()), CodeName(c.code))
      << "message: " << s.error_message();
  if (!c.message.empty()) {
    EXPECT_THAT(s.error_message(), HasSubstr(c.message));
  }

  const SessionState after =
      CaptureState(stub.get(), sid, kProbeNames, kProbeHandles);
  ExpectSameState(before, after, c.name);
  // The session still works (and the server is alive).
  v1::ExecuteResponse r;
  EXPECT_RPC_OK(Exec(stub.get(), sid, {Ret(Op("add", {N("x"), N("c")}))}, &r));
  if (r.results_size() == 1) {
    EXPECT_EQ(AsFloats(r.results(0).values(0)), F({1, 2, 3, 4}));
  }
  (void)CloseSession(stub.get(), sid);
}

INSTANTIATE_TEST_SUITE_P(Table, BadRequestTest,
                         ::testing::ValuesIn(BadRequests()),
                         [](const ::testing::TestParamInfo<BadRequest>& info) {
                           return info.param.name;
                         });

// The node limit: a dedicated server that takes at most 8 nodes a request.
TEST(ExecuteLimitTest, MoreNodesThanMaxExecuteNodesIsRefused) {
  tensord::server::ServerConfig config;
  config.sessions.limits.max_execute_nodes = 8;
  TestServer server(config);
  auto stub = server.Stub();
  std::string sid;
  ASSERT_NO_FATAL_FAILURE(Populate(stub.get(), &sid));
  const SessionState before =
      CaptureState(stub.get(), sid, kProbeNames, kProbeHandles);

  auto chain = [](int n) {
    std::vector<v1::OpNode> nodes = {
        Bind(Op("add", {N("c"), SF(1)}), {"fresh"})};
    for (int i = 1; i < n; ++i) nodes.push_back(Op("add", {Out(i - 1), SF(1)}));
    nodes.back().set_return_value(true);
    return nodes;
  };
  const grpc::Status s = Exec(stub.get(), sid, chain(9));
  EXPECT_EQ(CodeName(s.error_code()), CodeName(Code::INVALID_ARGUMENT))
      << s.error_message();
  EXPECT_THAT(s.error_message(), HasSubstr("9"));
  ExpectSameState(before,
                  CaptureState(stub.get(), sid, kProbeNames, kProbeHandles),
                  "after 9 nodes");
  // Exactly at the limit runs.
  v1::ExecuteResponse r;
  ASSERT_RPC_OK(Exec(stub.get(), sid, chain(8), &r));
  EXPECT_EQ(AsFloats(r.results(7).values(0)), F({9, 9, 9, 9}));
}

// max_tensors counts handles plus names; every way of adding one checks it.
TEST(ExecuteLimitTest, MaxTensorsCountsHandlesAndNames) {
  tensord::server::ServerConfig config;
  config.sessions.limits.max_tensors = 4;
  TestServer server(config);
  auto stub = server.Stub();
  std::string sid;
  ASSERT_RPC_OK(NewSession(stub.get(), &sid));
  ASSERT_RPC_OK(Create(stub.get(), sid, F32({1, 2}, {2}), false, "a"));
  ASSERT_RPC_OK(Create(stub.get(), sid, F32({3, 4}, {2}), false, "b"));
  const std::vector<std::string> names = {"a", "b", "c"};
  const SessionState before = CaptureState(stub.get(), sid, names, 4);

  EXPECT_RPC_CODE(Exec(stub.get(), sid, {Keep(Op("neg", {N("a")}))}),
                  Code::RESOURCE_EXHAUSTED);
  EXPECT_RPC_CODE(Exec(stub.get(), sid, {Bind(Op("neg", {N("a")}), {"c"})}),
                  Code::RESOURCE_EXHAUSTED);
  EXPECT_RPC_CODE(Create(stub.get(), sid, F32({5}, {1})),
                  Code::RESOURCE_EXHAUSTED);
  EXPECT_RPC_CODE(Detach(stub.get(), sid, RefName("a"), ""),
                  Code::RESOURCE_EXHAUSTED);
  v1::UploadTensorRequest h = UploadHeader(sid, v1::DTYPE_FLOAT32, {1});
  h.set_chunk(std::string(4, '\0'));
  EXPECT_RPC_CODE(Upload(stub.get(), sid, {h}), Code::RESOURCE_EXHAUSTED);
  ExpectSameState(before, CaptureState(stub.get(), sid, names, 4),
                  "after refused additions");

  // Results that are not kept cost nothing; freeing a name makes room for
  // exactly one unnamed tensor (3 entries + 1 = the limit of 4), whether it
  // comes by upload or by CreateTensor.
  ASSERT_RPC_OK(Exec(stub.get(), sid, {Op("neg", {N("a")})}));
  ASSERT_RPC_OK(Release(stub.get(), sid, {RefName("b")}));
  v1::TensorInfo up;
  ASSERT_RPC_OK(Upload(stub.get(), sid, {h}, &up));
  ASSERT_RPC_OK(Release(stub.get(), sid, {RefHandle(up.handle())}));
  EXPECT_RPC_OK(Create(stub.get(), sid, F32({5}, {1})));
  v1::Session info;
  ASSERT_RPC_OK(GetSession(stub.get(), sid, &info));
  EXPECT_EQ(info.tensor_count() + info.name_count(), 4);
}

// A backward whose new .grad would take the session over its memory limit
// is refused and leaves no trace, through the Backward RPC and Execute.
TEST(MemoryLimitTest, BackwardOverTheLimitIsRefusedAndRolledBack) {
  TestServer server;
  auto stub = server.Stub();
  auto setup = [&](int64_t limit, std::string* sid) {
    v1::SessionOptions opts;
    opts.set_memory_limit_bytes(limit);
    ASSERT_RPC_OK(NewSession(stub.get(), sid, opts));
    // p: 8192 floats = 32 KiB; s = sum(p*p): 4 bytes, with a 32 KiB
    // temporary (the limit covers everything a session allocates, so the
    // peak is 64 KiB). Backward needs two 32 KiB products and the grad.
    ASSERT_RPC_OK(
        Create(stub.get(), *sid, F32(F(8192, 1.0f), {8192}), true, "p"));
    ASSERT_RPC_OK(
        Exec(stub.get(), *sid,
             {Op("mul", {N("p"), N("p")}), Bind(Op("sum", {Out(0)}), {"s"})}));
  };
  std::string tight, roomy;
  ASSERT_NO_FATAL_FAILURE(setup(80 << 10, &tight));
  ASSERT_NO_FATAL_FAILURE(setup(256 << 10, &roomy));
  const std::vector<std::string> names = {"p", "s"};
  const SessionState before = CaptureState(stub.get(), tight, names, 3);

  EXPECT_RPC_CODE(Backward(stub.get(), tight, RefName("s")),
                  Code::RESOURCE_EXHAUSTED);
  ExpectSameState(before, CaptureState(stub.get(), tight, names, 3),
                  "after Backward RPC");
  EXPECT_RPC_CODE(Exec(stub.get(), tight, {Op("backward", {N("s")})}),
                  Code::RESOURCE_EXHAUSTED);
  ExpectSameState(before, CaptureState(stub.get(), tight, names, 3),
                  "after Execute backward");

  // With room for the grad the same backward works.
  ASSERT_RPC_OK(Backward(stub.get(), roomy, RefName("s")));
  EXPECT_EQ(Floats(stub.get(), roomy, "p", true), F(8192, 2.0f));
  v1::Session info;
  ASSERT_RPC_OK(GetSession(stub.get(), roomy, &info));
  EXPECT_EQ(info.bytes(), 2 * 32768 + 4);
}

// Tensor data the session keeps alive only through an autograd graph (the
// leaf and saved tensors behind a named result) is still held by the
// session: it must count towards memory_limit_bytes, or the quota can be
// bypassed by binding only a small result.
TEST(MemoryLimitTest, TensorsHeldByAGraphCountTowardsTheLimit) {
  TestServer server;
  auto stub = server.Stub();
  v1::SessionOptions opts;
  opts.set_memory_limit_bytes(1 << 20);
  std::string sid;
  ASSERT_RPC_OK(NewSession(stub.get(), &sid, opts));
  // A 4 MiB leaf that requires grad, saved twice by mul; only the 4-byte
  // sum is bound.
  const grpc::Status s =
      Exec(stub.get(), sid,
           {Op("ones", {}, {{"size", AInts({1 << 20})}}),
            Op("requires_grad_", {Out(0)}), Op("mul", {Out(1), Out(1)}),
            Bind(Op("sum", {Out(2)}), {"s"})});
  EXPECT_EQ(CodeName(s.error_code()), CodeName(Code::RESOURCE_EXHAUSTED))
      << s.error_message();
  if (s.ok()) {
    v1::Session info;
    ASSERT_RPC_OK(GetSession(stub.get(), sid, &info));
    ADD_FAILURE() << "the session holds a 4 MiB graph under a 1 MiB limit; "
                     "GetSession reports bytes="
                  << info.bytes();
  }
}

// Ops that would build tensors far beyond any limit must be refused with a
// status, not abort the server. A crash would take this process down, so
// each request runs in a death-test child (re-executed, "threadsafe").
[[noreturn]] void RunHugeOpAndExit(const std::vector<v1::OpNode>& nodes) {
  TestServer server;
  auto stub = server.Stub();
  std::string sid;
  grpc::Status s = NewSession(stub.get(), &sid);
  if (!s.ok()) std::_Exit(3);
  s = Exec(stub.get(), sid, nodes);
  std::fprintf(stderr, "Execute -> %s\n", Describe(s).c_str());
  const bool refused = s.error_code() == Code::RESOURCE_EXHAUSTED ||
                       s.error_code() == Code::INVALID_ARGUMENT;
  v1::Session info;
  const bool alive = GetSession(stub.get(), sid, &info).ok();
  std::fflush(stderr);
  std::_Exit(refused && alive ? 0 : 1);
}

TEST(ServerDeathTest, OpsBuildingHugeTensorsAreRefusedNotFatal) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  struct Case {
    std::string name;
    std::vector<v1::OpNode> nodes;
  };
  const std::vector<Case> cases = {
      // 2^40 float32 elements: 4 TiB.
      {"zeros", {Op("zeros", {}, {{"size", AInts({1LL << 40})}})}},
      {"arange", {Op("arange", {}, {{"end", AF(1e15)}})}},
      // arange's own cap is 2^40 elements: at the cap, still 4 TiB.
      {"arange_at_its_cap", {Op("arange", {}, {{"end", AF(1099511627776.0)}})}},
      {"expand_contiguous",
       {Op("ones", {}, {{"size", AInts({1})}}),
        Op("expand", {Out(0)}, {{"size", AInts({1LL << 40})}}),
        Op("contiguous", {Out(1)})}},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    EXPECT_EXIT(RunHugeOpAndExit(c.nodes), ::testing::ExitedWithCode(0), "");
  }
}

// ================================================== Execute atomicity

// Two identical sessions, A and B:
//   w = [1, 2, 3, 4] (leaf, requires grad), w.grad = [3, 3, 3, 3]
//   c = [5, 6, 7, 8] (plain), h = w * w (non-leaf, graph alive, handle t3)
//   and three rand draws.
// A gets a request whose first nodes succeed and change everything they
// can (in place on h and on w.grad, a backward that accumulates into
// w.grad and frees h's graph, a new name and handle, rand, flags), then a
// failing node. A must then equal its old self and B, and keep behaving
// exactly as B does.
struct AtomicTail {
  std::string name;
  Code code;
  std::vector<v1::OpNode> nodes;
};

void PrintTo(const AtomicTail& t, std::ostream* os) { *os << t.name; }

class ExecuteAtomicityTest : public ::testing::TestWithParam<AtomicTail> {
 protected:
  static void SetUpTestSuite() { server_ = new TestServer(); }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }
  static TestServer* server_;
};
TestServer* ExecuteAtomicityTest::server_ = nullptr;

void PopulateTwin(Stub* stub, std::string* sid) {
  v1::SessionOptions opts;
  opts.set_seed(7);
  opts.set_has_seed(true);
  opts.set_memory_limit_bytes(64 << 10);
  ASSERT_RPC_OK(NewSession(stub, sid, opts));
  ASSERT_RPC_OK(Create(stub, *sid, F32({1, 2, 3, 4}, {4}), true, "w"));
  ASSERT_RPC_OK(Create(stub, *sid, F32({5, 6, 7, 8}, {4}), false, "c"));
  v1::ExecuteResponse r;
  ASSERT_RPC_OK(
      Exec(stub, *sid,
           {Keep(Bind(Op("mul", {N("w"), N("w")}), {"h"})),
            Op("mul", {N("w"), SF(3)}), Op("sum", {Out(1)}),
            Op("backward", {Out(2)}), Op("rand", {}, {{"size", AInts({3})}})},
           &r));
  ASSERT_EQ(r.results(0).outputs(0).handle(), "t3");
}

const std::vector<std::string> kTwinNames = {"w",     "c", "h",
                                             "fresh", "r", "huge"};
constexpr int kTwinHandles = 6;

TEST_P(ExecuteAtomicityTest, FailedRequestChangesNothing) {
  const AtomicTail& tail = GetParam();
  auto stub = server_->Stub();
  std::string a, b;
  ASSERT_NO_FATAL_FAILURE(PopulateTwin(stub.get(), &a));
  ASSERT_NO_FATAL_FAILURE(PopulateTwin(stub.get(), &b));
  const SessionState before =
      CaptureState(stub.get(), a, kTwinNames, kTwinHandles);
  ExpectSameState(before, CaptureState(stub.get(), b, kTwinNames, kTwinHandles),
                  "twins after setup");

  std::vector<v1::OpNode> nodes = {
      Op("add_", {N("h"), SF(1)}),                 // 0: h = w*w + 1
      Op("grad", {N("w")}),                        // 1: w.grad
      Op("mul_", {Out(1), SF(10)}),                // 2: w.grad *= 10
      Op("sum", {N("h")}),                         // 3
      Op("backward", {Out(3)}),                    // 4: w.grad += 2w
      Keep(Bind(Op("neg", {N("h")}), {"fresh"})),  // 5: new name, t4
      Ret(Bind(Op("rand", {}, {{"size", AInts({5})}}), {"r"})),  // 6
      Op("zero_", {N("c")}),                                     // 7: c = 0
      Op("retain_grad", {N("h")}),                               // 8
      Op("requires_grad_", {N("c")}),                            // 9: flag
  };
  // Sanity: the prefix alone succeeds and changes state (on a third
  // session), so the comparison below is not vacuous.
  {
    std::string probe;
    ASSERT_NO_FATAL_FAILURE(PopulateTwin(stub.get(), &probe));
    ASSERT_RPC_OK(Exec(stub.get(), probe, nodes));
    EXPECT_EQ(Floats(stub.get(), probe, "w", true), F({32, 34, 36, 38}));
    EXPECT_EQ(Floats(stub.get(), probe, "h"), F({2, 5, 10, 17}));
    const SessionState changed =
        CaptureState(stub.get(), probe, kTwinNames, kTwinHandles);
    EXPECT_NE(changed.at("name fresh value"), before.at("name fresh value"));
    EXPECT_NE(changed.at("name h value"), before.at("name h value"));
    EXPECT_NE(changed.at("name w .grad"), before.at("name w .grad"));
    EXPECT_NE(changed.at("name c value"), before.at("name c value"));
    EXPECT_NE(changed.at("session"), before.at("session"));
    (void)CloseSession(stub.get(), probe);
  }
  for (const auto& n : tail.nodes) nodes.push_back(n);

  const grpc::Status s = Exec(stub.get(), a, nodes);
  EXPECT_EQ(CodeName(s.error_code()), CodeName(tail.code)) << s.error_message();
  const SessionState after =
      CaptureState(stub.get(), a, kTwinNames, kTwinHandles);
  ExpectSameState(before, after, "A after the failed request");

  // From here on A and B must behave identically: the generator, the
  // handle counter, h's graph (its saved tensors must be back) and grads.
  const std::vector<v1::OpNode> next = {
      Ret(Op("rand", {}, {{"size", AInts({5})}})),
      Ret(Keep(Op("add", {N("h"), SF(1)}))),
      Op("sum", {N("h")}),
      Op("backward", {Out(2)}),
      Ret(Op("grad", {N("w")})),
      Ret(Op("mul", {N("c"), SF(2)})),
  };
  v1::ExecuteResponse ra, rb;
  ASSERT_RPC_OK(Exec(stub.get(), a, next, &ra));
  ASSERT_RPC_OK(Exec(stub.get(), b, next, &rb));
  EXPECT_EQ(ra.ShortDebugString(), rb.ShortDebugString());
  EXPECT_EQ(ra.results(0).values(0).data(), rb.results(0).values(0).data())
      << "rand after the failed request differs from the twin's";
  EXPECT_EQ(ra.results(1).outputs(0).handle(), "t4");
  EXPECT_EQ(AsFloats(ra.results(4).values(0)), F({5, 7, 9, 11}));
  EXPECT_FALSE(ra.results(5).outputs(0).requires_grad());
  EXPECT_EQ(AsFloats(ra.results(5).values(0)), F({10, 12, 14, 16}));
  ExpectSameState(CaptureState(stub.get(), b, kTwinNames, kTwinHandles),
                  CaptureState(stub.get(), a, kTwinNames, kTwinHandles),
                  "A vs B after the same follow-up");
  (void)CloseSession(stub.get(), a);
  (void)CloseSession(stub.get(), b);
}

INSTANTIATE_TEST_SUITE_P(
    Tails, ExecuteAtomicityTest,
    ::testing::Values(
        AtomicTail{"BroadcastError",
                   Code::INVALID_ARGUMENT,
                   {Op("add", {N("w"), Lit(F32({1, 2, 3}, {3}))})}},
        AtomicTail{"UnknownOp", Code::NOT_FOUND, {Op("no_such_op", {})}},
        AtomicTail{"UnknownName", Code::NOT_FOUND, {Op("neg", {N("nope")})}},
        AtomicTail{"InplaceOnLeaf",
                   Code::FAILED_PRECONDITION,
                   {Op("add_", {N("w"), SF(1)})}},
        AtomicTail{"BackwardTwice",
                   Code::FAILED_PRECONDITION,
                   {Op("sum", {N("h")}), Op("backward", {Out(10)})}},
        // Fails only at commit: the session's 64 KiB limit.
        AtomicTail{
            "MemoryLimitAtCommit",
            Code::RESOURCE_EXHAUSTED,
            {Bind(Op("zeros", {}, {{"size", AInts({1 << 16})}}), {"huge"})}}),
    [](const ::testing::TestParamInfo<AtomicTail>& info) {
      return info.param.name;
    });

// ====================================================== a 256 MB tensor

float Pattern(int64_t i) { return static_cast<float>(i % 1000003) * 0.5f; }

TEST(LargeTensorTest, RoundTrip256MB) {
  constexpr int64_t kElems = int64_t{64} << 20;  // 64 Mi float32 = 256 MiB
  constexpr int64_t kChunk = int64_t{1} << 20;   // bytes
  constexpr int64_t kPerChunk = kChunk / 4;
  tensord::server::ServerConfig config;
  config.sessions.limits.memory_limit_bytes = int64_t{1} << 30;
  TestServer server(config);
  auto stub = server.Stub();
  std::string sid;
  ASSERT_RPC_OK(NewSession(stub.get(), &sid));

  std::string handle;
  {
    auto ctx = Ctx(sid);
    v1::TensorInfo info;
    auto writer = stub->UploadTensor(ctx.get(), &info);
    std::vector<float> buf(kPerChunk);
    bool ok = true;
    for (int64_t start = 0; start < kElems && ok; start += kPerChunk) {
      for (int64_t k = 0; k < kPerChunk; ++k) buf[k] = Pattern(start + k);
      v1::UploadTensorRequest m =
          start == 0 ? UploadHeader(sid, v1::DTYPE_FLOAT32, {kElems}, "big")
                     : v1::UploadTensorRequest();
      m.set_chunk(reinterpret_cast<const char*>(buf.data()), kChunk);
      ok = writer->Write(m);
    }
    EXPECT_TRUE(ok) << "the server closed the upload stream early";
    writer->WritesDone();
    ASSERT_RPC_OK(writer->Finish());
    EXPECT_THAT(info.shape(), ::testing::ElementsAre(kElems));
    EXPECT_EQ(info.dtype(), v1::DTYPE_FLOAT32);
    handle = info.handle();
  }
  v1::Session s;
  ASSERT_RPC_OK(GetSession(stub.get(), sid, &s));
  EXPECT_EQ(s.bytes(), kElems * 4);
  EXPECT_EQ(s.tensor_count(), 1);

  // Spot checks on the server side, independent of the download.
  v1::ExecuteResponse r;
  ASSERT_RPC_OK(
      Exec(stub.get(), sid,
           {Ret(Op("index", {N("big")}, {{"index", AStr("0")}})),
            Ret(Op("index", {N("big")}, {{"index", AStr("12345677")}})),
            Ret(Op("index", {N("big")}, {{"index", AStr("-1")}}))},
           &r));
  EXPECT_EQ(AsFloats(r.results(0).values(0)), F({Pattern(0)}));
  EXPECT_EQ(AsFloats(r.results(1).values(0)), F({Pattern(12345677)}));
  EXPECT_EQ(AsFloats(r.results(2).values(0)), F({Pattern(kElems - 1)}));

  // Download in 1 MiB chunks, compared as they arrive (no full copy here).
  {
    v1::FetchTensorRequest req;
    req.set_session_id(sid);
    *req.mutable_tensor() = RefName("big");
    req.set_chunk_bytes(kChunk);
    auto ctx = Ctx(sid);
    auto reader = stub->DownloadTensor(ctx.get(), req);
    v1::TensorChunk c;
    int64_t got = 0, messages = 0, mismatches = 0, first_bad = -1;
    while (reader->Read(&c)) {
      if (messages++ == 0) {
        EXPECT_TRUE(c.info().defined());
        EXPECT_THAT(c.info().shape(), ::testing::ElementsAre(kElems));
        EXPECT_EQ(c.info().dtype(), v1::DTYPE_FLOAT32);
      }
      const std::string& bytes = c.chunk();
      EXPECT_LE(static_cast<int64_t>(bytes.size()), kChunk);
      ASSERT_EQ(bytes.size() % 4, 0u);
      ASSERT_EQ(got % 4, 0);
      const int64_t base = got / 4;
      const int64_t n = static_cast<int64_t>(bytes.size()) / 4;
      for (int64_t k = 0; k < n; ++k) {
        float v;
        std::memcpy(&v, bytes.data() + 4 * k, 4);
        if (v != Pattern(base + k)) {
          if (first_bad < 0) first_bad = base + k;
          ++mismatches;
        }
      }
      got += static_cast<int64_t>(bytes.size());
    }
    ASSERT_RPC_OK(reader->Finish());
    EXPECT_EQ(got, kElems * 4);
    EXPECT_EQ(messages, kElems * 4 / kChunk);
    EXPECT_EQ(mismatches, 0) << "first mismatch at element " << first_bad;
  }
  ASSERT_RPC_OK(Release(stub.get(), sid, {RefName("big"), RefHandle(handle)}));
  ASSERT_RPC_OK(GetSession(stub.get(), sid, &s));
  EXPECT_EQ(s.bytes(), 0);
  ASSERT_RPC_OK(CloseSession(stub.get(), sid));
}

// ================================================= concurrent sessions

TEST(ConcurrencyTest, SixteenSessionsOnSixteenThreads) {
  constexpr int kThreads = 16;
  constexpr int kSteps = 50;
  TestServer server;
  std::vector<std::string> sids(kThreads);
  std::atomic<int> correct_steps{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      auto stub = server.Stub();
      std::string& sid = sids[t];
      ASSERT_RPC_OK(NewSession(stub.get(), &sid));
      const F w = {static_cast<float>(t + 1), static_cast<float>(t + 2),
                   static_cast<float>(-t)};
      ASSERT_RPC_OK(Create(stub.get(), sid, F32(w, {3}), true, "w"));
      float sq = 0;
      for (float v : w) sq += v * v;
      for (int k = 1; k <= kSteps; ++k) {
        // loss = sum(k * w * w); the grads accumulate: after step i,
        // w.grad = sum_{k<=i} 2k w = i (i + 1) w. All exact in float32.
        v1::ExecuteResponse r;
        const grpc::Status s =
            Exec(stub.get(), sid,
                 {Op("mul", {N("w"), N("w")}), Op("mul", {Out(0), SI(k)}),
                  Ret(Op("sum", {Out(1)})), Op("backward", {Out(2)}),
                  Ret(Op("grad", {N("w")}))},
                 &r);
        EXPECT_TRUE(s.ok())
            << "thread " << t << " step " << k << ": " << Describe(s);
        if (!s.ok()) return;
        const F loss = AsFloats(r.results(2).values(0));
        const F grad = AsFloats(r.results(4).values(0));
        const float f = static_cast<float>(k * (k + 1));
        const F want = {f * w[0], f * w[1], f * w[2]};
        EXPECT_EQ(loss, F({k * sq})) << "thread " << t << " step " << k;
        EXPECT_EQ(grad, want) << "thread " << t << " step " << k;
        if (loss == F({k * sq}) && grad == want) ++correct_steps;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(correct_steps.load(), kThreads * kSteps);

  auto stub = server.Stub();
  v1::ListSessionsResponse list;
  ASSERT_RPC_OK(
      stub->ListSessions(Ctx().get(), v1::ListSessionsRequest(), &list));
  EXPECT_EQ(list.sessions_size(), kThreads);
  for (int t = 0; t < kThreads; ++t) {
    v1::Session s;
    ASSERT_RPC_OK(GetSession(stub.get(), sids[t], &s));
    EXPECT_EQ(s.tensor_count(), 1);
    EXPECT_EQ(s.bytes(), 24);  // w and w.grad
    ASSERT_RPC_OK(CloseSession(stub.get(), sids[t]));
  }
  list.Clear();
  ASSERT_RPC_OK(
      stub->ListSessions(Ctx().get(), v1::ListSessionsRequest(), &list));
  EXPECT_EQ(list.sessions_size(), 0);
}

// Clients that share one session (its calls are serialized) while other
// clients create, list, describe and close sessions: the TSan build
// (script/sanitize tsan) runs this for races between RPC threads, the
// session manager and sessions.
TEST(ConcurrencyTest, EightClientsShareOneSessionWhileSessionsComeAndGo) {
  constexpr int kClients = 8;
  constexpr int kSteps = 20;
  TestServer server;
  std::string sid;
  {
    auto stub = server.Stub();
    ASSERT_RPC_OK(NewSession(stub.get(), &sid));
  }
  std::atomic<bool> done{false};
  std::atomic<int> correct{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kClients; ++t) {
    threads.emplace_back([&, t] {
      auto stub = server.Stub();
      const std::string w = "w" + std::to_string(t);
      const float v = static_cast<float>(t + 1);
      ASSERT_RPC_OK(Create(stub.get(), sid, F32({v, -v}, {2}), true, w));
      for (int k = 0; k < kSteps; ++k) {
        // Each step adds 2 * w to w.grad and binds a temporary name.
        ASSERT_RPC_OK(Exec(stub.get(), sid,
                           {Bind(Op("mul", {N(w), N(w)}), {w + "_sq"}),
                            Op("sum", {Out(0)}), Op("backward", {Out(1)})}));
      }
      v1::FetchTensorResponse grad;
      ASSERT_RPC_OK(Fetch(stub.get(), sid, RefName(w), true, &grad));
      const float g = 2 * kSteps * v;
      if (AsFloats(grad.data()) == F({g, -g})) ++correct;
    });
  }
  std::thread churn([&] {
    auto stub = server.Stub();
    while (!done.load()) {
      std::string other;
      ASSERT_RPC_OK(NewSession(stub.get(), &other));
      v1::ListSessionsResponse list;
      ASSERT_RPC_OK(
          stub->ListSessions(Ctx().get(), v1::ListSessionsRequest(), &list));
      v1::Session shared;
      ASSERT_RPC_OK(GetSession(stub.get(), sid, &shared));
      ASSERT_RPC_OK(CloseSession(stub.get(), other));
    }
  });
  for (auto& th : threads) th.join();
  done = true;
  churn.join();
  EXPECT_EQ(correct.load(), kClients);
  auto stub = server.Stub();
  v1::Session s;
  ASSERT_RPC_OK(GetSession(stub.get(), sid, &s));
  EXPECT_EQ(s.tensor_count(), kClients);
  EXPECT_EQ(s.name_count(), 2 * kClients);  // w<t> and w<t>_sq
  ASSERT_RPC_OK(CloseSession(stub.get(), sid));
}

// A failed call carries structure (ErrorDetail in google.rpc.Status
// details): the Python exception, the failing node and op, and PyTorch's
// message without Execute's prefix. Clients read this, not the text.
TEST_F(RpcTest, FailedCallsCarryAnErrorDetail) {
  {
    auto ctx = Ctx(sid_);
    v1::CreateTensorRequest req;
    req.set_session_id(sid_);
    *req.mutable_data() = F32({1, 2, 3}, {3});
    req.set_name("x");
    v1::TensorInfo info;
    ASSERT_RPC_OK(stub()->CreateTensor(ctx.get(), req, &info));
  }
  struct Case {
    const char* what;
    std::function<void(v1::ExecuteRequest&)> build;
    const char* type;
    int node;
    const char* op;
    const char* message;
  };
  auto node = [](v1::ExecuteRequest& r, const std::string& op,
                 v1::ValueRef in) {
    v1::OpNode* n = r.add_nodes();
    n->set_op(op);
    *n->add_inputs() = in;
    return n;
  };
  const Case cases[] = {
      {"dim out of range",
       [&](v1::ExecuteRequest& r) {
         node(r, "neg", testing::NameRef("x"));
         (*node(r, "sum", testing::NodeRef(0))->mutable_attrs())["dim"]
             .mutable_ints()
             ->add_values(3);
       },
       "IndexError", 1, "sum",
       "Dimension out of range (expected to be in range of [-1, 0], but got "
       "3)"},
      {"keepdim=None",
       [&](v1::ExecuteRequest& r) {
         (*node(r, "sum", testing::NameRef("x"))->mutable_attrs())["keepdim"]
             .set_none(true);
       },
       "TypeError", 0, "sum",
       "sum(): argument 'keepdim' must be bool, not None"},
      {"unknown name",
       [&](v1::ExecuteRequest& r) { node(r, "neg", testing::NameRef("nope")); },
       "NameError", 0, "neg", "name 'nope' is not defined"},
      {"shape mismatch",
       [&](v1::ExecuteRequest& r) {
         node(r, "view", testing::NameRef("x"))
             ->mutable_attrs()
             ->
             operator[]("shape")
             .mutable_ints()
             ->add_values(2);
       },
       "RuntimeError", 0, "view", "shape '[2]' is invalid for input of size 3"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.what);
    v1::ExecuteRequest req;
    req.set_session_id(sid_);
    c.build(req);
    v1::ExecuteResponse resp;
    auto ctx = Ctx(sid_);
    grpc::Status st = stub()->Execute(ctx.get(), req, &resp);
    ASSERT_FALSE(st.ok());
    google::rpc::Status rich;
    ASSERT_TRUE(rich.ParseFromString(st.error_details()));
    EXPECT_EQ(rich.code(), st.error_code());
    EXPECT_EQ(rich.message(), st.error_message());
    ASSERT_EQ(rich.details_size(), 1);
    v1::ErrorDetail d;
    ASSERT_TRUE(rich.details(0).UnpackTo(&d));
    EXPECT_EQ(d.python_type(), c.type);
    EXPECT_EQ(d.node(), c.node);
    EXPECT_EQ(d.op(), c.op);
    EXPECT_EQ(d.message(), c.message);
  }
}

}  // namespace
}  // namespace tensord::server_test
