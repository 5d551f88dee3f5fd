#include "core/tensor.h"

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <mutex>
#include <stdexcept>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "core/autograd.h"
#include "core/status_macros.h"
#include "core/transaction.h"

namespace tensord {
namespace {

// A caching allocator for large buffers. glibc serves big allocations with
// fresh mmap()ed pages that fault on first touch; keeping freed blocks for
// reuse (exact byte size) avoids paying that on every op. Small blocks go to
// malloc directly. The cache is bounded; beyond the bound blocks are freed.
class CachingAllocator {
 public:
  static constexpr size_t kMinCached = 1 << 16;               // 64 KiB
  static constexpr size_t kMaxCachedTotal = size_t{1} << 30;  // 1 GiB
  // Larger blocks go straight back to the system: a session that held a
  // huge tensor must not leave it resident after it is gone.
  static constexpr size_t kMaxCachedBlock = size_t{64} << 20;  // 64 MiB

  void* Allocate(size_t n) {
    if (n == 0) n = 1;
    if (n >= kMinCached) {
      std::lock_guard<std::mutex> lock(mu_);
      auto it = free_.find(n);
      if (it != free_.end()) {
        void* p = it->second;
        free_.erase(it);
        cached_ -= n;
        return p;
      }
    }
    // Large blocks are cache-line aligned; small ones (most tensors of a
    // small op) take malloc's faster path.
    void* p = n >= kMinCached ? std::aligned_alloc(64, (n + 63) / 64 * 64)
                              : std::malloc(n);
    if (p == nullptr) {
      throw MemoryLimitError(
          absl::StrCat("out of memory: cannot allocate ", n, " bytes"));
    }
    return p;
  }

  void Free(void* p, size_t n) {
    if (n == 0) n = 1;
    if (n >= kMinCached && n <= kMaxCachedBlock) {
      std::lock_guard<std::mutex> lock(mu_);
      if (cached_ + n <= kMaxCachedTotal) {
        free_.emplace(n, p);
        cached_ += n;
        return;
      }
      // Make room by dropping the largest cached blocks.
      while (!free_.empty() && cached_ + n > kMaxCachedTotal) {
        auto last = std::prev(free_.end());
        cached_ -= last->first;
        std::free(last->second);
        free_.erase(last);
      }
      free_.emplace(n, p);
      cached_ += n;
      return;
    }
    std::free(p);
  }

  int64_t cached() {
    std::lock_guard<std::mutex> lock(mu_);
    return static_cast<int64_t>(cached_);
  }

  void ReleaseAll() {
    std::multimap<size_t, void*> blocks;
    {
      std::lock_guard<std::mutex> lock(mu_);
      blocks.swap(free_);
      cached_ = 0;
    }
    for (const auto& [n, p] : blocks) std::free(p);
  }

