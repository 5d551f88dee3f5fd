#include "core/conv_dnnl.h"

#include <omp.h>

#include <oneapi/dnnl/dnnl.hpp>
#include <optional>
#include <unordered_map>

#include "absl/strings/str_cat.h"

namespace tensord {

namespace {

using dnnl::memory;
using tag = dnnl::memory::format_tag;
constexpr auto kF32 = dnnl::memory::data_type::f32;

dnnl::engine& Engine() {
  static dnnl::engine* e = new dnnl::engine(dnnl::engine::kind::cpu, 0);
  return *e;
}

// torch runs one intra-op thread here (TorchThreads()); oneDNN's weight
// gradient splits its reduction by thread, so it runs on one thread too.
// omp_set_num_threads sets the calling thread's own value.
class OneThread {
 public:
  OneThread() : saved_(omp_get_max_threads()) { omp_set_num_threads(1); }
  ~OneThread() { omp_set_num_threads(saved_); }
  OneThread(const OneThread&) = delete;
  OneThread& operator=(const OneThread&) = delete;

 private:
  int saved_;
};

struct Descs {
  memory::dims src, wei, dst, bias, strides, dilates, pad_l, pad_r;
  tag wei_tag;
};

Descs DescsOf(const ConvGeom& g) {
  Descs d;
  d.src = {g.N, g.C, g.H, g.W};
  d.dst = {g.N, g.O, g.OH, g.OW};
  d.bias = {g.O};
  if (g.G > 1) {
    d.wei = {g.G, g.Og(), g.Cg(), g.kh, g.kw};
    d.wei_tag = tag::goihw;
  } else {
    d.wei = {g.O, g.C, g.kh, g.kw};
    d.wei_tag = tag::oihw;
  }
  d.strides = {g.sh, g.sw};
  d.dilates = {g.dh - 1, g.dw - 1};
  d.pad_l = {g.pt, g.pl};
  d.pad_r = {g.pb, g.pr};
  return d;
}

memory::desc Any(const memory::dims& dims) {
  return memory::desc(dims, kF32, tag::any);
}

dnnl::primitive_attr UserScratchpad() {
  dnnl::primitive_attr attr;
  attr.set_scratchpad_mode(dnnl::scratchpad_mode::user);
  return attr;
}

// The primitive's view of a plain buffer: the buffer itself when the
// primitive wants the plain layout, else a reordered copy.
memory Input(const memory::desc& want, const memory::dims& dims, tag plain,
             const float* p, dnnl::stream& s) {
  memory user({dims, kF32, plain}, Engine(), const_cast<float*>(p));
  if (want == user.get_desc()) return user;
  memory m(want, Engine());
  dnnl::reorder(user, m).execute(s, user, m);
  return m;
}

// An output: the plain buffer, or a scratch in the wanted layout that
// Finish reorders into it.
struct Output {
  memory user, mem;
  Output(const memory::desc& want, const memory::dims& dims, tag plain,
         float* p)
      : user({dims, kF32, plain}, Engine(), p),
        mem(want == user.get_desc() ? user : memory(want, Engine())) {}
  void Finish(dnnl::stream& s) {
    if (mem.get_data_handle() != user.get_data_handle()) {
      dnnl::reorder(mem, user).execute(s, mem, user);
    }
  }
};

dnnl::convolution_forward::primitive_desc ForwardPd(const Descs& d,
                                                    bool with_bias) {
  const auto kind = dnnl::prop_kind::forward_training;
  const auto alg = dnnl::algorithm::convolution_direct;
  auto desc = with_bias
                  ? dnnl::convolution_forward::desc(
                        kind, alg, Any(d.src), Any(d.wei), Any(d.bias),
                        Any(d.dst), d.strides, d.dilates, d.pad_l, d.pad_r)
                  : dnnl::convolution_forward::desc(
                        kind, alg, Any(d.src), Any(d.wei), Any(d.dst),
                        d.strides, d.dilates, d.pad_l, d.pad_r);
  return dnnl::convolution_forward::primitive_desc(desc, UserScratchpad(),
                                                   Engine());
}

template <typename F>
absl::Status Guarded(const char* what, F&& f, bool one_thread = true) {
  try {
    std::optional<OneThread> one;
    if (one_thread) one.emplace();
    f();
    return absl::OkStatus();
  } catch (const dnnl::error& e) {
    return absl::InternalError(absl::StrCat("oneDNN ", what, ": ", e.what()));
  } catch (const std::bad_alloc&) {
    return absl::ResourceExhaustedError(
        absl::StrCat("oneDNN ", what, ": out of memory"));
  }
}

}  // namespace

bool ConvUsesDnnl(const ConvGeom& g) {
  if (g.N <= 0 || g.C <= 0 || g.O <= 0 || g.OH <= 0 || g.OW <= 0) return false;
  if (g.pb < 0 || g.pr < 0) return false;
  const bool strided = g.sh != 1 || g.sw != 1;
  const bool dilated = g.dh != 1 || g.dw != 1;
  // torch: "for 1x1 filters, MKLDNN is faster than THNN when
  // multi-threaded" (one thread here), and "for some case, native is
  // faster".
  if (!(strided || dilated || g.N >= 16 || g.kw != 1 || g.kh != 1)) {
    return false;
  }
  return g.G > 1 || (g.kw > 3 && g.kh > 3) || g.N > 1 ||
         g.N * g.C * g.H * g.W > 20480;
}

absl::Status DnnlConvForward(const ConvGeom& g, const float* x, const float* w,
                             const float* b, float* y) {
  return Guarded("convolution", [&] {
    const Descs d = DescsOf(g);
    const auto pd = ForwardPd(d, b != nullptr);
    dnnl::stream s(Engine());
    memory src = Input(pd.src_desc(), d.src, tag::nchw, x, s);
    memory wei = Input(pd.weights_desc(), d.wei, d.wei_tag, w, s);
    Output dst(pd.dst_desc(), d.dst, tag::nchw, y);
    memory scratch(pd.scratchpad_desc(), Engine());
    std::unordered_map<int, memory> args = {{DNNL_ARG_SRC, src},
                                            {DNNL_ARG_WEIGHTS, wei},
                                            {DNNL_ARG_DST, dst.mem},
                                            {DNNL_ARG_SCRATCHPAD, scratch}};
    if (b != nullptr) {
      args[DNNL_ARG_BIAS] = Input(pd.bias_desc(), d.bias, tag::a, b, s);
    }
    dnnl::convolution_forward(pd).execute(s, args);
    dst.Finish(s);
    s.wait();
  });
}

absl::Status DnnlConvBackwardData(const ConvGeom& g, const float* gy,
                                  const float* w, float* gx) {
  return Guarded("convolution backward", [&] {
    const Descs d = DescsOf(g);
    const auto hint = ForwardPd(d, false);
    dnnl::convolution_backward_data::desc desc(
        dnnl::algorithm::convolution_direct, Any(d.src), Any(d.wei), Any(d.dst),
        d.strides, d.dilates, d.pad_l, d.pad_r);
    dnnl::convolution_backward_data::primitive_desc pd(desc, UserScratchpad(),
                                                       Engine(), hint);
    dnnl::stream s(Engine());
    memory diff_dst = Input(pd.diff_dst_desc(), d.dst, tag::nchw, gy, s);
    memory wei = Input(pd.weights_desc(), d.wei, d.wei_tag, w, s);
    Output diff_src(pd.diff_src_desc(), d.src, tag::nchw, gx);
    memory scratch(pd.scratchpad_desc(), Engine());
    dnnl::convolution_backward_data(pd).execute(
        s, {{DNNL_ARG_DIFF_DST, diff_dst},
            {DNNL_ARG_WEIGHTS, wei},
            {DNNL_ARG_DIFF_SRC, diff_src.mem},
            {DNNL_ARG_SCRATCHPAD, scratch}});
    diff_src.Finish(s);
    s.wait();
  });
}

absl::Status DnnlConvBackwardWeights(const ConvGeom& g, const float* x,
                                     const float* gy, float* gw, float* gb) {
  return Guarded("convolution backward", [&] {
    const Descs d = DescsOf(g);
    const bool with_bias = gb != nullptr;
    const auto hint = ForwardPd(d, with_bias);
    const auto alg = dnnl::algorithm::convolution_direct;
    auto desc = with_bias
                    ? dnnl::convolution_backward_weights::desc(
                          alg, Any(d.src), Any(d.wei), Any(d.bias), Any(d.dst),
                          d.strides, d.dilates, d.pad_l, d.pad_r)
                    : dnnl::convolution_backward_weights::desc(
                          alg, Any(d.src), Any(d.wei), Any(d.dst), d.strides,
                          d.dilates, d.pad_l, d.pad_r);
    dnnl::convolution_backward_weights::primitive_desc pd(
        desc, UserScratchpad(), Engine(), hint);
    dnnl::stream s(Engine());
    memory diff_dst = Input(pd.diff_dst_desc(), d.dst, tag::nchw, gy, s);
    memory src = Input(pd.src_desc(), d.src, tag::nchw, x, s);
    Output diff_wei(pd.diff_weights_desc(), d.wei, d.wei_tag, gw);
    memory scratch(pd.scratchpad_desc(), Engine());
    std::unordered_map<int, memory> args = {
        {DNNL_ARG_DIFF_DST, diff_dst},
        {DNNL_ARG_SRC, src},
        {DNNL_ARG_DIFF_WEIGHTS, diff_wei.mem},
        {DNNL_ARG_SCRATCHPAD, scratch}};
    std::optional<Output> diff_bias;
    if (with_bias) {
      diff_bias.emplace(pd.diff_bias_desc(), d.bias, tag::a, gb);
      args[DNNL_ARG_DIFF_BIAS] = diff_bias->mem;
    }
    dnnl::convolution_backward_weights(pd).execute(s, args);
    diff_wei.Finish(s);
    if (diff_bias) diff_bias->Finish(s);
    s.wait();
  });
}

namespace {

dnnl::eltwise_forward::primitive_desc GeluPd(const memory::desc& md) {
  return dnnl::eltwise_forward::primitive_desc(
      dnnl::eltwise_forward::desc(dnnl::prop_kind::forward_training,
                                  dnnl::algorithm::eltwise_gelu_erf, md, 0.f,
                                  0.f),
      Engine());
}

}  // namespace

// Elementwise: the thread split does not change a value.
absl::Status DnnlGeluErf(const float* x, float* y, int64_t n) {
  return Guarded(
      "gelu",
      [&] {
        const memory::desc md({n}, kF32, tag::a);
        const auto pd = GeluPd(md);
        dnnl::stream s(Engine());
        memory src(md, Engine(), const_cast<float*>(x));
        memory dst(md, Engine(), y);
        dnnl::eltwise_forward(pd).execute(
            s, {{DNNL_ARG_SRC, src}, {DNNL_ARG_DST, dst}});
        s.wait();
      },
      /*one_thread=*/false);
}

absl::Status DnnlGeluErfBackward(const float* x, const float* dy, float* dx,
                                 int64_t n) {
  return Guarded(
      "gelu backward",
      [&] {
        const memory::desc md({n}, kF32, tag::a);
        const auto hint = GeluPd(md);
        dnnl::eltwise_backward::primitive_desc pd(
            dnnl::eltwise_backward::desc(dnnl::algorithm::eltwise_gelu_erf, md,
                                         md, 0.f, 0.f),
            Engine(), hint);
        dnnl::stream s(Engine());
        memory src(md, Engine(), const_cast<float*>(x));
        memory diff_dst(md, Engine(), const_cast<float*>(dy));
        memory diff_src(md, Engine(), dx);
        dnnl::eltwise_backward(pd).execute(s, {{DNNL_ARG_SRC, src},
                                               {DNNL_ARG_DIFF_DST, diff_dst},
                                               {DNNL_ARG_DIFF_SRC, diff_src}});
        s.wait();
      },
      /*one_thread=*/false);
}

}  // namespace tensord
