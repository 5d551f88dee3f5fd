// The op table's indexing, sorting and layout families: one entry per op
// (name, inputs, attributes, differentiability, doc, kernel call).
#include "absl/strings/str_cat.h"
#include "core/op_def.h"
#include "core/ops.h"
#include "core/ops_internal.h"
#include "core/status_macros.h"

namespace tensord {
namespace op_def {
namespace {

using AT = AttrType;

AttrSpec Dim(int64_t dflt) { return Opt("dim", AT::kInt, dflt); }

OpDef Order(OpDef d, std::vector<std::string> order) {
  d.python_order = std::move(order);
  return d;
}

OpDef Variable(OpDef d) {
  d.variable_outputs = true;
  return d;
}

OpDef Variadic(OpDef d) {
  d.variadic = true;
  return d;
}

Outs Many(absl::StatusOr<std::vector<Tensor>> r) { return r; }

}  // namespace

void AddIndexingOps(std::vector<OpDef>& t) {
  // ---- index along a dim ----
  t.push_back(
      Order(Def("gather", {"self", "index"},
                {Req("dim", AT::kInt), Opt("sparse_grad", AT::kBool, false)},
                true, "out[i][j] = self[index[i][j]][j] (along dim)",
                [](const Args& a, OpContext&) {
                  return One(Gather(a[0], a.Int("dim"), a[1]));
                }),
            {"self", "dim", "index"}));
  for (const bool add : {false, true}) {
    const std::string name = add ? "scatter_add" : "scatter";
    t.push_back(Order(
        Def(name, {"self", "index", "src"}, {Req("dim", AT::kInt)}, true,
            add ? "self with src added at index (along dim)"
                : "self with src (or a number) written at index (along dim)",
            [add](const Args& a, OpContext&) {
              return One(Scatter(a[0], a.Int("dim"), a[1], a[2], add));
            }),
        {"self", "dim", "index", "src"}));
    t.push_back(Order(Def(name + "_", {"self", "index", "src"},
                          {Req("dim", AT::kInt)}, true, "in-place " + name,
                          [add](const Args& a, OpContext&) {
                            return One(ScatterInplace(a[0], a.Int("dim"), a[1],
                                                      a[2], add));
                          }),
                      {"self", "dim", "index", "src"}));
  }
  for (const bool inplace : {false, true}) {
    const std::string name = inplace ? "scatter_reduce_" : "scatter_reduce";
    t.push_back(Order(
        Def(name, {"self", "index", "src"},
            {Req("dim", AT::kInt),
             Req("reduce", AT::kString, "sum, prod, mean, amax or amin"),
             Opt("include_self", AT::kBool, true)},
            true,
            inplace ? "in-place scatter_reduce"
                    : "self with src reduced in at index (along dim)",
            [inplace](const Args& a, OpContext&) {
              return One(inplace ? ScatterReduceInplace(
                                       a[0], a.Int("dim"), a[1], a[2],
                                       a.Str("reduce"), a.Bool("include_self"))
                                 : ScatterReduce(a[0], a.Int("dim"), a[1], a[2],
                                                 a.Str("reduce"),
                                                 a.Bool("include_self")));
            }),
        {"self", "dim", "index", "src", "reduce"}));
  }
  t.push_back(
      Order(Def("index_select", {"self", "index"}, {Req("dim", AT::kInt)}, true,
                "the slices at index along dim",
                [](const Args& a, OpContext&) {
                  return One(IndexSelect(a[0], a.Int("dim"), a[1]));
                }),
            {"self", "dim", "index"}));
  for (const bool inplace : {false, true}) {
    const std::string sfx = inplace ? "_" : "";
    auto wrap = [inplace](const Tensor& self, const Tensor& other,
                          const std::function<StatusOrTensor()>& f) {
      if (!inplace) return One(f());
      return One(Inplace(self, {&other}, f));
    };
    t.push_back(Order(
        Def("index_add" + sfx, {"self", "index", "source"},
            {Req("dim", AT::kInt),
             Opt("alpha", AT::kScalar, Scalar(int64_t{1}))},
            true, "self with alpha * source added at index along dim",
            [wrap](const Args& a, OpContext&) {
              return wrap(a[0], a[2], [&] {
                return IndexAdd(a[0], a.Int("dim"), a[1], a[2], a.Num("alpha"));
              });
            }),
        {"self", "dim", "index", "source"}));
    t.push_back(Order(Def("index_copy" + sfx, {"self", "index", "source"},
                          {Req("dim", AT::kInt)}, true,
                          "self with source copied to index along dim",
                          [wrap](const Args& a, OpContext&) {
                            return wrap(a[0], a[2], [&] {
                              return IndexCopy(a[0], a.Int("dim"), a[1], a[2]);
                            });
                          }),
                      {"self", "dim", "index", "source"}));
    t.push_back(Order(
        Def("index_fill" + sfx, {"self", "index", "value"},
            {Req("dim", AT::kInt)}, true, "self with value at index along dim",
            [wrap](const Args& a, OpContext&) {
              return wrap(a[0], a[2], [&] {
                return IndexFill(a[0], a.Int("dim"), a[1], a[2]);
              });
            }),
        {"self", "dim", "index", "value"}));
  }
  t.push_back(Def("masked_fill", {"self", "mask", "value"}, {}, true,
                  "self with value where mask is True",
                  [](const Args& a, OpContext&) {
                    return One(MaskedFill(a[0], a[1], a[2]));
                  }));
  t.push_back(Def("masked_fill_", {"self", "mask", "value"}, {}, true,
                  "in-place masked_fill", [](const Args& a, OpContext&) {
                    return One(MaskedFillInplace(a[0], a[1], a[2]));
                  }));
  // ---- write into a part (ops_scatter.cc) ----
  t.push_back(
      Def("select_scatter", {"self", "src"},
          {Req("dim", AT::kInt), Req("index", AT::kInt)}, true,
          "self with src in place of self.select(dim, index)",
          [](const Args& a, OpContext&) {
            return One(SelectScatter(a[0], a[1], a.Int("dim"), a.Int("index")));
          }));
  t.push_back(
      Def("slice_scatter", {"self", "src"},
          {Dim(0), Opt("start", AT::kInt), Opt("end", AT::kInt),
           Opt("step", AT::kInt, int64_t{1})},
          true, "self with src in place of self[start:end:step] along dim",
          [](const Args& a, OpContext&) {
            return One(SliceScatter(a[0], a[1], a.Int("dim"), a.OptInt("start"),
                                    a.OptInt("end"), a.Int("step")));
          }));
  t.push_back(Def(
      "diagonal_scatter", {"self", "src"},
      {Opt("offset", AT::kInt, int64_t{0}), Opt("dim1", AT::kInt, int64_t{0}),
       Opt("dim2", AT::kInt, int64_t{1})},
      true, "self with src in place of self.diagonal(offset, dim1, dim2)",
      [](const Args& a, OpContext&) {
        return One(DiagonalScatter(a[0], a[1], a.Int("offset"), a.Int("dim1"),
                                   a.Int("dim2")));
      }));
  t.push_back(Def("masked_scatter", {"self", "mask", "source"}, {}, true,
                  "self with source's leading elements where mask is True",
                  [](const Args& a, OpContext&) {
                    return One(MaskedScatter(a[0], a[1], a[2]));
                  }));
  t.push_back(Def("masked_scatter_", {"self", "mask", "source"}, {}, true,
                  "in-place masked_scatter", [](const Args& a, OpContext&) {
                    return One(MaskedScatterInplace(a[0], a[1], a[2]));
                  }));
  t.push_back(Def("put", {"self", "index", "source"},
                  {Opt("accumulate", AT::kBool, false)}, true,
                  "self with source at the flat positions index (added with "
                  "accumulate)",
                  [](const Args& a, OpContext&) {
                    return One(Put(a[0], a[1], a[2], a.Bool("accumulate")));
                  }));
  t.push_back(Def("put_", {"self", "index", "source"},
                  {Opt("accumulate", AT::kBool, false)}, true, "in-place put",
                  [](const Args& a, OpContext&) {
                    return One(
                        PutInplace(a[0], a[1], a[2], a.Bool("accumulate")));
                  }));
  t.push_back(
      Def("fill_diagonal_", {"self"},
          {Req("fill_value", AT::kScalar), Opt("wrap", AT::kBool, false)}, true,
          "fill_value on the main diagonal (wrapping below it in tall "
          "matrices with wrap), in place",
          [](const Args& a, OpContext&) {
            return One(
                FillDiagonalInplace(a[0], a.Num("fill_value"), a.Bool("wrap")));
          }));
  t.push_back(Def(
      "isin", {"elements", "test_elements"},
      {Opt("assume_unique", AT::kBool, false), Opt("invert", AT::kBool, false)},
      false,
      "whether each element is one of test_elements (bool; "
      "negated with invert)",
      [](const Args& a, OpContext&) {
        return One(Isin(a[0], a[1], a.Bool("assume_unique"), a.Bool("invert")));
      }));
  t.push_back(Def(
      "masked_select", {"self", "mask"}, {}, true,
      "the elements where mask is True, as a vector",
      [](const Args& a, OpContext&) { return One(MaskedSelect(a[0], a[1])); }));
  t.push_back(
      Def("take", {"self", "index"}, {}, true,
          "elements of the flattened self at index",
          [](const Args& a, OpContext&) { return One(Take(a[0], a[1])); }));
  t.push_back(Def("take_along_dim", {"self", "indices"}, {Opt("dim", AT::kInt)},
                  true, "gather with broadcasting (flattened without dim)",
                  [](const Args& a, OpContext&) {
                    return One(TakeAlongDim(a[0], a[1], a.OptInt("dim")));
                  }));
  t.push_back(
      Def("nonzero", {"self"}, {}, false,
          "coordinates of the nonzero elements, [n, dim]",
          [](const Args& a, OpContext&) { return One(Nonzero(a[0])); }));
  t.push_back(Variable(
      Def("nonzero.tuple", {"self"}, {}, false,
          "nonzero(as_tuple=True): one index vector per dim",
          [](const Args& a, OpContext&) { return Many(NonzeroTuple(a[0])); })));
  // ---- sorting ----
  t.push_back(Def("sort", {"self"},
                  {Dim(-1), Opt("descending", AT::kBool, false),
                   Opt("stable", AT::kBool, false)},
                  true,
                  "sorted values along dim and their indices (ties in "
                  "torch's order: input order only with stable)",
                  [](const Args& a, OpContext&) {
                    return Two(Sort(a[0], a.Int("dim"), a.Bool("descending"),
                                    a.Bool("stable")));
                  },
                  {"values", "indices"}));
  t.push_back(Def("argsort", {"self"},
                  {Dim(-1), Opt("descending", AT::kBool, false),
                   Opt("stable", AT::kBool, false)},
                  false, "the indices that sort self along dim",
                  [](const Args& a, OpContext&) {
                    return One(Argsort(a[0], a.Int("dim"), a.Bool("descending"),
                                       a.Bool("stable")));
                  }));
  t.push_back(Def("msort", {"self"}, {}, true, "sorted along dim 0",
                  [](const Args& a, OpContext&) -> Outs {
                    TENSORD_ASSIGN_OR_RETURN(auto r, Sort(a[0], 0, false));
                    return std::vector<Tensor>{r.first};
                  }));
  t.push_back(Def(
      "topk", {"self"},
      {Req("k", AT::kInt), Dim(-1), Opt("largest", AT::kBool, true),
       Opt("sorted", AT::kBool, true)},
      true, "the k largest (or smallest) values along dim and their indices",
      [](const Args& a, OpContext&) {
        return Two(Topk(a[0], a.Int("k"), a.Int("dim"), a.Bool("largest"),
                        a.Bool("sorted")));
      },
      {"values", "indices"}));
  t.push_back(Def(
      "kthvalue", {"self"}, {Req("k", AT::kInt), Dim(-1), KeepDim()}, true,
      "the k-th smallest value along dim and its index",
      [](const Args& a, OpContext&) {
        return Two(Kthvalue(a[0], a.Int("k"), a.Int("dim"), a.Bool("keepdim")));
      },
      {"values", "indices"}));
  // ---- layout ----
  t.push_back(Variable(Def(
      "split", {"self"}, {Req("split_size", AT::kInt), Dim(0)}, true,
      "pieces of split_size along dim (views)", [](const Args& a, OpContext&) {
        return Many(Split(a[0], a.Int("split_size"), a.Int("dim")));
      })));
  t.push_back(Variable(Def(
      "split_with_sizes", {"self"}, {Req("split_sizes", AT::kInts), Dim(0)},
      true, "pieces of the given sizes along dim (views)",
      [](const Args& a, OpContext&) {
        return Many(SplitWithSizes(a[0], a.Ints("split_sizes"), a.Int("dim")));
      })));
  t.push_back(Variable(Def(
      "chunk", {"self"}, {Req("chunks", AT::kInt), Dim(0)}, true,
      "about equal pieces along dim (views)", [](const Args& a, OpContext&) {
        return Many(Chunk(a[0], a.Int("chunks"), a.Int("dim")));
      })));
  t.push_back(Variable(Def("unbind", {"self"}, {Dim(0)}, true,
                           "the slices along dim (views)",
                           [](const Args& a, OpContext&) {
                             return Many(Unbind(a[0], a.Int("dim")));
                           })));
  t.push_back(
      Variable(Variadic(Def("broadcast_tensors", {"tensors"}, {}, true,
                            "the tensors expanded to their common shape",
                            [](const Args& a, OpContext&) {
                              return Many(BroadcastTensors(a.all()));
                            }))));
  t.push_back(Variable(
      Def("tensor_split", {"self"}, {Req("sections", AT::kInt), Dim(0)}, true,
          "sections pieces along dim, the first len % sections one longer",
          [](const Args& a, OpContext&) {
            return Many(TensorSplit(a[0], a.Int("sections"), {}, a.Int("dim")));
          })));
  t.push_back(Variable(
      Def("tensor_split.indices", {"self"}, {Req("indices", AT::kInts), Dim(0)},
          true, "the pieces between the indices along dim",
          [](const Args& a, OpContext&) {
            return Many(TensorSplit(a[0], std::nullopt, a.Ints("indices"),
                                    a.Int("dim")));
          })));
  t.push_back(Def(
      "diag_embed", {"self"},
      {Opt("offset", AT::kInt, int64_t{0}), Opt("dim1", AT::kInt, int64_t{-2}),
       Opt("dim2", AT::kInt, int64_t{-1})},
      true, "matrices whose diagonals are the last dim of self",
      [](const Args& a, OpContext&) {
        return One(
            DiagEmbed(a[0], a.Int("offset"), a.Int("dim1"), a.Int("dim2")));
      }));
  t.push_back(Def("logcumsumexp", {"self"}, {Req("dim", AT::kInt)}, true,
                  "log of the running sum of exp along dim",
                  [](const Args& a, OpContext&) {
                    return One(Logcumsumexp(a[0], a.Int("dim")));
                  }));
  t.push_back(Def("cdist", {"self", "x2"},
                  {Opt("p", AT::kFloat, 2.0), Opt("compute_mode", AT::kString)},
                  true, "p-norm distances between the rows of self and x2",
                  [](const Args& a, OpContext&) {
                    return One(Cdist(a[0], a[1], a.Float("p")));
                  }));
  t.push_back(Def(
      "narrow", {"self"},
      {Req("dim", AT::kInt), Req("start", AT::kInt), Req("length", AT::kInt)},
      true, "self[start:start+length] along dim (a view)",
      [](const Args& a, OpContext&) {
        return One(Narrow(a[0], a.Int("dim"), a.Int("start"), a.Int("length")));
      }));
  t.push_back(Def("unfold", {"self"},
                  {Req("dimension", AT::kInt), Req("size", AT::kInt),
                   Req("step", AT::kInt)},
                  true, "windows of size along dimension, step apart (a view)",
                  [](const Args& a, OpContext&) {
                    return One(UnfoldDim(a[0], a.Int("dimension"),
                                         a.Int("size"), a.Int("step")));
                  }));
  for (const char* name : {"movedim", "moveaxis"}) {
    t.push_back(
        Order(Def(name, {"self"},
                  {Req("source", AT::kInts), Req("destination", AT::kInts)},
                  true, "dims moved to new positions (a view)",
                  [](const Args& a, OpContext&) {
                    return One(
                        Movedim(a[0], a.Ints("source"), a.Ints("destination")));
                  }),
              {"self", "source", "destination"}));
  }
  t.push_back(Def("swapaxes", {"self"},
                  {Req("axis0", AT::kInt), Req("axis1", AT::kInt)}, true,
                  "transpose", [](const Args& a, OpContext&) {
                    return One(Transpose(a[0], a.Int("axis0"), a.Int("axis1")));
                  }));
  t.push_back(Def("swapdims", {"self"},
                  {Req("dim0", AT::kInt), Req("dim1", AT::kInt)}, true,
                  "transpose", [](const Args& a, OpContext&) {
                    return One(Transpose(a[0], a.Int("dim0"), a.Int("dim1")));
                  }));
  t.push_back(Def("flip", {"self"}, {Req("dims", AT::kInts)}, true,
                  "reversed along dims (a copy)",
                  [](const Args& a, OpContext&) {
                    return One(Flip(a[0], a.Ints("dims")));
                  }));
  t.push_back(Unary("fliplr", &Fliplr, "reversed along dim 1"));
  t.push_back(Unary("flipud", &Flipud, "reversed along dim 0"));
  t.push_back(Order(
      Def("roll", {"self"}, {Req("shifts", AT::kInts), Opt("dims", AT::kInts)},
          true, "rolled along dims (flattened without dims)",
          [](const Args& a, OpContext&) {
            return One(Roll(a[0], a.Ints("shifts"), a.Ints("dims")));
          }),
      {"self", "shifts", "dims"}));
  t.push_back(
      Order(Def("rot90", {"self"},
                {Opt("k", AT::kInt, int64_t{1}),
                 Opt("dims", AT::kInts, std::vector<int64_t>{0, 1})},
                true, "rotated by 90 degrees k times in the plane of dims",
                [](const Args& a, OpContext&) {
                  return One(Rot90(a[0], a.Int("k"), a.Ints("dims")));
                }),
            {"self", "k", "dims"}));
  t.push_back(Def("repeat", {"self"}, {Req("repeats", AT::kInts)}, true,
                  "tiled repeats times along each dim",
                  [](const Args& a, OpContext&) {
                    return One(Repeat(a[0], a.Ints("repeats")));
                  }));
  t.push_back(Def("tile", {"self"}, {Req("dims", AT::kInts)}, true,
                  "repeat with dims padded by leading ones",
                  [](const Args& a, OpContext&) {
                    return One(Tile(a[0], a.Ints("dims")));
                  }));
  {
    OpDef ri =
        Order(Def("repeat_interleave", {"self", "repeats"},
                  {Opt("dim", AT::kInt), Opt("output_size", AT::kInt)}, true,
                  "each element repeated (flattened without dim)",
                  [](const Args& a, OpContext&) {
                    return One(RepeatInterleave(a[0], a[1], a.OptInt("dim")));
                  }),
              {"self", "repeats", "dim"});
    t.push_back(std::move(ri));
  }
  for (const bool lower : {true, false}) {
    const std::string name = lower ? "tril" : "triu";
    auto f = lower ? &Tril : &Triu;
    t.push_back(Def(name, {"self"}, {Opt("diagonal", AT::kInt, int64_t{0})},
                    true,
                    lower ? "the lower triangle (others zero)"
                          : "the upper triangle (others zero)",
                    [f](const Args& a, OpContext&) {
                      return One(f(a[0], a.Int("diagonal")));
                    }));
    t.push_back(
        Def(name + "_", {"self"}, {Opt("diagonal", AT::kInt, int64_t{0})}, true,
            "in-place " + name, [f](const Args& a, OpContext&) {
              return One(Inplace(a[0], {},
                                 [&] { return f(a[0], a.Int("diagonal")); }));
            }));
  }
  for (int64_t n = 1; n <= 3; ++n) {
    t.push_back(
        Def(absl::StrCat("atleast_", n, "d"), {"self"}, {}, true,
            absl::StrCat("self with at least ", n, " dims"),
            [n](const Args& a, OpContext&) { return One(Atleast(a[0], n)); }));
  }
  struct Stacker {
    const char* name;
    StatusOrTensor (*f)(const std::vector<Tensor>&);
    const char* doc;
  };
  for (const Stacker& s : {Stacker{"hstack", &Hstack, "concatenate columns"},
                           Stacker{"vstack", &Vstack, "concatenate rows"},
                           Stacker{"row_stack", &Vstack, "vstack"},
                           Stacker{"dstack", &Dstack, "concatenate depth"},
                           Stacker{"column_stack", &ColumnStack,
                                   "vectors as columns, concatenated"}}) {
    t.push_back(Variadic(
        Def(s.name, {"tensors"}, {}, true, s.doc,
            [f = s.f](const Args& a, OpContext&) { return One(f(a.all())); })));
  }
  t.push_back(Def("broadcast_to", {"self"}, {Req("size", AT::kInts)}, true,
                  "expand to size", [](const Args& a, OpContext&) {
                    return One(Expand(a[0], a.Ints("size")));
                  }));
  t.push_back(Order(Def("unflatten", {"self"},
                        {Req("dim", AT::kInt), Req("sizes", AT::kInts)}, true,
                        "dim split into sizes (a view)",
                        [](const Args& a, OpContext&) {
                          return One(
                              Unflatten(a[0], a.Int("dim"), a.Ints("sizes")));
                        }),
                    {"self", "dim", "sizes"}));
  // ---- new_* factories: self's dtype unless given ----
  t.push_back(Def(
      "new_zeros", {"self"}, {Req("size", AT::kInts), DTypeAttr()}, false,
      "zeros of self's dtype", [](const Args& a, OpContext&) {
        return One(Zeros(a.ShapeOf("size"), a.DTypeOr("dtype", a[0].dtype())));
      }));
  t.push_back(Def("new_ones", {"self"}, {Req("size", AT::kInts), DTypeAttr()},
                  false, "ones of self's dtype", [](const Args& a, OpContext&) {
                    return One(Ones(a.ShapeOf("size"),
                                    a.DTypeOr("dtype", a[0].dtype())));
                  }));
  t.push_back(Def("new_empty", {"self"}, {Req("size", AT::kInts), DTypeAttr()},
                  false, "an uninitialized (here zero) tensor of self's dtype",
                  [](const Args& a, OpContext&) {
                    return One(Zeros(a.ShapeOf("size"),
                                     a.DTypeOr("dtype", a[0].dtype())));
                  }));
  t.push_back(Order(
      Def("new_full", {"self"},
          {Req("size", AT::kInts), Req("fill_value", AT::kScalar), DTypeAttr()},
          false, "a tensor of self's dtype filled with fill_value",
          [](const Args& a, OpContext&) {
            return One(Full(a.ShapeOf("size"), a.Num("fill_value"),
                            a.DTypeOr("dtype", a[0].dtype())));
          }),
      {"self", "size", "fill_value"}));
}

}  // namespace op_def
}  // namespace tensord
