// execute_fuzz.cc — libFuzzer target: an Execute request against a live
// session, as the server's Execute RPC runs it.
//
// The input is parsed as a v1::ExecuteRequest (protobuf binary; the seeds of
// corpus/execute and the op names of execute.dict give the fuzzer a start).
// It runs against a fresh session of fuzz_session.h. What must hold: no
// crash, no sanitizer report, and a failed Execute leaves the session's state
// (SessionState: values, grads, names, handles, versions, generator, bytes)
// exactly as it was.
//
//   build-fuzz/tests/fuzz/execute_fuzz -dict=tests/fuzz/execute.dict
//     tests/fuzz/corpus/execute
#include <cstdint>
#include <cstdio>
#include <cstdlib>

#include "tests/fuzz/fuzz_session.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  tensord::v1::ExecuteRequest request;
  if (!request.ParseFromArray(data, static_cast<int>(size))) return -1;
  std::unique_ptr<tensord::server::Session> session =
      tensord::fuzz::NewFuzzSession();
  const std::string before = tensord::fuzz::SessionState(*session);
  tensord::v1::ExecuteResponse response;
  const absl::Status status = session->Execute(request, &response);
  if (!status.ok() && tensord::fuzz::SessionState(*session) != before) {
    std::fprintf(stderr, "failed Execute changed the session: %s\n",
                 status.ToString().c_str());
    std::abort();
  }
  return 0;
}
