"""torch.distributions.normal"""
from . import Normal  # noqa: F401
