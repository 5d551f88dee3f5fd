// Products built from matmul and friends, differentiable through them:
// matrix_power, kron, tensordot, einsum, multi_dot/chain_matmul, cross,
// vecdot. Where torch's graph ends in a node of its own, Composite gives
// the result that name.
#include <algorithm>
#include <array>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "core/ops.h"
#include "core/ops_internal.h"
#include "core/status_macros.h"

namespace tensord {

StatusOrTensor MatrixPower(const Tensor& a, int64_t n) {
  if (a.dim() < 2) {
    return absl::InvalidArgumentError(
        "linalg.matrix_power: The input tensor A must have at least 2 "
        "dimensions.");
  }
  if (a.size(-1) != a.size(-2)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "linalg.matrix_power: A must be batches of square matrices, but they "
        "are ",
        a.size(-2), " by ", a.size(-1), " matrices"));
  }
  if (n == 0) {
    // The identity, with a zero gradient (torch: CopyBackwards).
    TENSORD_ASSIGN_OR_RETURN(Tensor eye,
                             Eye(a.size(-1), std::nullopt, a.dtype()));
    TENSORD_ASSIGN_OR_RETURN(Tensor zero, Mul(a, WrapScalar(int64_t{0})));
    TENSORD_ASSIGN_OR_RETURN(Tensor r, Add(zero, eye));
    return Composite("CopyBackwards", r);
  }
  Tensor base = a;
  if (n < 0) {
    TENSORD_ASSIGN_OR_RETURN(base, LinalgInv(a, "linalg.inv"));
    // -n of INT64_MIN overflows: its binary digits are one 1 and 63 zeros.
  }
  if (n == 1 || n == -1) return n == 1 ? Clone(a) : base;
  uint64_t k = n < 0 ? 0 - static_cast<uint64_t>(n) : static_cast<uint64_t>(n);
  const bool batched = a.dim() > 2;
  auto mm = [&](const Tensor& x, const Tensor& y) -> StatusOrTensor {
    TENSORD_ASSIGN_OR_RETURN(Tensor r, Matmul(x, y));
    return batched ? Composite("UnsafeViewBackward0", r) : r;
  };
  if (k == 2) return mm(base, base);
  if (k == 3) {
    TENSORD_ASSIGN_OR_RETURN(Tensor sq, mm(base, base));
    return mm(sq, base);
  }
  // torch's binary decomposition of k: z runs through base^(2^i).
  Tensor z, result;
  while (k > 0) {
    const bool bit = k % 2;
    k /= 2;
    if (z.defined()) {
      TENSORD_ASSIGN_OR_RETURN(z, mm(z, z));
    } else {
      z = base;
    }
    if (bit) {
      if (result.defined()) {
        TENSORD_ASSIGN_OR_RETURN(result, mm(result, z));
      } else {
        result = z;
      }
    }
  }
  return result;
}

StatusOrTensor Kron(const Tensor& a, const Tensor& b) {
  const int64_t nd = std::max(a.dim(), b.dim());
  DimList sa(nd - a.dim(), 1), sb(nd - b.dim(), 1);
  sa.insert(sa.end(), a.sizes().begin(), a.sizes().end());
  sb.insert(sb.end(), b.sizes().begin(), b.sizes().end());
  // a as [a0, 1, a1, 1, ...] times b as [1, b0, 1, b1, ...].
  DimList ia, ib, out;
  for (int64_t d = 0; d < nd; ++d) {
    ia.push_back(sa[d]);
    ia.push_back(1);
    ib.push_back(1);
    ib.push_back(sb[d]);
    int64_t s;
    if (__builtin_mul_overflow(sa[d], sb[d], &s)) {
      return absl::InvalidArgumentError("kron: size overflow");
    }
    out.push_back(s);
  }
  TENSORD_ASSIGN_OR_RETURN(Tensor ar, Reshape(a, ia));
  TENSORD_ASSIGN_OR_RETURN(Tensor br, Reshape(b, ib));
  TENSORD_ASSIGN_OR_RETURN(Tensor p, Mul(ar, br));
  TENSORD_ASSIGN_OR_RETURN(Tensor r, Reshape(p, out));
  return Composite("UnsafeViewBackward0", r);
}

