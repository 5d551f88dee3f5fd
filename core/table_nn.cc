// The op table's torch.nn.functional family (kernels in core/ops_nn.cc):
// activations, softmax and friends, the losses, linear and the distances.
#include "core/op_def.h"
#include "core/ops.h"
#include "core/status_macros.h"

namespace tensord {
namespace op_def {

void AddNnOps(std::vector<OpDef>& t) {
  using AT = AttrType;
  // The deprecated size_average/reduce and reduction, in torch's order.
  auto legacy = [](std::vector<AttrSpec> before, std::vector<AttrSpec> mid,
                   std::vector<AttrSpec> after) {
    std::vector<AttrSpec> r = std::move(before);
    r.push_back(Opt("size_average", AT::kBool, std::monostate{},
                    "deprecated (see reduction)"));
    r.insert(r.end(), mid.begin(), mid.end());
    r.push_back(Opt("reduce", AT::kBool, std::monostate{},
                    "deprecated (see reduction)"));
    r.push_back(Opt("reduction", AT::kString, std::string("mean"),
                    "'mean', 'sum' or 'none'"));
    r.insert(r.end(), after.begin(), after.end());
    return r;
  };
  for (const char* name : {"softmax", "log_softmax", "softmin"}) {
    const std::string n = name;
    t.push_back(Def(
        n, {"self"},
        {Opt("dim", AT::kInt, std::monostate{},
             "the dim (None: 0 for 0-, 1- and 3-d inputs, else 1)"),
         DTypeAttr()},
        true,
        n == "softmax"       ? "exp(self) / sum(exp(self)) along dim"
        : n == "log_softmax" ? "log(softmax(self)) along dim, computed stably"
                             : "softmax(-self) along dim",
        [n](const Args& a, OpContext&) {
          const int64_t dim =
              a.OptInt("dim").value_or(SoftmaxDefaultDim(a[0].dim()));
          const auto dt = a.OptDType("dtype");
          return One(n == "softmax"       ? Softmax(a[0], dim, dt)
                     : n == "log_softmax" ? LogSoftmax(a[0], dim, dt)
                                          : Softmin(a[0], dim, dt));
        }));
  }
  {
    OpDef nll = Def(
        "nll_loss", {"self", "target", "weight"},
        legacy({}, {Opt("ignore_index", AT::kInt, int64_t{-100})}, {}), true,
        "negative log likelihood of class indices in log-probabilities",
        [](const Args& a, OpContext&) -> Outs {
          TENSORD_ASSIGN_OR_RETURN(Reduction r, a.Red());
          return One(
              NllLoss(a[0], a[1], a.OptInput(2), r, a.Int("ignore_index")));
        });
    nll.min_inputs = 2;
    t.push_back(std::move(nll));
    OpDef ce =
        Def("cross_entropy", {"self", "target", "weight"},
            legacy({}, {Opt("ignore_index", AT::kInt, int64_t{-100})},
                   {Opt("label_smoothing", AT::kFloat, 0.0)}),
            true,
            "log_softmax + nll_loss of class indices, or cross entropy with "
            "class probabilities (a floating target shaped like self)",
            [](const Args& a, OpContext&) -> Outs {
              TENSORD_ASSIGN_OR_RETURN(Reduction r, a.Red());
              return One(CrossEntropy(a[0], a[1], a.OptInput(2), r,
                                      a.Int("ignore_index"),
                                      a.Float("label_smoothing")));
            });
    ce.min_inputs = 2;
    t.push_back(std::move(ce));
  }
  {
    // A loss of self and target with size_average/reduce/reduction.
    auto loss2 = [](const char* name, const char* doc,
                    std::function<StatusOrTensor(const Args&, Reduction)> f) {
      return Def(name, {"self", "target"}, {}, true, doc,
                 [f](const Args& a, OpContext&) -> Outs {
                   TENSORD_ASSIGN_OR_RETURN(Reduction r, a.Red());
                   return One(f(a, r));
                 });
    };
    OpDef l1 =
        loss2("l1_loss", "mean absolute error",
              [](const Args& a, Reduction r) { return L1Loss(a[0], a[1], r); });
    l1.attrs = legacy({}, {}, {});
    t.push_back(std::move(l1));
    OpDef sl1 = loss2("smooth_l1_loss",
                      "squared error below beta, absolute error above",
                      [](const Args& a, Reduction r) {
                        return SmoothL1Loss(a[0], a[1], r, a.Float("beta"));
                      });
    sl1.attrs = legacy({}, {}, {Opt("beta", AT::kFloat, 1.0)});
    t.push_back(std::move(sl1));
    OpDef huber = loss2("huber_loss",
                        "squared error below delta, delta-scaled absolute "
                        "error above",
                        [](const Args& a, Reduction r) {
                          return HuberLoss(a[0], a[1], r, a.Float("delta"));
                        });
    huber.attrs = {Opt("reduction", AT::kString, std::string("mean"),
                       "'mean', 'sum' or 'none'"),
                   Opt("delta", AT::kFloat, 1.0)};
    huber.fn = [](const std::vector<Tensor>& in, const AttrMap& at,
                  OpContext&) -> Outs {
      Args a(in, at);
      TENSORD_ASSIGN_OR_RETURN(Reduction r, ParseReduction(a.Str("reduction")));
      return One(HuberLoss(a[0], a[1], r, a.Float("delta")));
    };
    t.push_back(std::move(huber));
    OpDef bce =
        Def("binary_cross_entropy", {"self", "target", "weight"},
            legacy({}, {}, {}), true, "binary cross entropy of probabilities",
            [](const Args& a, OpContext&) -> Outs {
              TENSORD_ASSIGN_OR_RETURN(Reduction r, a.Red());
              return One(BinaryCrossEntropy(a[0], a[1], a.OptInput(2), r));
            });
    bce.min_inputs = 2;
    t.push_back(std::move(bce));
    OpDef bcel = Def(
        "binary_cross_entropy_with_logits",
        {"self", "target", "weight", "pos_weight"}, legacy({}, {}, {}), true,
        "binary cross entropy of logits, computed stably (pos_weight "
        "weighs the positive class)",
        [](const Args& a, OpContext&) -> Outs {
          TENSORD_ASSIGN_OR_RETURN(Reduction r, a.Red());
          Tensor w = a.OptInput(2);
          // (A client passes the number 1 for an absent weight when it
          // gives a pos_weight.)
          if (w.defined() && w.is_wrapped_number()) w = Tensor();
          return One(
              BinaryCrossEntropyWithLogits(a[0], a[1], w, a.OptInput(3), r));
        });
    bcel.min_inputs = 2;
    t.push_back(std::move(bcel));
    t.push_back(Def("kl_div", {"self", "target"},
                    {Opt("size_average", AT::kBool, std::monostate{},
                         "deprecated (see reduction)"),
                     Opt("reduce", AT::kBool, std::monostate{},
                         "deprecated (see reduction)"),
                     Opt("reduction", AT::kString, std::string("mean"),
                         "'mean', 'batchmean', 'sum' or 'none'"),
                     Opt("log_target", AT::kBool, false)},
                    true,
                    "Kullback-Leibler divergence of target from exp(self)",
                    [](const Args& a, OpContext&) -> Outs {
                      std::string red = a.Str("reduction");
                      if (a.Has("size_average") || a.Has("reduce")) {
                        TENSORD_ASSIGN_OR_RETURN(Reduction r, a.Red());
                        red = r == Reduction::kMean  ? "mean"
                              : r == Reduction::kSum ? "sum"
                                                     : "none";
                      }
                      return One(KlDiv(a[0], a[1], red, a.Bool("log_target")));
                    }));
  }
  t.push_back(Def(
      "one_hot", {"self"}, {Opt("num_classes", AT::kInt, int64_t{-1})}, false,
      "int64 class indices as one-hot rows", [](const Args& a, OpContext&) {
        return One(OneHot(a[0], a.Int("num_classes")));
      }));
  t.push_back(Def("normalize", {"self"},
                  {Opt("p", AT::kFloat, 2.0), Opt("dim", AT::kInt, int64_t{1}),
                   Opt("eps", AT::kFloat, 1e-12)},
                  true, "self / max(p-norm of self along dim, eps)",
                  [](const Args& a, OpContext&) {
                    return One(Normalize(a[0], a.Float("p"), a.Int("dim"),
                                         a.Float("eps")));
                  }));
  {
    OpDef linear = Def("linear", {"self", "weight", "bias"}, {}, true,
                       "self @ weight.T + bias", [](const Args& a, OpContext&) {
                         return One(Linear(a[0], a[1], a.OptInput(2)));
                       });
    linear.min_inputs = 2;
    t.push_back(std::move(linear));
  }
  {
    OpDef rnn =
        Def("_rnn_direction", {"input", "hx", "weight_hh", "bias_hh", "cx"},
            {Req("mode", AT::kString, "LSTM, GRU, RNN_TANH or RNN_RELU"),
             Opt("reverse", AT::kBool, false, "run from the last step back")},
            true,
            "one direction of a recurrent layer over input [steps, batch, "
            "gates * hidden] (the input's projection) from state hx (and cx, "
            "LSTM only); bias_hh absent or the number 0: no hidden bias",
            [](const Args& a, OpContext&) -> Outs {
              Tensor bias = a.OptInput(3);
              if (bias.defined() && bias.dim() == 0) bias = Tensor();
              return RnnDirection(a.Str("mode"), a[0], a[1], a[2],
                                  a.OptInput(4), bias, a.Bool("reverse"));
            },
            {"output", "h_n", "c_n"});
    rnn.min_inputs = 3;
    t.push_back(std::move(rnn));
  }
  t.push_back(Def(
      "cosine_similarity", {"self", "x2"},
      {Opt("dim", AT::kInt, int64_t{1}), Opt("eps", AT::kFloat, 1e-08)}, true,
      "cosine of the angle between self and x2 along dim",
      [](const Args& a, OpContext&) {
        return One(CosineSimilarity(a[0], a[1], a.Int("dim"), a.Float("eps")));
      }));
  t.push_back(Def("pairwise_distance", {"self", "x2"},
                  {Opt("p", AT::kFloat, 2.0), Opt("eps", AT::kFloat, 1e-06),
                   Opt("keepdim", AT::kBool, false)},
                  true, "p-norm of self - x2 + eps over the last dim",
                  [](const Args& a, OpContext&) {
                    return One(PairwiseDistance(a[0], a[1], a.Float("p"),
                                                a.Float("eps"),
                                                a.Bool("keepdim")));
                  }));
  // ---- activations: out of place and, where torch has it, in place ----
  using ActFn = std::function<StatusOrTensor(const Args&, const Tensor&, bool)>;
  auto act = [&t](const std::string& name, std::vector<AttrSpec> attrs,
                  const std::string& doc, bool inplace, ActFn f) {
    t.push_back(
        Def(name, {"self"}, attrs, true, doc,
            [f](const Args& a, OpContext&) { return One(f(a, a[0], false)); }));
    if (!inplace) return;
    t.push_back(Def(name + "_", {"self"}, attrs, true, doc + " (in place)",
                    [f](const Args& a, OpContext&) {
                      return One(ActivationInplace(a[0], [&](const Tensor& x) {
                        return f(a, x, true);
                      }));
                    }));
  };
  t.push_back(Unary("relu_", &ReluInplace, "max(self, 0) (in place)"));
  act("relu6", {}, "min(max(self, 0), 6)", true,
      [](const Args&, const Tensor& x, bool ip) {
        return Hardtanh(x, 0.0, 6.0, ip);
      });
  act("leaky_relu", {Opt("negative_slope", AT::kFloat, 0.01)},
      "self if positive, else negative_slope * self", true,
      [](const Args& a, const Tensor& x, bool ip) {
        return LeakyRelu(x, a.Float("negative_slope"), ip);
      });
  act("elu", {Opt("alpha", AT::kFloat, 1.0)},
      "self if positive, else alpha * (exp(self) - 1)", true,
      [](const Args& a, const Tensor& x, bool ip) {
        return Elu(x, a.Float("alpha"), ip);
      });
  act("selu", {}, "scale * elu(self, alpha) with SELU's constants", true,
      [](const Args&, const Tensor& x, bool ip) { return Selu(x, ip); });
  act("celu", {Opt("alpha", AT::kFloat, 1.0)},
      "max(0, self) + min(0, alpha * (exp(self / alpha) - 1))", true,
      [](const Args& a, const Tensor& x, bool ip) {
        return Celu(x, a.Float("alpha"), ip);
      });
  act("gelu",
      {Opt("approximate", AT::kString, std::string("none"),
           "'none' (erf) or 'tanh'")},
      "self * Phi(self)", false, [](const Args& a, const Tensor& x, bool) {
        return Gelu(x, a.Str("approximate"));
      });
  act("silu", {}, "self * sigmoid(self)", true,
      [](const Args&, const Tensor& x, bool ip) { return Silu(x, ip); });
  act("mish", {}, "self * tanh(softplus(self))", true,
      [](const Args&, const Tensor& x, bool ip) { return Mish(x, ip); });
  act("softplus",
      {Opt("beta", AT::kFloat, 1.0), Opt("threshold", AT::kFloat, 20.0)},
      "log(1 + exp(beta * self)) / beta (self above threshold / beta)", false,
      [](const Args& a, const Tensor& x, bool) {
        return Softplus(x, a.Float("beta"), a.Float("threshold"));
      });
  act("softsign", {}, "self / (1 + |self|)", false,
      [](const Args&, const Tensor& x, bool) { return Softsign(x); });
  act("hardtanh",
      {Opt("min_val", AT::kFloat, -1.0), Opt("max_val", AT::kFloat, 1.0)},
      "self clamped to [min_val, max_val]", true,
      [](const Args& a, const Tensor& x, bool ip) {
        return Hardtanh(x, a.Float("min_val"), a.Float("max_val"), ip);
      });
  act("hardsigmoid", {}, "min(max(self + 3, 0), 6) / 6", true,
      [](const Args&, const Tensor& x, bool ip) { return Hardsigmoid(x, ip); });
  act("hardswish", {}, "self * min(max(self + 3, 0), 6) / 6", true,
      [](const Args&, const Tensor& x, bool ip) { return Hardswish(x, ip); });
  act("logsigmoid", {}, "log(sigmoid(self)), computed stably", false,
      [](const Args&, const Tensor& x, bool) { return LogSigmoid(x); });
  t.push_back(Def("mse_loss", {"self", "target"}, legacy({}, {}, {}), true,
                  "mean squared error (target broadcast)",
                  [](const Args& a, OpContext&) -> Outs {
                    TENSORD_ASSIGN_OR_RETURN(Reduction r, a.Red());
                    return One(MseLoss(a[0], a[1], r));
                  }));
}

}  // namespace op_def
}  // namespace tensord
