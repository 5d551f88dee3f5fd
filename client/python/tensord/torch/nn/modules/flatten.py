"""Flatten and Unflatten."""
from .module import Module


class Flatten(Module):
    def __init__(self, start_dim=1, end_dim=-1):
        super().__init__()
        self.start_dim = start_dim
        self.end_dim = end_dim

    def forward(self, input):  # noqa: A002
        return input.flatten(self.start_dim, self.end_dim)

    def extra_repr(self):
        return "start_dim=%s, end_dim=%s" % (self.start_dim, self.end_dim)


class Unflatten(Module):
    def __init__(self, dim, unflattened_size):
        super().__init__()
        if isinstance(dim, int):
            if not isinstance(unflattened_size, (tuple, list)) or not all(
                    isinstance(i, int) for i in unflattened_size):
                raise TypeError("unflattened_size must be tuple of ints, but "
                                "found type %s" %
                                type(unflattened_size).__name__)
        else:
            raise TypeError("invalid argument type for dim parameter")
        self.dim = dim
        self.unflattened_size = unflattened_size

    def forward(self, input):  # noqa: A002
        return input.unflatten(self.dim, tuple(self.unflattened_size))

    def extra_repr(self):
        return "dim=%s, unflattened_size=%s" % (self.dim,
                                                self.unflattened_size)


Flatten.__module__ = Unflatten.__module__ = "torch.nn.modules.flatten"
