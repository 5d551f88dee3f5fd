// ops.h — tensord's tensor operations, with PyTorch's semantics.
//
// Every op validates its arguments (INVALID_ARGUMENT with PyTorch's message
// on a bad shape, dim or dtype), computes its result, and records an autograd
// node when grad mode is on and an input requires grad. Ops never modify
// their inputs unless their name ends in an underscore (in place).
//
//   TENSORD_ASSIGN_OR_RETURN(Tensor a, Arange(0, 12, 1, DType::kInt64));
//   TENSORD_ASSIGN_OR_RETURN(Tensor m, Reshape(a, {3, 4}));
//   TENSORD_ASSIGN_OR_RETURN(Tensor c, Cumsum(m, 0));
//
// Thread safety: as for Tensor.
#ifndef TENSORD_CORE_OPS_H_
#define TENSORD_CORE_OPS_H_

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "core/autograd.h"
#include "core/tensor.h"

namespace tensord {

using StatusOrTensor = absl::StatusOr<Tensor>;
using DimList = std::vector<int64_t>;

// ---- creation ----
StatusOrTensor Zeros(const Shape& shape, DType dtype = DType::kFloat32);
StatusOrTensor Ones(const Shape& shape, DType dtype = DType::kFloat32);
StatusOrTensor Full(const Shape& shape, const Scalar& value,
                    std::optional<DType> dtype = std::nullopt);
// dtype defaults to int64 when all of start/end/step are integral, else
// float32.
StatusOrTensor Arange(const Scalar& start, const Scalar& end,
                      const Scalar& step = Scalar(int64_t{1}),
                      std::optional<DType> dtype = std::nullopt);
StatusOrTensor Linspace(const Scalar& start, const Scalar& end, int64_t steps,
                        std::optional<DType> dtype = std::nullopt);
StatusOrTensor Eye(int64_t n, std::optional<int64_t> m = std::nullopt,
                   DType dtype = DType::kFloat32);
StatusOrTensor ZerosLike(const Tensor& t,
                         std::optional<DType> dtype = std::nullopt);
StatusOrTensor OnesLike(const Tensor& t,
                        std::optional<DType> dtype = std::nullopt);

// A per-session random generator (mt19937, as torch's CPU generator):
// Rand() gives the same numbers as torch.rand after the same manual_seed.
class Generator {
 public:
  // A new generator records no undo: it did not exist before (whoever
  // makes one inside a Transaction undoes its creation; an undo that
  // restored it would run after that and write freed memory; ASan found
  // that).
  explicit Generator(uint64_t seed = 67280421310721ULL) { Seed(seed); }
  // Called before the state changes (by ManualSeed, SetState, Rand and
  // Randn): inside a Transaction, the first call of that transaction
  // records how to restore the state (2.5 KB), so a failed group of ops
  // leaves the generator where it was.
  void WillChange();
  void ManualSeed(uint64_t seed);
  uint32_t Next32();
  uint64_t Next64();
  // torch's uniform draws for float and double.
  float UniformFloat();
  double UniformDouble();
  // torch's scalar normal (Box–Muller on two uniform doubles, cached).
  double Normal();
  // The state, for snapshots: 624 words and the position in them.
  std::vector<uint32_t> state() const { return {mt_, mt_ + 624}; }
  int index() const { return index_; }
  // False (and unchanged) unless `words` has 624 entries and index is in
  // [0, 624].
  bool SetState(const std::vector<uint32_t>& words, int index) {
    if (words.size() != 624 || index < 0 || index > 624) return false;
    WillChange();
    std::copy(words.begin(), words.end(), mt_);
    index_ = index;
    has_next_normal_ = false;
    return true;
  }
  // The seed of the last ManualSeed (torch's initial_seed), and the cached
  // second draw of Normal() if there is one; set as a whole by SetState.
  uint64_t seed() const { return seed_; }
  bool has_next_normal() const { return has_next_normal_; }
  double next_normal() const { return next_normal_; }
  void SetSeedAndNormal(uint64_t seed, bool valid, double value) {
    WillChange();
    seed_ = seed;
    has_next_normal_ = valid;
    next_normal_ = valid ? value : 0;
  }

