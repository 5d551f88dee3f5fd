// Shape and layout ops built on the view and copy primitives: split,
// split_with_sizes, chunk, unbind, narrow, movedim, flip, roll, rot90,
// repeat, tile, repeat_interleave, tril, triu, hstack, vstack, dstack,
// column_stack, broadcast_tensors, atleast_1d/2d/3d and unflatten.
//
// Pieces of split/chunk/unbind are views of the input (MakeView, so the
// storage bounds are proved) with torch's grad_fn names; the rest compose
// differentiable ops and carry torch's name through Composite.
#include <algorithm>
#include <numeric>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "core/autograd.h"
#include "core/errors.h"
#include "core/ops.h"
#include "core/ops_internal.h"
#include "core/status_macros.h"

namespace tensord {
namespace {

// The pieces of a split or unbind of `t` along `d` get one node, named
// `name`, as in torch: its backward joins the pieces' gradients (zeros for
// a piece without one) along `d`, one pass over t's size. (A node per
// piece, each scattering into zeros of t's whole shape, costs a pass over
// t per piece: quadratic in the pieces of a sequence unbound step by
// step.) The join is recorded in a create_graph pass, so the gradient is
// differentiable again.
void RecordPieces(const Tensor& t, int64_t d, std::vector<Tensor>& pieces,
                  const char* name, bool unbind) {
  if (pieces.empty()) return;
  std::vector<Tensor*> outs;
  outs.reserve(pieces.size());
  for (Tensor& p : pieces) outs.push_back(&p);
  auto node = RecordOp(name, {&t}, outs);
  if (!node) return;
  for (size_t i = 0; i < pieces.size(); ++i) {
    pieces[i].impl()->multi_view_index = static_cast<int>(i);
    pieces[i].impl()->multi_view_fn = name;
  }
  node->twice_differentiable = true;
  node->set_backward([d, unbind](
                         Node&, const GradList& g) -> absl::StatusOr<GradList> {
    TENSORD_ASSIGN_OR_RETURN(Tensor joined, unbind ? Stack(g, d) : Cat(g, d));
    return GradList{joined};
  });
}

// t.narrow(d, start, len) as a view, not recorded.
StatusOrTensor NarrowView(const Tensor& t, int64_t d, int64_t start,
                          int64_t len) {
  Shape sz = t.sizes();
  sz[d] = len;
  const int64_t off =
      t.storage_offset() + (len > 0 ? start * t.strides()[d] : 0);
  return MakeView(t, sz, t.strides(), off);
}

absl::StatusOr<int64_t> SplitDim(const Tensor& t, int64_t dim, const char* op) {
  if (t.dim() == 0) {
    return absl::InvalidArgumentError(
        absl::StrCat(op, " expects at least a 1-dimensional tensor"));
  }
  return WrapDim(dim, t.dim());
}

}  // namespace

absl::StatusOr<std::vector<Tensor>> SplitWithSizes(const Tensor& t,
                                                   const DimList& sizes,
                                                   int64_t dim) {
  TENSORD_ASSIGN_OR_RETURN(int64_t d, SplitDim(t, dim, "split_with_sizes"));
  int64_t total = 0;
  bool bad = false;
  for (int64_t s : sizes) {
    // Client sizes: negative or summing past int64 is simply "bad".
    if (s < 0 || __builtin_add_overflow(total, s, &total)) bad = true;
    if (bad) break;
  }
  if (bad || total != t.size(d)) {
    for (int64_t s : sizes) {
      if (s < 0) {
        return absl::InvalidArgumentError(absl::StrCat(
            "split_with_sizes expects split_sizes have only non-negative "
            "entries, but got split_sizes=[",
            absl::StrJoin(sizes, ", "), "]"));
      }
    }
    return absl::InvalidArgumentError(absl::StrCat(
        "split_with_sizes expects split_sizes to sum exactly to ", t.size(d),
        " (input tensor's size at dimension ", d, "), but got split_sizes=[",
        absl::StrJoin(sizes, ", "), "]"));
  }
  std::vector<Tensor> out;
  int64_t start = 0;
  for (int64_t s : sizes) {
    TENSORD_ASSIGN_OR_RETURN(Tensor p, NarrowView(t, d, start, s));
    out.push_back(p);
    start += s;
  }
  RecordPieces(t, d, out, "SplitWithSizesBackward0", /*unbind=*/false);
  return out;
}

absl::StatusOr<std::vector<Tensor>> Split(const Tensor& t, int64_t split_size,
                                          int64_t dim) {
  TENSORD_ASSIGN_OR_RETURN(int64_t d, SplitDim(t, dim, "split"));
  const int64_t n = t.size(d);
  if (split_size < 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        "split expects split_size be non-negative, but got split_size=",
        split_size));
  }
  if (split_size == 0 && n != 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        "split_size can only be 0 if dimension size is 0, but got dimension "
        "size of ",
        n));
  }
  // ceil(n / split_size) without n + split_size (which could overflow).
  const int64_t pieces =
      split_size == 0
          ? 1
          : std::max<int64_t>(n / split_size + (n % split_size != 0), 1);
  if (pieces > (int64_t{1} << 16)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "split: ", pieces, " pieces are more than tensord returns (65536)"));
  }
  std::vector<Tensor> out;
  for (int64_t k = 0; k < pieces; ++k) {
    const int64_t start = k * split_size;
    const int64_t len = std::min(split_size, n - start);
    TENSORD_ASSIGN_OR_RETURN(Tensor p, NarrowView(t, d, start, len));
    out.push_back(p);
  }
  RecordPieces(t, d, out, "SplitBackward0", /*unbind=*/false);
  return out;
}

