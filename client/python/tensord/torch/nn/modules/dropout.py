"""Dropout (the session RNG draws as PyTorch's bernoulli_ does)."""
from .. import functional as F
from .module import Module


class _DropoutNd(Module):
    def __init__(self, p=0.5, inplace=False):
        super().__init__()
        if p < 0 or p > 1:
            raise ValueError("dropout probability has to be between 0 and 1, "
                             "but got %s" % p)
        self.p = p
        self.inplace = inplace

    def extra_repr(self):
        return "p=%s, inplace=%s" % (self.p, self.inplace)


class Dropout(_DropoutNd):
    def forward(self, input):  # noqa: A002
        return F.dropout(input, self.p, self.training, self.inplace)


Dropout.__module__ = "torch.nn.modules.dropout"