 private:
  std::mutex mu_;
  std::multimap<size_t, void*> free_;
  size_t cached_ = 0;
};

CachingAllocator& Allocator() {
  static CachingAllocator* a = new CachingAllocator();
  return *a;
}

std::atomic<int64_t> g_live_bytes{0};

}  // namespace

namespace {
thread_local std::shared_ptr<MemoryAccount> t_account;
}  // namespace

ChargeTo::ChargeTo(std::shared_ptr<MemoryAccount> account)
    : previous_(std::move(t_account)) {
  t_account = std::move(account);
}

ChargeTo::~ChargeTo() { t_account = std::move(previous_); }

std::shared_ptr<MemoryAccount> CurrentAccount() { return t_account; }

namespace {
// Adds n to one of the account's counters, refusing (and undoing) a growth
// past the limit of both together.
void Charge(MemoryAccount* account, std::atomic<int64_t>& counter, int64_t n) {
  if (account == nullptr) return;
  counter.fetch_add(n);
  const int64_t after = account->total();
  if (n > 0 && after > account->limit) {
    counter.fetch_sub(n);
    throw MemoryLimitError(
        absl::StrCat("session memory limit exceeded: ", after,
                     " bytes needed, limit ", account->limit));
  }
}
}  // namespace

void ChargeGraphBytes(MemoryAccount* account, int64_t n) {
  if (account == nullptr) return;
  Charge(account, account->graph_bytes, n);
}

Storage::Storage(size_t nbytes) : data_(nullptr), nbytes_(nbytes) {
  const int64_t n = static_cast<int64_t>(nbytes);
  if (t_account) Charge(t_account.get(), t_account->bytes, n);
  try {
    data_ = Allocator().Allocate(nbytes);
  } catch (...) {
    if (t_account) t_account->bytes.fetch_sub(n);
    throw;
  }
  account_ = t_account;
  g_live_bytes.fetch_add(n, std::memory_order_relaxed);
}

Storage::~Storage() {
  Allocator().Free(data_, nbytes_);
  const int64_t n = static_cast<int64_t>(nbytes_);
  if (account_) account_->bytes.fetch_sub(n);
  g_live_bytes.fetch_sub(n, std::memory_order_relaxed);
}

bool Storage::SwapBytes(Storage& other) {
  if (other.nbytes_ != nbytes_) return false;
  std::swap(data_, other.data_);
  return true;
}

int64_t LiveStorageBytes() { return g_live_bytes.load(); }
int64_t CachedStorageBytes() { return Allocator().cached(); }
void ReleaseCachedStorage() { Allocator().ReleaseAll(); }

DType Tensor::dtype() const { return impl_->dtype(); }
const Shape& Tensor::sizes() const { return impl_->sizes(); }
const Shape& Tensor::strides() const { return impl_->strides(); }
int64_t Tensor::size(int64_t d) const {
  if (d < 0) d += dim();
  return impl_->sizes()[d];
}
int64_t Tensor::dim() const {
  return static_cast<int64_t>(impl_->sizes().size());
}
int64_t Tensor::numel() const {
  int64_t n = 1;
  for (int64_t s : impl_->sizes()) n *= s;
  return n;
}
int64_t Tensor::storage_offset() const { return impl_->offset(); }
bool Tensor::is_wrapped_number() const { return impl_->wrapped_number; }

bool Tensor::is_contiguous() const {
  int64_t expected = 1;
  for (int64_t d = dim() - 1; d >= 0; --d) {
    if (impl_->sizes()[d] == 1) continue;
    if (impl_->strides()[d] != expected) return false;
    expected *= impl_->sizes()[d];
  }
  return true;
}

void* Tensor::raw_data() const {
  char* base = static_cast<char*>(impl_->storage()->data());
  // An empty tensor's offset may lie past its storage (MakeTensor): it
  // addresses nothing, so it points at the storage.
  if (numel() == 0) return base;
  return base + impl_->offset() * ItemSize(impl_->dtype());
}
const std::shared_ptr<Storage>& Tensor::storage() const {
  return impl_->storage();
}

namespace {
// Calls f(element pointer) for each element in row-major order.
template <typename T, typename F>
void ForEachElement(const Tensor& t, F f) {
  const int64_t nd = t.dim();
  const T* base = t.data<T>();
  if (t.numel() == 0) return;
  if (t.is_contiguous()) {
    const int64_t n = t.numel();
    for (int64_t i = 0; i < n; ++i) f(base[i]);
    return;
  }
  Shape idx(nd, 0);
  const Shape& sz = t.sizes();
  const Shape& st = t.strides();
  while (true) {
    int64_t off = 0;
    for (int64_t d = 0; d < nd; ++d) off += idx[d] * st[d];
    f(base[off]);
    int64_t d = nd - 1;
    for (; d >= 0; --d) {
      if (++idx[d] < sz[d]) break;
      idx[d] = 0;
    }
    if (d < 0) break;
  }
}

template <typename T>
double ToDouble(T v) {
  if constexpr (kIsComplex<T>) {
    return v.real();
  } else if constexpr (kIsReduced<T>) {
    return static_cast<float>(v);
  } else {
    return static_cast<double>(v);
  }
}
}  // namespace

Scalar Tensor::item() const {
  Scalar out(0.0);
  DispatchStorage(dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    T v{};
    ForEachElement<T>(*this, [&](const T& e) { v = e; });
    if constexpr (kIsComplex<T>) {
      out = Scalar(v);
    } else if constexpr (std::is_same_v<T, bool>) {
      out = Scalar(v);
    } else if constexpr (std::is_integral_v<T>) {
      out = Scalar(static_cast<int64_t>(v));
    } else {
      out = Scalar(ConvertValue<double>(v));
    }
  });
  return out;
}

