"""Adadelta, Adamax, NAdam, RAdam, Rprop, ASGD: PyTorch 1.13's
single-tensor formulas (the step count mirrored in Python; NAdam's float32
mu_product and ASGD's float32 eta and mu kept in float32 arithmetic, as
their tensors are, so a step reads nothing back)."""
import math
import struct

from .._ops import torch_function
from .adam import _check
from .optimizer import Optimizer, _no_grad_step

maximum = torch_function("maximum")
zeros_like = torch_function("zeros_like")
full_like = torch_function("full_like")


def _f32(x):
    return struct.unpack("f", struct.pack("f", x))[0]


class Adadelta(Optimizer):
    def __init__(self, params, lr=1.0, rho=0.9, eps=1e-6, weight_decay=0,
                 foreach=None, *, maximize=False):
        if not 0.0 <= lr:
            raise ValueError("Invalid learning rate: {}".format(lr))
        if not 0.0 <= rho <= 1.0:
            raise ValueError("Invalid rho value: {}".format(rho))
        if not 0.0 <= eps:
            raise ValueError("Invalid epsilon value: {}".format(eps))
        if not 0.0 <= weight_decay:
            raise ValueError("Invalid weight_decay value: {}".format(
                weight_decay))
        defaults = dict(lr=lr, rho=rho, eps=eps, weight_decay=weight_decay,
                        maximize=maximize, foreach=foreach)
        super().__init__(params, defaults)

    @_no_grad_step
    def step(self, closure=None):
        loss = self._closure_loss(closure)
        for group in self.param_groups:
            lr, rho, eps = group["lr"], group["rho"], group["eps"]

            def init(state, p):
                state["step"] = 0
                state["square_avg"] = zeros_like(p)
                state["acc_delta"] = zeros_like(p)
            for p, grad, state in self._grads(group, init):
                state["step"] += 1
                square_avg, acc_delta = state["square_avg"], \
                    state["acc_delta"]
                square_avg.mul_(rho).addcmul_(grad, grad, value=1 - rho)
                std = square_avg.add(eps).sqrt_()
                delta = acc_delta.add(eps).sqrt_().div_(std).mul_(grad)
                acc_delta.mul_(rho).addcmul_(delta, delta, value=1 - rho)
                p.add_(delta, alpha=-lr)
        return loss


class Adamax(Optimizer):
    def __init__(self, params, lr=2e-3, betas=(0.9, 0.999), eps=1e-8,
                 weight_decay=0, foreach=None, *, maximize=False):
        _check(lr, betas, eps, weight_decay)
        defaults = dict(lr=lr, betas=betas, eps=eps,
                        weight_decay=weight_decay, foreach=foreach,
                        maximize=maximize)
        super().__init__(params, defaults)

    @_no_grad_step
    def step(self, closure=None):
        loss = self._closure_loss(closure)
        for group in self.param_groups:
            beta1, beta2 = group["betas"]
            lr, eps = group["lr"], group["eps"]

            def init(state, p):
                state["step"] = self._new_step_tensor()
                state["exp_avg"] = zeros_like(p)
                state["exp_inf"] = zeros_like(p)
            for p, grad, state in self._grads(group, init):
                exp_avg, exp_inf = state["exp_avg"], state["exp_inf"]
                step = self._step_value(state["step"])
                exp_avg.mul_(beta1).add_(grad, alpha=1 - beta1)
                exp_inf.mul_(beta2)
                exp_inf.copy_(maximum(exp_inf, grad.abs().add_(eps)))
                clr = lr / (1 - beta1 ** step)
                p.addcdiv_(exp_avg, exp_inf, value=-clr)
        return loss


