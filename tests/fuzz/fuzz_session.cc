#include "tests/fuzz/fuzz_session.h"

#include <complex>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace tensord::fuzz {
namespace {

// The fixed part of the session must build; anything else is a bug in this
// file, not a finding.
void Must(const absl::Status& s) {
  if (!s.ok()) {
    std::fprintf(stderr, "fuzz session setup: %s\n", s.ToString().c_str());
    std::abort();
  }
}

}  // namespace

server::SessionLimits FuzzLimits() {
  server::SessionLimits limits;
  limits.memory_limit_bytes = int64_t{1} << 22;  // 4 MiB
  limits.max_tensors = 64;
  limits.max_execute_nodes = 64;
  limits.tensor.max_rank = 8;
  limits.tensor.max_elements = int64_t{1} << 16;
  return limits;
}

std::unique_ptr<server::Session> NewFuzzSession() {
  v1::SessionOptions options;
  options.set_seed(0);
  auto s = std::make_unique<server::Session>("fuzz", "", options, FuzzLimits(),
                                             "fuzz-replica");
  auto add = [&](const v1::TensorData& d, bool requires_grad,
                 const std::string& name) {
    Must(s->CreateTensor(d, requires_grad, name).status());
  };
  add(Data<float>(v1::DTYPE_FLOAT32, {0, 1, 2, 3}, {4}), true, "x");
  std::vector<float> a(12);
  for (int k = 0; k < 12; ++k) a[k] = static_cast<float>(k);
  add(Data<float>(v1::DTYPE_FLOAT32, a, {3, 4}), false, "A");
  add(Data<double>(v1::DTYPE_FLOAT64, {2, 1, 1, 2}, {2, 2}), true, "M");
  add(Data<int64_t>(v1::DTYPE_INT64, {-1, 0, 2}, {3}), false, "i");
  add(Data<uint8_t>(v1::DTYPE_BOOL, {1, 0, 1}, {3}), false, "b");
  add(Data<std::complex<float>>(v1::DTYPE_COMPLEX64, {{1, 2}, {-3, 0.5}}, {2}),
      false, "c");
  add(Data<float>(v1::DTYPE_FLOAT32, {2.5f}, {}), false, "s");
  // Extremes a hostile client can send: integer overflow, NaN and inf.
  add(Data<int64_t>(v1::DTYPE_INT64,
                    {std::numeric_limits<int64_t>::max(),
                     std::numeric_limits<int64_t>::min()},
                    {2}),
      false, "big");
  add(Data<int32_t>(v1::DTYPE_INT32,
                    {std::numeric_limits<int32_t>::max(),
                     std::numeric_limits<int32_t>::min()},
                    {2}),
      false, "big32");
  const float inf = std::numeric_limits<float>::infinity();
  add(Data<float>(v1::DTYPE_FLOAT32,
                  {std::numeric_limits<float>::quiet_NaN(), inf, -inf, 3e38f},
                  {4}),
      false, "odd");
  v1::ExecuteRequest mul;
  v1::OpNode* node = mul.add_nodes();
  node->set_op("mul");
  node->add_inputs()->set_name("x");
  node->add_inputs()->set_name("x");
  node->add_bind("y");
  node->set_keep(true);
  v1::ExecuteResponse response;
  Must(s->Execute(mul, &response));
  return s;
}

std::string SessionState(server::Session& session) {
  v1::SessionSnapshot snap;
  session.Snapshot(&snap);
  // Time stamps move on every call; everything else must not.
  snap.mutable_session()->clear_last_used_unix_ms();
  std::string out;
  snap.SerializeToString(&out);
  // What the snapshot leaves out: versions, leaf-ness, grad_fn, has_grad.
  auto describe = [&](const v1::TensorRef& ref) {
    v1::TensorInfo info;
    absl::StatusOr<Tensor> t = session.Fetch(ref, /*grad=*/false, &info);
    if (!t.ok()) {
      absl::StrAppend(&out, "\nunfetchable ", ref.ShortDebugString());
      return;
    }
    std::string bytes;
    info.SerializeToString(&bytes);
    absl::StrAppend(&out, "\n", ref.ShortDebugString(), " ", bytes);
  };
  for (const v1::SnapshotTensor& t : snap.tensors()) {
    for (const std::string& h : t.handles()) {
      v1::TensorRef ref;
      ref.set_handle(h);
      describe(ref);
    }
    for (const std::string& n : t.names()) {
      v1::TensorRef ref;
      ref.set_name(n);
      describe(ref);
    }
  }
  return out;
}

}  // namespace tensord::fuzz
