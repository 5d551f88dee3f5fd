"""torch.distributions.uniform"""
from . import Uniform  # noqa: F401
