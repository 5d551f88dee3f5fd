"""softmax, log_softmax and softmin without a dim: torch's choice of dim
(0 for 0-, 1- and 3-d input, else 1) and its deprecation warning, which
points at the caller's line (functional and module forms); and the
regression losses' warning about a target of another size."""
import os
import warnings

import torch
import torch.nn as nn
import torch.nn.functional as F

x = torch.tensor([[1., 2., 3.], [1., 0., -1.]])
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    print(F.softmax(x))
    print(F.log_softmax(x))
    print(nn.Softmax()(x))
    print(nn.LogSoftmax()(x[0]))
    print(F.softmin(torch.ones(2, 2, 2)))
    print(F.softmax(x, dim=0))
for w in caught:
    print(w.category.__name__, os.path.basename(w.filename), w.lineno,
          str(w.message))

# mse_loss, l1_loss, smooth_l1_loss and huber_loss warn when the target's
# size differs from the input's (a (n,) target against (n, 1) predictions
# broadcasts to (n, n)).
pred = torch.tensor([[1.0], [2.0], [4.0]])
target = torch.tensor([1.0, 3.0, 2.0])
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    print(F.mse_loss(pred, target), F.l1_loss(pred, target),
          F.smooth_l1_loss(pred, target), F.huber_loss(pred, target, delta=0.5))
    print(F.mse_loss(pred, target.reshape(3, 1)))
for w in caught:
    print(w.category.__name__, os.path.basename(w.filename), w.lineno,
          str(w.message))
