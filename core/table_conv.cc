// The op table's convolution / pooling / normalization part of
// torch.nn.functional (kernels in core/ops_conv.cc).
#include "absl/strings/str_cat.h"
#include "core/op_def.h"
#include "core/ops.h"
#include "core/status_macros.h"

namespace tensord {
namespace op_def {

namespace {

AttrValue IntsOf(std::vector<int64_t> v) { return AttrValue(std::move(v)); }

}  // namespace

void AddConvOps(std::vector<OpDef>& t) {
  using AT = AttrType;
  // ---- conv1d, conv2d (padding as ints, or "same"/"valid": .padding) ----
  for (int64_t nd : {1, 2}) {
    const std::string name = absl::StrCat("conv", nd, "d");
    std::vector<AttrSpec> attrs = {
        Opt("stride", AT::kInts, IntsOf({1}), "one value or one per dim"),
        Opt("padding", AT::kInts, IntsOf({0}), "zeros added on both sides"),
        Opt("dilation", AT::kInts, IntsOf({1}), "spacing of kernel elements"),
        Opt("groups", AT::kInt, int64_t{1}, "input channel groups")};
    OpDef conv = Def(name, {"self", "weight", "bias"}, attrs, true,
                     absl::StrCat(nd,
                                  "-d convolution (cross-correlation) of self "
                                  "with weight, plus bias"),
                     [nd](const Args& a, OpContext&) {
                       return One(Conv(nd, a[0], a[1], a.OptInput(2),
                                       a.Ints("stride"), a.Ints("padding"),
                                       a.Ints("dilation"), a.Int("groups")));
                     });
    conv.min_inputs = 2;
    t.push_back(conv);
    attrs[1] = Opt("padding", AT::kString, std::string("valid"),
                   "'valid' (none) or 'same' (output as large as the input)");
    OpDef conv_str =
        Def(name + ".padding", {"self", "weight", "bias"}, attrs, true,
            absl::StrCat(name, " with padding 'same' or 'valid'"),
            [nd](const Args& a, OpContext&) {
              return One(ConvPaddingStr(nd, a[0], a[1], a.OptInput(2),
                                        a.Ints("stride"), a.Str("padding"),
                                        a.Ints("dilation"), a.Int("groups")));
            });
    conv_str.min_inputs = 2;
    t.push_back(conv_str);
  }
  // ---- conv_transpose1d, conv_transpose2d ----
  for (int64_t nd : {1, 2}) {
    OpDef ct = Def(
        absl::StrCat("conv_transpose", nd, "d"), {"self", "weight", "bias"},
        {Opt("stride", AT::kInts, IntsOf({1}), "one value or one per dim"),
         Opt("padding", AT::kInts, IntsOf({0}),
             "dilation * (kernel - 1) - padding zeros on both sides"),
         Opt("output_padding", AT::kInts, IntsOf({0}),
             "added to one side of the output"),
         Opt("groups", AT::kInt, int64_t{1}, "input channel groups"),
         Opt("dilation", AT::kInts, IntsOf({1}), "spacing of kernel elements")},
        true,
        absl::StrCat(nd, "-d transposed convolution (the gradient of conv", nd,
                     "d) of self with weight, plus bias"),
        [nd](const Args& a, OpContext&) {
          return One(ConvTranspose(nd, a[0], a[1], a.OptInput(2),
                                   a.Ints("stride"), a.Ints("padding"),
                                   a.Ints("output_padding"), a.Int("groups"),
                                   a.Ints("dilation")));
        });
    ct.min_inputs = 2;
    t.push_back(ct);
  }
  // ---- F.interpolate's kernels ----
  for (int64_t nd : {1, 2}) {
    std::vector<AttrSpec> attrs = {
        Req("output_size", AT::kInts, "spatial size of the result")};
    if (nd == 1) {
      attrs.push_back(Opt("scales", AT::kFloat, std::monostate{},
                          "the scale factor given (None: in / out)"));
    } else {
      attrs.push_back(Opt("scales_h", AT::kFloat, std::monostate{},
                          "the height's scale factor given"));
      attrs.push_back(Opt("scales_w", AT::kFloat, std::monostate{},
                          "the width's scale factor given"));
    }
    t.push_back(Def(absl::StrCat("upsample_nearest", nd, "d"), {"self"}, attrs,
                    true, "nearest-neighbour resampling of the last dims",
                    [nd](const Args& a, OpContext&) {
                      std::vector<std::optional<double>> s;
                      if (nd == 1) {
                        s = {a.OptFloat("scales")};
                      } else {
                        s = {a.OptFloat("scales_h"), a.OptFloat("scales_w")};
                      }
                      return One(
                          UpsampleNearest(nd, a[0], a.Ints("output_size"), s));
                    }));
  }
  t.push_back(
      Def("upsample_bilinear2d", {"self"},
          {Req("output_size", AT::kInts, "(H, W) of the result"),
           Req("align_corners", AT::kBool, "corner pixels' centres aligned"),
           Opt("scales_h", AT::kFloat, std::monostate{},
               "the height's scale factor given"),
           Opt("scales_w", AT::kFloat, std::monostate{},
               "the width's scale factor given")},
          true, "bilinear resampling of the last two dims",
          [](const Args& a, OpContext&) {
            return One(UpsampleBilinear2d(
                a[0], a.Ints("output_size"), a.Bool("align_corners"),
                {a.OptFloat("scales_h"), a.OptFloat("scales_w")}));
          }));
  // ---- F.unfold, F.fold ----
  t.push_back(
      Def("im2col", {"self"},
          {Req("kernel_size", AT::kInts, "block size"),
           Opt("dilation", AT::kInts, IntsOf({1}), "spacing of block elements"),
           Opt("padding", AT::kInts, IntsOf({0}), "zeros on both sides"),
           Opt("stride", AT::kInts, IntsOf({1}), "step between blocks")},
          true, "F.unfold: the sliding blocks of [N,] C, H, W as columns",
          [](const Args& a, OpContext&) {
            return One(Unfold2d(a[0], a.Ints("kernel_size"), a.Ints("dilation"),
                                a.Ints("padding"), a.Ints("stride")));
          }));
  t.push_back(
      Def("col2im", {"self"},
          {Req("output_size", AT::kInts, "(H, W) of the result"),
           Req("kernel_size", AT::kInts, "block size"),
           Opt("dilation", AT::kInts, IntsOf({1}), "spacing of block elements"),
           Opt("padding", AT::kInts, IntsOf({0}), "zeros on both sides"),
           Opt("stride", AT::kInts, IntsOf({1}), "step between blocks")},
          true, "F.fold: columns of blocks summed back into [N,] C, H, W",
          [](const Args& a, OpContext&) {
            return One(Fold2d(a[0], a.Ints("output_size"),
                              a.Ints("kernel_size"), a.Ints("dilation"),
                              a.Ints("padding"), a.Ints("stride")));
          }));
  // ---- padding ----
  t.push_back(Def(
      "pad", {"self"},
      {Req("pad", AT::kInts, "(before, after) pairs from the last dim back"),
       Opt("mode", AT::kString, std::string("constant"),
           "constant, reflect, replicate or circular"),
       Opt("value", AT::kFloat, std::monostate{}, "constant mode's fill")},
      true, "pad (negative amounts crop) the last dims of self",
      [](const Args& a, OpContext&) {
        return One(
            Pad(a[0], a.Ints("pad"), a.Str("mode"), a.OptFloat("value")));
      }));
  // ---- pooling ----
  for (int64_t nd : {1, 2}) {
    const std::string name = absl::StrCat("max_pool", nd, "d");
    std::vector<AttrSpec> attrs = {
        Req("kernel_size", AT::kInts, "window size"),
        Opt("stride", AT::kInts, std::monostate{}, "None: kernel_size"),
        Opt("padding", AT::kInts, IntsOf({0}), "implicit -inf on both sides"),
        Opt("dilation", AT::kInts, IntsOf({1}), "spacing of window elements"),
        Opt("ceil_mode", AT::kBool, false, "ceil for the output size")};
    auto run = [nd](const Args& a) {
      return nd == 1 ? MaxPool1d(a[0], a.Ints("kernel_size"), a.Ints("stride"),
                                 a.Ints("padding"), a.Ints("dilation"),
                                 a.Bool("ceil_mode"))
                     : MaxPool2d(a[0], a.Ints("kernel_size"), a.Ints("stride"),
                                 a.Ints("padding"), a.Ints("dilation"),
                                 a.Bool("ceil_mode"));
    };
    t.push_back(Def(name, {"self"}, attrs, true,
                    absl::StrCat("maximum over ", nd, "-d windows"),
                    [run](const Args& a, OpContext&) -> Outs {
                      TENSORD_ASSIGN_OR_RETURN(auto r, run(a));
                      return std::vector<Tensor>{r.first};
                    }));
    t.push_back(Def(
        name + "_with_indices", {"self"}, attrs, true,
        absl::StrCat(name, " and the flat index of each maximum in its plane"),
        [run, nd](const Args& a, OpContext&) -> Outs {
          if (nd == 1 && a[0].dim() != 2 && a[0].dim() != 3) {
            return absl::InvalidArgumentError(absl::StrCat(
                "Expected 2 to 3 dimensions, but got ", a[0].dim(),
                "-dimensional tensor for argument #1 'self' (while checking "
                "arguments for max_pool1d)"));
          }
          return Two(run(a));
        },
        {"", ""}));
  }
  t.push_back(Def(
      "avg_pool2d", {"self"},
      {Req("kernel_size", AT::kInts, "window size"),
       Opt("stride", AT::kInts, std::monostate{}, "None: kernel_size"),
       Opt("padding", AT::kInts, IntsOf({0}), "implicit zeros on both sides"),
       Opt("ceil_mode", AT::kBool, false, "ceil for the output size"),
       Opt("count_include_pad", AT::kBool, true, "padding counts in the mean"),
       Opt("divisor_override", AT::kInt, std::monostate{},
           "divide by this instead")},
      true, "mean over 2-d windows", [](const Args& a, OpContext&) {
        return One(AvgPool2d(a[0], a.Ints("kernel_size"), a.Ints("stride"),
                             a.Ints("padding"), a.Bool("ceil_mode"),
                             a.Bool("count_include_pad"),
                             a.OptInt("divisor_override")));
      }));
  t.push_back(Def(
      "avg_pool1d", {"self"},
      {Req("kernel_size", AT::kInts, "window size"),
       Opt("stride", AT::kInts, std::monostate{}, "None: kernel_size"),
       Opt("padding", AT::kInts, IntsOf({0}), "implicit zeros on both sides"),
       Opt("ceil_mode", AT::kBool, false, "ceil for the output size"),
       Opt("count_include_pad", AT::kBool, true, "padding counts in the mean")},
      true, "mean over 1-d windows", [](const Args& a, OpContext&) {
        return One(AvgPool1d(a[0], a.Ints("kernel_size"), a.Ints("stride"),
                             a.Ints("padding"), a.Bool("ceil_mode"),
                             a.Bool("count_include_pad")));
      }));
  t.push_back(Def("adaptive_avg_pool2d", {"self"},
                  {Req("output_size", AT::kInts, "(H, W) of the result")}, true,
                  "mean over windows that tile the input into output_size",
                  [](const Args& a, OpContext&) {
                    return One(AdaptiveAvgPool2d(a[0], a.Ints("output_size")));
                  }));
  {
    std::vector<AttrSpec> attrs = {
        Req("output_size", AT::kInts, "(H, W) of the result")};
    t.push_back(Def("adaptive_max_pool2d", {"self"}, attrs, true,
                    "maximum over windows that tile the input into output_size",
                    [](const Args& a, OpContext&) -> Outs {
                      TENSORD_ASSIGN_OR_RETURN(
                          auto r,
                          AdaptiveMaxPool2d(a[0], a.Ints("output_size")));
                      return std::vector<Tensor>{r.first};
                    }));
    t.push_back(Def("adaptive_max_pool2d_with_indices", {"self"}, attrs, true,
                    "adaptive_max_pool2d and the flat index of each maximum",
                    [](const Args& a, OpContext&) {
                      return Two(
                          AdaptiveMaxPool2d(a[0], a.Ints("output_size")));
                    },
                    {"", ""}));
  }
  // ---- normalization ----
  {
    OpDef bn = Def(
        "batch_norm", {"self", "running_mean", "running_var", "weight", "bias"},
        {Opt("training", AT::kBool, false, "batch statistics (else running)"),
         Opt("momentum", AT::kFloat, 0.1, "weight of the new statistics"),
         Opt("eps", AT::kFloat, 1e-05, "added to the variance")},
        true,
        "normalize over all dims but 1 (running statistics updated in place "
        "in training), then weight * x + bias",
        [](const Args& a, OpContext&) {
          // (A client passes the number 0 for an absent tensor before a
          // given one.)
          auto opt = [&a](size_t i) {
            Tensor t = a.OptInput(i);
            return t.defined() && t.is_wrapped_number() ? Tensor() : t;
          };
          return One(BatchNorm(a[0], opt(1), opt(2), opt(3), opt(4),
                               a.Bool("training"), a.Float("momentum"),
                               a.Float("eps")));
        });
    bn.min_inputs = 1;
    t.push_back(std::move(bn));
    OpDef ln =
        Def("layer_norm", {"self", "weight", "bias"},
            {Req("normalized_shape", AT::kInts, "the trailing dims normalized"),
             Opt("eps", AT::kFloat, 1e-05, "added to the variance")},
            true, "normalize over the trailing dims, then weight * x + bias",
            [](const Args& a, OpContext&) {
              Tensor w = a.OptInput(1);
              if (w.defined() && w.is_wrapped_number()) w = Tensor();
              return One(LayerNorm(a[0], a.Ints("normalized_shape"), w,
                                   a.OptInput(2), a.Float("eps")));
            });
    ln.min_inputs = 1;
    ln.python_order = {"self", "normalized_shape", "weight", "bias", "eps"};
    t.push_back(std::move(ln));
    OpDef gn =
        Def("group_norm", {"self", "weight", "bias"},
            {Req("num_groups", AT::kInt, "groups of channels"),
             Opt("eps", AT::kFloat, 1e-05, "added to the variance")},
            true, "normalize each group of channels, then weight * x + bias",
            [](const Args& a, OpContext&) {
              Tensor w = a.OptInput(1);
              if (w.defined() && w.is_wrapped_number()) w = Tensor();
              return One(GroupNorm(a[0], a.Int("num_groups"), w, a.OptInput(2),
                                   a.Float("eps")));
            });
    gn.min_inputs = 1;
    gn.python_order = {"self", "num_groups", "weight", "bias", "eps"};
    t.push_back(std::move(gn));
  }
  // ---- dropout, embedding ----
  t.push_back(Def("dropout", {"self"},
                  {Opt("p", AT::kFloat, 0.5, "probability of a zero"),
                   Opt("training", AT::kBool, true, "False: self itself")},
                  true,
                  "zero each element with probability p, scale the rest by "
                  "1 / (1 - p) (torch's draws after manual_seed)",
                  [](const Args& a, OpContext& c) {
                    return One(Dropout(a[0], a.Float("p"), a.Bool("training"),
                                       c.generator));
                  }));
  t.push_back(Def("embedding", {"self", "weight"},
                  {Opt("padding_idx", AT::kInt, std::monostate{},
                       "a row that gets no gradient")},
                  true, "rows of weight at the indices self",
                  [](const Args& a, OpContext&) {
                    return One(Embedding(a[0], a[1], a.OptInt("padding_idx")));
                  }));
  {
    OpDef bag = Def(
        "embedding_bag", {"self", "weight", "offsets", "per_sample_weights"},
        {Opt("mode", AT::kString, std::string("mean"), "sum, mean or max"),
         Opt("padding_idx", AT::kInt, std::monostate{},
             "a row left out of every bag"),
         Opt("include_last_offset", AT::kBool, false,
             "the last offset ends the last bag")},
        true,
        "sums, means or maxima of bags of rows of weight: bag b is self["
        "offsets[b]:offsets[b + 1]]",
        [](const Args& a, OpContext&) {
          return One(EmbeddingBag(a[0], a[1], a[2], a.OptInput(3),
                                  a.Str("mode"), a.OptInt("padding_idx"),
                                  a.Bool("include_last_offset")));
        });
    bag.min_inputs = 3;
    t.push_back(std::move(bag));
  }
}

}  // namespace op_def
}  // namespace tensord