std::vector<double> Tensor::ToDoubles() const {
  std::vector<double> out;
  out.reserve(numel());
  DispatchStorage(dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    ForEachElement<T>(*this, [&](const T& e) { out.push_back(ToDouble(e)); });
  });
  return out;
}

std::vector<int64_t> Tensor::ToInts() const {
  std::vector<int64_t> out;
  out.reserve(numel());
  DispatchStorage(dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    ForEachElement<T>(*this, [&](const T& e) {
      // Integers exactly (through double, INT64_MAX would round up and be
      // out of range); floats as x86 converts them, never undefined.
      if constexpr (std::is_integral_v<T>) {
        out.push_back(static_cast<int64_t>(e));
      } else {
        out.push_back(FloatToInt<int64_t>(ToDouble(e)));
      }
    });
  });
  return out;
}

namespace {
// A new tensor with t's storage and geometry (already checked, so this
// cannot fail) and no autograd state.
Tensor ShareGeometry(const Tensor& t) {
  absl::StatusOr<Tensor> out = MakeTensor(t.storage(), t.dtype(), t.sizes(),
                                          t.strides(), t.storage_offset());
  if (!out.ok()) {
    std::fprintf(stderr, "tensord: invariant broken: %s\n",
                 std::string(out.status().message()).c_str());
    std::abort();
  }
  return *std::move(out);
}
}  // namespace

bool Tensor::requires_grad() const {
  return impl_->requires_grad || impl_->grad_fn != nullptr;
}

absl::Status Tensor::set_requires_grad(bool value) {
  if (!is_leaf()) {
    if (value) return absl::OkStatus();
    return absl::FailedPreconditionError(
        "you can only change requires_grad flags of leaf variables. If you "
        "want to use a computed variable in a subgraph that doesn't require "
        "differentiation use var_no_grad = var.detach().");
  }
  if (value && !IsDifferentiable(dtype())) {
    return absl::FailedPreconditionError(
        "only Tensors of floating point dtype can require gradients");
  }
  RecordUndo([impl = impl_, was = impl_->requires_grad] {
    impl->requires_grad = was;
  });
  impl_->requires_grad = value;
  return absl::OkStatus();
}

bool Tensor::is_leaf() const { return impl_->grad_fn == nullptr; }
Tensor Tensor::grad() const { return impl_->grad; }
void Tensor::set_grad(const Tensor& g) {
  RecordUndo([impl = impl_, old = impl_->grad] { impl->grad = old; });
  impl_->grad = g;
}
const std::shared_ptr<Node>& Tensor::grad_fn() const { return impl_->grad_fn; }
std::string Tensor::grad_fn_name() const {
  return impl_->grad_fn ? impl_->grad_fn->name() : std::string();
}

absl::Status Tensor::retain_grad() {
  if (!requires_grad()) {
    return absl::FailedPreconditionError(
        "can't retain_grad on Tensor that has requires_grad=False");
  }
  if (!is_leaf() && !impl_->retains_grad) {
    RecordUndo([impl = impl_, fn = impl_->grad_fn] {
      impl->retains_grad = false;
      fn->retained.pop_back();
    });
    impl_->retains_grad = true;
    impl_->grad_fn->retained.emplace_back(impl_, impl_->output_nr);
  }
  return absl::OkStatus();
}
bool Tensor::retains_grad() const { return impl_->retains_grad; }
int64_t Tensor::version() const { return impl_->version->version; }
void Tensor::bump_version() { ++impl_->version->version; }