class NAdam(Optimizer):
    def __init__(self, params, lr=2e-3, betas=(0.9, 0.999), eps=1e-8,
                 weight_decay=0, momentum_decay=4e-3, foreach=None):
        _check(lr, betas, eps, weight_decay)
        if not 0.0 <= momentum_decay:
            raise ValueError("Invalid momentum_decay value: {}".format(
                momentum_decay))
        defaults = dict(lr=lr, betas=betas, eps=eps,
                        weight_decay=weight_decay,
                        momentum_decay=momentum_decay, foreach=foreach)
        super().__init__(params, defaults)
        self._mu_products = {}

    @_no_grad_step
    def step(self, closure=None):
        from .. import tensor
        loss = self._closure_loss(closure)
        for group in self.param_groups:
            beta1, beta2 = group["betas"]
            lr, eps = group["lr"], group["eps"]
            md = group["momentum_decay"]

            def init(state, p):
                state["step"] = self._new_step_tensor()
                state["mu_product"] = tensor(1.)
                state["exp_avg"] = zeros_like(p)
                state["exp_avg_sq"] = zeros_like(p)
            for p, grad, state in self._grads(group, init):
                exp_avg, exp_avg_sq = state["exp_avg"], state["exp_avg_sq"]
                mu_t = state["mu_product"]
                step = self._step_value(state["step"])
                bias_correction2 = 1 - beta2 ** step
                mu = beta1 * (1. - 0.5 * (0.96 ** (step * md)))
                mu_next = beta1 * (1. - 0.5 * (0.96 ** ((step + 1) * md)))
                prod = self._mu_products.get(id(mu_t))
                if prod is None:
                    prod = mu_t.item()
                prod = _f32(prod * _f32(mu))
                self._mu_products[id(mu_t)] = prod
                mu_t.fill_(prod)
                prod_next = _f32(_f32(prod * _f32(mu)) * _f32(mu_next))
                exp_avg.mul_(beta1).add_(grad, alpha=1 - beta1)
                exp_avg_sq.mul_(beta2).addcmul_(grad, grad,
                                                value=1 - beta2)
                denom = exp_avg_sq.div(bias_correction2).sqrt().add_(eps)
                p.addcdiv_(grad, denom, value=-lr * (1. - mu) / (1. - prod))
                p.addcdiv_(exp_avg, denom,
                           value=-lr * mu_next / (1. - prod_next))
        return loss


class RAdam(Optimizer):
    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8,
                 weight_decay=0, foreach=None):
        _check(lr, betas, eps, weight_decay)
        defaults = dict(lr=lr, betas=betas, eps=eps,
                        weight_decay=weight_decay, foreach=foreach)
        super().__init__(params, defaults)

    @_no_grad_step
    def step(self, closure=None):
        loss = self._closure_loss(closure)
        for group in self.param_groups:
            beta1, beta2 = group["betas"]
            lr, eps = group["lr"], group["eps"]

            def init(state, p):
                state["step"] = self._new_step_tensor()
                state["exp_avg"] = zeros_like(p)
                state["exp_avg_sq"] = zeros_like(p)
            for p, grad, state in self._grads(group, init):
                exp_avg, exp_avg_sq = state["exp_avg"], state["exp_avg_sq"]
                step = self._step_value(state["step"])
                bias_correction1 = 1 - beta1 ** step
                bias_correction2 = 1 - beta2 ** step
                exp_avg.mul_(beta1).add_(grad, alpha=1 - beta1)
                exp_avg_sq.mul_(beta2).addcmul_(grad, grad,
                                                value=1 - beta2)
                bias_corrected_exp_avg = exp_avg / bias_correction1
                rho_inf = 2 / (1 - beta2) - 1
                rho_t = rho_inf - 2 * step * (beta2 ** step) / \
                    bias_correction2
                if rho_t > 5.:
                    rect = math.sqrt((rho_t - 4) * (rho_t - 2) * rho_inf /
                                     ((rho_inf - 4) * (rho_inf - 2) * rho_t))
                    adaptive_lr = math.sqrt(bias_correction2) / \
                        exp_avg_sq.sqrt().add_(eps)
                    p.add_(bias_corrected_exp_avg * lr * adaptive_lr * rect,
                           alpha=-1.0)
                else:
                    p.add_(bias_corrected_exp_avg * lr, alpha=-1.0)
        return loss