namespace {

// a with dims `first` moved to the front (in order), the rest after, as a
// [prod(first), prod(rest)] matrix (or [rest, first] with first last).
absl::StatusOr<Tensor> Fold(const Tensor& t, const DimList& dims,
                            bool dims_first) {
  std::vector<bool> in(t.dim(), false);
  for (int64_t d : dims) in[d] = true;
  DimList perm, rest;
  int64_t p_in = 1, p_rest = 1;
  for (int64_t d = 0; d < t.dim(); ++d) {
    if (!in[d]) {
      rest.push_back(d);
      p_rest *= t.size(d);
    }
  }
  for (int64_t d : dims) p_in *= t.size(d);
  if (dims_first) {
    perm = dims;
    perm.insert(perm.end(), rest.begin(), rest.end());
  } else {
    perm = rest;
    perm.insert(perm.end(), dims.begin(), dims.end());
  }
  TENSORD_ASSIGN_OR_RETURN(Tensor p, Permute(t, perm));
  return Reshape(p, dims_first ? DimList{p_in, p_rest} : DimList{p_rest, p_in});
}

}  // namespace

StatusOrTensor Tensordot(const Tensor& a, const Tensor& b, DimList da,
                         DimList db) {
  if (da.size() != db.size()) {
    return absl::InvalidArgumentError(
        absl::StrCat("both dimension lists should have same length, but got ",
                     da.size(), " and ", db.size()));
  }
  if (a.dtype() != b.dtype()) {
    return absl::InvalidArgumentError(
        absl::StrCat("expected scalar type ", DTypeShortName(a.dtype()),
                     " but found ", DTypeShortName(b.dtype())));
  }
  const DimList orig_a = da, orig_b = db;
  std::set<int64_t> seen_a, seen_b;
  for (size_t i = 0; i < da.size(); ++i) {
    TENSORD_ASSIGN_OR_RETURN(da[i], WrapDim(da[i], a.dim()));
    TENSORD_ASSIGN_OR_RETURN(db[i], WrapDim(db[i], b.dim()));
    if (!seen_a.insert(da[i]).second || !seen_b.insert(db[i]).second) {
      return absl::InvalidArgumentError(
          absl::StrCat("dim ", da[i],
                       " appears multiple times in the list of "
                       "dims"));
    }
    if (a.size(da[i]) != b.size(db[i])) {
      return absl::InvalidArgumentError(absl::StrCat(
          "contracted dimensions need to match, but first has size ",
          a.size(da[i]), " in dim ", orig_a[i], " and second has size ",
          b.size(db[i]), " in dim ", orig_b[i]));
    }
  }
  DimList out;
  for (int64_t d = 0; d < a.dim(); ++d) {
    if (!seen_a.count(d)) out.push_back(a.size(d));
  }
  for (int64_t d = 0; d < b.dim(); ++d) {
    if (!seen_b.count(d)) out.push_back(b.size(d));
  }
  TENSORD_ASSIGN_OR_RETURN(Tensor am, Fold(a, da, false));
  TENSORD_ASSIGN_OR_RETURN(Tensor bm, Fold(b, db, true));
  TENSORD_ASSIGN_OR_RETURN(Tensor p, Mm(am, bm));
  TENSORD_ASSIGN_OR_RETURN(Tensor r, Reshape(p, out));
  return Composite("ReshapeAliasBackward0", r);
}

StatusOrTensor TensordotN(const Tensor& a, const Tensor& b, int64_t dims) {
  if (dims < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("tensordot expects dims >= 0, but got dims=", dims));
  }
  if (dims > a.dim() || dims > b.dim()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "tensordot expects dims < ndim_a or ndim_b, but got dims=", dims));
  }
  DimList da, db;
  for (int64_t i = 0; i < dims; ++i) {
    da.push_back(i - dims);  // torch names them from the end
    db.push_back(i);
  }
  return Tensordot(a, b, da, db);
}

