"""default_collate and default_convert (torch.utils.data._utils.collate):
a list of samples becomes a batch, as in PyTorch 1.13 — tensors are
stacked (on the server), ints become an int64 tensor, floats a float64
one, strings stay a list, and mappings, named tuples and sequences are
collated field by field (a tuple of fields becomes a list)."""
import collections.abc
import re

_NP_STR_OBJ = re.compile(r"[SaUO]")

default_collate_err_msg_format = (
    "default_collate: batch must contain tensors, numpy arrays, numbers, "
    "dicts or lists; found {}")


def _torch():
    from .... import torch
    return torch


def _is_numpy(obj):
    t = type(obj)
    return t.__module__ == "numpy" and t.__name__ not in ("str_", "string_")


def default_convert(data):
    """What DataLoader does to each sample without batching: numpy arrays
    become tensors, containers are converted element by element."""
    torch = _torch()
    elem_type = type(data)
    if isinstance(data, torch.Tensor):
        return data
    if _is_numpy(data):
        if elem_type.__name__ == "ndarray" and \
                _NP_STR_OBJ.search(data.dtype.str) is not None:
            return data
        return torch.as_tensor(data)
    if isinstance(data, collections.abc.Mapping):
        try:
            return elem_type({k: default_convert(data[k]) for k in data})
        except TypeError:
            return {k: default_convert(data[k]) for k in data}
    if isinstance(data, tuple) and hasattr(data, "_fields"):
        return elem_type(*(default_convert(d) for d in data))
    if isinstance(data, tuple):
        return [default_convert(d) for d in data]
    if isinstance(data, collections.abc.Sequence) and \
            not isinstance(data, (str, bytes)):
        try:
            return elem_type([default_convert(d) for d in data])
        except TypeError:
            return [default_convert(d) for d in data]
    return data


def _collate_leaf(batch):
    """A batch of tensors, numpy values, numbers or strings; None for any
    other element type."""
    torch = _torch()
    elem = batch[0]
    if isinstance(elem, torch.Tensor):
        return torch.stack(batch, 0)
    if _is_numpy(elem):
        if type(elem).__name__ in ("ndarray", "memmap"):
            if _NP_STR_OBJ.search(elem.dtype.str) is not None:
                raise TypeError(default_collate_err_msg_format.format(
                    elem.dtype))
            return default_collate([torch.as_tensor(b) for b in batch])
        if elem.shape == ():  # a numpy scalar
            return torch.as_tensor(batch)
        return None
    if isinstance(elem, float):
        return torch.tensor(batch, dtype=torch.float64)
    if isinstance(elem, int):  # bool included, as in torch
        return torch.tensor(batch)
    if isinstance(elem, (str, bytes)):
        return batch
    return None


def default_collate(batch):
    """Merges a list of samples into a batch (see the module doc)."""
    out = _collate_leaf(batch)
    if out is not None:
        return out
    elem = batch[0]
    elem_type = type(elem)
    if isinstance(elem, collections.abc.Mapping):
        try:
            return elem_type({k: default_collate([d[k] for d in batch])
                              for k in elem})
        except TypeError:
            return {k: default_collate([d[k] for d in batch]) for k in elem}
    if isinstance(elem, tuple) and hasattr(elem, "_fields"):
        return elem_type(*(default_collate(s) for s in zip(*batch)))
    if isinstance(elem, collections.abc.Sequence):
        size = len(elem)
        if not all(len(e) == size for e in batch):
            raise RuntimeError(
                "each element in list of batch should be of equal size")
        transposed = list(zip(*batch))  # (strings stay tuples, as in torch)
        if isinstance(elem, tuple):
            return [default_collate(s) for s in transposed]
        try:
            return elem_type([default_collate(s) for s in transposed])
        except TypeError:
            return [default_collate(s) for s in transposed]
    raise TypeError(default_collate_err_msg_format.format(elem_type))
