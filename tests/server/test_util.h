// test_util.h — an in-process tensord for tests, and a client stub that
// talks to it over a real channel.
//
//   TestServer server;                      // 127.0.0.1, ephemeral port
//   auto stub = server.Stub();
//   v1::Session s = server.NewSession();
#ifndef TENSORD_TESTS_SERVER_TEST_UTIL_H_
#define TENSORD_TESTS_SERVER_TEST_UTIL_H_

#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>

#include "server/server.h"
#include "tensord/v1/tensord.grpc.pb.h"

namespace tensord::testing {

class TestServer {
 public:
  // Starts a server with `config` (its listen address is replaced by an
  // ephemeral loopback port). Fails the test if it cannot start.
  explicit TestServer(server::ServerConfig config = {});
  ~TestServer();

  int port() const { return server_->port(); }
  std::string target() const;
  server::TensordServer* server() { return server_.get(); }
  // A stub on a fresh insecure channel.
  std::unique_ptr<v1::TensorService::Stub> Stub() const;
  // Stops the server (drain, snapshots) as SIGTERM would.
  void Shutdown();

 private:
  std::unique_ptr<server::TensordServer> server_;
};

// A context carrying the session header (and a bearer token if given).
std::unique_ptr<grpc::ClientContext> Ctx(const std::string& session_id = "",
                                         const std::string& token = "");

// float32 tensor data from values.
v1::TensorData F32(const std::vector<float>& values,
                   const std::vector<int64_t>& shape);
std::vector<float> AsFloats(const v1::TensorData& d);

// Request builders shared by the server tests.
v1::ValueRef NameRef(const std::string& name);
v1::ValueRef HandleRef(const std::string& handle);
v1::ValueRef NodeRef(int node, int output = 0);
v1::ValueRef LiteralRef(const v1::TensorData& d);
v1::ValueRef FloatRef(double f);
v1::TensorRef TRefName(const std::string& name);
v1::TensorRef TRefHandle(const std::string& handle);

}  // namespace tensord::testing

#endif  // TENSORD_TESTS_SERVER_TEST_UTIL_H_
