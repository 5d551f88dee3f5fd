"""RNN, GRU, LSTM (and their cells) written over the server's ops.

Parameters are named, shaped and initialised as PyTorch 1.13 names, shapes
and initialises them; a step computes what ATen's CPU cells compute, in
the same order (the input projection of a whole layer first, then per
step the hidden projection plus it; the server's _rnn_direction op runs
the steps of a padded sequence, this module's _cell those of a packed one
and of the cells). Nothing in a forward asks the server
for a value or a shape after the input's, so the whole forward is recorded
and runs as one request.
"""
import math
import numbers

from ..._ops import call, torch_function
from .. import functional as F
from .. import init
from ..parameter import Parameter
from ..utils.rnn import PackedSequence
from .module import Module

cat = torch_function("cat")
empty = torch_function("empty")
stack = torch_function("stack")
zeros = torch_function("zeros")

_GATES = {"LSTM": 4, "GRU": 3, "RNN_TANH": 1, "RNN_RELU": 1}


def _gate(t, k, h):
    return t.narrow(1, k * h, h)


def _cell(mode, xw, h, c, w_hh, b_hh, hidden):
    """One step: `xw` is the input's projection (bias included), `h`/`c`
    the state. Returns the new (h, c)."""
    gh = F.linear(h, w_hh, b_hh)
    if mode == "RNN_TANH":
        return (gh + xw).tanh(), None
    if mode == "RNN_RELU":
        return (gh + xw).relu(), None
    if mode == "LSTM":
        gates = gh + xw
        i = _gate(gates, 0, hidden).sigmoid()
        f = _gate(gates, 1, hidden).sigmoid()
        g = _gate(gates, 2, hidden).tanh()
        o = _gate(gates, 3, hidden).sigmoid()
        c = f * c + i * g
        return o * c.tanh(), c
    # ATen adds the input's r and z gates into the hidden projection's and
    # takes sigmoid_ of each [B, H] chunk in place: a run of H per row
    # (sigmoid's vector blocks and scalar tail restart at each row).
    rz = gh.narrow(1, 0, 2 * hidden) + xw.narrow(1, 0, 2 * hidden)
    r = rz.narrow(1, 0, hidden).sigmoid()
    z = rz.narrow(1, hidden, hidden).sigmoid()
    n = (_gate(xw, 2, hidden) + _gate(gh, 2, hidden) * r).tanh()
    return (h - n) * z + n, None


