"""torch.distributions.bernoulli"""
from . import Bernoulli  # noqa: F401