StatusOrTensor MultiDot(const std::vector<Tensor>& ts, const char* name) {
  const std::string fn = name;
  if (ts.size() < 2) {
    return absl::InvalidArgumentError(absl::StrCat(
        fn, "(): expected at least 2 tensors but got ", ts.size()));
  }
  const bool chain = fn == "chain_matmul";
  for (size_t i = 0; i < ts.size(); ++i) {
    const bool end = i == 0 || i + 1 == ts.size();
    const int64_t d = ts[i].dim();
    if (chain ? d != 2 : !(d == 2 || (end && d == 1))) {
      if (chain) {
        return absl::InvalidArgumentError(
            absl::StrCat("Tensor dimension is ", d, ", expected 2 instead."));
      }
      return absl::InvalidArgumentError(
          i == 0 ? absl::StrCat(fn,
                                "(): the first tensor must be 1D or 2D "
                                "but got ",
                                d, "D")
          : end  ? absl::StrCat(fn,
                                "(): the last tensor must be 1D or 2D "
                                 "but got ",
                                d, "D")
                 : absl::StrCat(fn, "(): tensor ", i, " must be 2D but got ", d,
                                "D"));
    }
    if (ts[i].dtype() != ts[0].dtype()) {
      return absl::InvalidArgumentError(absl::StrCat(
          fn, "(): all tensors must have be the same dtype but tensor 0 is ",
          DTypeShortName(ts[0].dtype()), " and tensor ", i, " ",
          DTypeShortName(ts[i].dtype())));
    }
  }
  Tensor r = ts[0];
  if (r.dim() == 1) {
    TENSORD_ASSIGN_OR_RETURN(r, Unsqueeze(r, 0));
  }
  for (size_t i = 1; i < ts.size(); ++i) {
    Tensor m = ts[i];
    if (m.dim() == 1) {
      TENSORD_ASSIGN_OR_RETURN(m, Unsqueeze(m, 1));
    }
    if (r.size(1) != m.size(0)) {
      return absl::InvalidArgumentError(absl::StrCat(
          fn, "(): tensors ", i - 1, " and ", i, " with shapes [",
          absl::StrJoin(ts[i - 1].sizes(), ", "), "] and [",
          absl::StrJoin(ts[i].sizes(), ", "), "] cannot be multiplied"));
    }
    TENSORD_ASSIGN_OR_RETURN(r, Mm(r, m));
  }
  DimList shape;
  if (ts.front().dim() == 2) shape.push_back(r.size(0));
  if (ts.back().dim() == 2) shape.push_back(r.size(1));
  TENSORD_ASSIGN_OR_RETURN(Tensor out, Reshape(r, shape));
  return Composite("ViewBackward0", out);
}

StatusOrTensor LinalgCross(const Tensor& a, const Tensor& b,
                           std::optional<int64_t> dim, const char* name) {
  const std::string fn = name;
  if (a.dim() != b.dim()) {
    return absl::InvalidArgumentError(
        absl::StrCat(fn, ": inputs must have the same number of dimensions."));
  }
  TENSORD_ASSIGN_OR_RETURN(Shape shape, BroadcastShapes(a.sizes(), b.sizes()));
  int64_t d;
  if (dim) {
    TENSORD_ASSIGN_OR_RETURN(d, WrapDim(*dim, a.dim()));
    if (a.size(d) != 3 || b.size(d) != 3) {
      return absl::InvalidArgumentError(absl::StrCat(
          fn, ": inputs dimension ", *dim, " must have length 3. Got ",
          a.size(d), " and ", b.size(d)));
    }
  } else {
    // torch.cross without dim: the first dim of size 3.
    d = -1;
    for (int64_t k = 0; k < static_cast<int64_t>(shape.size()); ++k) {
      if (shape[k] == 3) {
        d = k;
        break;
      }
    }
    if (d < 0) {
      return absl::InvalidArgumentError("no dimension of size 3 in input");
    }
  }
  DimList full(shape.begin(), shape.end());
  TENSORD_ASSIGN_OR_RETURN(Tensor ax, Expand(a, full));
  TENSORD_ASSIGN_OR_RETURN(Tensor bx, Expand(b, full));
  std::array<Tensor, 3> x, y, c;
  for (int64_t k = 0; k < 3; ++k) {
    TENSORD_ASSIGN_OR_RETURN(x[k], Select(ax, d, k));
    TENSORD_ASSIGN_OR_RETURN(y[k], Select(bx, d, k));
  }
  for (int64_t k = 0; k < 3; ++k) {
    const int64_t i = (k + 1) % 3, j = (k + 2) % 3;
    TENSORD_ASSIGN_OR_RETURN(Tensor p, Mul(x[i], y[j]));
    TENSORD_ASSIGN_OR_RETURN(Tensor q, Mul(x[j], y[i]));
    TENSORD_ASSIGN_OR_RETURN(c[k], Sub(p, q));
  }
  TENSORD_ASSIGN_OR_RETURN(Tensor r, Stack({c[0], c[1], c[2]}, d));
  return Composite("LinalgCrossBackward0", r);
}