class RNNBase(Module):
    def __init__(self, mode, input_size, hidden_size, num_layers=1,
                 bias=True, batch_first=False, dropout=0.,
                 bidirectional=False, proj_size=0, device=None, dtype=None):
        super().__init__()
        self.mode = mode
        self.input_size = input_size
        self.hidden_size = hidden_size
        self.num_layers = num_layers
        self.bias = bias
        self.batch_first = batch_first
        self.dropout = float(dropout)
        self.bidirectional = bidirectional
        self.proj_size = proj_size
        if not isinstance(dropout, numbers.Number) or \
                not 0 <= dropout <= 1 or isinstance(dropout, bool):
            raise ValueError("dropout should be a number in range [0, 1] "
                             "representing the probability of an element "
                             "being zeroed")
        if proj_size != 0:
            raise NotImplementedError("tensord: LSTM proj_size is not "
                                      "supported")
        if mode not in _GATES:
            raise ValueError("Unrecognized RNN mode: " + mode)
        gate_size = _GATES[mode] * hidden_size
        num_directions = 2 if bidirectional else 1
        self._flat_weights_names = []
        self._all_weights = []
        for layer in range(num_layers):
            for direction in range(num_directions):
                layer_input = input_size if layer == 0 else \
                    hidden_size * num_directions
                params = [
                    Parameter(empty((gate_size, layer_input), dtype=dtype)),
                    Parameter(empty((gate_size, hidden_size), dtype=dtype))]
                names = ["weight_ih_l%d", "weight_hh_l%d"]
                if bias:
                    params += [Parameter(empty(gate_size, dtype=dtype)),
                               Parameter(empty(gate_size, dtype=dtype))]
                    names += ["bias_ih_l%d", "bias_hh_l%d"]
                suffix = "_reverse" if direction == 1 else ""
                names = [n % layer + suffix for n in names]
                for name, p in zip(names, params):
                    setattr(self, name, p)
                self._flat_weights_names.extend(names)
                self._all_weights.append(names)
        self.reset_parameters()

    @property
    def _flat_weights(self):
        return [getattr(self, n) for n in self._flat_weights_names]

    @property
    def all_weights(self):
        return [[getattr(self, n) for n in names]
                for names in self._all_weights]

    def flatten_parameters(self):
        pass

    def reset_parameters(self):
        stdv = 1.0 / math.sqrt(self.hidden_size) if self.hidden_size > 0 \
            else 0
        for weight in self.parameters():
            init.uniform_(weight, -stdv, stdv)

    def extra_repr(self):
        s = "%s, %s" % (self.input_size, self.hidden_size)
        if self.num_layers != 1:
            s += ", num_layers=%s" % self.num_layers
        if self.bias is not True:
            s += ", bias=%s" % self.bias
        if self.batch_first is not False:
            s += ", batch_first=%s" % self.batch_first
        if self.dropout != 0:
            s += ", dropout=%s" % self.dropout
        if self.bidirectional is not False:
            s += ", bidirectional=%s" % self.bidirectional
        return s

    def _check(self, shape, hx_shapes):
        if len(shape) != 3:
            raise RuntimeError("input must have 3 dimensions, got %d" %
                               len(shape))
        if self.input_size != shape[-1]:
            raise RuntimeError(
                "input.size(-1) must be equal to input_size. Expected %d, "
                "got %d" % (self.input_size, shape[-1]))
        batch = shape[0] if self.batch_first else shape[1]
        nd = 2 if self.bidirectional else 1
        want = (self.num_layers * nd, batch, self.hidden_size)
        for k, s in enumerate(hx_shapes):
            if tuple(s) != want:
                msg = "Expected hidden[%d] size {}, got {}" % k \
                    if len(hx_shapes) == 2 else "Expected hidden size {}, got {}"
                raise RuntimeError(msg.format(want, list(s)))

    def _stack(self, x, h0, c0, direction):
        """The layers and directions over `x` (time-major, padded or
        packed data): each direction's input projection for the whole
        layer first (F.linear), then `direction(xw, h, c, w_hh, b_hh,
        reverse)` -> (output, h, c) steps through it; directions are joined
        on the last dim, with dropout between layers. h0/c0: (L*D, B, H).
        Returns (output, h_n, c_n)."""
        nd = 2 if self.bidirectional else 1
        final_h, final_c = [], []
        layer_input = x
        for layer in range(self.num_layers):
            outs = []
            for d in range(nd):
                idx = layer * nd + d
                names = self._all_weights[idx]
                w_ih, w_hh = getattr(self, names[0]), getattr(self, names[1])
                b_ih = getattr(self, names[2]) if self.bias else None
                b_hh = getattr(self, names[3]) if self.bias else None
                xw = F.linear(layer_input, w_ih, b_ih)
                out, h, c = direction(
                    xw, h0[idx], c0[idx] if c0 is not None else None, w_hh,
                    b_hh, d == 1)
                outs.append(out)
                final_h.append(h)
                final_c.append(c)
            layer_output = outs[0] if nd == 1 else cat(outs, -1)
            if self.dropout != 0 and self.training and \
                    layer < self.num_layers - 1:
                layer_output = F.dropout(layer_output, self.dropout, True)
            layer_input = layer_output
        h_n = stack(final_h, 0)
        c_n = stack(final_c, 0) if c0 is not None else None
        return layer_input, h_n, c_n

    def _layers(self, x, h0, c0):
        """x: (T, B, I) time-major."""
        mode = self.mode

        def direction(xw, h, c, w_hh, b_hh, reverse):
            # The server runs the steps (_cell's ops, in its order): one
            # node of the request for the whole sequence.
            out, h, c_n = call("_rnn_direction", [xw, h, w_hh, b_hh],
                               {"cx": c, "mode": mode, "reverse": reverse})
            return out, h, (c_n if c is not None else None)
        return self._stack(x, h0, c0, direction)

    def _run(self, input, hx):  # noqa: A002
        name = {"RNN_TANH": "RNN", "RNN_RELU": "RNN"}.get(self.mode,
                                                          self.mode)
        lstm = self.mode == "LSTM"
        shape = tuple(input.shape)
        assert len(shape) in (2, 3), \
            "%s: Expected input to be 2-D or 3-D but received %d-D tensor" \
            % (name, len(shape))
        is_batched = len(shape) == 3
        batch_dim = 0 if self.batch_first else 1
        if not is_batched:
            input = input.unsqueeze(batch_dim)  # noqa: A001
            shape = shape[:batch_dim] + (1,) + shape[batch_dim:]
        states = None
        if hx is not None:
            states = list(hx) if lstm else [hx]
            want = 3 if is_batched else 2
            if any(s.dim() != want for s in states):
                if lstm:
                    raise RuntimeError(
                        "For %s %d-D input, hx and cx should also be %d-D but "
                        "got (%d-D, %d-D) tensors" % (
                            "batched" if is_batched else "unbatched", want + 1
                            if is_batched else want, want, states[0].dim(),
                            states[1].dim()))
                raise RuntimeError(
                    "For %s %d-D input, hx should also be %d-D but got %d-D "
                    "tensor" % ("batched" if is_batched else "unbatched",
                                3 if is_batched else 2, want,
                                states[0].dim()))
            if not is_batched:
                states = [s.unsqueeze(1) for s in states]
        nd = 2 if self.bidirectional else 1
        batch = shape[0] if self.batch_first else shape[1]
        if states is None:
            self._check(shape, [])
            z = zeros(self.num_layers * nd, batch, self.hidden_size,
                      dtype=input.dtype)
            states = [z, z] if lstm else [z]
        else:
            self._check(shape, [tuple(s.shape) for s in states])
        x = input.transpose(0, 1) if self.batch_first else input
        out, h_n, c_n = self._layers(x, states[0],
                                     states[1] if lstm else None)
        if self.batch_first:
            out = out.transpose(0, 1)
        if not is_batched:
            out = out.squeeze(batch_dim)
            h_n = h_n.squeeze(1)
            c_n = c_n.squeeze(1) if c_n is not None else None
        return out, ((h_n, c_n) if lstm else h_n)

    def _packed_direction(self, xw, bs, h_full, c_full, w_hh, b_hh,
                          reverse):
        """One direction of one layer over packed steps, as ATen's
        PackedLayer / ReversedPackedLayer: the state shrinks (or, backwards,
        grows) with the batch sizes. Returns (output data, h, c)."""
        mode, hidden = self.mode, self.hidden_size
        lstm = c_full is not None
        ys = []
        if not reverse:
            h, c = h_full, c_full
            done_h, done_c = [], []
            offset, last = 0, bs[0]
            for b in bs:
                step = xw.narrow(0, offset, b)
                offset += b
                dec = last - b
                if dec > 0:
                    done_h.append(h.narrow(0, last - dec, dec))
                    h = h.narrow(0, 0, last - dec)
                    if lstm:
                        done_c.append(c.narrow(0, last - dec, dec))
                        c = c.narrow(0, 0, last - dec)
                last = b
                h, c = _cell(mode, step, h, c, w_hh, b_hh, hidden)
                ys.append(h)
            done_h.append(h)
            h = cat(done_h[::-1], 0)
            if lstm:
                done_c.append(c)
                c = cat(done_c[::-1], 0)
            return cat(ys, 0), h, c
        offset = sum(bs)
        last = bs[-1]
        h = h_full.narrow(0, 0, last)
        c = c_full.narrow(0, 0, last) if lstm else None
        for i in range(len(bs) - 1, -1, -1):
            b = bs[i]
            inc = b - last
            if inc > 0:
                h = cat([h, h_full.narrow(0, last, inc)], 0)
                if lstm:
                    c = cat([c, c_full.narrow(0, last, inc)], 0)
            step = xw.narrow(0, offset - b, b)
            offset -= b
            last = b
            h, c = _cell(mode, step, h, c, w_hh, b_hh, hidden)
            ys.append(h)
        return cat(ys[::-1], 0), h, c

    def _packed_layers(self, data, bs, h0, c0):
        return self._stack(
            data, h0, c0,
            lambda xw, h, c, w_hh, b_hh, reverse: self._packed_direction(
                xw, bs, h, c, w_hh, b_hh, reverse))

    def _run_packed(self, packed, hx):
        lstm = self.mode == "LSTM"
        data, batch_sizes, sorted_indices, unsorted_indices = packed
        bs = [int(b) for b in batch_sizes.tolist()]
        max_batch = bs[0]
        nd = 2 if self.bidirectional else 1
        if data.dim() != 2:
            raise RuntimeError("input must have 2 dimensions, got %d" %
                               data.dim())
        shape = (max_batch, 0, data.shape[-1]) if self.batch_first else \
            (0, max_batch, data.shape[-1])
        if hx is None:
            self._check(shape, [])
            z = zeros(self.num_layers * nd, max_batch, self.hidden_size,
                      dtype=data.dtype)
            states = [z, z] if lstm else [z]
        else:
            states = list(hx) if lstm else [hx]
            if sorted_indices is not None:
                states = [s.index_select(1, sorted_indices) for s in states]
            self._check(shape, [tuple(s.shape) for s in states])
        out, h_n, c_n = self._packed_layers(data, bs, states[0],
                                            states[1] if lstm else None)
        if unsorted_indices is not None:
            h_n = h_n.index_select(1, unsorted_indices)
            if c_n is not None:
                c_n = c_n.index_select(1, unsorted_indices)
        out = PackedSequence(out, batch_sizes, sorted_indices,
                             unsorted_indices)
        return out, ((h_n, c_n) if lstm else h_n)

    def forward(self, input, hx=None):  # noqa: A002
        if isinstance(input, PackedSequence):
            return self._run_packed(input, hx)
        return self._run(input, hx)


