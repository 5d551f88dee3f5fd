// tensor.h — the strided tensor of tensord's core.
//
// A Tensor is a cheap, shallow handle (like torch.Tensor): copies share the
// same TensorImpl. Storage (bytes) is separate from the view (sizes, strides,
// offset), so reshape/transpose/slicing/detach share data. Autograd state
// (requires_grad, grad, grad_fn) lives on the impl.
//
//   Tensor x = *Arange(Scalar(0.0), Scalar(4.0), Scalar(1.0));
//   x.set_requires_grad(true);
//   Tensor y = *Mul(x, x);
//   TENSORD_RETURN_IF_ERROR(Backward(*Sum(y)));
//   x.grad();  // [0, 2, 4, 6]
//
// Thread safety: a Tensor and everything reachable from it (its graph) must be
// used by one thread at a time; the server serializes calls per session.
#ifndef TENSORD_CORE_TENSOR_H_
#define TENSORD_CORE_TENSOR_H_

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <memory>
#include <new>
#include <string>
#include <vector>

#include "absl/container/inlined_vector.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "core/dtype.h"

namespace tensord {

using Shape = absl::InlinedVector<int64_t, 6>;

class Node;  // autograd.h

// Memory accounting. Storages created while a MemoryAccount is current on a
// thread (see ChargeTo) are charged to it until they are freed, whoever
// holds them then. An allocation that would take the account past its
// limit fails with MemoryLimitError.
struct MemoryAccount {
  std::atomic<int64_t> bytes{0};        // tensor storage
  std::atomic<int64_t> graph_bytes{0};  // autograd graph nodes
  // Bookkeeping of the account's owner (the server charges its names and
  // handles here); changed directly, checked by the owner.
  std::atomic<int64_t> name_bytes{0};
  // Applies to bytes + graph_bytes + name_bytes.
  int64_t limit = std::numeric_limits<int64_t>::max();
  int64_t total() const {
    return bytes.load() + graph_bytes.load() + name_bytes.load();
  }
};

// The calling thread's current account (null outside ChargeTo).
std::shared_ptr<MemoryAccount> CurrentAccount();
// Adds n bytes of graph nodes to `account` (may be null: nothing to do);
// throws MemoryLimitError, changing nothing, if that passes its limit.
void ChargeGraphBytes(MemoryAccount* account, int64_t n);

// Thrown by allocations over an account's limit or beyond what the system
// can give. Op entry points (RunOp, the server) turn it into
// RESOURCE_EXHAUSTED; like std::bad_alloc from any C++ container, it
// reaches direct callers of the functional API.
class MemoryLimitError : public std::bad_alloc {
 public:
  explicit MemoryLimitError(std::string what) : what_(std::move(what)) {}
  const char* what() const noexcept override { return what_.c_str(); }

 private:
  std::string what_;
};

// RAII: makes `account` the thread's current account in scope.
class ChargeTo {
 public:
  explicit ChargeTo(std::shared_ptr<MemoryAccount> account);
  ~ChargeTo();
  ChargeTo(const ChargeTo&) = delete;
  ChargeTo& operator=(const ChargeTo&) = delete;

 private:
  std::shared_ptr<MemoryAccount> previous_;
};

// A block of bytes owned by the caching allocator. Never copied.
class Storage {
 public:
  // Throws MemoryLimitError if the current account or the system cannot
  // provide `nbytes`.
  explicit Storage(size_t nbytes);
  ~Storage();
  Storage(const Storage&) = delete;
  Storage& operator=(const Storage&) = delete;

  void* data() const { return data_; }
  size_t nbytes() const { return nbytes_; }

  // Exchanges the bytes of two storages of the same size (each keeps its
  // size and its account): an in-place op's result becomes self's value
  // without a copy. False, changing nothing, if the sizes differ.
  bool SwapBytes(Storage& other);