Tensor Tensor::detach() const {
  Tensor out = ShareGeometry(*this);
  out.impl()->version = impl_->version;
  out.impl()->view_base = impl_->view_base;
  return out;
}

Shape ContiguousStrides(const Shape& sizes) {
  Shape st(sizes.size(), 1);
  int64_t acc = 1;
  for (int64_t d = static_cast<int64_t>(sizes.size()) - 1; d >= 0; --d) {
    st[d] = acc;
    acc *= std::max<int64_t>(sizes[d], 1);
  }
  return st;
}

absl::StatusOr<int64_t> CheckShape(const Shape& sizes) {
  if (static_cast<int64_t>(sizes.size()) > kMaxRank) {
    return absl::InvalidArgumentError(absl::StrCat(
        "tensors have at most ", kMaxRank, " dimensions, got ", sizes.size()));
  }
  // The product with 0 counted as 1 bounds the contiguous strides, which
  // must fit too when a 0 makes the tensor empty ([0, 2^40, 2^40]).
  int64_t span = 1;
  bool empty = false, overflow = false;
  for (int64_t s : sizes) {
    if (s < 0) {
      return absl::InvalidArgumentError(
          absl::StrCat("Trying to create tensor with negative dimension ", s,
                       ": ", ShapeToString(sizes)));
    }
    empty = empty || s == 0;
    overflow = overflow ||
               __builtin_mul_overflow(span, std::max<int64_t>(s, 1), &span);
  }
  if (overflow && !empty) {
    return absl::InvalidArgumentError(
        absl::StrCat("numel: integer multiplication overflow (shape ",
                     ShapeToString(sizes), ")"));
  }
  if (overflow) {
    return absl::InvalidArgumentError(
        absl::StrCat("tensor of shape ", ShapeToString(sizes),
                     " has too many elements (its strides overflow int64)"));
  }
  const int64_t n = empty ? 0 : span;
  if (n > kMaxElements) {
    return absl::ResourceExhaustedError(
        absl::StrCat("tensor of shape ", ShapeToString(sizes), " has ", n,
                     " elements; the limit is ", kMaxElements));
  }
  return n;
}

absl::StatusOr<Tensor> MakeTensor(std::shared_ptr<Storage> storage, DType dtype,
                                  Shape sizes, Shape strides, int64_t offset) {
  if (storage == nullptr) {
    return absl::InvalidArgumentError("a tensor needs a storage");
  }
  TENSORD_ASSIGN_OR_RETURN(const int64_t numel, CheckShape(sizes));
  if (strides.size() != sizes.size()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "mismatch in length of strides and shape: ", strides.size(), " and ",
        sizes.size()));
  }
  for (int64_t st : strides) {
    if (st < 0) {
      return absl::InvalidArgumentError(
          absl::StrCat("Negative strides are not supported, got strides: ",
                       ShapeToString(strides)));
    }
  }
  const int64_t item = ItemSize(dtype);
  const int64_t capacity = static_cast<int64_t>(storage->nbytes()) / item;
  // The last element addressed, offset + sum((size_i - 1) * stride_i); for
  // an empty tensor nothing is addressed but its data pointer, offset.
  int64_t last = offset;
  bool overflow = offset < 0;
  if (numel > 0) {
    for (size_t d = 0; d < sizes.size() && !overflow; ++d) {
      int64_t reach;
      overflow = __builtin_mul_overflow(sizes[d] - 1, strides[d], &reach) ||
                 __builtin_add_overflow(last, reach, &last);
    }
  }
  // An empty tensor addresses nothing: any offset whose byte position
  // fits is allowed (torch's zeros(0, 3)[:, 1:] has offset 1), and its data
  // pointer is the storage's (raw_data).
  const bool inside =
      !overflow &&
      (numel > 0 ? last < capacity
                 : offset <= std::numeric_limits<int64_t>::max() / item);
  if (!inside) {
    return absl::InvalidArgumentError(absl::StrCat(
        "sizes ", ShapeToString(sizes), ", strides ", ShapeToString(strides),
        " and storage offset ", offset, " (itemsize ", item,
        ") are out of bounds for storage of size ", storage->nbytes()));
  }
  auto impl = std::make_shared<TensorImpl>(
      TensorImpl::Key(), std::move(storage), dtype, std::move(sizes),
      std::move(strides), offset);
  return Tensor(std::move(impl));
}

