// float32 convolutions through oneDNN's convolution primitives, set up as
// torch 1.13 sets them up for its mkldnn backend (ideep): every memory format
// left to oneDNN ("any"), direct algorithm, forward_training, the bias
// gradient computed by the weight-gradient primitive. With the same oneDNN
// library on the same CPU this picks torch's implementation and so its
// summation order: a LeNet trains to torch's bits.
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

}  // namespace tensord

#endif  // TENSORD_CORE_CONV_DNNL_H_
