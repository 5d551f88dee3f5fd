// execute_fuzz.cc — libFuzzer target: an Execute request against a live
// session, as the server's Execute RPC runs it.
//
// The input is parsed as a v1::ExecuteRequest (protobuf binary; the seeds of
// corpus/execute and the op names of execute.dict give the fuzzer a start).
// It runs against a fresh session of fuzz_session.h. What must hold: no
// crash, no sanitizer report (the fuzz build has ASan and UBSan); after
// every node that succeeds, each output's geometry lies inside its storage
// and obeys the limits (CheckTensor: an oracle independent of the core's
// MakeTensor); after an Execute that succeeds, every returned value has
// numel x itemsize bytes, every tensor the session holds passes the same
// oracle and the session's snapshot restores; and a failed Execute leaves
// the session's state (SessionState: values, grads, names, handles,
// versions, generator, bytes) exactly as it was.
//
//   build-fuzz/tests/fuzz/execute_fuzz -dict=tests/fuzz/execute.dict
//     tests/fuzz/corpus/execute
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "tests/fuzz/fuzz_session.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  tensord::v1::ExecuteRequest request;
  if (!request.ParseFromArray(data, static_cast<int>(size))) return -1;
  std::unique_ptr<tensord::server::Session> session =
      tensord::fuzz::NewFuzzSession();
  auto die = [](const std::string& what) {
    std::fprintf(stderr, "execute fuzz oracle: %s\n", what.c_str());
    std::abort();
  };
  session->SetNodeObserverForTesting(
      [&](int node, const std::vector<tensord::Tensor>& outs) {
        for (const tensord::Tensor& t : outs) {
          const std::string why = tensord::fuzz::CheckTensor(t);
          if (!why.empty()) {
            die("node " + std::to_string(node) + " (" +
                request.nodes(node).op() + ") made " + why);
          }
        }
      });
  const std::string before = tensord::fuzz::SessionState(*session);
  tensord::v1::ExecuteResponse response;
  const absl::Status status = session->Execute(request, &response);
  if (!status.ok()) {
    if (tensord::fuzz::SessionState(*session) != before) {
      die("failed Execute changed the session: " + status.ToString());
    }
    if (status.code() == absl::StatusCode::kUnknown ||
        status.code() == absl::StatusCode::kInternal) {
      die("a client's request gave " + status.ToString());
    }
    return 0;
  }
  if (std::string why = tensord::fuzz::CheckResponse(response); !why.empty()) {
    die(why);
  }
  if (std::string why = tensord::fuzz::CheckSnapshot(*session); !why.empty()) {
    die(why);
  }
  return 0;
}
