#include "tests/server/test_util.h"

#include <cstring>

#include "gtest/gtest.h"

namespace tensord::testing {

TestServer::TestServer(server::ServerConfig config) {
  config.listen = "127.0.0.1:0";
  auto s = server::TensordServer::Start(config);
  EXPECT_TRUE(s.ok()) << s.status();
  if (s.ok()) server_ = std::move(*s);
}

TestServer::~TestServer() { Shutdown(); }

void TestServer::Shutdown() {
  if (server_) server_->Shutdown(absl::Seconds(2));
}

std::string TestServer::target() const {
  return "127.0.0.1:" + std::to_string(port());
}

std::unique_ptr<v1::TensorService::Stub> TestServer::Stub() const {
  grpc::ChannelArguments args;
  args.SetMaxReceiveMessageSize(-1);
  args.SetMaxSendMessageSize(-1);
  return v1::TensorService::NewStub(grpc::CreateCustomChannel(
      target(), grpc::InsecureChannelCredentials(), args));
}

std::unique_ptr<grpc::ClientContext> Ctx(const std::string& session_id,
                                         const std::string& token) {
  auto ctx = std::make_unique<grpc::ClientContext>();
  if (!session_id.empty()) ctx->AddMetadata("x-tensord-session", session_id);
  if (!token.empty()) ctx->AddMetadata("authorization", "Bearer " + token);
  ctx->set_deadline(std::chrono::system_clock::now() +
                    std::chrono::seconds(60));
  return ctx;
}

v1::TensorData F32(const std::vector<float>& values,
                   const std::vector<int64_t>& shape) {
  v1::TensorData d;
  d.set_dtype(v1::DTYPE_FLOAT32);
  for (int64_t s : shape) d.add_shape(s);
  d.set_data(std::string(reinterpret_cast<const char*>(values.data()),
                         values.size() * sizeof(float)));
  return d;
}

std::vector<float> AsFloats(const v1::TensorData& d) {
  std::vector<float> out(d.data().size() / sizeof(float));
  if (!out.empty()) std::memcpy(out.data(), d.data().data(), d.data().size());
  return out;
}

v1::ValueRef NameRef(const std::string& name) {
  v1::ValueRef v;
  v.set_name(name);
  return v;
}

v1::ValueRef HandleRef(const std::string& handle) {
  v1::ValueRef v;
  v.set_handle(handle);
  return v;
}

v1::ValueRef NodeRef(int node, int output) {
  v1::ValueRef v;
  v.mutable_node()->set_node(node);
  v.mutable_node()->set_output(output);
  return v;
}

v1::ValueRef LiteralRef(const v1::TensorData& d) {
  v1::ValueRef v;
  *v.mutable_literal() = d;
  return v;
}

v1::ValueRef FloatRef(double f) {
  v1::ValueRef v;
  v.mutable_scalar()->set_f(f);
  return v;
}

v1::TensorRef TRefName(const std::string& name) {
  v1::TensorRef r;
  r.set_name(name);
  return r;
}

v1::TensorRef TRefHandle(const std::string& handle) {
  v1::TensorRef r;
  r.set_handle(handle);
  return r;
}

}  // namespace tensord::testing