StatusOrTensor Vecdot(const Tensor& x, const Tensor& y, int64_t dim) {
  if (x.dtype() != y.dtype()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "linalg.vecdot: Expected x and y to have the same dtype, but found x "
        "of type ",
        DTypeShortName(x.dtype()), " and y of type ", DTypeShortName(y.dtype()),
        " instead"));
  }
  if (x.dim() == 1 && y.dim() == 1 && (dim == -1 || dim == 0)) {
    TENSORD_ASSIGN_OR_RETURN(Tensor r, Dot(x, y));
    return Composite("VdotBackward0", r);
  }
  TENSORD_ASSIGN_OR_RETURN(Tensor p, Mul(x, y));
  return Sum(p, {dim});
}

// ---------------------------------------------------------------------------
// einsum

namespace {

constexpr int kLetters = 52;  // A-Z then a-z, as torch numbers them

char LabelChar(int l) {
  return static_cast<char>(l < 26 ? 'A' + l : 'a' + (l - 26));
}

int LabelOf(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return 26 + (c - 'a');
  return -1;
}

// One term of the equation: labels, and where "..." stood (-1: none).
struct Term {
  std::vector<int> labels;
  int ellipsis_at = -1;
};

absl::StatusOr<Term> ParseTerm(const std::string& s, size_t offset) {
  Term t;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '.') {
      if (t.ellipsis_at >= 0 || s.compare(i, 3, "...") != 0) {
        return absl::InvalidArgumentError(
            "einsum(): found '.' for operand that is not part of any "
            "ellipsis");
      }
      t.ellipsis_at = static_cast<int>(t.labels.size());
      i += 2;
      continue;
    }
    const int l = LabelOf(s[i]);
    if (l < 0) {
      return absl::InvalidArgumentError(absl::StrCat(
          "einsum(): invalid subscript given at index ", offset + i,
          " in the equation string, subscripts must be in [a-zA-Z]"));
    }
    t.labels.push_back(l);
  }
  return t;
}

// An operand in label form: labels[d] names dim d (labels >= kLetters are
// the ellipsis dims), no label twice.
struct Labeled {
  Tensor t;
  std::vector<int> labels;
};

// Sums out, from x, the labels for which keep() is false.
absl::StatusOr<Labeled> SumOut(Labeled x,
                               const std::function<bool(int)>& keep) {
  DimList dims;
  std::vector<int> kept;
  for (size_t d = 0; d < x.labels.size(); ++d) {
    if (keep(x.labels[d])) {
      kept.push_back(x.labels[d]);
    } else {
      dims.push_back(static_cast<int64_t>(d));
    }
  }
  if (!dims.empty()) {
    TENSORD_ASSIGN_OR_RETURN(x.t, Sum(x.t, dims));
    x.labels = kept;
  }
  return x;
}

}  // namespace

