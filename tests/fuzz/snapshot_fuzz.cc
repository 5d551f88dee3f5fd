// snapshot_fuzz.cc — libFuzzer target: snapshots round-trip, and no file
// can hurt a restore.
//
// The input is used twice:
//   1. As an ExecuteRequest (protobuf binary, seeds as for execute_fuzz)
//      run against a fresh fuzz session (fuzz_session.h): an arbitrary
//      session. Its snapshot must restore, and the restored session's
//      snapshot must equal the original's byte for byte (time stamps, and
//      the bytes only its autograd graphs held, aside): values, grads,
//      flags, names, handles, views and their sharing, the generator.
//   2. As the bytes of a snapshot file: reading it must fail with DATA_LOSS
//      (or RESOURCE_EXHAUSTED) or give a session whose every tensor passes
//      the geometry oracle and whose snapshot restores.
// Findings abort (and ASan/UBSan report in the fuzz build).
//
//   build-fuzz/tests/fuzz/snapshot_fuzz -dict=tests/fuzz/execute.dict
//     tests/fuzz/corpus/execute
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <sstream>
#include <string>

#include "tests/fuzz/fuzz_session.h"

namespace {

using tensord::v1::SessionOptions;
using tensord::v1::SessionSnapshot;

void Die(const std::string& what) {
  std::fprintf(stderr, "snapshot fuzz oracle: %s\n", what.c_str());
  std::abort();
}

SessionOptions Same(const SessionOptions& o) { return o; }

// The snapshot of `s` with its last-used time cleared, header and bytes.
std::string Canonical(tensord::server::Session& s) {
  std::stringstream out;
  if (absl::Status st = s.WriteSnapshot(&out); !st.ok()) {
    Die("snapshot failed: " + st.ToString());
  }
  const std::string bytes = out.str();
  std::istringstream in(bytes);
  auto reader = tensord::server::SnapshotReader::Open(&in, bytes.size());
  if (!reader.ok())
    Die("own snapshot unreadable: " + reader.status().ToString());
  SessionSnapshot header = (*reader)->header();
  // Time stamps move; graphs do not come back (only their names), so what
  // they held (graph bytes, and data bytes only a graph saved) does not.
  header.mutable_session()->clear_last_used_unix_ms();
  header.mutable_session()->clear_graph_bytes();
  header.mutable_session()->clear_bytes();
  std::string canonical = header.SerializeAsString();
  for (int64_t n : header.storage_bytes()) {
    std::string data(static_cast<size_t>(n), '\0');
    if (!(*reader)->ReadBytes(data.data(), data.size()).ok()) {
      Die("own snapshot truncated");
    }
    canonical += data;
  }
  if (!(*reader)->Finish().ok()) Die("own snapshot checksum");
  return canonical;
}

std::unique_ptr<tensord::server::Session> Restore(const std::string& bytes,
                                                  const std::string& id) {
  std::istringstream in(bytes);
  auto s = tensord::server::Session::ReadSnapshot(
      &in, bytes.size(), id, tensord::fuzz::FuzzLimits(), "fuzz-replica", Same);
  if (!s.ok()) return nullptr;
  return *std::move(s);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string input(reinterpret_cast<const char*>(data), size);
  // 1. An arbitrary session round-trips.
  tensord::v1::ExecuteRequest request;
  if (request.ParseFromString(input)) {
    auto session = tensord::fuzz::NewFuzzSession();
    tensord::v1::ExecuteResponse response;
    (void)session->Execute(request, &response);
    std::stringstream file;
    if (absl::Status st = session->WriteSnapshot(&file); !st.ok()) {
      Die("snapshot failed: " + st.ToString());
    }
    auto restored = Restore(file.str(), session->id());
    if (restored == nullptr) Die("a session's snapshot does not restore");
    if (Canonical(*restored) != Canonical(*session)) {
      Die("the restored session differs from the saved one");
    }
  }
  // 2. Any bytes as a snapshot file.
  auto odd = Restore(input, "fuzz");
  if (odd != nullptr) {
    if (std::string why = tensord::fuzz::CheckSnapshot(*odd); !why.empty()) {
      Die("a restored file: " + why);
    }
  }
  return 0;
}