absl::StatusOr<std::vector<Tensor>> Chunk(const Tensor& t, int64_t chunks,
                                          int64_t dim) {
  if (t.dim() == 0) {
    return absl::InvalidArgumentError(
        "chunk expects at least a 1-dimensional tensor");
  }
  if (chunks <= 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        "chunk expects `chunks` to be greater than 0, got: ", chunks));
  }
  TENSORD_ASSIGN_OR_RETURN(int64_t d, WrapDim(dim, t.dim()));
  const int64_t n = t.size(d);
  const int64_t size = n / chunks + (n % chunks != 0);
  if (size == 0 && n == 0) {
    // torch: `chunks` empty pieces.
    return SplitWithSizes(t, DimList(std::min<int64_t>(chunks, 1 << 16), 0), d);
  }
  return Split(t, size, d);
}

absl::StatusOr<std::vector<Tensor>> Unbind(const Tensor& t, int64_t dim) {
  if (t.dim() == 0) {
    return IndexError("Dimension specified as 0 but tensor has no dimensions");
  }
  TENSORD_ASSIGN_OR_RETURN(int64_t d, WrapDim(dim, t.dim()));
  if (t.size(d) > (int64_t{1} << 16)) {
    return absl::InvalidArgumentError(
        absl::StrCat("unbind: ", t.size(d),
                     " pieces are more than tensord returns (65536)"));
  }
  std::vector<Tensor> out;
  for (int64_t i = 0; i < t.size(d); ++i) {
    Shape sz = t.sizes(), st = t.strides();
    const int64_t off = t.storage_offset() + i * st[d];
    sz.erase(sz.begin() + d);
    st.erase(st.begin() + d);
    TENSORD_ASSIGN_OR_RETURN(Tensor p, MakeView(t, sz, st, off));
    out.push_back(p);
  }
  RecordPieces(t, d, out, "UnbindBackward0", /*unbind=*/true);
  return out;
}

