"""safetensors files of tensord tensors, with safetensors.torch's names.

    from tensord.safetensors import save_file, load_file
    save_file({"w": w, "b": b}, "model.safetensors", metadata={"step": "3"})
    tensors = load_file("model.safetensors")   # {"b": tensor, "w": tensor}

save_file writes what the reference writer writes for the same tensors
(sorted by dtype alignment, then name; the header padded to 8 bytes), so
the safetensors package, PyTorch's and numpy's readers load it. load_file
uploads every tensor of the file to the current session and returns them
by name, sorted as safetensors.torch's load_file returns them. Dtypes are
tensord's: BOOL, I32, I64, F32, F64 and C64; a file with another (F16,
BF16, U8, ...) raises ValueError naming the tensor and dtype, as does any
malformed file (bad header length, JSON, offsets, shapes, dtype/shape
mismatches, duplicate names), before anything is uploaded. Loading is all
or nothing. Tensors move in 1 MiB chunks through the C++ client.
"""
from . import _files

__all__ = ["save_file", "load_file", "metadata"]


def save_file(tensors, filename, metadata=None):
    """Writes `tensors` (a dict of str -> tensor) to `filename`;
    `metadata` (a dict of str -> str) goes to the header's
    "__metadata__"."""
    _files.save(tensors, filename, metadata=metadata)


def load_file(filename, device="cpu"):
    """The tensors of `filename`, uploaded to the current session, as a
    dict of name -> tensor (sorted by name). `device` must be "cpu"."""
    if str(device) != "cpu":
        raise ValueError("tensord: device must be 'cpu', got %r" % (device,))
    tensors, _ = _files.load(filename, sort=True)
    return tensors


def metadata(filename):
    """The header's "__metadata__" of `filename` (a dict of str -> str):
    loads the file like load_file and returns its metadata."""
    _, meta = _files.load(filename)
    return meta