class RNN(RNNBase):
    def __init__(self, *args, **kwargs):
        if "proj_size" in kwargs:
            raise ValueError("proj_size argument is only supported for LSTM, "
                             "not RNN or GRU")
        self.nonlinearity = kwargs.pop("nonlinearity", "tanh")
        if self.nonlinearity == "tanh":
            mode = "RNN_TANH"
        elif self.nonlinearity == "relu":
            mode = "RNN_RELU"
        else:
            raise ValueError("Unknown nonlinearity '%s'" % self.nonlinearity)
        super().__init__(mode, *args, **kwargs)


class LSTM(RNNBase):
    def __init__(self, *args, **kwargs):
        super().__init__("LSTM", *args, **kwargs)


class GRU(RNNBase):
    def __init__(self, *args, **kwargs):
        if "proj_size" in kwargs:
            raise ValueError("proj_size argument is only supported for LSTM, "
                             "not RNN or GRU")
        super().__init__("GRU", *args, **kwargs)


class RNNCellBase(Module):
    def __init__(self, input_size, hidden_size, bias, num_chunks,
                 device=None, dtype=None):
        super().__init__()
        self.input_size = input_size
        self.hidden_size = hidden_size
        self.bias = bias
        self.weight_ih = Parameter(empty((num_chunks * hidden_size,
                                          input_size), dtype=dtype))
        self.weight_hh = Parameter(empty((num_chunks * hidden_size,
                                          hidden_size), dtype=dtype))
        if bias:
            self.bias_ih = Parameter(empty(num_chunks * hidden_size,
                                           dtype=dtype))
            self.bias_hh = Parameter(empty(num_chunks * hidden_size,
                                           dtype=dtype))
        else:
            self.register_parameter("bias_ih", None)
            self.register_parameter("bias_hh", None)
        self.reset_parameters()

    def extra_repr(self):
        s = "%s, %s" % (self.input_size, self.hidden_size)
        if getattr(self, "bias", True) is not True:
            s += ", bias=%s" % self.bias
        if getattr(self, "nonlinearity", "tanh") != "tanh":
            s += ", nonlinearity=%s" % self.nonlinearity
        return s

    def reset_parameters(self):
        stdv = 1.0 / math.sqrt(self.hidden_size) if self.hidden_size > 0 \
            else 0
        for weight in self.parameters():
            init.uniform_(weight, -stdv, stdv)

    def _step(self, mode, input, hx, cx=None):  # noqa: A002
        batched = input.dim() == 2
        if not batched:
            input = input.unsqueeze(0)  # noqa: A001
        if hx is None:
            hx = zeros(input.size(0), self.hidden_size, dtype=input.dtype)
            if mode == "LSTM":
                cx = hx
        elif not batched:
            hx = hx.unsqueeze(0)
            cx = cx.unsqueeze(0) if cx is not None else None
        xw = F.linear(input, self.weight_ih, self.bias_ih)
        h, c = _cell(mode, xw, hx, cx, self.weight_hh, self.bias_hh,
                     self.hidden_size)
        if not batched:
            h = h.squeeze(0)
            c = c.squeeze(0) if c is not None else None
        return h, c


