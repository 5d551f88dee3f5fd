// op_samples.h — sample inputs for every op in the op table.
//
// The generic tests (op_generic_test.cc) run each op of OpTable() on its
// samples: a numerical gradient check in float64 for differentiable ops,
// float32/float64 dtype agreement, and non-contiguous inputs. An op without
// samples fails the suite, so adding an op means adding samples here.
#ifndef TENSORD_TESTS_OP_SAMPLES_H_
#define TENSORD_TESTS_OP_SAMPLES_H_

#include <map>
#include <string>
#include <vector>

#include "core/op_table.h"

namespace tensord::testing {

struct OpSample {
  std::string label;           // shown in failure messages
  std::vector<Tensor> inputs;  // float inputs are float64
  AttrMap attrs;
  // Inputs whose gradient is checked (floating ones by default; some ops
  // take float inputs that are not differentiable, e.g. the where condition
  // is bool anyway).
  bool symmetrize_input0 = false;  // feed A + A^T (eigh reads one triangle)
  bool square_outputs = false;     // loss uses out*out (sign-invariant)
  bool check_grad = true;          // false at non-smooth points
  double grad_eps = 1e-6;          // finite-difference step
  bool requires_grad = false;      // float inputs always require grad
};

// Samples by op name. Deterministic.
const std::map<std::string, std::vector<OpSample>>& OpSamples();

// A float64 tensor of `shape` with values in [lo, hi), deterministic per
// `seed`.
Tensor RandomTensor(const Shape& shape, uint64_t seed, double lo = -1.0,
                    double hi = 1.0);

}  // namespace tensord::testing

#endif  // TENSORD_TESTS_OP_SAMPLES_H_
