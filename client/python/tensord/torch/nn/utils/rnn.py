"""torch.nn.utils.rnn: pad_sequence (as ATen's: a tensor of the padding
value, each sequence copied into its slice, so the result's grad_fn is
CopySlices as in PyTorch), and PackedSequence with pack_padded_sequence,
pad_packed_sequence, pack_sequence and unpack_sequence as PyTorch 1.13
writes them (the packing itself as ATen's _pack_padded_sequence and
_pad_packed_sequence do it: one block per run of equal lengths)."""
from collections import namedtuple

from ..._dtypes import int64
from ..._ops import torch_function

arange = torch_function("arange")
cat = torch_function("cat")
empty_like = torch_function("empty_like")
full = torch_function("full")
sort = torch_function("sort")
tensor = torch_function("tensor")


PackedSequence_ = namedtuple(
    "PackedSequence",
    ["data", "batch_sizes", "sorted_indices", "unsorted_indices"])


def invert_permutation(permutation):
    if permutation is None:
        return None
    output = empty_like(permutation)
    output.scatter_(0, permutation, arange(0, permutation.numel()))
    return output


class PackedSequence(PackedSequence_):
    """Holds the data and list of batch_sizes of a packed sequence."""

    def __new__(cls, data, batch_sizes=None, sorted_indices=None,
                unsorted_indices=None):
        if unsorted_indices is None:
            unsorted_indices = invert_permutation(sorted_indices)
        if batch_sizes is not None:
            if batch_sizes.dtype != int64 or batch_sizes.dim() != 1:
                raise ValueError(
                    "batch_sizes should always be on CPU. Instances of "
                    "PackedSequence should never be created manually. They "
                    "should be instantiated by functions like "
                    "pack_sequence and pack_padded_sequences in "
                    "nn.utils.rnn. "
                    "https://pytorch.org/docs/stable/nn.html#torch.nn.utils."
                    "rnn.pack_sequence")
            return super().__new__(cls, data, batch_sizes, sorted_indices,
                                   unsorted_indices)
        if not isinstance(data, (list, tuple)) or len(data) != 2:
            raise TypeError("PackedSequence needs data and batch_sizes")
        return super().__new__(cls, data[0], data[1], sorted_indices,
                               unsorted_indices)

    def _with_data(self, data):
        return type(self)(data, self.batch_sizes, self.sorted_indices,
                          self.unsorted_indices)

    def to(self, *args, **kwargs):
        data = self.data.to(*args, **kwargs)
        return self if data is self.data else self._with_data(data)

    def cpu(self, *args, **kwargs):
        return self

    def double(self):
        return self._with_data(self.data.double())

    def float(self):
        return self._with_data(self.data.float())

    def half(self):
        return self._with_data(self.data.half())

    def long(self):
        return self._with_data(self.data.long())

    def int(self):
        return self._with_data(self.data.int())

    @property
    def is_cuda(self):
        return False

    def is_pinned(self):
        return False


def _lengths_list(lengths):
    if hasattr(lengths, "tolist"):
        return [int(v) for v in lengths.tolist()]
    return [int(v) for v in lengths]


def _pack(input, lengths, batch_first):  # noqa: A002
    """ATen's _pack_padded_sequence: (data, batch_sizes)."""
    if batch_first:
        input = input.transpose(0, 1)  # noqa: A001
    batch_size = input.shape[1]
    if input.numel() == 0:
        raise RuntimeError("Cannot pack empty tensors.")
    if len(lengths) != batch_size:
        raise RuntimeError(
            "Expected `len(lengths)` to be equal to batch_size, but got %d "
            "(batch_size=%d)" % (len(lengths), batch_size))
    if lengths[batch_size - 1] <= 0:
        raise RuntimeError(
            "Length of all samples has to be greater than 0, but found an "
            "element in 'lengths' that is <= 0")
    for i in range(batch_size - 1):
        if lengths[batch_size - 1 - i] > lengths[batch_size - 2 - i]:
            raise RuntimeError(
                "`lengths` array must be sorted in decreasing order when "
                "`enforce_sorted` is True. You can pass `enforce_sorted=False`"
                " to pack_padded_sequence and/or pack_sequence to sidestep "
                "this requirement if you do not need ONNX exportability.")
    rest = tuple(input.shape[2:])
    steps, batch_sizes = [], []
    prev_l = 0
    for i in range(batch_size):
        length = lengths[batch_size - 1 - i]
        if length > prev_l:
            current = batch_size - i
            steps.append(input.narrow(0, prev_l, length - prev_l)
                         .narrow(1, 0, current).contiguous()
                         .view((-1,) + rest))
            batch_sizes.extend([current] * (length - prev_l))
            prev_l = length
    return cat(steps), tensor(batch_sizes, dtype=int64)


