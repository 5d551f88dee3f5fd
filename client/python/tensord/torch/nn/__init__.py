"""torch.nn (the functional part for now)."""
from . import functional  # noqa: F401