 private:
  void* data_;
  size_t nbytes_;
  std::shared_ptr<MemoryAccount> account_;
};

// Bytes currently held by live storages (for accounting and memory tests).
int64_t LiveStorageBytes();

// Freed storage blocks (64 KiB to 64 MiB) are kept for reuse, up to 1 GiB in
// all, so repeated ops do not fault in fresh pages. CachedStorageBytes() is
// what the cache holds; ReleaseCachedStorage() gives it all back (the server
// does when a session closes or expires, so a closed session's memory leaves
// the process).
int64_t CachedStorageBytes();
void ReleaseCachedStorage();

class TensorImpl;

// A number passed where a tensor is expected (`x * 2`). Python scalars take
// part in type promotion with lower priority than tensors ("wrapped numbers").
class Scalar {
 public:
  Scalar(double v) : dtype_(DType::kFloat64), d_(v) {}                // NOLINT
  Scalar(float v) : dtype_(DType::kFloat64), d_(v) {}                 // NOLINT
  Scalar(int64_t v) : dtype_(DType::kInt64), i_(v), d_(double(v)) {}  // NOLINT
  Scalar(int v) : Scalar(int64_t{v}) {}                               // NOLINT
  Scalar(bool v) : dtype_(DType::kBool), i_(v), d_(v) {}              // NOLINT
  Scalar(complex64 v)
      : dtype_(DType::kComplex64), d_(v.real()), im_(v.imag()) {}  // NOLINT
  Scalar(complex128 v)
      : dtype_(DType::kComplex128), d_(v.real()), im_(v.imag()) {}  // NOLINT

  // kBool, kInt64, kFloat64, kComplex64 or kComplex128
  DType dtype() const { return dtype_; }
  double to_double() const { return d_; }
  // Truncated; NaN and out-of-range floats give INT64_MIN (FloatToInt).
  int64_t to_int() const {
    return dtype_ == DType::kFloat64 ? FloatToInt<int64_t>(d_) : i_;
  }
  complex128 to_complex() const { return complex128(d_, im_); }
  bool is_floating() const { return dtype_ == DType::kFloat64; }
  bool is_integral() const {
    return dtype_ == DType::kInt64 || dtype_ == DType::kBool;
  }

 private:
  DType dtype_;
  int64_t i_ = 0;
  double d_ = 0;
  double im_ = 0;
};

class Tensor {
 public:
  Tensor() = default;  // undefined (like an absent .grad)
  explicit Tensor(std::shared_ptr<TensorImpl> impl) : impl_(std::move(impl)) {}

  bool defined() const { return impl_ != nullptr; }
  DType dtype() const;
  const Shape& sizes() const;
  const Shape& strides() const;     // in elements
  int64_t size(int64_t dim) const;  // dim may be negative; must be valid
  int64_t dim() const;
  int64_t numel() const;
  int64_t storage_offset() const;
  bool is_contiguous() const;
  int64_t nbytes() const { return numel() * ItemSize(dtype()); }
  bool is_wrapped_number() const;

  // Pointer to element [0,...,0] (storage data plus offset).
  void* raw_data() const;
  template <typename T>
  T* data() const {
    return static_cast<T*>(raw_data());
  }
  const std::shared_ptr<Storage>& storage() const;

  // The value of a one-element tensor.
  Scalar item() const;
  // All elements in row-major order, converted.
  std::vector<double> ToDoubles() const;
  std::vector<int64_t> ToInts() const;

  // ---- autograd ----
  bool requires_grad() const;
  // Fails (FAILED_PRECONDITION) for integral dtypes when `value` is true,
  // and for non-leaves when `value` is false.
  absl::Status set_requires_grad(bool value);
  bool is_leaf() const;
  Tensor grad() const;  // undefined if none
  void set_grad(const Tensor& g);
  const std::shared_ptr<Node>& grad_fn() const;
  std::string grad_fn_name() const;  // "" for leaves
  // Keeps .grad for a non-leaf during backward. No-op on leaves.
  absl::Status retain_grad();
  bool retains_grad() const;
  int64_t version() const;
  void bump_version();
  // A new tensor sharing storage and version counter, with no history.
  Tensor detach() const;

  TensorImpl* impl() const { return impl_.get(); }
  const std::shared_ptr<TensorImpl>& impl_ptr() const { return impl_; }
  bool is_same(const Tensor& o) const { return impl_ == o.impl_; }

