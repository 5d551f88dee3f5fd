// F.unfold / F.fold: im2col and col2im of conv's engine (ops_conv.cc) as
// ops, with their derivatives.
#include <algorithm>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "core/autograd.h"
#include "core/errors.h"
#include "core/loops.h"
#include "core/ops.h"
#include "core/ops_internal.h"
#include "core/status_macros.h"

namespace tensord {
namespace {

// A parameter of two values (one value: both), or torch's message.
absl::StatusOr<std::pair<int64_t, int64_t>> TwoOf(const char* name,
                                                  const DimList& v) {
  if (v.size() == 1) return std::make_pair(v[0], v[0]);
  if (v.size() == 2) return std::make_pair(v[0], v[1]);
  return absl::InvalidArgumentError(absl::StrCat(
      "It is expected ", name, " equals to 2, but got size ", v.size()));
}

struct BlockParams {
  std::pair<int64_t, int64_t> k, d, p, s;
};

absl::StatusOr<BlockParams> BlockParamsOf(const DimList& kernel,
                                          const DimList& dilation,
                                          const DimList& padding,
                                          const DimList& stride, bool fold) {
  BlockParams b;
  TENSORD_ASSIGN_OR_RETURN(b.k, TwoOf("kernel_size", kernel));
  TENSORD_ASSIGN_OR_RETURN(b.d, TwoOf("dilation", dilation));
  TENSORD_ASSIGN_OR_RETURN(b.p, TwoOf("padding", padding));
  TENSORD_ASSIGN_OR_RETURN(b.s, TwoOf("stride", stride));
  if (b.k.first <= 0 || b.k.second <= 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        "kernel size should be greater than zero, but got kernel_height: ",
        b.k.first, " kernel_width: ", b.k.second));
  }
  const absl::Status bad_stride = absl::InvalidArgumentError(
      absl::StrCat("stride should be greater than zero, but got "
                   "stride_height: ",
                   b.s.first, " stride_width: ", b.s.second));
  if (fold && (b.s.first <= 0 || b.s.second <= 0)) return bad_stride;
  if (b.d.first <= 0 || b.d.second <= 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        "dilation should be greater than zero, but got dilation_height: ",
        b.d.first, " dilation_width: ", b.d.second));
  }
  if (b.p.first < 0 || b.p.second < 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        "padding should be non-negative, but got pad_height: ", b.p.first,
        " pad_width: ", b.p.second));
  }
  if (b.s.first <= 0 || b.s.second <= 0) return bad_stride;
  return b;
}

// Sliding blocks along one dim: floor((in + 2 pad - dil (k - 1) - 1) /
// stride) + 1, checked.
absl::StatusOr<int64_t> Blocks(int64_t in, int64_t k, int64_t d, int64_t p,
                               int64_t s) {
  int64_t num, dk;
  if (!MulOk(p, 2, &num) || !AddOk(in, num, &num) || !MulOk(d, k - 1, &dk) ||
      !AddOk(dk, 1, &dk) || __builtin_sub_overflow(num, dk, &num)) {
    return TooLarge("unfold/fold");
  }
  return FloorDiv(num, s) + 1;
}

ConvGeom BlockGeom(const BlockParams& b, int64_t n, int64_t c, int64_t h,
                   int64_t w, int64_t bh, int64_t bw) {
  ConvGeom g;
  g.N = n;
  g.C = c;
  g.H = h;
  g.W = w;
  g.kh = b.k.first;
  g.kw = b.k.second;
  g.dh = b.d.first;
  g.dw = b.d.second;
  g.pt = b.p.first;
  g.pl = b.p.second;
  g.sh = b.s.first;
  g.sw = b.s.second;
  g.OH = bh;
  g.OW = bw;
  return g;
}

// cols [N, C * kh * kw, L] from x [N, C, H, W] (both contiguous).
template <typename T>
void Im2ColBatch(const ConvGeom& g, const T* x, T* cols) {
  const int64_t in = g.C * g.H * g.W, out = g.K() * g.L();
  ParallelFor(g.N, std::max<int64_t>(out, 1), [&](int64_t b, int64_t e) {
    for (int64_t n = b; n < e; ++n) Im2Col(g, x + n * in, cols + n * out);
  });
}

