"""torch.nn: modules, parameters, initialisers and the functional API, in
Python over tensord tensors (as PyTorch's own torch.nn is Python over
ATen)."""
from . import functional  # noqa: F401
from . import init  # noqa: F401
from .modules import *  # noqa: F401,F403
from .modules import module as _module_mod
from .parameter import Parameter, UninitializedParameter  # noqa: F401
from . import utils  # noqa: F401,E402
from . import modules  # noqa: F401,E402
from . import parameter  # noqa: F401,E402

Module = _module_mod.Module