StatusOrTensor Einsum(const std::string& equation,
                      const std::vector<Tensor>& operands) {
  std::string eq;
  for (char c : equation) {
    if (c != ' ') eq.push_back(c);
  }
  const size_t arrow = eq.find("->");
  const std::string lhs = eq.substr(0, arrow);
  std::vector<Term> terms;
  size_t start = 0;
  while (true) {
    const size_t comma = lhs.find(',', start);
    TENSORD_ASSIGN_OR_RETURN(
        Term t, ParseTerm(lhs.substr(start, comma == std::string::npos
                                                ? std::string::npos
                                                : comma - start),
                          start));
    terms.push_back(t);
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  if (terms.size() > operands.size()) {
    return absl::InvalidArgumentError(
        "einsum(): fewer operands were provided than specified in the "
        "equation");
  }
  if (terms.size() < operands.size()) {
    return absl::InvalidArgumentError(
        "einsum(): more operands were provided than specified in the "
        "equation");
  }
  // Ellipsis dims: right-aligned across operands, E of them in all.
  int64_t ell = 0;
  for (size_t k = 0; k < terms.size(); ++k) {
    const int64_t nl = static_cast<int64_t>(terms[k].labels.size());
    const int64_t nd = operands[k].dim();
    if (terms[k].ellipsis_at < 0 ? nl != nd : nl > nd) {
      return absl::InvalidArgumentError(absl::StrCat(
          "einsum(): the number of subscripts in the equation (", nl,
          terms[k].ellipsis_at < 0
              ? ") does not match the number of dimensions ("
              : ") is more than the number of dimensions (",
          nd, ") for operand ", k,
          terms[k].ellipsis_at < 0 ? " and no ellipsis was given" : ""));
    }
    if (terms[k].ellipsis_at >= 0) ell = std::max(ell, nd - nl);
  }
  std::vector<Labeled> ops;
  std::map<int, int64_t> count;  // label -> occurrences over operands
  for (size_t k = 0; k < terms.size(); ++k) {
    Labeled x{operands[k], {}};
    const Term& t = terms[k];
    // Occurrences in the equation (a repeated label counts twice: "ii" is
    // a trace).
    for (int l : t.labels) ++count[l];
    const int64_t e =
        t.ellipsis_at < 0
            ? 0
            : operands[k].dim() - static_cast<int64_t>(t.labels.size());
    for (int i = 0; i <= static_cast<int>(t.labels.size()); ++i) {
      if (i == t.ellipsis_at) {
        for (int64_t j = 0; j < e; ++j) {
          x.labels.push_back(kLetters + static_cast<int>(ell - e + j));
          ++count[kLetters + static_cast<int>(ell - e + j)];
        }
      }
      if (i < static_cast<int>(t.labels.size()))
        x.labels.push_back(t.labels[i]);
    }
    // A label twice in one operand: its diagonal.
    for (bool again = true; again;) {
      again = false;
      for (size_t i = 0; i < x.labels.size() && !again; ++i) {
        for (size_t j = i + 1; j < x.labels.size() && !again; ++j) {
          if (x.labels[i] != x.labels[j]) continue;
          if (x.t.size(i) != x.t.size(j)) {
            return absl::InvalidArgumentError(absl::StrCat(
                "einsum(): subscript ", std::string(1, LabelChar(x.labels[i])),
                " is repeated for operand ", k, " but the sizes don't match, ",
                x.t.size(i), " != ", x.t.size(j)));
          }
          TENSORD_ASSIGN_OR_RETURN(x.t,
                                   Diagonal(x.t, 0, static_cast<int64_t>(i),
                                            static_cast<int64_t>(j)));
          const int l = x.labels[i];
          x.labels.erase(x.labels.begin() + j);
          x.labels.erase(x.labels.begin() + i);
          x.labels.push_back(l);
          again = true;
        }
      }
    }
    ops.push_back(std::move(x));
  }
  // The output labels.
  std::vector<int> out;
  if (arrow != std::string::npos) {
    TENSORD_ASSIGN_OR_RETURN(Term t,
                             ParseTerm(eq.substr(arrow + 2), arrow + 2));
    std::set<int> seen;
    for (int i = 0; i <= static_cast<int>(t.labels.size()); ++i) {
      if (i == t.ellipsis_at) {
        for (int64_t j = 0; j < ell; ++j) {
          out.push_back(kLetters + static_cast<int>(j));
        }
      }
      if (i == static_cast<int>(t.labels.size())) break;
      const int l = t.labels[i];
      const char c = LabelChar(l);
      if (!seen.insert(l).second) {
        return absl::InvalidArgumentError(
            absl::StrCat("einsum(): output subscript ", std::string(1, c),
                         " appears more than once in the output"));
      }
      if (!count.count(l)) {
        return absl::InvalidArgumentError(absl::StrCat(
            "einsum(): output subscript ", std::string(1, c),
            " does not appear in the equation for any input operand"));
      }
      out.push_back(l);
    }
  } else {
    for (int64_t j = 0; j < ell; ++j)
      out.push_back(kLetters + static_cast<int>(j));
    for (const auto& [l, c] : count) {
      if (l < kLetters && c == 1) out.push_back(l);
    }
  }
  const std::set<int> out_set(out.begin(), out.end());
  // The size of each label, broadcasting size 1.
  std::map<int, int64_t> size;
  for (size_t k = 0; k < ops.size(); ++k) {
    for (size_t d = 0; d < ops[k].labels.size(); ++d) {
      const int l = ops[k].labels[d];
      const int64_t s = ops[k].t.size(d);
      auto it = size.find(l);
      if (it == size.end() || it->second == 1) {
        size[l] = s;
      } else if (s != 1 && s != it->second) {
        return absl::InvalidArgumentError(absl::StrCat(
            "einsum(): subscript ",
            l < kLetters ? std::string(1, LabelChar(l)) : std::string("..."),
            " has size ", s, " for operand ", k,
            " which does not broadcast with previously seen size ",
            it->second));
      }
    }
  }
  // Left to right: contract the running result with the next operand.
  auto needed_after = [&](size_t k, int l) {
    if (out_set.count(l)) return true;
    for (size_t j = k + 1; j < ops.size(); ++j) {
      if (std::find(ops[j].labels.begin(), ops[j].labels.end(), l) !=
          ops[j].labels.end()) {
        return true;
      }
    }
    return false;
  };
  auto has = [](const Labeled& x, int l) {
    return std::find(x.labels.begin(), x.labels.end(), l) != x.labels.end();
  };
  TENSORD_ASSIGN_OR_RETURN(
      Labeled acc, SumOut(ops[0], [&](int l) { return needed_after(0, l); }));
  for (size_t k = 1; k < ops.size(); ++k) {
    TENSORD_ASSIGN_OR_RETURN(Labeled b, SumOut(ops[k], [&](int l) {
                               return needed_after(k, l) || has(acc, l);
                             }));
    // Labels that only the accumulated side has and nobody needs were
    // summed when it was made; classify the rest.
    std::vector<int> batch, left, contract, right;
    for (int l : acc.labels) {
      if (has(b, l)) {
        (needed_after(k, l) ? batch : contract).push_back(l);
      } else {
        left.push_back(l);
      }
    }
    for (int l : b.labels) {
      if (!has(acc, l)) right.push_back(l);
    }
    auto arrange = [&](const Labeled& x, const std::vector<int>& a1,
                       const std::vector<int>& a2,
                       const std::vector<int>& a3) -> StatusOrTensor {
      DimList perm, sizes, shape3(3, 1);
      const std::vector<int>* groups[3] = {&a1, &a2, &a3};
      for (int g = 0; g < 3; ++g) {
        for (int l : *groups[g]) {
          const auto pos =
              std::find(x.labels.begin(), x.labels.end(), l) - x.labels.begin();
          perm.push_back(pos);
          sizes.push_back(size[l]);
          shape3[g] *= size[l];
        }
      }
      TENSORD_ASSIGN_OR_RETURN(Tensor p, Permute(x.t, perm));
      TENSORD_ASSIGN_OR_RETURN(Tensor e, Expand(p, sizes));
      return Reshape(e, shape3);
    };
    TENSORD_ASSIGN_OR_RETURN(Tensor am, arrange(acc, batch, left, contract));
    TENSORD_ASSIGN_OR_RETURN(Tensor bm, arrange(b, batch, contract, right));
    TENSORD_ASSIGN_OR_RETURN(Tensor p, Matmul(am, bm));
    DimList shape;
    std::vector<int> labels;
    for (const std::vector<int>* g : {&batch, &left, &right}) {
      for (int l : *g) {
        shape.push_back(size[l]);
        labels.push_back(l);
      }
    }
    TENSORD_ASSIGN_OR_RETURN(Tensor r, Reshape(p, shape));
    acc = Labeled{r, labels};
  }
  TENSORD_ASSIGN_OR_RETURN(
      acc, SumOut(acc, [&](int l) { return out_set.count(l) > 0; }));
  DimList perm;
  for (int l : out) {
    perm.push_back(std::find(acc.labels.begin(), acc.labels.end(), l) -
                   acc.labels.begin());
  }
  bool identity = true;
  for (size_t i = 0; i < perm.size(); ++i) identity &= perm[i] == int64_t(i);
  if (identity) return acc.t;
  return Permute(acc.t, perm);
}

}  // namespace tensord
