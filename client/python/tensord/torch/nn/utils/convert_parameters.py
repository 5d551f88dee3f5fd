"""parameters_to_vector and vector_to_parameters."""
from ... import _grad
from ..._ops import torch_function

cat = torch_function("cat")


def parameters_to_vector(parameters):
    return cat([p.view(-1) for p in parameters])


def vector_to_parameters(vec, parameters):
    pointer = 0
    with _grad.no_grad():
        for p in parameters:
            n = p.numel()
            p.copy_(vec[pointer:pointer + n].view_as(p))
            pointer += n
