"""tensord: PyTorch's tensor API over a tensord server.

    import tensord.torch as torch          # the server from $TENSORD_SERVER
    x = torch.arange(4.0, requires_grad=True)
    (2 * torch.dot(x, x)).backward()
    print(x.grad)                           # tensor([ 0.,  4.,  8., 12.])

or, with an explicit server and session:

    import tensord
    with tensord.connect("10.0.0.5:50051", token="...") as s:
        torch = s.torch
        ...

Files: tensord.save_file/load_file (safetensors, as safetensors.torch;
also tensord.safetensors) and tensord.savez/savez_compressed/load_npz (.npz,
as numpy; also tensord.npz), streamed through the C++ client.

Tensors live in a session on the server; operations are recorded and sent
as one Execute per statement (sooner when Python needs a value), so an
error is raised at the statement where PyTorch raises it.
"""
import sys as _sys

try:
    from . import _C  # the extension module next to this file
except ImportError:  # pragma: no cover - tensorctl embeds _C itself
    _C = _sys.modules.get("_tensord_C")
    if _C is None:
        raise
    _sys.modules[__name__ + "._C"] = _C

from ._session import Session, connect, current_session  # noqa: E402,F401
from .safetensors import load_file, save_file  # noqa: E402,F401
from .npz import savez, savez_compressed  # noqa: E402,F401
from .npz import load as load_npz  # noqa: E402,F401

__all__ = ["Session", "connect", "current_session", "save_file",
           "load_file", "savez", "savez_compressed", "load_npz"]