// x [N, C, H, W] (zeroed) += cols scattered back.
template <typename T>
void Col2ImBatch(const ConvGeom& g, const T* cols, T* x) {
  const int64_t in = g.C * g.H * g.W, out = g.K() * g.L();
  ParallelFor(g.N, std::max<int64_t>(out, 1), [&](int64_t b, int64_t e) {
    for (int64_t n = b; n < e; ++n) Col2Im(g, cols + n * out, x + n * in);
  });
}

// Runs im2col (to_cols) or col2im from `src` into a new tensor of `shape`.
absl::StatusOr<Tensor> RunBlocks(const ConvGeom& g, bool to_cols,
                                 const Tensor& src, const Shape& shape) {
  TENSORD_ASSIGN_OR_RETURN(Tensor out, Zeros(shape, src.dtype()));
  if (out.numel() == 0) return out;
  TENSORD_ASSIGN_OR_RETURN(Tensor sc, ContiguousOf(src));
  if (sc.dtype() != out.dtype()) {
    NoGradGuard ng;
    TENSORD_ASSIGN_OR_RETURN(sc, To(sc, out.dtype()));
  }
  TENSORD_DISPATCH_FLOATING(out.dtype(), T, {
    if (to_cols) {
      Im2ColBatch<T>(g, sc.data<T>(), out.data<T>());
    } else {
      Col2ImBatch<T>(g, sc.data<T>(), out.data<T>());
    }
  });
  return out;
}

// Records im2col / col2im, whose backward is the other one.
void RecordBlocks(const char* name, const ConvGeom& g, bool to_cols,
                  const Tensor& x, Tensor& out) {
  if (auto node = RecordOp(name, {&x}, {&out})) {
    const Shape in_shape = x.sizes();
    node->set_backward(
        [g, to_cols, in_shape, out_shape = out.sizes()](
            Node& n, const GradList& gl) -> absl::StatusOr<GradList> {
          // unfold and fold are each other's transposes.
          TENSORD_ASSIGN_OR_RETURN(
              Tensor gx, LinearInGrad(
                             n, gl[0],
                             [g, to_cols, in_shape](const Tensor& gi) {
                               return RunBlocks(g, !to_cols, gi, in_shape);
                             },
                             [g, to_cols, out_shape](const Tensor& gg) {
                               return RunBlocks(g, to_cols, gg, out_shape);
                             },
                             /*transpose_differentiable=*/false));
          return GradList{gx};
        });
  }
}

}  // namespace

StatusOrTensor Unfold2d(const Tensor& x, const DimList& kernel_size,
                        const DimList& dilation, const DimList& padding,
                        const DimList& stride) {
  TENSORD_ASSIGN_OR_RETURN(
      BlockParams b,
      BlockParamsOf(kernel_size, dilation, padding, stride, false));
  const int64_t nd = x.dim();
  for (int64_t d : {1, 2}) {
    if (d >= nd) {
      if (nd == 0) {
        return IndexError(absl::StrCat("Dimension specified as ", d,
                                       " but tensor has no dimensions"));
      }
      return IndexError(
          absl::StrCat("Dimension out of range (expected to be in range of [",
                       -nd, ", ", nd - 1, "], but got ", d, ")"));
    }
  }
  const bool valid = x.size(1) != 0 && x.size(2) != 0;
  if (!((nd == 3 && x.size(0) != 0 && valid) ||
        (nd == 4 && valid && x.size(3) != 0))) {
    return absl::InvalidArgumentError(
        absl::StrCat("Expected 3D or 4D (batch mode) tensor with possibly 0 "
                     "batch size and other non-zero dimensions for input, but "
                     "got: ",
                     ShapeToString(x.sizes())));
  }
  const int64_t h = x.size(nd - 2), w = x.size(nd - 1);
  TENSORD_ASSIGN_OR_RETURN(
      int64_t bh, Blocks(h, b.k.first, b.d.first, b.p.first, b.s.first));
  TENSORD_ASSIGN_OR_RETURN(
      int64_t bw, Blocks(w, b.k.second, b.d.second, b.p.second, b.s.second));
  if (bh < 1 || bw < 1) {
    return absl::InvalidArgumentError(absl::StrCat(
        "Given input with spatial size (", h, ", ", h, "), kernel_size=(",
        b.k.first, ", ", b.k.second, "), dilation=(", b.d.first, ", ",
        b.d.second, "), padding=(", b.p.first, ", ", b.p.second,
        "), calculated shape of the array of sliding blocks as (", bh, ", ", bw,
        "), but its components must be at least one."));
  }
  if (!IsFloating(x.dtype())) return NotFloating("im2col", x.dtype());
  const int64_t n = nd == 4 ? x.size(0) : 1, c = x.size(nd - 3);
  const ConvGeom g = BlockGeom(b, n, c, h, w, bh, bw);
  int64_t rows, cols;
  if (!MulOk(c, b.k.first, &rows) || !MulOk(rows, b.k.second, &rows) ||
      !MulOk(bh, bw, &cols)) {
    return TooLarge("unfold");
  }
  Shape shape = {rows, cols};
  if (nd == 4) shape.insert(shape.begin(), n);
  TENSORD_ASSIGN_OR_RETURN(Tensor out, RunBlocks(g, true, x, shape));
  RecordBlocks("Im2ColBackward0", g, true, x, out);
  return out;
}

