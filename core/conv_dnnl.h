// oneDNN primitives run as torch 1.13 runs them through its mkldnn backend
// (ideep), so that with the same oneDNN library on the same CPU the same
// implementation computes the same bits.
//
// float32 convolutions: every memory format left to oneDNN ("any"), direct
// algorithm, forward_training, the bias gradient computed by the
// weight-gradient primitive: a LeNet trains to torch's bits.
// gelu (erf form) of a contiguous float32 tensor of two or more elements:
// torch's gelu and its backward call oneDNN's eltwise_gelu_erf.
#ifndef TENSORD_CORE_CONV_DNNL_H_
#define TENSORD_CORE_CONV_DNNL_H_

#include "absl/status/status.h"
#include "core/ops_internal.h"

namespace tensord {

// Whether torch would run this float32 convolution (not transposed) through
// mkldnn: its ConvParams::use_mkldnn at one intra-op thread. `g.pb`/`g.pr`
// must be set (the padding after).
bool ConvUsesDnnl(const ConvGeom& g);

// All buffers are contiguous: x [N, C, H, W], w [O, C/G, kh, kw], y/gy
// [N, O, OH, OW], b/gb [O]. b and gb may be null. An error (oneDNN refusing
// the geometry or running out of memory) leaves the outputs unspecified;
// callers then use the im2col kernels.
absl::Status DnnlConvForward(const ConvGeom& g, const float* x, const float* w,
                             const float* b, float* y);
absl::Status DnnlConvBackwardData(const ConvGeom& g, const float* gy,
                                  const float* w, float* gx);
absl::Status DnnlConvBackwardWeights(const ConvGeom& g, const float* x,
                                     const float* gy, float* gw, float* gb);

// gelu(x) and its gradient dy * gelu'(x) over n contiguous floats.
absl::Status DnnlGeluErf(const float* x, float* y, int64_t n);
absl::Status DnnlGeluErfBackward(const float* x, const float* dy, float* dx,
                                 int64_t n);

}  // namespace tensord

#endif  // TENSORD_CORE_CONV_DNNL_H_
