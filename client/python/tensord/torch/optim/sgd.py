"""SGD with momentum, dampening, Nesterov, weight decay and maximize
(PyTorch 1.13's single-tensor formulas)."""
from .._ops import torch_function
from .optimizer import Optimizer, _no_grad_step, required

clone = torch_function("clone")


class SGD(Optimizer):
    def __init__(self, params, lr=required, momentum=0, dampening=0,
                 weight_decay=0, nesterov=False, *, maximize=False,
                 foreach=None, differentiable=False):
        if lr is not required and lr < 0.0:
            raise ValueError("Invalid learning rate: {}".format(lr))
        if momentum < 0.0:
            raise ValueError("Invalid momentum value: {}".format(momentum))
        if weight_decay < 0.0:
            raise ValueError("Invalid weight_decay value: {}".format(
                weight_decay))
        defaults = dict(lr=lr, momentum=momentum, dampening=dampening,
                        weight_decay=weight_decay, nesterov=nesterov,
                        maximize=maximize, foreach=foreach,
                        differentiable=differentiable)
        if nesterov and (momentum <= 0 or dampening != 0):
            raise ValueError("Nesterov momentum requires a momentum and zero "
                             "dampening")
        super().__init__(params, defaults)

    @_no_grad_step
    def step(self, closure=None):
        loss = self._closure_loss(closure)
        for group in self.param_groups:
            momentum, dampening = group["momentum"], group["dampening"]
            lr = group["lr"]
            for p, d_p, state in self._grads(group):
                buf = state.get("momentum_buffer")
                if momentum != 0:
                    if buf is None:
                        buf = clone(d_p).detach()
                    else:
                        buf.mul_(momentum).add_(d_p, alpha=1 - dampening)
                    if group["nesterov"]:
                        d_p = d_p.add(buf, alpha=momentum)
                    else:
                        d_p = buf
                p.add_(d_p, alpha=-lr)
                state["momentum_buffer"] = buf
        return loss


SGD.__module__ = "torch.optim.sgd"