Adadelta.__module__ = "torch.optim.adadelta"
Adamax.__module__ = "torch.optim.adamax"
NAdam.__module__ = "torch.optim.nadam"
RAdam.__module__ = "torch.optim.radam"


class Rprop(Optimizer):
    def __init__(self, params, lr=1e-2, etas=(0.5, 1.2),
                 step_sizes=(1e-6, 50), foreach=None, maximize=False):
        if not 0.0 <= lr:
            raise ValueError("Invalid learning rate: {}".format(lr))
        if not 0.0 < etas[0] < 1.0 < etas[1]:
            raise ValueError("Invalid eta values: {}, {}".format(etas[0],
                                                                etas[1]))
        defaults = dict(lr=lr, etas=etas, step_sizes=step_sizes,
                        foreach=foreach, maximize=maximize)
        super().__init__(params, defaults)

    @_no_grad_step
    def step(self, closure=None):
        loss = self._closure_loss(closure)
        for group in self.param_groups:
            etaminus, etaplus = group["etas"]
            step_size_min, step_size_max = group["step_sizes"]
            lr = group["lr"]

            def init(state, p):
                state["step"] = 0
                state["prev"] = zeros_like(p)
                state["step_size"] = full_like(p, lr)
            for p, grad, state in self._grads(group, init, l2=False):
                state["step"] += 1
                prev, step_size = state["prev"], state["step_size"]
                sign = grad.mul(prev).sign()
                sign[sign.gt(0)] = etaplus
                sign[sign.lt(0)] = etaminus
                sign[sign.eq(0)] = 1
                step_size.mul_(sign).clamp_(step_size_min, step_size_max)
                grad = grad.clone()
                grad[sign.eq(etaminus)] = 0
                p.addcmul_(grad.sign(), step_size, value=-1)
                prev.copy_(grad)
        return loss


class ASGD(Optimizer):
    def __init__(self, params, lr=1e-2, lambd=1e-4, alpha=0.75, t0=1e6,
                 weight_decay=0, foreach=None, maximize=False):
        if not 0.0 <= lr:
            raise ValueError("Invalid learning rate: {}".format(lr))
        if not 0.0 <= weight_decay:
            raise ValueError("Invalid weight_decay value: {}".format(
                weight_decay))
        defaults = dict(lr=lr, lambd=lambd, alpha=alpha, t0=t0,
                        weight_decay=weight_decay, foreach=foreach,
                        maximize=maximize)
        super().__init__(params, defaults)
        # id(eta tensor) -> its float32 value, id(mu tensor) -> its value
        self._values = {}

    def _value(self, t):
        v = self._values.get(id(t))
        return t.item() if v is None else v

    @_no_grad_step
    def step(self, closure=None):
        from .. import tensor
        loss = self._closure_loss(closure)
        for group in self.param_groups:
            lr, lambd = group["lr"], group["lambd"]
            alpha, t0 = group["alpha"], group["t0"]

            def init(state, p):
                state["step"] = self._new_step_tensor()
                state["eta"] = tensor(lr)
                self._values[id(state["eta"])] = _f32(lr)
                state["mu"] = tensor(1.)
                self._values[id(state["mu"])] = 1.0
                state["ax"] = zeros_like(p)
            for p, grad, state in self._grads(group, init):
                mu, ax, eta = state["mu"], state["ax"], state["eta"]
                step = self._step_value(state["step"])
                eta_v = self._value(eta)
                p.mul_(1 - lambd * eta_v)
                p.add_(grad, alpha=-eta_v)
                if self._value(mu) != 1:
                    ax.add_(p.sub(ax).mul(mu))
                else:
                    ax.copy_(p)
                new_eta = _f32(lr / ((1 + lambd * lr * step) ** alpha))
                eta.fill_(new_eta)
                self._values[id(eta)] = new_eta
                new_mu = _f32(1 / max(1, step - t0))
                mu.fill_(new_mu)
                self._values[id(mu)] = new_mu
        return loss
