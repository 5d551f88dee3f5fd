// One direction of one recurrent layer (RNN with tanh or ReLU, LSTM, GRU)
// over a whole sequence: the ops ATen's CPU cells run at each step, in
// their order, composed here so that a sequence is one op of a request
// rather than a dozen per step. Autograd records each op as it runs, so
// values, derivatives (of every order) and their bits are those of the
// ops themselves.
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "core/ops.h"
#include "core/status_macros.h"

namespace tensord {
namespace {

struct State {
  Tensor h, c;
};

// One step of `mode` from `x` (the input's projection at this step, bias
// included) and the state. The package's cells (tensord.torch.nn) and
// ATen's compute the same ops in the same order.
absl::StatusOr<State> Step(const std::string& mode, const Tensor& x,
                           const State& s, const Tensor& w_hh,
                           const Tensor& b_hh, int64_t hidden) {
  TENSORD_ASSIGN_OR_RETURN(Tensor gh, Linear(s.h, w_hh, b_hh));
  if (mode == "RNN_TANH" || mode == "RNN_RELU") {
    TENSORD_ASSIGN_OR_RETURN(Tensor pre, Add(gh, x));
    TENSORD_ASSIGN_OR_RETURN(Tensor h,
                             mode == "RNN_TANH" ? Tanh(pre) : Relu(pre));
    return State{h, Tensor()};
  }
  auto gate = [hidden](const Tensor& t, int64_t k) {
    return Narrow(t, 1, k * hidden, hidden);
  };
  if (mode == "LSTM") {
    TENSORD_ASSIGN_OR_RETURN(Tensor gates, Add(gh, x));
    // ATen's unsafe_chunk: one node for the four gates.
    TENSORD_ASSIGN_OR_RETURN(std::vector<Tensor> chunks, Chunk(gates, 4, 1));
    TENSORD_ASSIGN_OR_RETURN(Tensor i, Sigmoid(chunks[0]));
    TENSORD_ASSIGN_OR_RETURN(Tensor f, Sigmoid(chunks[1]));
    TENSORD_ASSIGN_OR_RETURN(Tensor g, Tanh(chunks[2]));
    TENSORD_ASSIGN_OR_RETURN(Tensor o, Sigmoid(chunks[3]));
    TENSORD_ASSIGN_OR_RETURN(Tensor fc, Mul(f, s.c));
    TENSORD_ASSIGN_OR_RETURN(Tensor ig, Mul(i, g));
    TENSORD_ASSIGN_OR_RETURN(Tensor c, Add(fc, ig));
    TENSORD_ASSIGN_OR_RETURN(Tensor tc, Tanh(c));
    TENSORD_ASSIGN_OR_RETURN(Tensor h, Mul(o, tc));
    return State{h, c};
  }
  // GRU: ATen adds the input's r and z gates into the hidden
  // projection's, then takes the sigmoid of each [B, H] chunk.
  TENSORD_ASSIGN_OR_RETURN(Tensor gh_rz, Narrow(gh, 1, 0, 2 * hidden));
  TENSORD_ASSIGN_OR_RETURN(Tensor x_rz, Narrow(x, 1, 0, 2 * hidden));
  TENSORD_ASSIGN_OR_RETURN(Tensor rz, Add(gh_rz, x_rz));
  TENSORD_ASSIGN_OR_RETURN(Tensor rr, Narrow(rz, 1, 0, hidden));
  TENSORD_ASSIGN_OR_RETURN(Tensor r, Sigmoid(rr));
  TENSORD_ASSIGN_OR_RETURN(Tensor zz, Narrow(rz, 1, hidden, hidden));
  TENSORD_ASSIGN_OR_RETURN(Tensor z, Sigmoid(zz));
  TENSORD_ASSIGN_OR_RETURN(Tensor xn, gate(x, 2));
  TENSORD_ASSIGN_OR_RETURN(Tensor hn, gate(gh, 2));
  TENSORD_ASSIGN_OR_RETURN(Tensor hr, Mul(hn, r));
  TENSORD_ASSIGN_OR_RETURN(Tensor pre, Add(xn, hr));
  TENSORD_ASSIGN_OR_RETURN(Tensor n, Tanh(pre));
  TENSORD_ASSIGN_OR_RETURN(Tensor d, Sub(s.h, n));
  TENSORD_ASSIGN_OR_RETURN(Tensor dz, Mul(d, z));
  TENSORD_ASSIGN_OR_RETURN(Tensor h, Add(dz, n));
  return State{h, Tensor()};
}

}  // namespace

absl::StatusOr<std::vector<Tensor>> RnnDirection(
    const std::string& mode, const Tensor& xw, const Tensor& h0,
    const Tensor& w_hh, const Tensor& c0, const Tensor& b_hh, bool reverse) {
  const int64_t gates = mode == "LSTM"                             ? 4
                        : mode == "GRU"                            ? 3
                        : mode == "RNN_TANH" || mode == "RNN_RELU" ? 1
                                                                   : 0;
  if (gates == 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("_rnn_direction: mode must be LSTM, GRU, RNN_TANH or "
                     "RNN_RELU, not '",
                     mode, "'"));
  }
  if (xw.dim() != 3 || h0.dim() != 2) {
    return absl::InvalidArgumentError(absl::StrCat(
        "_rnn_direction: expected input of [steps, batch, ", gates,
        " * hidden] and hx of [batch, hidden], got ", ShapeToString(xw.sizes()),
        " and ", ShapeToString(h0.sizes())));
  }
  const int64_t steps = xw.size(0), hidden = h0.size(1);
  if (steps == 0 || xw.size(1) != h0.size(0) || xw.size(2) % gates != 0 ||
      xw.size(2) / gates != hidden) {
    return absl::InvalidArgumentError(absl::StrCat(
        "_rnn_direction: input ", ShapeToString(xw.sizes()), " and hx ",
        ShapeToString(h0.sizes()), " do not fit a ", mode,
        " layer (steps >= 1, the same batch, ", gates, " * hidden gates)"));
  }
  const bool lstm = mode == "LSTM";
  if (lstm && (!c0.defined() || c0.sizes() != h0.sizes())) {
    return absl::InvalidArgumentError(absl::StrCat(
        "_rnn_direction: LSTM needs cx of hx's shape ",
        ShapeToString(h0.sizes()), ", got ",
        c0.defined() ? ShapeToString(c0.sizes()) : std::string("none")));
  }
  State s{h0, lstm ? c0 : Tensor()};
  // ATen's unbind of the steps: one node whose backward stacks (unbind
  // returns at most 2^16 pieces; a longer sequence selects step by step).
  std::vector<Tensor> xs;
  if (steps <= (int64_t{1} << 16)) {
    TENSORD_ASSIGN_OR_RETURN(xs, Unbind(xw, 0));
  }
  std::vector<Tensor> ys(static_cast<size_t>(steps));
  for (int64_t k = 0; k < steps; ++k) {
    const int64_t t = reverse ? steps - 1 - k : k;
    Tensor x;
    if (xs.empty()) {
      TENSORD_ASSIGN_OR_RETURN(x, Select(xw, 0, t));
    } else {
      x = xs[static_cast<size_t>(t)];
    }
    TENSORD_ASSIGN_OR_RETURN(s, Step(mode, x, s, w_hh, b_hh, hidden));
    ys[static_cast<size_t>(t)] = s.h;
  }
  TENSORD_ASSIGN_OR_RETURN(Tensor out, Stack(ys, 0));
  return std::vector<Tensor>{out, s.h, lstm ? s.c : s.h};
}

}  // namespace tensord
