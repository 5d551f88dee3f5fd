"""torch.distributions.categorical"""
from . import Categorical  # noqa: F401
