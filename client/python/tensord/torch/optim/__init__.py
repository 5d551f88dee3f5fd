"""torch.optim: optimizers and learning-rate schedulers, in Python over
tensord tensors. A step records in-place updates under no_grad and reads
nothing back, so a model's whole update runs with the next request."""
from . import lr_scheduler  # noqa: F401
from .adagrad import Adagrad  # noqa: F401
from .adam import Adam, AdamW  # noqa: F401
from .lbfgs import LBFGS  # noqa: F401
from .more import (ASGD, Adadelta, Adamax, NAdam, RAdam,  # noqa: F401
                   Rprop)
from .optimizer import Optimizer  # noqa: F401
from .rmsprop import RMSprop  # noqa: F401
from .sgd import SGD  # noqa: F401
