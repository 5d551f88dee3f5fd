"""Adadelta, Adamax, NAdam, RAdam: PyTorch 1.13's single-tensor formulas
(the step count mirrored in Python; NAdam's float32 mu_product kept in
float32 arithmetic, as its tensor is)."""
import math
import struct

from .._ops import torch_function
from .adam import _check
from .optimizer import Optimizer, _no_grad_step

maximum = torch_function("maximum")
zeros_like = torch_function("zeros_like")


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