StatusOrTensor Narrow(const Tensor& t, int64_t dim, int64_t start,
                      int64_t length) {
  if (t.dim() == 0) {
    return absl::InvalidArgumentError(
        "narrow() cannot be applied to a 0-dim tensor.");
  }
  TENSORD_ASSIGN_OR_RETURN(int64_t d, WrapDim(dim, t.dim()));
  const int64_t size = t.size(d);
  if (start < -size || start > size) {
    return IndexError(
        absl::StrCat("Dimension out of range (expected to be in range of [",
                     -size, ", ", size - 1, "], but got ", start, ")"));
  }
  if (start < 0) start += size;
  if (length < 0 || start > size - length) {
    return absl::InvalidArgumentError(
        absl::StrCat("start (", start, ") + length (", length,
                     ") exceeds dimension size (", size, ")."));
  }
  return Slice(t, d, start, start + length, 1);
}

StatusOrTensor Movedim(const Tensor& t, const DimList& source,
                       const DimList& destination) {
  const int64_t nd = t.dim();
  if (source.size() != destination.size()) {
    return absl::InvalidArgumentError(
        absl::StrCat("movedim: Invalid source or destination dims: source ([",
                     absl::StrJoin(source, ", "),
                     "] dims) should contain the same number "
                     "of dims as destination ([",
                     absl::StrJoin(destination, ", "), "] dims)"));
  }
  std::vector<int64_t> src, dst;
  for (size_t k = 0; k < source.size(); ++k) {
    TENSORD_ASSIGN_OR_RETURN(int64_t s,
                             WrapDim(source[k], std::max<int64_t>(nd, 1)));
    TENSORD_ASSIGN_OR_RETURN(int64_t e,
                             WrapDim(destination[k], std::max<int64_t>(nd, 1)));
    if (std::find(src.begin(), src.end(), s) != src.end()) {
      return absl::InvalidArgumentError(
          absl::StrCat("movedim: repeated dim in `source` ([",
                       absl::StrJoin(source, ", "), "])"));
    }
    if (std::find(dst.begin(), dst.end(), e) != dst.end()) {
      return absl::InvalidArgumentError(
          absl::StrCat("movedim: repeated dim in `destination` ([",
                       absl::StrJoin(destination, ", "), "])"));
    }
    src.push_back(s);
    dst.push_back(e);
  }
  if (nd == 0) return Permute(t, {});
  DimList perm(nd, -1);
  for (size_t k = 0; k < src.size(); ++k) perm[dst[k]] = src[k];
  int64_t next = 0;
  for (int64_t d = 0; d < nd; ++d) {
    if (perm[d] != -1) continue;
    while (std::find(src.begin(), src.end(), next) != src.end()) ++next;
    perm[d] = next++;
  }
  return Permute(t, perm);
}

namespace {

// arange(n) reversed, as the index of a flip.
StatusOrTensor Reversed(int64_t n) {
  TENSORD_ASSIGN_OR_RETURN(Tensor r, Empty({n}, DType::kInt64));
  int64_t* p = r.data<int64_t>();
  for (int64_t i = 0; i < n; ++i) p[i] = n - 1 - i;
  return r;
}

std::vector<IndexItem> AtDim(int64_t dim) {
  std::vector<IndexItem> items;
  for (int64_t i = 0; i < dim; ++i) {
    items.push_back(IndexItem::Slice(std::nullopt, std::nullopt, 1));
  }
  items.push_back(IndexItem::TensorPlace());
  return items;
}

absl::StatusOr<std::vector<int64_t>> UniqueDims(const Tensor& t,
                                                const DimList& dims,
                                                const char* what) {
  std::vector<int64_t> out;
  for (int64_t d : dims) {
    TENSORD_ASSIGN_OR_RETURN(int64_t w,
                             WrapDim(d, std::max<int64_t>(t.dim(), 1)));
    if (std::find(out.begin(), out.end(), w) != out.end()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "dim ", w, " appears multiple times in the list of dims"));
    }
    out.push_back(w);
  }
  (void)what;
  return out;
}

