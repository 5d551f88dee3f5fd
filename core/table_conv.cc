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
}

}  // namespace op_def
}  // namespace tensord