def pack_padded_sequence(input, lengths, batch_first=False,  # noqa: A002
                         enforce_sorted=True):
    lengths = _lengths_list(lengths)
    if enforce_sorted:
        sorted_indices = None
    else:
        values, sorted_indices = sort(tensor(lengths, dtype=int64),
                                      descending=True)
        lengths = _lengths_list(values)
        batch_dim = 0 if batch_first else 1
        input = input.index_select(batch_dim, sorted_indices)  # noqa: A001
    data, batch_sizes = _pack(input, lengths, batch_first)
    return PackedSequence(data, batch_sizes, sorted_indices, None)


def pad_packed_sequence(sequence, batch_first=False, padding_value=0.0,
                        total_length=None):
    batch_sizes = _lengths_list(sequence.batch_sizes)
    max_seq_length = len(batch_sizes)
    if total_length is not None:
        if total_length < max_seq_length:
            raise ValueError(
                "Expected total_length to be at least the length of the "
                "longest sequence in input, but got total_length={} and max "
                "sequence length being {}".format(total_length,
                                                  max_seq_length))
        max_seq_length = total_length
    data = sequence.data
    max_batch = batch_sizes[0]
    rest = tuple(data.shape[1:])
    output = full((max_seq_length, max_batch) + rest, padding_value,
                  dtype=data.dtype)
    lengths = [0] * max_batch
    offset, prev_batch, prev_i = 0, max_batch, 0
    real = len(batch_sizes)
    for i in range(real + 1):
        b = batch_sizes[i] if i != real else 0
        if b != prev_batch:
            n = prev_batch * (i - prev_i)
            block = data.narrow(0, offset, n).view(
                (i - prev_i, prev_batch) + rest)
            output.narrow(0, prev_i, i - prev_i).narrow(
                1, 0, prev_batch).copy_(block)
            offset += n
            prev_i = i
        for j in range(b, prev_batch):
            lengths[j] = i
        prev_batch = b
    if batch_first:
        output = output.transpose(0, 1)
    lengths_t = tensor(lengths, dtype=int64)
    unsorted = sequence.unsorted_indices
    if unsorted is not None:
        batch_dim = 0 if batch_first else 1
        return output.index_select(batch_dim, unsorted), lengths_t[unsorted]
    return output, lengths_t


def pad_sequence(sequences, batch_first=False, padding_value=0.0):
    if len(sequences) == 0:
        raise RuntimeError("received an empty list of sequences")
    first = sequences[0]
    trailing = tuple(first.shape[1:])
    max_len = max(s.shape[0] for s in sequences)
    dims = ((len(sequences), max_len) if batch_first
            else (max_len, len(sequences))) + trailing
    out = full(dims, padding_value, dtype=first.dtype)
    for i, s in enumerate(sequences):
        n = s.shape[0]
        if batch_first:
            out.select(0, i).narrow(0, 0, n).copy_(s)
        else:
            out.narrow(0, 0, n).select(1, i).copy_(s)
    return out


def unpad_sequence(padded_sequences, lengths, batch_first=False):
    if not batch_first:
        padded_sequences = padded_sequences.transpose(0, 1)
    return [padded_sequences[i].narrow(0, 0, n)
            for i, n in enumerate(_lengths_list(lengths))]


def pack_sequence(sequences, enforce_sorted=True):
    lengths = [v.shape[0] for v in sequences]
    return pack_padded_sequence(pad_sequence(sequences), lengths,
                                enforce_sorted=enforce_sorted)


def unpack_sequence(packed_sequences):
    padded, lengths = pad_packed_sequence(packed_sequences, batch_first=True)
    return unpad_sequence(padded, lengths, batch_first=True)