absl::StatusOr<Tensor> Empty(const Shape& sizes, DType dtype) {
  TENSORD_ASSIGN_OR_RETURN(const int64_t numel, CheckShape(sizes));
  std::shared_ptr<Storage> storage;
  try {
    storage =
        std::make_shared<Storage>(static_cast<size_t>(numel * ItemSize(dtype)));
  } catch (const MemoryLimitError& e) {
    return absl::ResourceExhaustedError(e.what());
  }
  return MakeTensor(std::move(storage), dtype, sizes, ContiguousStrides(sizes),
                    0);
}

absl::StatusOr<Tensor> MakeView(const Tensor& base, Shape sizes, Shape strides,
                                int64_t offset) {
  TENSORD_ASSIGN_OR_RETURN(
      Tensor out, MakeTensor(base.storage(), base.dtype(), std::move(sizes),
                             std::move(strides), offset));
  out.impl()->version = base.impl()->version;
  out.impl()->view_base =
      base.impl()->view_base ? base.impl()->view_base : base.impl_ptr();
  return out;
}

namespace {
// For callers whose contract is to throw on allocation failure (the
// 0-dim helpers below, called from inside ops).
Tensor EmptyOrThrow(const Shape& sizes, DType dtype) {
  absl::StatusOr<Tensor> t = Empty(sizes, dtype);
  if (!t.ok()) throw MemoryLimitError(std::string(t.status().message()));
  return *std::move(t);
}
}  // namespace

Tensor ScalarTensor(const Scalar& s, DType dtype) {
  Tensor t = EmptyOrThrow({}, dtype);
  DispatchStorage(dtype, [&](auto tag) {
    using T = typename decltype(tag)::type;
    if constexpr (kIsComplex<T>) {
      *t.data<T>() = ConvertValue<T>(s.to_complex());
    } else if constexpr (std::is_same_v<T, bool>) {
      *t.data<T>() = s.to_double() != 0;
    } else if constexpr (std::is_integral_v<T>) {
      *t.data<T>() = static_cast<T>(s.to_int());
    } else {
      *t.data<T>() = ConvertValue<T>(s.to_double());
    }
  });
  return t;
}

Tensor WrapScalar(const Scalar& s) {
  Tensor t = ScalarTensor(s, s.dtype());
  t.impl()->wrapped_number = true;
  return t;
}

absl::StatusOr<Tensor> FromDoubles(const std::vector<double>& values,
                                   const Shape& shape, DType dtype) {
  auto n = CheckShape(shape);
  if (!n.ok()) return n.status();
  if (*n != static_cast<int64_t>(values.size())) {
    return absl::InvalidArgumentError(
        absl::StrCat("shape ", ShapeToString(shape), " needs ", *n,
                     " values, got ", values.size()));
  }
  TENSORD_ASSIGN_OR_RETURN(Tensor t, Empty(shape, dtype));
  DispatchStorage(dtype, [&](auto tag) {
    using T = typename decltype(tag)::type;
    T* p = t.data<T>();
    for (size_t i = 0; i < values.size(); ++i) {
      p[i] = ConvertValue<T>(values[i]);
    }
  });
  return t;
}