 private:
  // ManualSeed without the undo record.
  void Seed(uint64_t seed);
  uint32_t mt_[624];
  uint64_t seed_ = 0;
  int index_ = 624;
  bool has_next_normal_ = false;
  double next_normal_ = 0;
  uint64_t backed_up_in_ = 0;  // serial of the transaction that backed up
};
// ops_random.cc: torch's CPU sampling, draw for draw.
StatusOrTensor RandInt(int64_t low, int64_t high, const Shape& shape,
                       Generator& gen, DType dtype = DType::kInt64);
StatusOrTensor RandPerm(int64_t n, Generator& gen, DType dtype = DType::kInt64);
// torch.normal in all its forms: a wrapped-number mean and std with a size,
// or tensors (broadcast) for either or both.
StatusOrTensor Normal(const Tensor& mean, const Tensor& std,
                      const std::optional<Shape>& size, Generator& gen,
                      std::optional<DType> dtype);
StatusOrTensor NormalInplace(const Tensor& self, double mean, double std,
                             Generator& gen);
// torch's Tensor.random_: random_() over the dtype's whole range,
// random_(to) and random_(from, to) over [from, to), random_(from) from
// `from` to the dtype's top; draw for draw as torch.
StatusOrTensor RandomInplace(const Tensor& self, std::optional<int64_t> from,
                             std::optional<int64_t> to, Generator& gen);
StatusOrTensor UniformInplace(const Tensor& self, double from, double to,
                              Generator& gen);
// The other in-place distributions of torch.Tensor, draw for draw as
// torch's CPU kernels (each element from one double uniform, or one
// cached Box-Muller normal for log_normal_, computed in double):
// exponential_(lambd), geometric_(p), log_normal_(mean, std) and
// cauchy_(median, sigma).
enum class Distribution { kExponential, kGeometric, kLogNormal, kCauchy };
StatusOrTensor DistributionInplace(const Tensor& self, Distribution d, double a,
                                   double b, Generator& gen);
// Geometry queries (an int64 1-d tensor of the strides, 0-d offset, 0-d
// bool) and whole-tensor comparisons (0-d bool).
StatusOrTensor Strides(const Tensor& t);
StatusOrTensor StorageOffset(const Tensor& t);
StatusOrTensor IsContiguous(const Tensor& t);
StatusOrTensor IsClose(const Tensor& a, const Tensor& b, double rtol,
                       double atol, bool equal_nan);
StatusOrTensor AllClose(const Tensor& a, const Tensor& b, double rtol,
                        double atol, bool equal_nan);
StatusOrTensor Equal(const Tensor& a, const Tensor& b);
// diagonal (a view), diag (vector to matrix or matrix to vector, a copy),
// inner (sum over the last dims).
StatusOrTensor Diagonal(const Tensor& t, int64_t offset, int64_t dim1,
                        int64_t dim2);
StatusOrTensor Diag(const Tensor& t, int64_t diagonal);
StatusOrTensor Inner(const Tensor& a, const Tensor& b);

// ---- index along a dim (ops_gather.cc) ----
StatusOrTensor Gather(const Tensor& self, int64_t dim, const Tensor& index);
// scatter (src's values; a wrapped-number src is scatter's value form) or
// scatter_add (`add`), out of place.
StatusOrTensor Scatter(const Tensor& self, int64_t dim, const Tensor& index,
                       const Tensor& src, bool add);
StatusOrTensor ScatterInplace(const Tensor& self, int64_t dim,
                              const Tensor& index, const Tensor& src, bool add);
// scatter_reduce: self with src's values at index along dim reduced into
// it by `reduce` ("sum", "prod", "mean", "amax", "amin"), counting self's
// own value unless !include_self; in place as scatter_reduce_.
StatusOrTensor ScatterReduce(const Tensor& self, int64_t dim,
                             const Tensor& index, const Tensor& src,
                             const std::string& reduce, bool include_self);
StatusOrTensor ScatterReduceInplace(const Tensor& self, int64_t dim,
                                    const Tensor& index, const Tensor& src,
                                    const std::string& reduce,
                                    bool include_self);
StatusOrTensor IndexSelect(const Tensor& self, int64_t dim,
                           const Tensor& index);
StatusOrTensor IndexAdd(const Tensor& self, int64_t dim, const Tensor& index,
                        const Tensor& source, const Scalar& alpha);
StatusOrTensor IndexCopy(const Tensor& self, int64_t dim, const Tensor& index,
                         const Tensor& source);
StatusOrTensor IndexFill(const Tensor& self, int64_t dim, const Tensor& index,
                         const Tensor& value);
StatusOrTensor MaskedFill(const Tensor& self, const Tensor& mask,
                          const Tensor& value);
StatusOrTensor MaskedFillInplace(const Tensor& self, const Tensor& mask,
                                 const Tensor& value);
StatusOrTensor MaskedSelect(const Tensor& self, const Tensor& mask);
StatusOrTensor Take(const Tensor& self, const Tensor& index);
StatusOrTensor TakeAlongDim(const Tensor& self, const Tensor& indices,
                            std::optional<int64_t> dim);
// [nnz, dim] int64 coordinates; NonzeroTuple: one int64 vector per dim.
StatusOrTensor Nonzero(const Tensor& self);
absl::StatusOr<std::vector<Tensor>> NonzeroTuple(const Tensor& self);

// ---- writing into parts of a tensor (ops_scatter.cc) ----
// self with src in place of self.select(dim, index) / self[start:end:step]
// along dim / self.diagonal(offset, dim1, dim2): a new tensor of self's
// dtype (src is converted); src must have the part's shape.
StatusOrTensor SelectScatter(const Tensor& self, const Tensor& src, int64_t dim,
                             int64_t index);
StatusOrTensor SliceScatter(const Tensor& self, const Tensor& src, int64_t dim,
                            std::optional<int64_t> start,
                            std::optional<int64_t> end, int64_t step);
StatusOrTensor DiagonalScatter(const Tensor& self, const Tensor& src,
                               int64_t offset, int64_t dim1, int64_t dim2);
// self (broadcast with mask) with source's leading elements, in order,
// where mask is True; the in-place form does not broadcast self. The
// in-place forms of masked_scatter and put refuse an expanded self (torch's
// internal-overlap error).
StatusOrTensor MaskedScatter(const Tensor& self, const Tensor& mask,
                             const Tensor& source);
StatusOrTensor MaskedScatterInplace(const Tensor& self, const Tensor& mask,
                                    const Tensor& source);
// self with source written (or, with accumulate, added) at the flat
// positions of index (int64, negative from the end).
StatusOrTensor Put(const Tensor& self, const Tensor& index,
                   const Tensor& source, bool accumulate);
StatusOrTensor PutInplace(const Tensor& self, const Tensor& index,
                          const Tensor& source, bool accumulate);
// torch's fill_diagonal_: self (2-d, or n-d with equal sizes) with value on
// the main diagonal (wrapping below it for tall matrices with `wrap`).
StatusOrTensor FillDiagonalInplace(const Tensor& self, const Scalar& value,
                                   bool wrap);

// ---- membership and covariance (ops_stats.cc) ----
// Whether each element of `elements` is in `test_elements` (bool, elements'
// shape; negated with `invert`).
StatusOrTensor Isin(const Tensor& elements, const Tensor& test_elements,
                    bool assume_unique, bool invert);
// torch.cov: self is [variables, observations] (or one variable); weights
// undefined when not given.
StatusOrTensor Cov(const Tensor& self, int64_t correction,
                   const Tensor& fweights, const Tensor& aweights);
StatusOrTensor Corrcoef(const Tensor& self);

// ---- sorting (ops_sort.cc) ----
// As torch's CPU kernels order ties: stable=false is std::sort, so equal
// values of rows longer than 16 come out in introsort's order, not input
// order; topk without `sorted` leaves nth_element's order.
absl::StatusOr<std::pair<Tensor, Tensor>> Sort(const Tensor& self, int64_t dim,
                                               bool descending,
                                               bool stable = false);
StatusOrTensor Argsort(const Tensor& self, int64_t dim, bool descending,
                       bool stable = false);
absl::StatusOr<std::pair<Tensor, Tensor>> Topk(const Tensor& self, int64_t k,
                                               int64_t dim, bool largest,
                                               bool sorted = true);
absl::StatusOr<std::pair<Tensor, Tensor>> Kthvalue(const Tensor& self,
                                                   int64_t k, int64_t dim,
                                                   bool keepdim);

// ---- more pointwise, small reductions, fused products (ops_pointwise.cc)
StatusOrTensor Atan2(const Tensor& a, const Tensor& b);
StatusOrTensor Hypot(const Tensor& a, const Tensor& b);
StatusOrTensor Copysign(const Tensor& a, const Tensor& b);
StatusOrTensor Logaddexp(const Tensor& a, const Tensor& b);
StatusOrTensor Xlogy(const Tensor& a, const Tensor& b);
StatusOrTensor Fmax(const Tensor& a, const Tensor& b);
StatusOrTensor Fmin(const Tensor& a, const Tensor& b);
StatusOrTensor Heaviside(const Tensor& x, const Tensor& values);
StatusOrTensor Lerp(const Tensor& start, const Tensor& end,
                    const Tensor& weight);
StatusOrTensor Addcmul(const Tensor& self, const Tensor& t1, const Tensor& t2,
                       const Scalar& value);
StatusOrTensor Addcdiv(const Tensor& self, const Tensor& t1, const Tensor& t2,
                       const Scalar& value);
StatusOrTensor Logit(const Tensor& x, std::optional<double> eps);
StatusOrTensor NanToNum(const Tensor& x, std::optional<double> nan,
                        std::optional<double> posinf,
                        std::optional<double> neginf);
StatusOrTensor Sinc(const Tensor& x);
StatusOrTensor Lgamma(const Tensor& x);
StatusOrTensor Digamma(const Tensor& x);
// polygamma(n, x): the n-th derivative of digamma (n >= 0).
StatusOrTensor Polygamma(int64_t n, const Tensor& x);
StatusOrTensor Deg2rad(const Tensor& x);
StatusOrTensor Rad2deg(const Tensor& x);
StatusOrTensor Sgn(const Tensor& x);
// Complex numbers (ops_complex.cc). real, imag, conj, view_as_real and
// view_as_complex return new tensors, not views; real and conj of a real
// tensor return it.
StatusOrTensor Complex(const Tensor& re, const Tensor& im);
StatusOrTensor Polar(const Tensor& abs, const Tensor& angle);
StatusOrTensor Real(const Tensor& x);
StatusOrTensor Imag(const Tensor& x);
StatusOrTensor Conj(const Tensor& x);
StatusOrTensor Angle(const Tensor& x);
StatusOrTensor ViewAsReal(const Tensor& x);     // [..., 2] of the parts
StatusOrTensor ViewAsComplex(const Tensor& x);  // from [..., 2]
StatusOrTensor Square(const Tensor& x);
StatusOrTensor IsPosInf(const Tensor& x);
StatusOrTensor IsNegInf(const Tensor& x);
// div(rounding_mode=): "" (true division), "trunc" or "floor".
StatusOrTensor DivMode(const Tensor& a, const Tensor& b,
                       const std::string& mode);
// a << b (left) or a >> b, the count modulo the width as on x86.
StatusOrTensor Shift(const Tensor& a, const Tensor& b, bool left);
StatusOrTensor Trace(const Tensor& x);
// (std or var, mean)
absl::StatusOr<std::pair<Tensor, Tensor>> StdVarMean(const Tensor& t,
                                                     const DimList& dims,
                                                     double correction,
                                                     bool keepdim, bool std);
absl::StatusOr<std::pair<Tensor, Tensor>> Aminmax(const Tensor& t,
                                                  std::optional<int64_t> dim,
                                                  bool keepdim);
StatusOrTensor Nansum(const Tensor& t, const DimList& dims, bool keepdim,
                      std::optional<DType> dtype);
StatusOrTensor Nanmean(const Tensor& t, const DimList& dims, bool keepdim);
StatusOrTensor Dist(const Tensor& a, const Tensor& b, double p);
StatusOrTensor Diff(const Tensor& t, int64_t n, int64_t dim,
                    const Tensor* prepend, const Tensor* append);
// cummax (max) or cummin: (values, indices)
absl::StatusOr<std::pair<Tensor, Tensor>> CumExtreme(const Tensor& t,
                                                     int64_t dim, bool max);
StatusOrTensor Bincount(const Tensor& t, const Tensor* weights,
                        int64_t minlength);
StatusOrTensor Histc(const Tensor& t, int64_t bins, double min, double max);
StatusOrTensor Bmm(const Tensor& a, const Tensor& b);
StatusOrTensor Addmm(const Tensor& input, const Tensor& m1, const Tensor& m2,
                     const Scalar& beta, const Scalar& alpha);
StatusOrTensor Addmv(const Tensor& input, const Tensor& mat, const Tensor& vec,
                     const Scalar& beta, const Scalar& alpha);
StatusOrTensor Addr(const Tensor& input, const Tensor& v1, const Tensor& v2,
                    const Scalar& beta, const Scalar& alpha);
StatusOrTensor Baddbmm(const Tensor& input, const Tensor& b1, const Tensor& b2,
                       const Scalar& beta, const Scalar& alpha);
// median of all elements (the lower one), or along dim: (values, indices);
// nanmedian ignores NaN.
StatusOrTensor Median(const Tensor& t, bool ignore_nan);
absl::StatusOr<std::pair<Tensor, Tensor>> MedianDim(const Tensor& t,
                                                    int64_t dim, bool keepdim,
                                                    bool ignore_nan);

// ---- sampling and sets (ops_sample.cc) ----
// bernoulli(p): draws of p's dtype (scalar_p: the same p for all, drawn in
// double as torch's bernoulli_(float) does).
StatusOrTensor Bernoulli(const Tensor& p, std::optional<double> scalar_p,
                         Generator& gen);
StatusOrTensor BernoulliInplace(const Tensor& self, const Tensor* p,
                                double scalar_p, Generator& gen);
StatusOrTensor Multinomial(const Tensor& probs, int64_t n, bool replacement,
                           Generator& gen);
StatusOrTensor Logspace(const Scalar& start, const Scalar& end, int64_t steps,
                        double base, std::optional<DType> dtype);
StatusOrTensor TriIndices(int64_t row, int64_t col, int64_t offset, bool lower,
                          DType dtype);
StatusOrTensor Searchsorted(const Tensor& sorted, const Tensor& values,
                            bool right, bool out_int32);
// (values, inverse, counts)
absl::StatusOr<std::vector<Tensor>> Unique(const Tensor& t, bool sorted,
                                           bool consecutive);
absl::StatusOr<std::vector<Tensor>> Meshgrid(const std::vector<Tensor>& ts,
                                             const std::string& indexing);
StatusOrTensor CartesianProd(const std::vector<Tensor>& ts);
StatusOrTensor BlockDiag(const std::vector<Tensor>& ts);

// quantile/nanquantile of q (0-d or 1-d, in [0, 1]) over all elements or
// along dim; interpolation linear, lower, higher, midpoint or nearest.
StatusOrTensor Quantile(const Tensor& self, const Tensor& q,
                        std::optional<int64_t> dim, bool keepdim,
                        const std::string& interpolation, bool ignore_nan);
// the most frequent value along dim (the smallest of equals) and its last
// index
absl::StatusOr<std::pair<Tensor, Tensor>> Mode(const Tensor& self, int64_t dim,
                                               bool keepdim);

// ---- layout (ops_layout.cc) ----
absl::StatusOr<std::vector<Tensor>> Split(const Tensor& t, int64_t split_size,
                                          int64_t dim);
absl::StatusOr<std::vector<Tensor>> SplitWithSizes(const Tensor& t,
                                                   const DimList& sizes,
                                                   int64_t dim);
absl::StatusOr<std::vector<Tensor>> Chunk(const Tensor& t, int64_t chunks,
                                          int64_t dim);
absl::StatusOr<std::vector<Tensor>> Unbind(const Tensor& t, int64_t dim);
StatusOrTensor Narrow(const Tensor& t, int64_t dim, int64_t start,
                      int64_t length);
StatusOrTensor Movedim(const Tensor& t, const DimList& source,
                       const DimList& destination);
// Tensor.unfold(dimension, size, step): a view of the windows of `size`
// along `dimension`, `step` apart, as a new last dim.
StatusOrTensor UnfoldDim(const Tensor& t, int64_t dimension, int64_t size,
                         int64_t step);
StatusOrTensor Flip(const Tensor& t, const DimList& dims);
StatusOrTensor Fliplr(const Tensor& t);
StatusOrTensor Flipud(const Tensor& t);
StatusOrTensor Roll(const Tensor& t, const DimList& shifts,
                    const DimList& dims);
StatusOrTensor Rot90(const Tensor& t, int64_t k, const DimList& dims);
StatusOrTensor Repeat(const Tensor& t, const DimList& repeats);
StatusOrTensor Tile(const Tensor& t, const DimList& reps);
StatusOrTensor RepeatInterleave(const Tensor& t, const Tensor& repeats,
                                std::optional<int64_t> dim);
StatusOrTensor Tril(const Tensor& t, int64_t diagonal);
StatusOrTensor Triu(const Tensor& t, int64_t diagonal);
StatusOrTensor Atleast(const Tensor& t, int64_t n);  // atleast_1d/2d/3d
StatusOrTensor Hstack(const std::vector<Tensor>& ts);
StatusOrTensor Vstack(const std::vector<Tensor>& ts);
StatusOrTensor Dstack(const std::vector<Tensor>& ts);
StatusOrTensor ColumnStack(const std::vector<Tensor>& ts);
absl::StatusOr<std::vector<Tensor>> BroadcastTensors(
    const std::vector<Tensor>& ts);
StatusOrTensor Unflatten(const Tensor& t, int64_t dim, const DimList& sizes);
// tensor_split into `sections` (the first len % sections one longer) or at
// `indices` (slices, clamped as Python's): views.
absl::StatusOr<std::vector<Tensor>> TensorSplit(const Tensor& t,
                                                std::optional<int64_t> sections,
                                                const DimList& indices,
                                                int64_t dim);
StatusOrTensor DiagEmbed(const Tensor& t, int64_t offset, int64_t dim1,
                         int64_t dim2);
StatusOrTensor Logcumsumexp(const Tensor& t, int64_t dim);
StatusOrTensor Cdist(const Tensor& x1, const Tensor& x2, double p);
// torch.get_rng_state / Generator.get_state: the generator's state as
// torch lays it out (5056 bytes, one int64 element per byte: tensord has
// no uint8). SetRngState takes such a tensor (or torch's legacy 5048
// bytes) and puts the generator in that state: TypeError for a floating,
// complex or bool tensor or a value outside 0..255, INVALID_ARGUMENT for
// a non-contiguous tensor, another size or an impossible state; the
// generator is unchanged then.
StatusOrTensor GetRngState(const Generator& gen);
absl::Status SetRngState(Generator& gen, const Tensor& state);
StatusOrTensor Rand(const Shape& shape, Generator& gen,
                    DType dtype = DType::kFloat32);
StatusOrTensor Randn(const Shape& shape, Generator& gen,
                     DType dtype = DType::kFloat32);

// ---- dtype ----
// Converts (a copy unless already of `dtype`, as torch's .to()).
StatusOrTensor To(const Tensor& t, DType dtype);
// Result dtype of an elementwise op over `ts` (torch.result_type).
DType ResultType(const std::vector<const Tensor*>& ts);

// ---- shape and views ----
StatusOrTensor Reshape(const Tensor& t, const DimList& shape);  // -1 allowed
StatusOrTensor View(const Tensor& t, const DimList& shape);
StatusOrTensor Flatten(const Tensor& t, int64_t start_dim = 0,
                       int64_t end_dim = -1);
StatusOrTensor Squeeze(const Tensor& t);
StatusOrTensor Squeeze(const Tensor& t, int64_t dim);
StatusOrTensor Unsqueeze(const Tensor& t, int64_t dim);
StatusOrTensor Transpose(const Tensor& t, int64_t dim0, int64_t dim1);
StatusOrTensor T(const Tensor& t);  // .T: reverses all dims
// torch.t / Tensor.t(): a view with dims 0 and 1 swapped (a 0-d or 1-d
// tensor as it is), grad_fn TBackward0; more than 2 dims is an error.
StatusOrTensor MatrixT(const Tensor& t);
StatusOrTensor Permute(const Tensor& t, const DimList& dims);
// In-place view ops (ops_view_inplace.cc): self's new geometry as a new
// tensor that shares self's storage and version counter (bumped) and takes
// over its autograd state; the caller puts it in self's place
// (OpDef::replaces_self). Errors as the out-of-place forms, and autograd's
// in-place errors (a leaf that requires grad).
StatusOrTensor TransposeInplace(const Tensor& self, int64_t dim0, int64_t dim1);
StatusOrTensor TInplace(const Tensor& self);  // at most 2 dims
StatusOrTensor UnsqueezeInplace(const Tensor& self, int64_t dim);
StatusOrTensor SqueezeInplace(const Tensor& self, std::optional<int64_t> dim);
// x.resize_(*size): self with a contiguous geometry of `size` over its
// storage, in self's place; storage that is too small is replaced by a
// larger one holding the old bytes and zeros (never other data).
StatusOrTensor ResizeInplace(const Tensor& self, const DimList& size);
StatusOrTensor Expand(const Tensor& t, const DimList& sizes);  // -1 keeps
StatusOrTensor Cat(const std::vector<Tensor>& ts, int64_t dim = 0);
StatusOrTensor Stack(const std::vector<Tensor>& ts, int64_t dim = 0);
StatusOrTensor Clone(const Tensor& t);
StatusOrTensor Contiguous(const Tensor& t);

// Python indexing: one entry per index expression element.
struct IndexItem {
  // kTensor: a place for an index tensor (advanced indexing, "@" in an
  // index spec); only IndexAdvanced/IndexPutAdvanced take it.
  enum Kind { kInt, kSlice, kNone, kEllipsis, kTensor } kind = kInt;
  int64_t index = 0;                   // kInt
  std::optional<int64_t> start, stop;  // kSlice
  int64_t step = 1;                    // kSlice
  static IndexItem Int(int64_t i) {
    IndexItem it;
    it.kind = kInt;
    it.index = i;
    return it;
  }
  static IndexItem Slice(std::optional<int64_t> a, std::optional<int64_t> b,
                         int64_t s = 1) {
    IndexItem it;
    it.kind = kSlice;
    it.start = a;
    it.stop = b;
    it.step = s;
    return it;
  }
  static IndexItem NewAxis() {
    IndexItem it;
    it.kind = kNone;
    return it;
  }
  static IndexItem TensorPlace() {
    IndexItem it;
    it.kind = kTensor;
    return it;
  }
  static IndexItem Ellipsis() {
    IndexItem it;
    it.kind = kEllipsis;
    return it;
  }
};
StatusOrTensor Select(const Tensor& t, int64_t dim, int64_t index);
StatusOrTensor Slice(const Tensor& t, int64_t dim, std::optional<int64_t> start,
                     std::optional<int64_t> stop, int64_t step);
StatusOrTensor Index(const Tensor& t, const std::vector<IndexItem>& index);
// t[index] = value (value broadcast to the indexed view). In place.
absl::Status IndexPut(const Tensor& t, const std::vector<IndexItem>& index,
                      const Tensor& value);
// Advanced indexing: `index` holds one kTensor place per tensor of
// `tensors` (long indices, or bool masks standing for their nonzero
// positions), as PyTorch's x[idx], x[mask], x[:, [0, 2]]. The result is a
// new tensor (not a view).
StatusOrTensor IndexAdvanced(const Tensor& t,
                             const std::vector<IndexItem>& index,
                             const std::vector<Tensor>& tensors);
// t[index] = value with tensor indices (value broadcast to the indexing
// result's shape); with `accumulate`, t[index] += value where repeated
// positions add up (torch's index_put_(accumulate=True)). In place.
absl::Status IndexPutAdvanced(const Tensor& t,
                              const std::vector<IndexItem>& index,
                              const std::vector<Tensor>& tensors,
                              const Tensor& value, bool accumulate);

// ---- elementwise ----
StatusOrTensor Add(const Tensor& a, const Tensor& b,
                   const Scalar& alpha = Scalar(int64_t{1}));
StatusOrTensor Sub(const Tensor& a, const Tensor& b,
                   const Scalar& alpha = Scalar(int64_t{1}));
StatusOrTensor Mul(const Tensor& a, const Tensor& b);
StatusOrTensor Div(const Tensor& a, const Tensor& b);
StatusOrTensor Pow(const Tensor& a, const Tensor& b);
StatusOrTensor Maximum(const Tensor& a, const Tensor& b);
StatusOrTensor Minimum(const Tensor& a, const Tensor& b);
StatusOrTensor Neg(const Tensor& a);
StatusOrTensor Abs(const Tensor& a);
StatusOrTensor Exp(const Tensor& a);
StatusOrTensor Log(const Tensor& a);
StatusOrTensor Sqrt(const Tensor& a);
StatusOrTensor Sin(const Tensor& a);
StatusOrTensor Cos(const Tensor& a);
StatusOrTensor Tanh(const Tensor& a);
StatusOrTensor Sigmoid(const Tensor& a);
StatusOrTensor Relu(const Tensor& a);
// ops_math.cc: float functions (integers computed in the default float
// dtype), rounding (dtype kept; zero gradient), float predicates (bool).
StatusOrTensor Log2(const Tensor& a);
StatusOrTensor Log10(const Tensor& a);
StatusOrTensor Log1p(const Tensor& a);
StatusOrTensor Expm1(const Tensor& a);
StatusOrTensor Exp2(const Tensor& a);
StatusOrTensor Tan(const Tensor& a);
StatusOrTensor Asin(const Tensor& a);
StatusOrTensor Acos(const Tensor& a);
StatusOrTensor Atan(const Tensor& a);
StatusOrTensor Sinh(const Tensor& a);
StatusOrTensor Cosh(const Tensor& a);
StatusOrTensor Asinh(const Tensor& a);
StatusOrTensor Acosh(const Tensor& a);
StatusOrTensor Atanh(const Tensor& a);
StatusOrTensor Erf(const Tensor& a);
StatusOrTensor Erfc(const Tensor& a);
StatusOrTensor Erfinv(const Tensor& a);  // torch's calc_erfinv
StatusOrTensor Rsqrt(const Tensor& a);
StatusOrTensor Reciprocal(const Tensor& a);
StatusOrTensor Floor(const Tensor& a);
StatusOrTensor Ceil(const Tensor& a);
StatusOrTensor Trunc(const Tensor& a);
StatusOrTensor Round(const Tensor& a, int64_t decimals = 0);
StatusOrTensor Frac(const Tensor& a);
StatusOrTensor Sign(const Tensor& a);
StatusOrTensor IsNan(const Tensor& a);
StatusOrTensor IsInf(const Tensor& a);
StatusOrTensor IsFinite(const Tensor& a);
StatusOrTensor SignBit(const Tensor& a);
StatusOrTensor Clamp(const Tensor& a, std::optional<Scalar> min,
                     std::optional<Scalar> max);
StatusOrTensor Where(const Tensor& cond, const Tensor& a, const Tensor& b);
StatusOrTensor Eq(const Tensor& a, const Tensor& b);
StatusOrTensor Ne(const Tensor& a, const Tensor& b);
StatusOrTensor Lt(const Tensor& a, const Tensor& b);
StatusOrTensor Le(const Tensor& a, const Tensor& b);
StatusOrTensor Gt(const Tensor& a, const Tensor& b);
StatusOrTensor Ge(const Tensor& a, const Tensor& b);

// ---- reductions ----
// `dims` empty means all dims. dtype of sum/prod: int64 for integral inputs.
StatusOrTensor Sum(const Tensor& t, const DimList& dims = {},
                   bool keepdim = false);
StatusOrTensor Mean(const Tensor& t, const DimList& dims = {},
                    bool keepdim = false);
StatusOrTensor Prod(const Tensor& t, std::optional<int64_t> dim = std::nullopt,
                    bool keepdim = false);
// max/min over all elements.
// ops_more.cc
// var/std over dims (all for an empty list) with torch's `correction`
// (1: unbiased).
StatusOrTensor Var(const Tensor& t, const DimList& dims, double correction,
                   bool keepdim);
StatusOrTensor Std(const Tensor& t, const DimList& dims, double correction,
                   bool keepdim);
StatusOrTensor All(const Tensor& t, const DimList& dims, bool keepdim);
StatusOrTensor Any(const Tensor& t, const DimList& dims, bool keepdim);
StatusOrTensor CountNonzero(const Tensor& t, const DimList& dims);
StatusOrTensor Amax(const Tensor& t, const DimList& dims, bool keepdim);
StatusOrTensor Amin(const Tensor& t, const DimList& dims, bool keepdim);
StatusOrTensor Logsumexp(const Tensor& t, const DimList& dims, bool keepdim);
StatusOrTensor Remainder(const Tensor& a, const Tensor& b);
StatusOrTensor Fmod(const Tensor& a, const Tensor& b);
StatusOrTensor FloorDivide(const Tensor& a, const Tensor& b);
StatusOrTensor BitwiseAnd(const Tensor& a, const Tensor& b);
StatusOrTensor BitwiseOr(const Tensor& a, const Tensor& b);
StatusOrTensor BitwiseXor(const Tensor& a, const Tensor& b);
StatusOrTensor BitwiseNot(const Tensor& a);
StatusOrTensor LogicalAnd(const Tensor& a, const Tensor& b);
StatusOrTensor LogicalOr(const Tensor& a, const Tensor& b);
StatusOrTensor LogicalXor(const Tensor& a, const Tensor& b);
StatusOrTensor LogicalNot(const Tensor& a);
// `out` (computed with autograd from differentiable ops) as the output of a
// node named `name` (torch's grad_fn name of the op it implements), whose
// backward passes the gradient to out's own graph. `out` itself when it
// does not require grad.
StatusOrTensor Composite(const char* name, const Tensor& out);

StatusOrTensor Max(const Tensor& t);
StatusOrTensor Min(const Tensor& t);
// max/min along `dim`: (values, indices).
absl::StatusOr<std::pair<Tensor, Tensor>> MaxDim(const Tensor& t, int64_t dim,
                                                 bool keepdim = false);
absl::StatusOr<std::pair<Tensor, Tensor>> MinDim(const Tensor& t, int64_t dim,
                                                 bool keepdim = false);
StatusOrTensor Argmax(const Tensor& t,
                      std::optional<int64_t> dim = std::nullopt,
                      bool keepdim = false);
StatusOrTensor Argmin(const Tensor& t,
                      std::optional<int64_t> dim = std::nullopt,
                      bool keepdim = false);

// ---- scans ----
StatusOrTensor Cumsum(const Tensor& t, int64_t dim);
StatusOrTensor Cumprod(const Tensor& t, int64_t dim);

// ---- linear algebra ----
StatusOrTensor Dot(const Tensor& a, const Tensor& b);
StatusOrTensor Mv(const Tensor& a, const Tensor& b);
StatusOrTensor Mm(const Tensor& a, const Tensor& b);
StatusOrTensor Matmul(const Tensor& a, const Tensor& b);
StatusOrTensor Outer(const Tensor& a, const Tensor& b);
// torch.norm with a numeric p (2 is also "fro"): a vector norm over all
// elements or `dims`.
StatusOrTensor Norm(const Tensor& t, double p = 2.0, const DimList& dims = {},
                    bool keepdim = false);
// torch.linalg.vector_norm: the same math, torch's other grad_fn name.
StatusOrTensor LinalgVectorNorm(const Tensor& t, double ord = 2.0,
                                const DimList& dims = {}, bool keepdim = false);
// A norm order: a number, "fro", "nuc", or unset (the op's default).
struct NormOrd {
  enum Kind { kDefault, kNumber, kFro, kNuc } kind = kDefault;
  double p = 2.0;
  static NormOrd Number(double v) { return {kNumber, v}; }
};
// torch.linalg.matrix_norm over the two `dims` (default the last two):
// "fro", "nuc", 1, -1, 2, -2, inf, -inf.
StatusOrTensor MatrixNorm(const Tensor& t, NormOrd ord,
                          const DimList& dims = {-2, -1}, bool keepdim = false);
// torch.linalg.norm: a vector norm or a matrix norm depending on `ord`,
// `dims` and the input's rank, with torch's rules and errors.
StatusOrTensor LinalgNorm(const Tensor& t, NormOrd ord,
                          std::optional<DimList> dims, bool keepdim = false);
// Singular values (descending) of the matrices in the last two dims;
// differentiable.
StatusOrTensor Svdvals(const Tensor& a);
// (eigenvalues ascending, eigenvectors as columns); uses the lower triangle.
absl::StatusOr<std::pair<Tensor, Tensor>> Eigh(const Tensor& a);
// General eigendecomposition of a real or complex matrix: complex64 (complex128
// for float64 and complex128 input) results (also for float64 input: there is
// no complex128); forward only.
absl::StatusOr<std::pair<Tensor, Tensor>> Eig(const Tensor& a);
StatusOrTensor Eigvals(const Tensor& a);

// ---- decompositions and solvers (ops_decomp.cc) ----
// Each takes float32/float64 matrices in the last two dims (batched) and
// fails with PyTorch's message (a LinAlgError where torch raises one) on a
// singular or non-positive-definite input. `name` is the op named in
// messages (torch.inverse says "linalg.inv", torch.logdet "logdet").
StatusOrTensor LinalgDet(const Tensor& a);
// (sign, logabsdet)
absl::StatusOr<std::pair<Tensor, Tensor>> LinalgSlogdet(
    const Tensor& a, const char* name = "linalg.slogdet");
// NaN where det < 0 (torch.logdet).
StatusOrTensor Logdet(const Tensor& a);
// (inverse, info): info[b] > 0 where matrix b is singular; with
// check_errors, that is an error.
absl::StatusOr<std::pair<Tensor, Tensor>> LinalgInvEx(
    const Tensor& a, bool check_errors, const char* name = "linalg.inv_ex");
StatusOrTensor LinalgInv(const Tensor& a, const char* name = "linalg.inv");
// X with A X = B; B is a vector (batch) or a matrix (batch), batch dims
// broadcast. left=false is not supported.
StatusOrTensor LinalgSolve(const Tensor& a, const Tensor& b, bool left);
// X with A X = B (left) or X A = B for triangular A (only its triangle is
// read), torch.linalg.solve_triangular.
StatusOrTensor LinalgSolveTriangular(const Tensor& a, const Tensor& b,
                                     bool upper, bool left, bool unitriangular);
// torch.triangular_solve(b, A, ...): (solution, a copy of A).
absl::StatusOr<std::pair<Tensor, Tensor>> TriangularSolve(const Tensor& b,
                                                          const Tensor& a,
                                                          bool upper,
                                                          bool transpose,
                                                          bool unitriangular);
// torch.cholesky_solve(b, L, upper): X with (L L^T) X = b.
StatusOrTensor CholeskySolve(const Tensor& b, const Tensor& l, bool upper);
// L (lower; L^T with upper) with A = L L^T, from A's lower triangle.
// grad_fn names the node (torch.cholesky's differs from linalg's).
StatusOrTensor LinalgCholesky(const Tensor& a, bool upper, const char* name,
                              const char* grad_fn);
// (Q, R) for mode "reduced", "complete" or "r" (Q empty).
absl::StatusOr<std::pair<Tensor, Tensor>> LinalgQr(const Tensor& a,
                                                   const std::string& mode);
// {U, S, Vh} by gesdd.
absl::StatusOr<std::vector<Tensor>> LinalgSvd(const Tensor& a,
                                              bool full_matrices);
// Eigenvalues of a symmetric matrix from its "L" or "U" triangle.
StatusOrTensor Eigvalsh(const Tensor& a, const std::string& uplo);
// Pseudo-inverse through the SVD, singular values at most
// max(atol, rtol * max(S)) dropped (rtol = eps * max(m, n) when neither is
// given).
StatusOrTensor LinalgPinv(const Tensor& a, std::optional<double> atol,
                          std::optional<double> rtol);
// The number of singular values above that tolerance (int64; no history).
StatusOrTensor MatrixRank(const Tensor& a, std::optional<double> atol,
                          std::optional<double> rtol);
StatusOrTensor MatrixExp(const Tensor& a);
// {solution, residuals (empty), rank, singular_values (empty)} as torch's
// default driver (gelsy) returns them: the minimum-norm solution.
absl::StatusOr<std::vector<Tensor>> LinalgLstsq(const Tensor& a,
                                                const Tensor& b,
                                                std::optional<double> rcond);
// The condition number in the norm `p` (default: 2, through the SVD).
StatusOrTensor LinalgCond(const Tensor& a, NormOrd p);
// The first n columns of the product of the Householder reflectors
// I - tau_i v_i v_i^T, v_i the columns of A below the diagonal (unit
// diagonal).
StatusOrTensor HouseholderProduct(const Tensor& a, const Tensor& tau);

// ---- products from matmul (ops_products.cc) ----
// A^n (n < 0: of the inverse), by torch's binary decomposition of n.
StatusOrTensor MatrixPower(const Tensor& a, int64_t n);
StatusOrTensor Kron(const Tensor& a, const Tensor& b);
// Contracts dims da of a with dims db of b (pairwise).
StatusOrTensor Tensordot(const Tensor& a, const Tensor& b, DimList da,
                         DimList db);
// The last `dims` dims of a with the first of b.
StatusOrTensor TensordotN(const Tensor& a, const Tensor& b, int64_t dims);
// ts[0] @ ts[1] @ ...; linalg.multi_dot lets the ends be vectors,
// chain_matmul (name "chain_matmul") takes matrices only.
StatusOrTensor MultiDot(const std::vector<Tensor>& ts, const char* name);
// The cross product along dim (unset: the first dim of size 3).
StatusOrTensor LinalgCross(const Tensor& a, const Tensor& b,
                           std::optional<int64_t> dim, const char* name);
StatusOrTensor Vecdot(const Tensor& x, const Tensor& y, int64_t dim);
// torch.einsum: letters, "...", implicit output; contracts left to right
// through batched matmuls.
StatusOrTensor Einsum(const std::string& equation,
                      const std::vector<Tensor>& operands);
// ---- torch.nn.functional (ops_nn.cc) ----
// A loss's reduction: 'mean', 'sum' or 'none'.
enum class Reduction { kMean, kSum, kNone };
// ValueError "<s> is not a valid value for reduction" unless s is one of
// them.
absl::StatusOr<Reduction> ParseReduction(absl::string_view s);
// The reduction from the deprecated size_average/reduce arguments when
// either is given (torch's _Reduction.legacy_get_string), else `reduction`.
absl::StatusOr<Reduction> LegacyReduction(std::optional<bool> size_average,
                                          std::optional<bool> reduce,
                                          absl::string_view reduction);
// The dim F.softmax uses when none is given (torch's _get_softmax_dim).
int64_t SoftmaxDefaultDim(int64_t ndim);
// softmax/log_softmax/softmin along dim; with `dtype`, the input is cast
// first. Floating inputs only.
StatusOrTensor Softmax(const Tensor& x, int64_t dim,
                       std::optional<DType> dtype = std::nullopt);
StatusOrTensor LogSoftmax(const Tensor& x, int64_t dim,
                          std::optional<DType> dtype = std::nullopt);
StatusOrTensor Softmin(const Tensor& x, int64_t dim,
                       std::optional<DType> dtype = std::nullopt);
// Negative log likelihood of int64 class `target`s in log-probabilities
// `input` of shape (C), (N, C) or (N, C, d1, ...); `weight` (undefined:
// none) weighs the classes; targets equal to ignore_index count for
// nothing.
StatusOrTensor NllLoss(const Tensor& input, const Tensor& target,
                       const Tensor& weight, Reduction reduction,
                       int64_t ignore_index);
// log_softmax + nll_loss for class indices; for a floating target of the
// input's shape, class probabilities. label_smoothing in [0, 1].
StatusOrTensor CrossEntropy(const Tensor& input, const Tensor& target,
                            const Tensor& weight, Reduction reduction,
                            int64_t ignore_index, double label_smoothing);
StatusOrTensor MseLoss(const Tensor& input, const Tensor& target,
                       Reduction reduction);
// Regression and probability losses (input and target broadcast where
// torch broadcasts them; weight and pos_weight undefined: none).
StatusOrTensor L1Loss(const Tensor& input, const Tensor& target,
                      Reduction reduction);
StatusOrTensor SmoothL1Loss(const Tensor& input, const Tensor& target,
                            Reduction reduction, double beta);
StatusOrTensor HuberLoss(const Tensor& input, const Tensor& target,
                         Reduction reduction, double delta);
StatusOrTensor BinaryCrossEntropy(const Tensor& input, const Tensor& target,
                                  const Tensor& weight, Reduction reduction);
StatusOrTensor BinaryCrossEntropyWithLogits(const Tensor& input,
                                            const Tensor& target,
                                            const Tensor& weight,
                                            const Tensor& pos_weight,
                                            Reduction reduction);
// reduction: 'mean', 'sum', 'none' or 'batchmean'.
StatusOrTensor KlDiv(const Tensor& input, const Tensor& target,
                     absl::string_view reduction, bool log_target);
// int64 class indices to a one-hot int64 tensor with one more dim
// (num_classes -1: the largest index + 1).
StatusOrTensor OneHot(const Tensor& t, int64_t num_classes);
// input / max(norm_p(input, dim), eps).
StatusOrTensor Normalize(const Tensor& x, double p, int64_t dim, double eps);
// One direction of one recurrent layer over a sequence, as ATen's CPU
// cells run it step by step (core/ops_rnn.cc). `mode`: LSTM, GRU, RNN_TANH
// or RNN_RELU. xw: [steps, batch, gates * hidden], the input's projection
// (bias included); h0 (and, for LSTM, c0): [batch, hidden]; w_hh, b_hh
// (undefined: no bias) the hidden projection's. Returns {output [steps,
// batch, hidden], h_n, c_n} (c_n is h_n except for LSTM).
absl::StatusOr<std::vector<Tensor>> RnnDirection(
    const std::string& mode, const Tensor& xw, const Tensor& h0,
    const Tensor& w_hh, const Tensor& c0, const Tensor& b_hh, bool reverse);
// input @ weight.T (+ bias); bias undefined: none.
StatusOrTensor Linear(const Tensor& input, const Tensor& weight,
                      const Tensor& bias);
StatusOrTensor CosineSimilarity(const Tensor& x1, const Tensor& x2, int64_t dim,
                                double eps);
StatusOrTensor PairwiseDistance(const Tensor& x1, const Tensor& x2, double p,
                                double eps, bool keepdim);

// ---- padding, resampling, im2col (ops_spatial.cc) ----
// F.pad: `pad` holds (before, after) pairs from the last dim backwards
// (negative amounts crop); mode "constant" (value, default 0, any number of
// dims), "reflect", "replicate" or "circular" (the last 1-3 dims of a 2-5-d
// input, torch 1.13's rules).
StatusOrTensor Pad(const Tensor& x, const DimList& pad, const std::string& mode,
                   std::optional<double> value);
// upsample_nearest1d (nd 1) / upsample_nearest2d (nd 2) of [N, C,] *spatial
// input to output_size (nd values); scales (nd entries, or empty): the scale
// factors the caller gave (output index o reads floor(o / scale), else
// floor(o * in / out)).
StatusOrTensor UpsampleNearest(
    int64_t nd, const Tensor& x, const DimList& output_size,
    const std::vector<std::optional<double>>& scales);
// upsample_bilinear2d of [N, C, H, W] input to output_size (2 values).
StatusOrTensor UpsampleBilinear2d(
    const Tensor& x, const DimList& output_size, bool align_corners,
    const std::vector<std::optional<double>>& scales);

// ---- convolution, pooling, normalization (ops_conv.cc) ----
// conv1d (nd 1) / conv2d (nd 2) of [N,] C, *spatial input with weight
// [O, C / groups, *kernel] (+ bias [O], undefined: none); stride, padding
// and dilation have one value or nd.
StatusOrTensor Conv(int64_t nd, const Tensor& input, const Tensor& weight,
                    const Tensor& bias, const DimList& stride,
                    const DimList& padding, const DimList& dilation,
                    int64_t groups);
// The same with padding "same" or "valid".
StatusOrTensor ConvPaddingStr(int64_t nd, const Tensor& input,
                              const Tensor& weight, const Tensor& bias,
                              const DimList& stride, const std::string& padding,
                              const DimList& dilation, int64_t groups);
// conv_transpose1d (nd 1) / conv_transpose2d (nd 2) of [N,] Cin, *spatial
// input with weight [Cin, Cout / groups, *kernel] (+ bias [Cout]); the
// gradient of conv with respect to its input (output_padding adds to the
// far side of the output).
StatusOrTensor ConvTranspose(int64_t nd, const Tensor& input,
                             const Tensor& weight, const Tensor& bias,
                             const DimList& stride, const DimList& padding,
                             const DimList& output_padding, int64_t groups,
                             const DimList& dilation);
// F.unfold (im2col): [N,] C, H, W -> [N,] C * kh * kw, L sliding blocks.
StatusOrTensor Unfold2d(const Tensor& x, const DimList& kernel_size,
                        const DimList& dilation, const DimList& padding,
                        const DimList& stride);
// F.fold (col2im, the sum of overlapping blocks): [N,] C * kh * kw, L ->
// [N,] C, output_size.
StatusOrTensor Fold2d(const Tensor& x, const DimList& output_size,
                      const DimList& kernel_size, const DimList& dilation,
                      const DimList& padding, const DimList& stride);
// max_pool2d of [N,] C, H, W input: (values, int64 indices into each
// H * W plane); stride empty: kernel_size.
absl::StatusOr<std::pair<Tensor, Tensor>> MaxPool2d(
    const Tensor& x, const DimList& kernel, const DimList& stride,
    const DimList& padding, const DimList& dilation, bool ceil_mode);
// max_pool1d of [N,] C, L input (max_pool2d of height 1).
absl::StatusOr<std::pair<Tensor, Tensor>> MaxPool1d(
    const Tensor& x, const DimList& kernel, const DimList& stride,
    const DimList& padding, const DimList& dilation, bool ceil_mode);
StatusOrTensor AvgPool2d(const Tensor& x, const DimList& kernel,
                         const DimList& stride, const DimList& padding,
                         bool ceil_mode, bool count_include_pad,
                         std::optional<int64_t> divisor_override);
StatusOrTensor AvgPool1d(const Tensor& x, const DimList& kernel,
                         const DimList& stride, const DimList& padding,
                         bool ceil_mode, bool count_include_pad);
StatusOrTensor AdaptiveAvgPool2d(const Tensor& x, const DimList& output_size);
absl::StatusOr<std::pair<Tensor, Tensor>> AdaptiveMaxPool2d(
    const Tensor& x, const DimList& output_size);
// batch_norm over dim 1 (ops_norm.cc); running_mean/running_var (may be
// undefined in training) are updated in place in training; weight/bias
// undefined: none.
StatusOrTensor BatchNorm(const Tensor& x, const Tensor& running_mean,
                         const Tensor& running_var, const Tensor& weight,
                         const Tensor& bias, bool training, double momentum,
                         double eps);
// layer_norm over the trailing dims `normalized_shape`.
StatusOrTensor LayerNorm(const Tensor& x, const DimList& normalized_shape,
                         const Tensor& weight, const Tensor& bias, double eps);
// group_norm of [N, C, *] input in num_groups groups of channels.
StatusOrTensor GroupNorm(const Tensor& x, int64_t num_groups,
                         const Tensor& weight, const Tensor& bias, double eps);
// x * bernoulli(1 - p) / (1 - p) in training (x itself when p is 0 or not
// training), with torch's draws from `gen` (null: FAILED_PRECONDITION
// when a draw is needed).
StatusOrTensor Dropout(const Tensor& x, double p, bool training,
                       Generator* gen);
// Rows of weight ([num_embeddings, D]) at int64/int32 indices; no gradient
// flows into row padding_idx.
StatusOrTensor Embedding(const Tensor& indices, const Tensor& weight,
                         std::optional<int64_t> padding_idx);
// torch.nn.functional.embedding_bag over 1-d indices split into bags by
// offsets (each bag from its offset to the next; with include_last_offset
// the last offset ends the last bag): mode "sum" (rows weighted by
// per_sample_weights when defined), "mean" or "max" of each bag's rows,
// rows at padding_idx left out, an empty bag zero. Differentiable in weight
// and per_sample_weights (not twice, as in torch).
StatusOrTensor EmbeddingBag(const Tensor& indices, const Tensor& weight,
                            const Tensor& offsets,
                            const Tensor& per_sample_weights,
                            absl::string_view mode,
                            std::optional<int64_t> padding_idx,
                            bool include_last_offset);
// Activations (floating inputs; hardtanh/relu6 also keep integers).
// `for_inplace`: the op is the out-of-place half of an in-place one
// (leaky_relu_, elu_, ...): torch's grad_fn name of that, and the backward
// keeps a copy of the input that the in-place write overwrites.
StatusOrTensor LeakyRelu(const Tensor& x, double negative_slope,
                         bool for_inplace = false);
StatusOrTensor Elu(const Tensor& x, double alpha, bool for_inplace = false);
StatusOrTensor Selu(const Tensor& x, bool for_inplace = false);
StatusOrTensor Celu(const Tensor& x, double alpha, bool for_inplace = false);
// approximate: "none" (erf) or "tanh".
StatusOrTensor Gelu(const Tensor& x, absl::string_view approximate);
StatusOrTensor Silu(const Tensor& x, bool for_inplace = false);
StatusOrTensor Mish(const Tensor& x, bool for_inplace = false);
StatusOrTensor Softplus(const Tensor& x, double beta, double threshold);
StatusOrTensor Softsign(const Tensor& x);
StatusOrTensor Hardtanh(const Tensor& x, double min_val, double max_val,
                        bool for_inplace = false);
StatusOrTensor Hardsigmoid(const Tensor& x, bool for_inplace = false);
StatusOrTensor Hardswish(const Tensor& x, bool for_inplace = false);
StatusOrTensor LogSigmoid(const Tensor& x);
// relu_ (torch.relu_), and any activation above applied in place: `fn`
// computes self's new value from self (with for_inplace set).
StatusOrTensor ReluInplace(const Tensor& self);
StatusOrTensor ActivationInplace(
    const Tensor& self, const std::function<StatusOrTensor(const Tensor&)>& fn);

// ---- in place (return the modified tensor itself) ----
StatusOrTensor AddInplace(const Tensor& self, const Tensor& other,
                          const Scalar& alpha = Scalar(int64_t{1}));
StatusOrTensor SubInplace(const Tensor& self, const Tensor& other,
                          const Scalar& alpha = Scalar(int64_t{1}));
StatusOrTensor MulInplace(const Tensor& self, const Tensor& other);
StatusOrTensor DivInplace(const Tensor& self, const Tensor& other);
StatusOrTensor ZeroInplace(const Tensor& self);
StatusOrTensor FillInplace(const Tensor& self, const Scalar& value);
StatusOrTensor CopyInplace(const Tensor& self, const Tensor& src);

// ---- helpers shared by kernels and backward formulas ----
// Sums `grad` down to `shape` over broadcast dims (broadcasting's backward).
StatusOrTensor SumToShape(const Tensor& grad, const Shape& shape);
// Broadcast shape of a and b, or INVALID_ARGUMENT with torch's message.
absl::StatusOr<Shape> BroadcastShapes(const Shape& a, const Shape& b);
// Normalizes a possibly negative dim; INVALID_ARGUMENT ("Dimension out of
// range ...") if out of range. A 0-dim tensor accepts dims -1 and 0.
absl::StatusOr<int64_t> WrapDim(int64_t dim, int64_t ndim);

}  // namespace tensord

#endif  // TENSORD_CORE_OPS_H_