StatusOrTensor FlipRaw(const Tensor& t, const std::vector<int64_t>& dims) {
  Tensor r = t;
  for (int64_t d : dims) {
    if (t.dim() == 0) break;
    Tensor rev;
    {
      NoGradGuard ng;
      TENSORD_ASSIGN_OR_RETURN(rev, Reversed(t.size(d)));
    }
    TENSORD_ASSIGN_OR_RETURN(r, IndexAdvanced(r, AtDim(d), {rev}));
  }
  if (r.impl() == t.impl()) return Clone(t);
  return r;
}

}  // namespace

StatusOrTensor Flip(const Tensor& t, const DimList& dims) {
  TENSORD_ASSIGN_OR_RETURN(auto ds, UniqueDims(t, dims, "flip"));
  TENSORD_ASSIGN_OR_RETURN(Tensor r, FlipRaw(t, ds));
  return Composite("FlipBackward0", r);
}

StatusOrTensor Fliplr(const Tensor& t) {
  if (t.dim() < 2) {
    return absl::InvalidArgumentError("Input must be >= 2-d.");
  }
  return Flip(t, {1});
}

StatusOrTensor Flipud(const Tensor& t) {
  if (t.dim() < 1) {
    return absl::InvalidArgumentError("Input must be >= 1-d.");
  }
  return Flip(t, {0});
}

StatusOrTensor Roll(const Tensor& t, const DimList& shifts,
                    const DimList& dims) {
  if (shifts.empty()) {
    return absl::InvalidArgumentError("`shifts` required");
  }
  if (dims.empty()) {
    if (shifts.size() != 1) {
      return absl::InvalidArgumentError(absl::StrCat(
          "shifts and dimensions must align. shifts: ", shifts.size(),
          ", dims:0"));
    }
    TENSORD_ASSIGN_OR_RETURN(Tensor flat, Reshape(t, {-1}));
    TENSORD_ASSIGN_OR_RETURN(Tensor r, Roll(flat, shifts, {0}));
    TENSORD_ASSIGN_OR_RETURN(
        r, View(r, DimList(t.sizes().begin(), t.sizes().end())));
    return Composite("RollBackward0", r);
  }
  if (shifts.size() != dims.size()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "shifts and dimensions must align. shifts: ", shifts.size(),
        ", dims:", dims.size()));
  }
  Tensor r = t;
  for (size_t k = 0; k < dims.size(); ++k) {
    TENSORD_ASSIGN_OR_RETURN(int64_t d,
                             WrapDim(dims[k], std::max<int64_t>(t.dim(), 1)));
    if (t.dim() == 0) break;
    const int64_t n = t.size(d);
    if (n == 0) continue;
    int64_t s = shifts[k] % n;
    if (s < 0) s += n;
    if (s == 0) continue;
    TENSORD_ASSIGN_OR_RETURN(Tensor tail, Slice(r, d, n - s, n, 1));
    TENSORD_ASSIGN_OR_RETURN(Tensor head, Slice(r, d, 0, n - s, 1));
    TENSORD_ASSIGN_OR_RETURN(r, Cat({tail, head}, d));
  }
  if (r.impl() == t.impl()) {
    TENSORD_ASSIGN_OR_RETURN(r, Clone(t));
  }
  return Composite("RollBackward0", r);
}

StatusOrTensor Rot90(const Tensor& t, int64_t k, const DimList& dims) {
  if (dims.size() != 2) {
    return absl::InvalidArgumentError(absl::StrCat(
        "expected total rotation dims == 2, but got dims = ", dims.size()));
  }
  if (t.dim() < 2) {
    return absl::InvalidArgumentError(absl::StrCat(
        "expected total dims >= 2, but got total dims = ", t.dim()));
  }
  TENSORD_ASSIGN_OR_RETURN(int64_t d0, WrapDim(dims[0], t.dim()));
  TENSORD_ASSIGN_OR_RETURN(int64_t d1, WrapDim(dims[1], t.dim()));
  if (d0 == d1) {
    return absl::InvalidArgumentError(absl::StrCat(
        "expected rotation dims to be different, but got dim0 = ", d0,
        " and dim1 = ", d1));
  }
  const int64_t m = ((k % 4) + 4) % 4;
  Tensor r;
  if (m == 1) {
    TENSORD_ASSIGN_OR_RETURN(Tensor f, FlipRaw(t, {d1}));
    TENSORD_ASSIGN_OR_RETURN(r, Transpose(f, d0, d1));
  } else if (m == 2) {
    TENSORD_ASSIGN_OR_RETURN(r, FlipRaw(t, {d0, d1}));
  } else if (m == 3) {
    TENSORD_ASSIGN_OR_RETURN(Tensor f, FlipRaw(t, {d0}));
    TENSORD_ASSIGN_OR_RETURN(r, Transpose(f, d0, d1));
  } else {
    TENSORD_ASSIGN_OR_RETURN(r, Clone(t));
  }
  TENSORD_ASSIGN_OR_RETURN(r, Contiguous(r));
  return Composite("Rot90Backward0", r);
}