StatusOrTensor Fold2d(const Tensor& x, const DimList& output_size,
                      const DimList& kernel_size, const DimList& dilation,
                      const DimList& padding, const DimList& stride) {
  TENSORD_ASSIGN_OR_RETURN(auto os, TwoOf("output_size", output_size));
  TENSORD_ASSIGN_OR_RETURN(BlockParams b, BlockParamsOf(kernel_size, dilation,
                                                        padding, stride, true));
  const int64_t nd = x.dim();
  if (!((nd == 2 && x.size(0) != 0 && x.size(1) != 0) ||
        (nd == 3 && x.size(1) != 0 && x.size(2) != 0))) {
    return absl::InvalidArgumentError(absl::StrCat(
        "Expected 2D or 3D (batch mode) tensor for input with possibly 0 "
        "batch size and non-zero dimensions for input, but got: ",
        ShapeToString(x.sizes())));
  }
  const int64_t planes = x.size(nd - 2), length = x.size(nd - 1);
  int64_t kk;
  if (!MulOk(b.k.first, b.k.second, &kk)) return TooLarge("fold");
  if (planes % kk != 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        "Expected size of input's dimension 1 to be divisible by the product "
        "of kernel_size, but got input.size(1)=",
        planes, " and kernel_size=(", b.k.first, ", ", b.k.second, ")."));
  }
  TENSORD_ASSIGN_OR_RETURN(
      int64_t bh, Blocks(os.first, b.k.first, b.d.first, b.p.first, b.s.first));
  TENSORD_ASSIGN_OR_RETURN(int64_t bw, Blocks(os.second, b.k.second, b.d.second,
                                              b.p.second, b.s.second));
  int64_t nb;
  if (!MulOk(bh, bw, &nb)) return TooLarge("fold");
  const std::string given = absl::StrCat(
      "Given output_size=(", os.first, ", ", os.second, "), kernel_size=(",
      b.k.first, ", ", b.k.second, "), dilation=(", b.d.first, ", ", b.d.second,
      "), padding=(", b.p.first, ", ", b.p.second, "), stride=(", b.s.first,
      ", ", b.s.second, ")");
  if (length != nb) {
    return absl::InvalidArgumentError(absl::StrCat(
        given,
        ", expected size of input's dimension 2 to match the calculated "
        "number of sliding blocks ",
        bh, " * ", bw, " = ", nb, ", but got input.size(2)=", length, "."));
  }
  if (bh < 1 || bw < 1) {
    return absl::InvalidArgumentError(absl::StrCat(
        given, ", calculated shape of the array of sliding blocks as (", bh,
        ", ", bw, "), which is too small (non-positive)"));
  }
  if (os.first < 1 || os.second < 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("Expected output spatial size to be positive, but got: "
                     "output_size=(",
                     os.first, ", ", os.second, ")."));
  }
  if (!IsFloating(x.dtype())) return NotFloating("col2im", x.dtype());
  const int64_t n = nd == 3 ? x.size(0) : 1, c = planes / kk;
  const ConvGeom g = BlockGeom(b, n, c, os.first, os.second, bh, bw);
  Shape shape = {c, os.first, os.second};
  if (nd == 3) shape.insert(shape.begin(), n);
  TENSORD_ASSIGN_OR_RETURN(Tensor out, RunBlocks(g, false, x, shape));
  RecordBlocks("Col2ImBackward0", g, false, x, out);
  return out;
}

}  // namespace tensord
