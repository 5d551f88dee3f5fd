"""torch.distributions.multinomial"""
from . import Multinomial  # noqa: F401