class RNNCell(RNNCellBase):
    def __init__(self, input_size, hidden_size, bias=True,
                 nonlinearity="tanh", device=None, dtype=None):
        super().__init__(input_size, hidden_size, bias, num_chunks=1,
                         dtype=dtype)
        self.nonlinearity = nonlinearity

    def forward(self, input, hx=None):  # noqa: A002
        mode = {"tanh": "RNN_TANH", "relu": "RNN_RELU"}.get(self.nonlinearity)
        if mode is None:
            raise RuntimeError("Unknown nonlinearity: %s" % self.nonlinearity)
        return self._step(mode, input, hx)[0]


class LSTMCell(RNNCellBase):
    def __init__(self, input_size, hidden_size, bias=True, device=None,
                 dtype=None):
        super().__init__(input_size, hidden_size, bias, num_chunks=4,
                         dtype=dtype)

    def forward(self, input, hx=None):  # noqa: A002
        if hx is None:
            return self._step("LSTM", input, None)
        return self._step("LSTM", input, hx[0], hx[1])


class GRUCell(RNNCellBase):
    def __init__(self, input_size, hidden_size, bias=True, device=None,
                 dtype=None):
        super().__init__(input_size, hidden_size, bias, num_chunks=3,
                         dtype=dtype)

    def forward(self, input, hx=None):  # noqa: A002
        return self._step("GRU", input, hx)[0]


for _c in (RNNBase, RNN, LSTM, GRU, RNNCellBase, RNNCell, LSTMCell, GRUCell):
    _c.__module__ = "torch.nn.modules.rnn"
