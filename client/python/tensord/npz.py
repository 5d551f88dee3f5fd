"""NumPy .npz archives of tensord tensors, with numpy's names.

    import tensord.npz
    tensord.npz.savez("w.npz", w=w, b=b)              # np.savez's format
    tensord.npz.savez_compressed("w.npz", w=w, b=b)   # DEFLATE members
    tensors = tensord.npz.load("w.npz")   # {"w": tensor, "b": tensor}

np.load reads what savez writes, and load reads archives np.savez and
np.savez_compressed wrote (little- or big-endian, C or Fortran order) into
the current session, in the archive's order. Positional arrays are named
arr_0, arr_1, ... as numpy names them. Dtypes are tensord's (bool, int32,
int64, float32, float64, complex64, complex128, float16, int8, uint8,
int16); an archive with another (uint16, uint32, ...) raises ValueError
naming the member and dtype, as
does any malformed archive (sizes, CRC-32, compression ratio, duplicate or
non-.npy members), before anything is uploaded. Loading is all or nothing.
Tensors move in 1 MiB chunks through the C++ client.
"""
from . import _files

__all__ = ["savez", "savez_compressed", "load"]


def _named(args, kwds):
    tensors = {}
    for i, t in enumerate(args):
        tensors["arr_%d" % i] = t
    for k, t in kwds.items():
        if k in tensors:
            raise ValueError("Cannot use un-named variables and keyword %s" %
                             k)
        tensors[k] = t
    return tensors


def savez(file, *args, **kwds):
    """Writes tensors to an uncompressed .npz archive, as np.savez."""
    _files.save(_named(args, kwds), file)


def savez_compressed(file, *args, **kwds):
    """Writes tensors to a DEFLATE-compressed .npz archive, as
    np.savez_compressed."""
    _files.save(_named(args, kwds), file, compressed=True)


def load(file):
    """The tensors of the .npz archive `file`, uploaded to the current
    session, as a dict of name -> tensor."""
    tensors, _ = _files.load(file)
    return tensors
