"""torch.nn.utils: gradient clipping, parameter vectors, pad_sequence,
weight_norm."""
from . import clip_grad  # noqa: F401
from . import rnn  # noqa: F401
from .clip_grad import (clip_grad_norm, clip_grad_norm_,  # noqa: F401
                        clip_grad_value_)
from .convert_parameters import (parameters_to_vector,  # noqa: F401
                                 vector_to_parameters)
from .weight_norm import remove_weight_norm, weight_norm  # noqa: F401