StatusOrTensor Repeat(const Tensor& t, const DimList& repeats) {
  const int64_t nr = static_cast<int64_t>(repeats.size());
  if (nr < t.dim()) {
    return absl::InvalidArgumentError(
        "Number of dimensions of repeat dims can not be smaller than number "
        "of dimensions of tensor");
  }
  for (int64_t r : repeats) {
    if (r < 0) {
      return absl::InvalidArgumentError(
          absl::StrCat("Trying to create tensor with negative dimension ", r,
                       ": [", absl::StrJoin(repeats, ", "), "]"));
    }
  }
  // [1.., s0, s1..] -> [1, s0', 1, s1', ...] expanded to [r0, s0, r1, s1]
  DimList padded(nr - t.dim(), 1);
  padded.insert(padded.end(), t.sizes().begin(), t.sizes().end());
  DimList inter, expanded, result;
  for (int64_t k = 0; k < nr; ++k) {
    inter.push_back(1);
    inter.push_back(padded[k]);
    expanded.push_back(repeats[k]);
    expanded.push_back(padded[k]);
    TENSORD_ASSIGN_OR_RETURN(int64_t prod,
                             CheckShape(Shape{repeats[k], padded[k]}));
    result.push_back(prod);
  }
  TENSORD_RETURN_IF_ERROR(
      CheckShape(Shape(result.begin(), result.end())).status());
  TENSORD_ASSIGN_OR_RETURN(Tensor v, Reshape(t, inter));
  TENSORD_ASSIGN_OR_RETURN(Tensor e, Expand(v, expanded));
  TENSORD_ASSIGN_OR_RETURN(Tensor c, Contiguous(e));
  TENSORD_ASSIGN_OR_RETURN(Tensor r, Reshape(c, result));
  return Composite("RepeatBackward0", r);
}

StatusOrTensor Tile(const Tensor& t, const DimList& reps) {
  DimList r = reps;
  while (static_cast<int64_t>(r.size()) < t.dim()) r.insert(r.begin(), 1);
  return Repeat(t, r);
}