absl::StatusOr<Tensor> FromInts(const std::vector<int64_t>& values,
                                const Shape& shape, DType dtype) {
  auto n = CheckShape(shape);
  if (!n.ok()) return n.status();
  if (*n != static_cast<int64_t>(values.size())) {
    return absl::InvalidArgumentError(
        absl::StrCat("shape ", ShapeToString(shape), " needs ", *n,
                     " values, got ", values.size()));
  }
  TENSORD_ASSIGN_OR_RETURN(Tensor t, Empty(shape, dtype));
  DispatchStorage(dtype, [&](auto tag) {
    using T = typename decltype(tag)::type;
    T* p = t.data<T>();
    for (size_t i = 0; i < values.size(); ++i) {
      p[i] = ConvertValue<T>(values[i]);
    }
  });
  return t;
}

absl::StatusOr<Tensor> FromBytes(const void* data, size_t nbytes,
                                 const Shape& shape, DType dtype) {
  auto n = CheckShape(shape);
  if (!n.ok()) return n.status();
  const size_t expected = static_cast<size_t>(*n) * ItemSize(dtype);
  if (expected != nbytes) {
    return absl::InvalidArgumentError(
        absl::StrCat("shape ", ShapeToString(shape), " of ", DTypeName(dtype),
                     " needs ", expected, " bytes, got ", nbytes));
  }
  TENSORD_ASSIGN_OR_RETURN(Tensor t, Empty(shape, dtype));
  if (nbytes) std::memcpy(t.raw_data(), data, nbytes);
  if (dtype == DType::kBool) {
    // Normalize to 0/1 so that every bool is a valid C++ bool.
    auto* p = static_cast<uint8_t*>(t.raw_data());
    for (size_t i = 0; i < nbytes; ++i) p[i] = p[i] != 0;
  }
  return t;
}

std::string ToBytes(const Tensor& t) {
  std::string out;
  out.resize(static_cast<size_t>(t.nbytes()));
  if (t.is_contiguous()) {
    if (!out.empty()) std::memcpy(out.data(), t.raw_data(), out.size());
    return out;
  }
  char* dst = out.data();
  DispatchStorage(t.dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    ForEachElement<T>(t, [&](const T& e) {
      std::memcpy(dst, &e, sizeof(T));
      dst += sizeof(T);
    });
  });
  return out;
}

std::string ShapeToString(const Shape& s) {
  return absl::StrCat("[", absl::StrJoin(s, ", "), "]");
}

std::string FormatSize(const Shape& s) {
  return absl::StrCat("torch.Size(", ShapeToString(s), ")");
}

namespace {
thread_local DType t_default_float = DType::kFloat32;
}  // namespace

DType DefaultFloat() { return t_default_float; }
DefaultFloatGuard::DefaultFloatGuard(DType t) : prev_(t_default_float) {
  t_default_float = t;
}
DefaultFloatGuard::~DefaultFloatGuard() { t_default_float = prev_; }

void ThrowStorageOnly(DType t) {
  throw std::logic_error(absl::StrCat("a kernel was given ", DTypeName(t),
                                      ", which is computed in ",
                                      DTypeName(ComputeDType(t))));
}

bool ParseDType(absl::string_view name, DType* out) {
  if (name.substr(0, 6) == "torch.") name.remove_prefix(6);
  struct Alias {
    absl::string_view name;
    DType t;
  };
  static constexpr Alias kAliases[] = {
      {"bool", DType::kBool},
      {"int32", DType::kInt32},
      {"int", DType::kInt32},
      {"int64", DType::kInt64},
      {"long", DType::kInt64},
      {"float32", DType::kFloat32},
      {"float", DType::kFloat32},
      {"float64", DType::kFloat64},
      {"double", DType::kFloat64},
      {"complex64", DType::kComplex64},
      {"cfloat", DType::kComplex64},
      {"float16", DType::kFloat16},
      {"half", DType::kFloat16},
      {"bfloat16", DType::kBFloat16},
      {"int8", DType::kInt8},
      {"uint8", DType::kUInt8},
      {"int16", DType::kInt16},
      {"short", DType::kInt16},
      {"complex128", DType::kComplex128},
      {"cdouble", DType::kComplex128},
  };
  for (const Alias& a : kAliases) {
    if (a.name == name) {
      *out = a.t;
      return true;
    }
  }
  return false;
}

}  // namespace tensord
