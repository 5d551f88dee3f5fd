// remote_bench's client calls: one connection each, and the tensord and
// echo requests the cases time (sessions, tensors, Execute, the 1 MiB-chunk
// uploads and downloads); any failure ends the run (Fail).
#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "bench/remote_bench.h"
#include "echo.grpc.pb.h"
#include "tensord/v1/tensord.grpc.pb.h"

namespace remote_bench {
namespace {

constexpr char kSessionHeader[] = "x-tensord-session";

// Both sides' calls carry the same deadline; tensord's also the session.
void Prepare(grpc::ClientContext& ctx, const std::string& session) {
  if (!session.empty()) ctx.AddMetadata(kSessionHeader, session);
  ctx.set_deadline(std::chrono::system_clock::now() +
                   std::chrono::seconds(120));
}

}  // namespace

// Its own connection: channels made with equal arguments would otherwise
// share one (a global subchannel pool).
std::shared_ptr<grpc::Channel> Connect(int port) {
  grpc::ChannelArguments args;
  args.SetMaxReceiveMessageSize(-1);
  args.SetMaxSendMessageSize(-1);
  args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
  auto ch = grpc::CreateCustomChannel(absl::StrCat("127.0.0.1:", port),
                                      grpc::InsecureChannelCredentials(), args);
  if (!ch->WaitForConnected(std::chrono::system_clock::now() +
                            std::chrono::seconds(10))) {
    Fail(absl::StrCat("cannot connect to 127.0.0.1:", port));
  }
  return ch;
}

std::string NewSession(Stub& stub) {
  grpc::ClientContext ctx;
  Prepare(ctx, "");
  v1::CreateSessionRequest req;
  v1::Session s;
  Check(stub.CreateSession(&ctx, req, &s), "CreateSession");
  return s.id();
}

void CloseSession(Stub& stub, const std::string& id) {
  grpc::ClientContext ctx;
  Prepare(ctx, id);
  v1::CloseSessionRequest req;
  req.set_session_id(id);
  v1::CloseSessionResponse resp;
  Check(stub.CloseSession(&ctx, req, &resp), "CloseSession");
}

std::string CreateF32(Stub& stub, const std::string& session,
                      const std::vector<float>& v) {
  grpc::ClientContext ctx;
  Prepare(ctx, session);
  v1::CreateTensorRequest req;
  req.set_session_id(session);
  req.mutable_data()->set_dtype(v1::DTYPE_FLOAT32);
  req.mutable_data()->add_shape(static_cast<int64_t>(v.size()));
  req.mutable_data()->set_data(
      std::string(reinterpret_cast<const char*>(v.data()), v.size() * 4));
  v1::TensorInfo info;
  Check(stub.CreateTensor(&ctx, req, &info), "CreateTensor");
  return info.handle();
}

std::vector<float> FetchF32(Stub& stub, const std::string& session,
                            const std::string& name) {
  grpc::ClientContext ctx;
  Prepare(ctx, session);
  v1::FetchTensorRequest req;
  req.set_session_id(session);
  req.mutable_tensor()->set_name(name);
  v1::FetchTensorResponse resp;
  Check(stub.FetchTensor(&ctx, req, &resp), "FetchTensor " + name);
  std::vector<float> out(resp.data().data().size() / 4);
  std::memcpy(out.data(), resp.data().data().data(), out.size() * 4);
  return out;
}

namespace {

v1::ValueRef HandleRef(const std::string& h) {
  v1::ValueRef r;
  r.set_handle(h);
  return r;
}

}  // namespace

// c = a + b, bound to `bind`.
v1::ExecuteRequest AddRequest(const std::string& session, const std::string& a,
                              const std::string& b, const std::string& bind) {
  v1::ExecuteRequest req;
  req.set_session_id(session);
  v1::OpNode* n = req.add_nodes();
  n->set_op("add");
  *n->add_inputs() = HandleRef(a);
  *n->add_inputs() = HandleRef(b);
  n->add_bind(bind);
  return req;
}

v1::ExecuteRequest ChainRequest(const std::string& session,
                                const std::string& a, const std::string& b,
                                const std::string& bind) {
  static const char* kOps[] = {"mul", "add"};
  v1::ExecuteRequest req;
  req.set_session_id(session);
  for (int i = 0; i < kChain; ++i) {
    v1::OpNode* n = req.add_nodes();
    if (i == 0) {
      n->set_op("add");
      *n->add_inputs() = HandleRef(a);
      *n->add_inputs() = HandleRef(b);
    } else {
      n->set_op(kOps[i % 2 == 1 ? 0 : 1]);
      v1::NodeOutput* prev = n->add_inputs()->mutable_node();
      prev->set_node(i - 1);
      prev->set_output(0);
      *n->add_inputs() = HandleRef(i % 2 == 1 ? b : a);
    }
    if (i == kChain - 1) n->add_bind(bind);
  }
  return req;
}

void Execute(Stub& stub, const std::string& session,
             const v1::ExecuteRequest& req, int want_results) {
  grpc::ClientContext ctx;
  Prepare(ctx, session);
  v1::ExecuteResponse resp;
  Check(stub.Execute(&ctx, req, &resp), "Execute");
  if (resp.results_size() != want_results) {
    Fail(absl::StrCat("Execute returned ", resp.results_size(),
                      " results, expected ", want_results));
  }
}

void Ping(EchoStub& stub) {
  grpc::ClientContext ctx;
  Prepare(ctx, "");
  eb::EchoEmpty req, resp;
  Check(stub.Ping(&ctx, req, &resp), "Echo.Ping");
}

// Uploads `total` bytes of float32 data, 1 MiB per message, repeating
// `pattern` (a whole number of MiB, or exactly `total` bytes long).
std::string Upload(Stub& stub, const std::string& session, const char* src,
                   size_t src_bytes, int64_t total) {
  grpc::ClientContext ctx;
  Prepare(ctx, session);
  v1::TensorInfo info;
  auto writer = stub.UploadTensor(&ctx, &info);
  v1::UploadTensorRequest msg;
  msg.set_session_id(session);
  msg.set_dtype(v1::DTYPE_FLOAT32);
  msg.add_shape(total / 4);
  for (int64_t off = 0; off < total; off += kMiB) {
    const int64_t n = std::min(kMiB, total - off);
    msg.set_chunk(src + (off % static_cast<int64_t>(src_bytes)), n);
    if (!writer->Write(msg)) break;  // Finish says why
    if (off == 0) msg.Clear();  // the header goes in the first message only
  }
  writer->WritesDone();
  Check(writer->Finish(), "UploadTensor");
  return info.handle();
}

int64_t Download(Stub& stub, const std::string& session,
                 const std::string& handle, char* dst, int64_t cap) {
  grpc::ClientContext ctx;
  Prepare(ctx, session);
  v1::FetchTensorRequest req;
  req.set_session_id(session);
  req.mutable_tensor()->set_handle(handle);
  req.set_chunk_bytes(kMiB);
  auto reader = stub.DownloadTensor(&ctx, req);
  v1::TensorChunk chunk;
  int64_t got = 0;
  while (reader->Read(&chunk)) {
    const int64_t n = static_cast<int64_t>(chunk.chunk().size());
    if (got + n > cap) Fail("DownloadTensor sent too many bytes");
    std::memcpy(dst + got, chunk.chunk().data(), n);
    got += n;
  }
  Check(reader->Finish(), "DownloadTensor");
  return got;
}

void Release(Stub& stub, const std::string& session,
             const std::string& handle) {
  grpc::ClientContext ctx;
  Prepare(ctx, session);
  v1::ReleaseTensorRequest req;
  req.set_session_id(session);
  req.add_tensors()->set_handle(handle);
  v1::ReleaseTensorResponse resp;
  Check(stub.ReleaseTensor(&ctx, req, &resp), "ReleaseTensor");
}

void EchoUpload(EchoStub& stub, const char* src, int64_t total) {
  grpc::ClientContext ctx;
  Prepare(ctx, "");
  eb::EchoUploadReply reply;
  auto writer = stub.Upload(&ctx, &reply);
  eb::EchoChunk msg;
  for (int64_t off = 0; off < total; off += kMiB) {
    msg.set_data(src + off, std::min(kMiB, total - off));
    if (!writer->Write(msg)) break;
  }
  writer->WritesDone();
  Check(writer->Finish(), "Echo.Upload");
  if (reply.bytes() != total) Fail("Echo.Upload kept the wrong byte count");
}

int64_t EchoDownload(EchoStub& stub, char* dst, int64_t cap) {
  grpc::ClientContext ctx;
  Prepare(ctx, "");
  eb::EchoDownloadRequest req;
  req.set_chunk_bytes(kMiB);
  auto reader = stub.Download(&ctx, req);
  eb::EchoChunk chunk;
  int64_t got = 0;
  while (reader->Read(&chunk)) {
    const int64_t n = static_cast<int64_t>(chunk.data().size());
    if (got + n > cap) Fail("Echo.Download sent too many bytes");
    std::memcpy(dst + got, chunk.data().data(), n);
    got += n;
  }
  Check(reader->Finish(), "Echo.Download");
  return got;
}

}  // namespace remote_bench