 private:
  std::shared_ptr<TensorImpl> impl_;
};

struct VersionCounter {
  int64_t version = 0;
};

// Limits every tensor obeys: MakeTensor refuses anything beyond them.
inline constexpr int64_t kMaxRank = 16;
inline constexpr int64_t kMaxElements = int64_t{1} << 33;  // 8 Gi elements

// Checks a shape: rank at most kMaxRank and no negative size
// (INVALID_ARGUMENT), an element count, and a product of the sizes with 0
// counted as 1 (which bounds contiguous strides), that fit in int64
// (INVALID_ARGUMENT, "numel: integer multiplication overflow"), and at most
// kMaxElements elements (RESOURCE_EXHAUSTED). Returns the element count.
absl::StatusOr<int64_t> CheckShape(const Shape& sizes);

// The one constructor of tensors: every Tensor, view or not, is made here.
// OK means the geometry is safe to address: the shape passes CheckShape,
// strides and offset are not negative, and, unless the tensor is empty
// (then it addresses nothing), every element offset + sum((size_i - 1) *
// stride_i) lies inside `storage` (all in overflow-checked arithmetic).
// INVALID_ARGUMENT otherwise, RESOURCE_EXHAUSTED over kMaxElements. The tensor
// shares `storage`; it has a fresh version counter and no autograd state.
absl::StatusOr<Tensor> MakeTensor(std::shared_ptr<Storage> storage, DType dtype,
                                  Shape sizes, Shape strides, int64_t offset);

// The state behind a Tensor. Its geometry (storage, dtype, sizes, strides,
// offset) is fixed at construction, which only MakeTensor can do (the Key
// cannot be made anywhere else), so no code can build or reshape a tensor
// around the check.
class TensorImpl {
 public:
  class Key {
   private:
    Key() = default;
    friend absl::StatusOr<Tensor> MakeTensor(std::shared_ptr<Storage>, DType,
                                             Shape, Shape, int64_t);
  };
  TensorImpl(Key, std::shared_ptr<Storage> storage, DType dtype, Shape sizes,
             Shape strides, int64_t offset)
      : storage_(std::move(storage)),
        sizes_(std::move(sizes)),
        strides_(std::move(strides)),
        offset_(offset),
        dtype_(dtype) {}
  TensorImpl(const TensorImpl&) = delete;
  TensorImpl& operator=(const TensorImpl&) = delete;

  const std::shared_ptr<Storage>& storage() const { return storage_; }
  const Shape& sizes() const { return sizes_; }
  const Shape& strides() const { return strides_; }  // in elements
  int64_t offset() const { return offset_; }         // in elements
  DType dtype() const { return dtype_; }

  bool wrapped_number = false;
  std::shared_ptr<VersionCounter> version = std::make_shared<VersionCounter>();
  // For views: the tensor whose storage this one looks into (for the leaf
  // in-place check). Null for non-views.
  std::shared_ptr<TensorImpl> view_base;
  // A view that is output `multi_view_index` of a function returning several
  // views (split, chunk, unbind: grad_fn name `multi_view_fn`); PyTorch
  // refuses in-place changes to it while it requires grad. -1: not one.
  int multi_view_index = -1;
  const char* multi_view_fn = "";

  // autograd
  bool requires_grad = false;
  bool retains_grad = false;
  Tensor grad;
  std::shared_ptr<Node> grad_fn;
  int output_nr = 0;
  std::weak_ptr<Node> grad_accumulator;

 private:
  const std::shared_ptr<Storage> storage_;
  const Shape sizes_;
  const Shape strides_;
  const int64_t offset_;
  const DType dtype_;
};

// ---- construction helpers (no autograd) ----

Shape ContiguousStrides(const Shape& sizes);
// An uninitialized contiguous tensor in new storage (charged to the
// thread's MemoryAccount): CheckShape's errors, or RESOURCE_EXHAUSTED when
// the account or the system cannot provide the bytes.
absl::StatusOr<Tensor> Empty(const Shape& sizes, DType dtype);
// A view of `base`'s storage with new geometry, through MakeTensor (so the
// same errors); shares base's version counter and records its view base.
absl::StatusOr<Tensor> MakeView(const Tensor& base, Shape sizes, Shape strides,
                                int64_t offset);
// A 0-dim tensor holding `s` with wrapped-number promotion. Like every
// allocation below, throws MemoryLimitError over the thread's account.
Tensor WrapScalar(const Scalar& s);
// A 0-dim tensor of the given dtype.
Tensor ScalarTensor(const Scalar& s, DType dtype);
// Builds a tensor from row-major values (converted to `dtype`).
absl::StatusOr<Tensor> FromDoubles(const std::vector<double>& values,
                                   const Shape& shape, DType dtype);
absl::StatusOr<Tensor> FromInts(const std::vector<int64_t>& values,
                                const Shape& shape, DType dtype);
// Raw little-endian row-major bytes (the wire format).
absl::StatusOr<Tensor> FromBytes(const void* data, size_t nbytes,
                                 const Shape& shape, DType dtype);
std::string ToBytes(const Tensor& t);

// "torch.Size([2, 4])"
std::string FormatSize(const Shape& s);
std::string ShapeToString(const Shape& s);  // "[2, 4]"

}  // namespace tensord

#endif  // TENSORD_CORE_TENSOR_H_
