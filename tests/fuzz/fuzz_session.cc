#include "tests/fuzz/fuzz_session.h"

#include <complex>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <sstream>
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
  // The storage-only dtypes (computed in float32/int32): 1, inf and -inf
  // as float16 bits; uint8 and int8 at their limits.
  add(Data<uint16_t>(v1::DTYPE_FLOAT16, {0x3C00, 0x7C00, 0xFC00}, {3}), true,
      "h");
  add(Data<uint8_t>(v1::DTYPE_UINT8, {0, 200, 255}, {3}), false, "u8");
  add(Data<int8_t>(v1::DTYPE_INT8, {-128, 127}, {2}), false, "i8");
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
  std::stringstream file;
  Must(session.WriteSnapshot(&file));
  const std::string bytes = file.str();
  std::istringstream in(bytes);
  auto reader = server::SnapshotReader::Open(&in, bytes.size());
  Must(reader.status());
  v1::SessionSnapshot snap = (*reader)->header();
  // Time stamps move on every call; everything else must not.
  snap.mutable_session()->clear_last_used_unix_ms();
  std::string out;
  snap.SerializeToString(&out);
  for (int64_t n : snap.storage_bytes()) {
    std::string data(static_cast<size_t>(n), '\0');
    Must((*reader)->ReadBytes(data.data(), data.size()));
    absl::StrAppend(&out, "\nstorage ", data);
  }
  Must((*reader)->Finish());
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

std::string CheckGeometry(const std::vector<int64_t>& sizes,
                          const std::vector<int64_t>& strides, int64_t offset,
                          int64_t item_size, int64_t storage_bytes) {
  // Independent of the core's MakeTensor: 128-bit arithmetic, no early
  // exits, so an overflow there cannot hide here.
  if (sizes.size() != strides.size()) return "sizes and strides differ";
  if (sizes.size() > static_cast<size_t>(kMaxRank)) return "rank above 16";
  __int128 numel = 1, last = offset, first = offset;
  for (size_t d = 0; d < sizes.size(); ++d) {
    if (sizes[d] < 0) return "a negative size";
    numel *= sizes[d];
    if (numel > (__int128{1} << 70)) numel = __int128{1} << 70;
    const __int128 reach = static_cast<__int128>(sizes[d] - 1) * strides[d];
    if (sizes[d] > 0) {
      if (reach > 0) last += reach;
      if (reach < 0) first += reach;
    }
  }
  if (numel > kMaxElements) return "more than 2^33 elements";
  if (offset < 0) return "a negative offset";
  if (numel == 0) return "";  // addresses nothing
  if (first < 0) return "an element before the storage";
  if ((last + 1) * item_size > storage_bytes) {
    return absl::StrCat("an element past the storage (", storage_bytes,
                        " bytes)");
  }
  return "";
}

std::string CheckTensor(const Tensor& t) {
  if (!t.defined()) return "";
  std::string why = CheckGeometry(
      std::vector<int64_t>(t.sizes().begin(), t.sizes().end()),
      std::vector<int64_t>(t.strides().begin(), t.strides().end()),
      t.storage_offset(), ItemSize(t.dtype()),
      static_cast<int64_t>(t.storage()->nbytes()));
  if (!why.empty()) {
    return absl::StrCat(why, ": sizes ", ShapeToString(t.sizes()), " strides ",
                        ShapeToString(t.strides()), " offset ",
                        t.storage_offset());
  }
  return "";
}

std::string CheckResponse(const v1::ExecuteResponse& response) {
  for (const v1::NodeResult& r : response.results()) {
    for (const v1::TensorData& v : r.values()) {
      if (v.dtype() == v1::DTYPE_UNSPECIFIED) continue;  // None or deferred
      absl::StatusOr<DType> dt = server::FromProto(v.dtype());
      if (!dt.ok()) return "a value of unknown dtype";
      __int128 n = ItemSize(*dt);
      bool empty = false;
      for (int64_t d : v.shape()) {
        if (d < 0) return "a value with a negative size";
        empty = empty || d == 0;
        n = std::min<__int128>(n * d, __int128{1} << 80);  // saturates
      }
      if (empty) n = 0;
      if (n != static_cast<__int128>(v.data().size())) {
        return absl::StrCat("a value of ", v.data().size(), " bytes for ",
                            static_cast<int64_t>(n), " expected");
      }
    }
  }
  return "";
}

std::string CheckSnapshot(server::Session& session) {
  std::stringstream file;
  if (absl::Status st = session.WriteSnapshot(&file); !st.ok()) {
    return absl::StrCat("snapshot failed: ", st.ToString());
  }
  const std::string bytes = file.str();
  std::istringstream in(bytes);
  auto reader = server::SnapshotReader::Open(&in, bytes.size());
  if (!reader.ok()) return reader.status().ToString();
  const v1::SessionSnapshot& snap = (*reader)->header();
  for (const v1::SnapshotTensor& t : snap.tensors()) {
    for (const v1::SnapshotView* v : {&t.view(), &t.grad_view()}) {
      if (v == &t.grad_view() && !t.has_grad_view()) continue;
      if (v->storage() < 0 || v->storage() >= snap.storage_bytes_size()) {
        return "a view of a missing storage";
      }
      absl::StatusOr<DType> dt = server::FromProto(v->dtype());
      if (!dt.ok()) return "a view of unknown dtype";
      std::string why = CheckGeometry(
          std::vector<int64_t>(v->sizes().begin(), v->sizes().end()),
          std::vector<int64_t>(v->strides().begin(), v->strides().end()),
          v->offset(), ItemSize(*dt), snap.storage_bytes(v->storage()));
      if (!why.empty()) return absl::StrCat("a session tensor: ", why);
    }
  }
  // The snapshot restores to the same state.
  std::istringstream again(bytes);
  auto restored = server::Session::ReadSnapshot(
      &again, bytes.size(), session.id(), FuzzLimits(), "fuzz-replica",
      [](const v1::SessionOptions& o) { return o; });
  if (!restored.ok()) {
    return absl::StrCat("the snapshot does not restore: ",
                        restored.status().ToString());
  }
  return "";
}

}  // namespace tensord::fuzz