StatusOrTensor RepeatInterleave(const Tensor& t, const Tensor& repeats,
                                std::optional<int64_t> dim) {
  Tensor x = t;
  int64_t d = 0;
  if (!dim.has_value()) {
    TENSORD_ASSIGN_OR_RETURN(x, Reshape(t, {-1}));
  } else {
    TENSORD_ASSIGN_OR_RETURN(d, WrapDim(*dim, std::max<int64_t>(t.dim(), 1)));
    if (t.dim() == 0) {
      TENSORD_ASSIGN_OR_RETURN(x, Reshape(t, {-1}));
    }
  }
  if (repeats.dtype() != DType::kInt64 && repeats.dtype() != DType::kInt32) {
    return absl::InvalidArgumentError(
        "repeat_interleave only accept 1D vector as repeat");
  }
  if (repeats.dim() > 1) {
    return absl::InvalidArgumentError("repeats must be 0-dim or 1-dim tensor");
  }
  const int64_t n = x.size(d);
  Tensor idx;
  {
    NoGradGuard ng;
    TENSORD_ASSIGN_OR_RETURN(Tensor r64, To(repeats.detach(), DType::kInt64));
    TENSORD_ASSIGN_OR_RETURN(Tensor rc, Contiguous(r64));
    const int64_t* rp = rc.data<int64_t>();
    const bool scalar = rc.numel() == 1 && repeats.dim() == 0;
    if (!scalar && rc.numel() != n) {
      return absl::InvalidArgumentError(
          "repeats must have the same size as input along dim");
    }
    int64_t total = 0;
    for (int64_t i = 0; i < n; ++i) {
      const int64_t k = scalar ? rp[0] : rp[i];
      if (k < 0) {
        return absl::InvalidArgumentError("repeats can not be negative");
      }
      if (k > (int64_t{1} << 40) || total > (int64_t{1} << 40)) {
        return absl::InvalidArgumentError(
            "repeat_interleave: too many elements");
      }
      total += k;
    }
    TENSORD_ASSIGN_OR_RETURN(idx, Empty({total}, DType::kInt64));
    int64_t* ip = idx.data<int64_t>();
    for (int64_t i = 0; i < n; ++i) {
      const int64_t k = scalar ? rp[0] : rp[i];
      for (int64_t j = 0; j < k; ++j) *ip++ = i;
    }
  }
  TENSORD_ASSIGN_OR_RETURN(Tensor r, IndexAdvanced(x, AtDim(d), {idx}));
  return Composite("IndexSelectBackward0", r);
}

namespace {

StatusOrTensor TriMask(const Tensor& t, int64_t k, bool lower) {
  if (t.dim() < 2) {
    // torch's message: the dim -2 it looks for does not exist.
    TENSORD_RETURN_IF_ERROR(
        WrapDim(-2, std::max<int64_t>(t.dim(), 1)).status());
  }
  const int64_t rows = t.size(-2), cols = t.size(-1);
  TENSORD_ASSIGN_OR_RETURN(Tensor m, Empty({rows, cols}, DType::kBool));
  bool* p = m.data<bool>();
  for (int64_t i = 0; i < rows; ++i) {
    for (int64_t j = 0; j < cols; ++j) {
      // j - i is small, so comparing it with any k cannot overflow.
      p[i * cols + j] = lower ? j - i <= k : j - i >= k;
    }
  }
  return m;
}

}  // namespace

StatusOrTensor Tril(const Tensor& t, int64_t diagonal) {
  Tensor m;
  {
    NoGradGuard ng;
    TENSORD_ASSIGN_OR_RETURN(m, TriMask(t, diagonal, true));
  }
  TENSORD_ASSIGN_OR_RETURN(Tensor z, Zeros({}, t.dtype()));
  TENSORD_ASSIGN_OR_RETURN(Tensor r, Where(m, t, z));
  return Composite("TrilBackward0", r);
}

StatusOrTensor Triu(const Tensor& t, int64_t diagonal) {
  Tensor m;
  {
    NoGradGuard ng;
    TENSORD_ASSIGN_OR_RETURN(m, TriMask(t, diagonal, false));
  }
  TENSORD_ASSIGN_OR_RETURN(Tensor z, Zeros({}, t.dtype()));
  TENSORD_ASSIGN_OR_RETURN(Tensor r, Where(m, t, z));
  return Composite("TriuBackward0", r);
}

namespace {

StatusOrTensor AtLeast(const Tensor& t, int64_t n) {
  if (t.dim() >= n) return t;
  if (n == 1) return Reshape(t, {1});
  if (n == 2) {
    if (t.dim() == 0) return Reshape(t, {1, 1});
    return Unsqueeze(t, 0);
  }
  if (t.dim() == 0) return Reshape(t, {1, 1, 1});
  if (t.dim() == 1) {
    TENSORD_ASSIGN_OR_RETURN(Tensor u, Unsqueeze(t, 0));
    return Unsqueeze(u, -1);
  }
  return Unsqueeze(t, -1);
}

}  // namespace

StatusOrTensor Atleast(const Tensor& t, int64_t n) { return AtLeast(t, n); }

