"""torch.nn.utils.rnn: pad_sequence (as ATen's: a tensor of the padding
value, each sequence copied into its slice, so the result's grad_fn is
CopySlices as in PyTorch). PackedSequence and pack_padded_sequence are not
here yet: they raise NotImplementedError."""
from ..._ops import torch_function

full = torch_function("full")


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


def _not_here(name):
    def fn(*args, **kwargs):
        raise NotImplementedError(
            "tensord: torch.nn.utils.rnn.%s is not supported yet (use "
            "pad_sequence and masks)" % name)
    fn.__name__ = name
    return fn


pack_padded_sequence = _not_here("pack_padded_sequence")
pad_packed_sequence = _not_here("pad_packed_sequence")
pack_sequence = _not_here("pack_sequence")