StatusOrTensor Hstack(const std::vector<Tensor>& ts) {
  std::vector<Tensor> v;
  for (const Tensor& t : ts) {
    TENSORD_ASSIGN_OR_RETURN(Tensor a, AtLeast(t, 1));
    v.push_back(a);
  }
  return Cat(v, v[0].dim() == 1 ? 0 : 1);
}

StatusOrTensor Vstack(const std::vector<Tensor>& ts) {
  std::vector<Tensor> v;
  for (const Tensor& t : ts) {
    TENSORD_ASSIGN_OR_RETURN(Tensor a, AtLeast(t, 2));
    v.push_back(a);
  }
  return Cat(v, 0);
}

StatusOrTensor Dstack(const std::vector<Tensor>& ts) {
  std::vector<Tensor> v;
  for (const Tensor& t : ts) {
    TENSORD_ASSIGN_OR_RETURN(Tensor a, AtLeast(t, 3));
    v.push_back(a);
  }
  return Cat(v, 2);
}

StatusOrTensor ColumnStack(const std::vector<Tensor>& ts) {
  std::vector<Tensor> v;
  for (const Tensor& t : ts) {
    Tensor a = t;
    if (t.dim() <= 1) {
      TENSORD_ASSIGN_OR_RETURN(a, Reshape(t, {-1, 1}));
    }
    v.push_back(a);
  }
  return Cat(v, 1);
}

absl::StatusOr<std::vector<Tensor>> BroadcastTensors(
    const std::vector<Tensor>& ts) {
  Shape b;
  for (const Tensor& t : ts) {
    TENSORD_ASSIGN_OR_RETURN(b, BroadcastShapes(b, t.sizes()));
  }
  std::vector<Tensor> out;
  for (const Tensor& t : ts) {
    TENSORD_ASSIGN_OR_RETURN(Tensor e, Expand(t, DimList(b.begin(), b.end())));
    out.push_back(e);
  }
  return out;
}

StatusOrTensor Unflatten(const Tensor& t, int64_t dim, const DimList& sizes) {
  TENSORD_ASSIGN_OR_RETURN(int64_t d,
                           WrapDim(dim, std::max<int64_t>(t.dim(), 1)));
  if (sizes.empty()) {
    return absl::InvalidArgumentError("unflatten: sizes must be non-empty");
  }
  if (t.dim() == 0) {
    return absl::InvalidArgumentError(
        "unflatten: Provided dim 0 but the tensor has no dimensions");
  }
  DimList shape(t.sizes().begin(), t.sizes().begin() + d);
  int64_t known = 1, infer = -1;
  bool overflow = false;
  for (size_t k = 0; k < sizes.size(); ++k) {
    if (sizes[k] == -1) {
      infer = static_cast<int64_t>(k);
    } else {
      overflow |= __builtin_mul_overflow(known, sizes[k], &known);
    }
  }
  if (overflow || (infer < 0 && known != t.size(d))) {
    return absl::InvalidArgumentError(
        absl::StrCat("unflatten: Provided sizes [", absl::StrJoin(sizes, ", "),
                     "] don't multiply up to the size of dim ", dim, " (",
                     t.size(d), ") in the input tensor"));
  }
  shape.insert(shape.end(), sizes.begin(), sizes.end());
  shape.insert(shape.end(), t.sizes().begin() + d + 1, t.sizes().end());
  return View(t, shape);
}

}  // namespace tensord

// ---------------------------------------------------------------------------
// tensor_split, diag_embed

namespace tensord {

absl::StatusOr<std::vector<Tensor>> TensorSplit(const Tensor& t,
                                                std::optional<int64_t> sections,
                                                const DimList& indices,
                                                int64_t dim) {
  if (t.dim() == 0) {
    return absl::InvalidArgumentError(
        "tensor_split expected at least a 1-dimensional tensor, but got a "
        "tensor with 0 dims");
  }
  TENSORD_ASSIGN_OR_RETURN(int64_t d, WrapDim(dim, t.dim()));
  const int64_t len = t.size(d);
  std::vector<std::pair<int64_t, int64_t>> bounds;  // [start, end)
  if (sections.has_value()) {
    const int64_t n = *sections;
    if (n <= 0) {
      return absl::InvalidArgumentError(
          absl::StrCat("number of sections must be larger than 0, got ", n));
    }
    if (n > (int64_t{1} << 16)) {
      return absl::InvalidArgumentError(
          absl::StrCat("tensor_split: ", n,
                       " sections are more than tensord returns "
                       "(65536)"));
    }
    const int64_t base = len / n, extra = len % n;
    int64_t start = 0;
    for (int64_t k = 0; k < n; ++k) {
      const int64_t size = base + (k < extra ? 1 : 0);
      bounds.emplace_back(start, start + size);
      start += size;
    }
  } else {
    if (indices.size() >= (size_t{1} << 16)) {
      return absl::InvalidArgumentError(
          "tensor_split: too many indices (at most 65535)");
    }
    int64_t start = 0;
    for (int64_t i : indices) {
      bounds.emplace_back(start, i);
      start = i;
    }
    bounds.emplace_back(start, len);
  }
  std::vector<Tensor> out;
  for (const auto& [a, b] : bounds) {
    // slice semantics: negative counts from the end, clamped
    TENSORD_ASSIGN_OR_RETURN(Tensor p, Slice(t, d, a, b, 1));
    out.push_back(p);
  }
  return out;
}

StatusOrTensor DiagEmbed(const Tensor& t, int64_t offset, int64_t dim1,
                         int64_t dim2) {
  const int64_t nd = t.dim() + 1;
  TENSORD_ASSIGN_OR_RETURN(int64_t d1, WrapDim(dim1, nd));
  TENSORD_ASSIGN_OR_RETURN(int64_t d2, WrapDim(dim2, nd));
  if (d1 == d2) {
    return absl::InvalidArgumentError(absl::StrCat(
        "diagonal dimensions cannot be identical ", dim1, ", ", dim2));
  }
  if (offset > (int64_t{1} << 40) || offset < -(int64_t{1} << 40)) {
    return absl::InvalidArgumentError("diag_embed: offset is too large");
  }
  const int64_t n = t.dim() == 0 ? 1 : t.size(-1);
  const int64_t side = n + (offset >= 0 ? offset : -offset);
  Shape shape;
  Shape rest(t.sizes().begin(),
             t.dim() == 0 ? t.sizes().end() : t.sizes().end() - 1);
  size_t r = 0;
  for (int64_t k = 0; k < nd; ++k) {
    shape.push_back(k == d1 || k == d2 ? side : rest[r++]);
  }
  Tensor out;
  {
    NoGradGuard ng;
    TENSORD_ASSIGN_OR_RETURN(out, Zeros(shape, t.dtype()));
    TENSORD_ASSIGN_OR_RETURN(Tensor region, Diagonal(out, offset, d1, d2));
    CopyConvert(t, region);
  }
  if (auto node = RecordOp("DiagEmbedBackward0", {&t}, {&out})) {
    node->set_backward([offset, d1, d2, shape = t.sizes()](
                           Node& n,
                           const GradList& g) -> absl::StatusOr<GradList> {
      auto backward = [&](const Tensor& gi) -> StatusOrTensor {
        TENSORD_ASSIGN_OR_RETURN(Tensor v, Diagonal(gi, offset, d1, d2));
        TENSORD_ASSIGN_OR_RETURN(Tensor c, Clone(v));
        return Reshape(c, DimList(shape.begin(), shape.end()));
      };
      TENSORD_ASSIGN_OR_RETURN(
          Tensor c,
          LinearInGrad(n, g[0], backward, [offset, d1, d2](const Tensor& gg) {
            return DiagEmbed(gg, offset, d1, d2);
          }));
      return GradList{c};
    });
  }
  return out;
}

}  // namespace tensord
