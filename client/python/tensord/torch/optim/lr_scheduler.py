"""Learning-rate schedulers of torch.optim.lr_scheduler, written for
tensord against PyTorch 1.13's observable behaviour: the same arguments,
errors, warnings and state_dict() contents, and the same floating-point
formulas in the same order (recursive in step(), closed form when step()
is given an epoch), so every rate matches PyTorch's to the last bit."""
import collections
import functools
import math
import types
import warnings
import weakref
from bisect import bisect_right
from collections import Counter
from functools import wraps

inf = math.inf
EPOCH_DEPRECATION_WARNING = (
    "The epoch parameter in `scheduler.step()` was not necessary and is being "
    "deprecated where possible. Please use `scheduler.step()` to step the "
    "scheduler. During the deprecation, if epoch is different from None, the "
    "closed form is used instead of the new chainable form, where available. "
    "Please open an issue if you are unable to replicate your use case: "
    "https://github.com/pytorch/pytorch/issues/new/choose."
)
_STEP_REPLACED_WARNING = (
    "Seems like `optimizer.step()` has been overridden after learning rate "
    "scheduler initialization. Please, make sure to call `optimizer.step()` "
    "before `lr_scheduler.step()`. See more details at "
    "https://pytorch.org/docs/stable/optim.html"
    "#how-to-adjust-learning-rate"
)
_STEP_ORDER_WARNING = (
    "Detected call of `lr_scheduler.step()` before `optimizer.step()`. In "
    "PyTorch 1.1.0 and later, you should call them in the opposite order: "
    "`optimizer.step()` before `lr_scheduler.step()`.  Failure to do this "
    "will result in PyTorch skipping the first value of the learning rate "
    "schedule. See more details at "
    "https://pytorch.org/docs/stable/optim.html#how-to-adjust-learning-rate"
)

from .optimizer import Optimizer


class _LRScheduler:
    def __init__(self, optimizer, last_epoch=-1, verbose=False):
        if not isinstance(optimizer, Optimizer):
            raise TypeError("{} is not an Optimizer".format(
                type(optimizer).__name__))
        self.optimizer = optimizer
        if last_epoch == -1:
            for group in optimizer.param_groups:
                group.setdefault("initial_lr", group["lr"])
        else:
            for i, group in enumerate(optimizer.param_groups):
                if "initial_lr" not in group:
                    raise KeyError("param 'initial_lr' is not specified in "
                                   "param_groups[{}] when resuming an "
                                   "optimizer".format(i))
        self.base_lrs = [group["initial_lr"]
                         for group in optimizer.param_groups]
        self.last_epoch = last_epoch
        self._count_optimizer_steps()
        self.verbose = verbose
        self._initial_step()

    def _initial_step(self):
        self.optimizer._step_count = 0
        self._step_count = 0
        self.step()

    def _count_optimizer_steps(self):
        method = self.optimizer.step
        if getattr(method, "_with_counter", False):
            return
        ref = weakref.ref(method.__self__)
        func = method.__func__

        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            opt = ref()
            opt._step_count += 1
            return func(opt, *args, **kwargs)
        wrapper._with_counter = True
        self.optimizer.step = wrapper

    def state_dict(self):
        return {k: v for k, v in self.__dict__.items() if k != "optimizer"}

    def load_state_dict(self, state_dict):
        self.__dict__.update(state_dict)

    def get_last_lr(self):
        return self._last_lr

    def get_lr(self):
        raise NotImplementedError

    def print_lr(self, is_verbose, group, lr, epoch=None):
        if is_verbose:
            if epoch is None:
                print("Adjusting learning rate of group {} to {:.4e}.".format(
                    group, lr))
            else:
                epoch_str = ("%.2f" if isinstance(epoch, float) else
                             "%.5d") % epoch
                print("Epoch {}: adjusting learning rate of group {} to "
                      "{:.4e}.".format(epoch_str, group, lr))

    def _check_step_order(self):
        """On the first step() after the constructor's: warn when the
        optimizer has not stepped yet, or when its step() was replaced
        after we wrapped it (then we cannot tell)."""
        if not hasattr(self.optimizer.step, "_with_counter"):
            warnings.warn(_STEP_REPLACED_WARNING, UserWarning)
        elif self.optimizer._step_count < 1:
            warnings.warn(_STEP_ORDER_WARNING, UserWarning)

    def step(self, epoch=None):
        if self._step_count == 1:
            self._check_step_order()
        self._step_count += 1
        self._get_lr_called_within_step = True
        try:
            if epoch is None:
                self.last_epoch += 1
                values = self.get_lr()
            else:
                warnings.warn(EPOCH_DEPRECATION_WARNING, UserWarning)
                self.last_epoch = epoch
                if hasattr(self, "_get_closed_form_lr"):
                    values = self._get_closed_form_lr()
                else:
                    values = self.get_lr()
        finally:
            self._get_lr_called_within_step = False
        for i, (group, lr) in enumerate(zip(self.optimizer.param_groups,
                                            values)):
            group["lr"] = lr
            self.print_lr(self.verbose, i, lr, epoch)
        self._last_lr = [group["lr"] for group in self.optimizer.param_groups]


LRScheduler = _LRScheduler


class LambdaLR(_LRScheduler):
    def __init__(self, optimizer, lr_lambda, last_epoch=-1, verbose=False):
        self.optimizer = optimizer
        if not isinstance(lr_lambda, (list, tuple)):
            self.lr_lambdas = [lr_lambda] * len(optimizer.param_groups)
        else:
            if len(lr_lambda) != len(optimizer.param_groups):
                raise ValueError("Expected {} lr_lambdas, but got {}".format(
                    len(optimizer.param_groups), len(lr_lambda)))
            self.lr_lambdas = list(lr_lambda)
        super().__init__(optimizer, last_epoch, verbose)

    def state_dict(self):
        state = {k: v for k, v in self.__dict__.items()
                 if k not in ("optimizer", "lr_lambdas")}
        state["lr_lambdas"] = [None] * len(self.lr_lambdas)
        for i, fn in enumerate(self.lr_lambdas):
            if not isinstance(fn, types.FunctionType):
                state["lr_lambdas"][i] = fn.__dict__.copy()
        return state

    def get_lr(self):
        return [base_lr * lmbda(self.last_epoch)
                for lmbda, base_lr in zip(self.lr_lambdas, self.base_lrs)]


class StepLR(_LRScheduler):
    def __init__(self, optimizer, step_size, gamma=0.1, last_epoch=-1,
                 verbose=False):
        self.step_size = step_size
        self.gamma = gamma
        super().__init__(optimizer, last_epoch, verbose)

    def get_lr(self):
        if self.last_epoch == 0 or self.last_epoch % self.step_size != 0:
            return [group["lr"] for group in self.optimizer.param_groups]
        return [group["lr"] * self.gamma
                for group in self.optimizer.param_groups]

    def _get_closed_form_lr(self):
        return [base_lr * self.gamma ** (self.last_epoch // self.step_size)
                for base_lr in self.base_lrs]


class MultiStepLR(_LRScheduler):
    def __init__(self, optimizer, milestones, gamma=0.1, last_epoch=-1,
                 verbose=False):
        self.milestones = collections.Counter(milestones)
        self.gamma = gamma
        super().__init__(optimizer, last_epoch, verbose)

    def get_lr(self):
        if self.last_epoch not in self.milestones:
            return [group["lr"] for group in self.optimizer.param_groups]
        return [group["lr"] * self.gamma ** self.milestones[self.last_epoch]
                for group in self.optimizer.param_groups]

    def _get_closed_form_lr(self):
        import bisect
        milestones = sorted(self.milestones.elements())
        return [base_lr * self.gamma ** bisect.bisect_right(
            milestones, self.last_epoch) for base_lr in self.base_lrs]


class ExponentialLR(_LRScheduler):
    def __init__(self, optimizer, gamma, last_epoch=-1, verbose=False):
        self.gamma = gamma
        super().__init__(optimizer, last_epoch, verbose)

    def get_lr(self):
        if self.last_epoch == 0:
            return [group["lr"] for group in self.optimizer.param_groups]
        return [group["lr"] * self.gamma
                for group in self.optimizer.param_groups]

    def _get_closed_form_lr(self):
        return [base_lr * self.gamma ** self.last_epoch
                for base_lr in self.base_lrs]


class CosineAnnealingLR(_LRScheduler):
    def __init__(self, optimizer, T_max, eta_min=0, last_epoch=-1,  # noqa: N803
                 verbose=False):
        self.T_max = T_max
        self.eta_min = eta_min
        super().__init__(optimizer, last_epoch, verbose)

    def get_lr(self):
        groups = self.optimizer.param_groups
        if self.last_epoch == 0:
            return [group["lr"] for group in groups]
        if self._step_count == 1 and self.last_epoch > 0:
            return [self.eta_min + (base_lr - self.eta_min) *
                    (1 + math.cos(self.last_epoch * math.pi / self.T_max)) / 2
                    for base_lr in self.base_lrs]
        if (self.last_epoch - 1 - self.T_max) % (2 * self.T_max) == 0:
            return [group["lr"] + (base_lr - self.eta_min) *
                    (1 - math.cos(math.pi / self.T_max)) / 2
                    for base_lr, group in zip(self.base_lrs, groups)]
        return [(1 + math.cos(math.pi * self.last_epoch / self.T_max)) /
                (1 + math.cos(math.pi * (self.last_epoch - 1) / self.T_max)) *
                (group["lr"] - self.eta_min) + self.eta_min
                for group in groups]

    def _get_closed_form_lr(self):
        return [self.eta_min + (base_lr - self.eta_min) *
                (1 + math.cos(math.pi * self.last_epoch / self.T_max)) / 2
                for base_lr in self.base_lrs]


# --- helpers shared by the schedulers below ---------------------------------

_GET_LR_HINT = ("To get the last learning rate computed by the scheduler, "
                "please use `get_last_lr()`.")


def _hint_outside_step(sched):
    """get_lr() is meant for step(); called from outside, point the caller
    at get_last_lr() instead."""
    if not sched._get_lr_called_within_step:
        warnings.warn(_GET_LR_HINT, UserWarning)


def _group_lrs(optimizer):
    return [group["lr"] for group in optimizer.param_groups]


def _times(optimizer, factor):
    """Every group's current rate multiplied by one factor."""
    return [group["lr"] * factor for group in optimizer.param_groups]


def _one_per_group(optimizer, name, value):
    """A list or tuple must have one entry per group; anything else is
    repeated for every group."""
    count = len(optimizer.param_groups)
    if not isinstance(value, (list, tuple)):
        return [value] * count
    if len(value) != count:
        raise ValueError("expected {} values for {}, got {}".format(
            count, name, len(value)))
    return value


def _check_optimizer(optimizer):
    if not isinstance(optimizer, Optimizer):
        raise TypeError("{} is not an Optimizer".format(
            type(optimizer).__name__))


def _state_with_children(self):
    """state_dict() of a scheduler made of schedulers: its own fields plus
    each child's state_dict() in order."""
    state = {k: v for k, v in self.__dict__.items()
             if k not in ("optimizer", "_schedulers")}
    state["_schedulers"] = [child.state_dict()
                            for child in self._schedulers]
    return state


def _load_with_children(self, state_dict):
    children = state_dict.pop("_schedulers")
    self.__dict__.update(state_dict)
    # put the entry back (it now comes last), the caller's dict is theirs
    state_dict["_schedulers"] = children
    for i, child_state in enumerate(children):
        self._schedulers[i].load_state_dict(child_state)


class MultiplicativeLR(_LRScheduler):
    def __init__(self, optimizer, lr_lambda, last_epoch=-1, verbose=False):
        self.optimizer = optimizer
        count = len(optimizer.param_groups)
        if isinstance(lr_lambda, (list, tuple)):
            if len(lr_lambda) != count:
                raise ValueError("Expected {} lr_lambdas, but got {}".format(
                    count, len(lr_lambda)))
            self.lr_lambdas = list(lr_lambda)
        else:
            self.lr_lambdas = [lr_lambda] * count
        super().__init__(optimizer, last_epoch, verbose)

    def state_dict(self):
        # plain functions are not saved; callable objects keep their fields
        state = {k: v for k, v in self.__dict__.items()
                 if k not in ("optimizer", "lr_lambdas")}
        state["lr_lambdas"] = [
            None if isinstance(fn, types.FunctionType) else fn.__dict__.copy()
            for fn in self.lr_lambdas]
        return state

    def load_state_dict(self, state_dict):
        saved = state_dict.pop("lr_lambdas")
        self.__dict__.update(state_dict)
        state_dict["lr_lambdas"] = saved
        for i, fields in enumerate(saved):
            if fields is not None:
                self.lr_lambdas[i].__dict__.update(fields)

    def get_lr(self):
        _hint_outside_step(self)
        if self.last_epoch <= 0:
            return _group_lrs(self.optimizer)
        return [group["lr"] * fn(self.last_epoch)
                for fn, group in zip(self.lr_lambdas,
                                     self.optimizer.param_groups)]


class ConstantLR(_LRScheduler):
    def __init__(self, optimizer, factor=1.0 / 3, total_iters=5,
                 last_epoch=-1, verbose=False):
        if factor > 1.0 or factor < 0:
            raise ValueError("Constant multiplicative factor expected to be "
                             "between 0 and 1.")
        self.factor = factor
        self.total_iters = total_iters
        super().__init__(optimizer, last_epoch, verbose)

    def get_lr(self):
        _hint_outside_step(self)
        # scaled down on the first step, scaled back at total_iters
        if self.last_epoch == 0:
            return _times(self.optimizer, self.factor)
        if self.last_epoch == self.total_iters:
            return _times(self.optimizer, 1.0 / self.factor)
        return _group_lrs(self.optimizer)

    def _get_closed_form_lr(self):
        done = self.last_epoch >= self.total_iters
        return [base_lr * (self.factor + done * (1 - self.factor))
                for base_lr in self.base_lrs]


class LinearLR(_LRScheduler):
    def __init__(self, optimizer, start_factor=1.0 / 3, end_factor=1.0,
                 total_iters=5, last_epoch=-1, verbose=False):
        if start_factor > 1.0 or start_factor < 0:
            raise ValueError("Starting multiplicative factor expected to be "
                             "between 0 and 1.")
        if end_factor > 1.0 or end_factor < 0:
            raise ValueError("Ending multiplicative factor expected to be "
                             "between 0 and 1.")
        self.start_factor = start_factor
        self.end_factor = end_factor
        self.total_iters = total_iters
        super().__init__(optimizer, last_epoch, verbose)

    def get_lr(self):
        _hint_outside_step(self)
        if self.last_epoch == 0:
            return _times(self.optimizer, self.start_factor)
        if self.last_epoch > self.total_iters:
            return _group_lrs(self.optimizer)
        # ratio of this step's factor to the previous step's
        slope = self.end_factor - self.start_factor
        previous = (self.total_iters * self.start_factor +
                    (self.last_epoch - 1) * slope)
        return _times(self.optimizer, 1.0 + slope / previous)

    def _get_closed_form_lr(self):
        slope = self.end_factor - self.start_factor
        steps = min(self.total_iters, self.last_epoch)
        return [base_lr * (self.start_factor +
                           slope * steps / self.total_iters)
                for base_lr in self.base_lrs]


class SequentialLR(_LRScheduler):
    def __init__(self, optimizer, schedulers, milestones, last_epoch=-1,
                 verbose=False):
        for i, child in enumerate(schedulers):
            if child.optimizer != optimizer:
                raise ValueError(
                    "Sequential Schedulers expects all schedulers to belong "
                    "to the same optimizer, but got schedulers at index {} "
                    "to be different than the optimizer passed in.".format(
                        i))
            if child.optimizer != schedulers[0].optimizer:
                raise ValueError(
                    "Sequential Schedulers expects all schedulers to belong "
                    "to the same optimizer, but got schedulers at index 0 "
                    "and {} to be different.".format(i))
        if len(milestones) != len(schedulers) - 1:
            raise ValueError(
                "Sequential Schedulers expects number of schedulers provided "
                "to be one more than the number of milestone points, but got "
                "number of schedulers {} and the number of milestones to be "
                "equal to {}".format(len(schedulers), len(milestones)))
        self._schedulers = schedulers
        self._milestones = milestones
        self.last_epoch = last_epoch + 1
        self.optimizer = optimizer
        # every child already took its first step in its constructor: undo
        # that, then let only the first one start the schedule
        for group in optimizer.param_groups:
            group["lr"] = group["initial_lr"]
        for child in schedulers:
            child.last_epoch -= 1
        schedulers[0]._initial_step()
        self._last_lr = schedulers[0].get_last_lr()

    def step(self):
        self.last_epoch += 1
        which = bisect_right(self._milestones, self.last_epoch)
        child = self._schedulers[which]
        if which > 0 and self._milestones[which - 1] == self.last_epoch:
            child.step(0)  # a child restarts from its own epoch 0
        else:
            child.step()
        self._last_lr = child.get_last_lr()

    state_dict = _state_with_children
    load_state_dict = _load_with_children


class PolynomialLR(_LRScheduler):
    def __init__(self, optimizer, total_iters=5, power=1.0, last_epoch=-1,
                 verbose=False):
        self.total_iters = total_iters
        self.power = power
        super().__init__(optimizer, last_epoch, verbose)

    def get_lr(self):
        _hint_outside_step(self)
        if self.last_epoch == 0 or self.last_epoch > self.total_iters:
            return _group_lrs(self.optimizer)
        now = 1.0 - self.last_epoch / self.total_iters
        before = 1.0 - (self.last_epoch - 1) / self.total_iters
        return _times(self.optimizer, (now / before) ** self.power)

    def _get_closed_form_lr(self):
        left = 1.0 - min(self.total_iters, self.last_epoch) / self.total_iters
        return [base_lr * left ** self.power for base_lr in self.base_lrs]


class ChainedScheduler(_LRScheduler):
    def __init__(self, schedulers):
        first = schedulers[0].optimizer
        for i in range(1, len(schedulers)):
            if schedulers[i].optimizer != first:
                raise ValueError(
                    "ChainedScheduler expects all schedulers to belong to "
                    "the same optimizer, but got schedulers at index 0 and "
                    "{} to be different".format(i))
        self._schedulers = list(schedulers)
        self.optimizer = first
        self._last_lr = _group_lrs(self._schedulers[-1].optimizer)

    def step(self):
        for child in self._schedulers:
            child.step()
        self._last_lr = _group_lrs(self._schedulers[-1].optimizer)

    state_dict = _state_with_children
    load_state_dict = _load_with_children


class ReduceLROnPlateau:
    def __init__(self, optimizer, mode="min", factor=0.1, patience=10,
                 threshold=1e-4, threshold_mode="rel", cooldown=0, min_lr=0,
                 eps=1e-8, verbose=False):
        if factor >= 1.0:
            raise ValueError("Factor should be < 1.0.")
        self.factor = factor
        _check_optimizer(optimizer)
        self.optimizer = optimizer
        count = len(optimizer.param_groups)
        if isinstance(min_lr, (list, tuple)):
            if len(min_lr) != count:
                raise ValueError("expected {} min_lrs, got {}".format(
                    count, len(min_lr)))
            self.min_lrs = list(min_lr)
        else:
            self.min_lrs = [min_lr] * count
        self.patience = patience
        self.verbose = verbose
        self.cooldown = cooldown
        self.cooldown_counter = 0
        self.mode = mode
        self.threshold = threshold
        self.threshold_mode = threshold_mode
        # the same fields, in the same order, as PyTorch's state_dict()
        self.best = None
        self.num_bad_epochs = None
        self.mode_worse = None
        self.eps = eps
        self.last_epoch = 0
        self._init_is_better(mode, threshold, threshold_mode)
        self._reset()

    def _reset(self):
        self.best = self.mode_worse
        self.cooldown_counter = 0
        self.num_bad_epochs = 0

    def step(self, metrics, epoch=None):
        value = float(metrics)
        if epoch is None:
            epoch = self.last_epoch + 1
        else:
            warnings.warn(EPOCH_DEPRECATION_WARNING, UserWarning)
        self.last_epoch = epoch
        if self.is_better(value, self.best):
            self.best = value
            self.num_bad_epochs = 0
        else:
            self.num_bad_epochs += 1
        if self.in_cooldown:  # bad epochs do not count while cooling down
            self.cooldown_counter -= 1
            self.num_bad_epochs = 0
        if self.num_bad_epochs > self.patience:
            self._reduce_lr(epoch)
            self.cooldown_counter = self.cooldown
            self.num_bad_epochs = 0
        self._last_lr = _group_lrs(self.optimizer)

    def _reduce_lr(self, epoch):
        for i, group in enumerate(self.optimizer.param_groups):
            old = float(group["lr"])
            new = max(old * self.factor, self.min_lrs[i])
            if old - new > self.eps:  # smaller changes are not applied
                group["lr"] = new
                if self.verbose:
                    shown = ("%.2f" if isinstance(epoch, float) else
                             "%.5d") % epoch
                    print("Epoch {}: reducing learning rate of group {} to "
                          "{:.4e}.".format(shown, i, new))

    @property
    def in_cooldown(self):
        return self.cooldown_counter > 0

    def is_better(self, a, best):
        minimising = self.mode == "min"
        relative = self.threshold_mode == "rel"
        if minimising and relative:
            return a < best * (1.0 - self.threshold)
        if minimising and self.threshold_mode == "abs":
            return a < best - self.threshold
        if self.mode == "max" and relative:
            return a > best * (self.threshold + 1.0)
        return a > best + self.threshold

    def _init_is_better(self, mode, threshold, threshold_mode):
        if mode not in {"min", "max"}:
            raise ValueError("mode " + mode + " is unknown!")
        if threshold_mode not in {"rel", "abs"}:
            raise ValueError("threshold mode " + threshold_mode +
                             " is unknown!")
        self.mode_worse = inf if mode == "min" else -inf
        self.mode = mode
        self.threshold = threshold
        self.threshold_mode = threshold_mode

    def state_dict(self):
        return {k: v for k, v in self.__dict__.items() if k != "optimizer"}

    def load_state_dict(self, state_dict):
        self.__dict__.update(state_dict)
        self._init_is_better(self.mode, self.threshold, self.threshold_mode)


_CYCLIC_MODES = ("triangular", "triangular2", "exp_range")


class CyclicLR(_LRScheduler):
    # built-in modes: the scale method's name and what it is a function of
    _MODES = {
        "triangular": ("_triangular_scale_fn", "cycle"),
        "triangular2": ("_triangular2_scale_fn", "cycle"),
        "exp_range": ("_exp_range_scale_fn", "iterations"),
    }

    def __init__(self, optimizer, base_lr, max_lr, step_size_up=2000,
                 step_size_down=None, mode="triangular", gamma=1.0,
                 scale_fn=None, scale_mode="cycle", cycle_momentum=True,
                 base_momentum=0.8, max_momentum=0.9, last_epoch=-1,
                 verbose=False):
        _check_optimizer(optimizer)
        self.optimizer = optimizer
        base_lrs = _one_per_group(optimizer, "base_lr", base_lr)
        if last_epoch == -1:
            for group, lr in zip(optimizer.param_groups, base_lrs):
                group["lr"] = lr
        self.max_lrs = _one_per_group(optimizer, "max_lr", max_lr)
        up = float(step_size_up)
        down = up if step_size_down is None else float(step_size_down)
        self.total_size = up + down
        self.step_ratio = up / self.total_size
        if mode not in _CYCLIC_MODES and scale_fn is None:
            raise ValueError("mode is invalid and scale_fn is None")
        self.mode = mode
        self.gamma = gamma
        if scale_fn is None:
            method, kind = self._MODES[mode]
            self._scale_fn_custom = None
            # a weak reference, so the scheduler is not its own referent
            self._scale_fn_ref = weakref.WeakMethod(getattr(self, method))
            self.scale_mode = kind
        else:
            self._scale_fn_custom = scale_fn
            self._scale_fn_ref = None
            self.scale_mode = scale_mode
        self.cycle_momentum = cycle_momentum
        if cycle_momentum:
            if "momentum" not in optimizer.defaults:
                raise ValueError("optimizer must support momentum with "
                                 "`cycle_momentum` option enabled")
            lows = _one_per_group(optimizer, "base_momentum", base_momentum)
            if last_epoch == -1:
                for group, momentum in zip(optimizer.param_groups, lows):
                    group["momentum"] = momentum
            self.base_momentums = [group["momentum"]
                                   for group in optimizer.param_groups]
            self.max_momentums = _one_per_group(optimizer, "max_momentum",
                                                max_momentum)
        super().__init__(optimizer, last_epoch, verbose)
        self.base_lrs = base_lrs

    def scale_fn(self, x):
        if self._scale_fn_custom is not None:
            return self._scale_fn_custom(x)
        return self._scale_fn_ref()(x)

    def _triangular_scale_fn(self, x):
        return 1.0

    def _triangular2_scale_fn(self, x):
        return 1 / 2.0 ** (x - 1)

    def _exp_range_scale_fn(self, x):
        return self.gamma ** x

    def get_lr(self):
        _hint_outside_step(self)
        cycle = math.floor(1 + self.last_epoch / self.total_size)
        # where we are in this cycle, 0..1, and how far up the ramp
        where = 1.0 + self.last_epoch / self.total_size - cycle
        if where <= self.step_ratio:
            height = where / self.step_ratio
        else:
            height = (where - 1) / (self.step_ratio - 1)
        scale_at = cycle if self.scale_mode == "cycle" else self.last_epoch
        lrs = [low + (high - low) * height * self.scale_fn(scale_at)
               for low, high in zip(self.base_lrs, self.max_lrs)]
        if self.cycle_momentum:
            # momentum moves opposite to the rate
            momentums = [high - (high - low) * height * self.scale_fn(scale_at)
                         for low, high in zip(self.base_momentums,
                                              self.max_momentums)]
            for group, momentum in zip(self.optimizer.param_groups,
                                       momentums):
                group["momentum"] = momentum
        return lrs


class CosineAnnealingWarmRestarts(_LRScheduler):
    def __init__(self, optimizer, T_0, T_mult=1, eta_min=0,  # noqa: N803
                 last_epoch=-1, verbose=False):
        if T_0 <= 0 or not isinstance(T_0, int):
            raise ValueError(
                "Expected positive integer T_0, but got {}".format(T_0))
        if T_mult < 1 or not isinstance(T_mult, int):
            raise ValueError(
                "Expected integer T_mult >= 1, but got {}".format(T_mult))
        self.T_0 = T_0
        self.T_i = T_0  # length of the current run
        self.T_mult = T_mult
        self.eta_min = eta_min
        self.T_cur = last_epoch  # epochs since the last restart
        super().__init__(optimizer, last_epoch, verbose)

    def get_lr(self):
        _hint_outside_step(self)
        cosine = 1 + math.cos(math.pi * self.T_cur / self.T_i)
        return [self.eta_min + (base_lr - self.eta_min) * cosine / 2
                for base_lr in self.base_lrs]

    def _place(self, epoch):
        """Set T_cur and T_i for an epoch given directly (may be
        fractional)."""
        if epoch < 0:
            raise ValueError(
                "Expected non-negative epoch, but got {}".format(epoch))
        if not epoch >= self.T_0:  # still in the first run
            self.T_i = self.T_0
            self.T_cur = epoch
        elif self.T_mult == 1:
            self.T_cur = epoch % self.T_0
        else:
            # n runs came before; together they took
            # T_0 * (T_mult**n - 1) / (T_mult - 1) epochs
            mult = self.T_mult
            n = int(math.log(epoch / self.T_0 * (mult - 1) + 1, mult))
            self.T_cur = epoch - self.T_0 * (mult ** n - 1) / (mult - 1)
            self.T_i = self.T_0 * mult ** n

    def step(self, epoch=None):
        if epoch is None and self.last_epoch < 0:
            epoch = 0
        if epoch is None:
            epoch = self.last_epoch + 1
            self.T_cur = self.T_cur + 1
            if self.T_cur >= self.T_i:  # restart
                self.T_cur = self.T_cur - self.T_i
                self.T_i = self.T_i * self.T_mult
        else:
            self._place(epoch)
        self.last_epoch = math.floor(epoch)
        self._get_lr_called_within_step = True
        try:
            for i, (group, lr) in enumerate(zip(self.optimizer.param_groups,
                                                self.get_lr())):
                group["lr"] = lr
                self.print_lr(self.verbose, i, lr, epoch)
        except BaseException:
            # PyTorch 1.13 runs this under a context manager whose
            # __exit__ returns a true value, so errors here are dropped
            pass
        finally:
            self._get_lr_called_within_step = False
        self._last_lr = _group_lrs(self.optimizer)


class OneCycleLR(_LRScheduler):
    def __init__(self, optimizer, max_lr, total_steps=None, epochs=None,
                 steps_per_epoch=None, pct_start=0.3, anneal_strategy="cos",
                 cycle_momentum=True, base_momentum=0.85, max_momentum=0.95,
                 div_factor=25.0, final_div_factor=1e4, three_phase=False,
                 last_epoch=-1, verbose=False):
        _check_optimizer(optimizer)
        self.optimizer = optimizer
        self.total_steps = self._count_steps(total_steps, epochs,
                                             steps_per_epoch)
        self._schedule_phases = self._phases(pct_start, three_phase)
        if (pct_start < 0 or pct_start > 1 or
                not isinstance(pct_start, float)):
            raise ValueError("Expected float between 0 and 1 pct_start, but "
                             "got {}".format(pct_start))
        if anneal_strategy == "cos":
            self.anneal_func = self._annealing_cos
        elif anneal_strategy == "linear":
            self.anneal_func = self._annealing_linear
        else:
            raise ValueError("anneal_strategy must by one of 'cos' or "
                             "'linear', instead got {}".format(
                                 anneal_strategy))
        peaks = _one_per_group(optimizer, "max_lr", max_lr)
        if last_epoch == -1:
            for group, peak in zip(optimizer.param_groups, peaks):
                group["initial_lr"] = peak / div_factor
                group["max_lr"] = peak
                group["min_lr"] = group["initial_lr"] / final_div_factor
        self.cycle_momentum = cycle_momentum
        if cycle_momentum:
            if ("momentum" not in optimizer.defaults and
                    "betas" not in optimizer.defaults):
                raise ValueError("optimizer must support momentum with "
                                 "`cycle_momentum` option enabled")
            # Adam-like optimizers cycle beta1 instead of momentum
            self.use_beta1 = "betas" in optimizer.defaults
            highs = _one_per_group(optimizer, "max_momentum", max_momentum)
            lows = _one_per_group(optimizer, "base_momentum", base_momentum)
            if last_epoch == -1:
                for group, high, low in zip(optimizer.param_groups, highs,
                                            lows):
                    self._set_momentum(group, high)
                    group["max_momentum"] = high
                    group["base_momentum"] = low
        super().__init__(optimizer, last_epoch, verbose)

    @staticmethod
    def _count_steps(total_steps, epochs, steps_per_epoch):
        if total_steps is None and epochs is None and steps_per_epoch is None:
            raise ValueError("You must define either total_steps OR (epochs "
                             "AND steps_per_epoch)")
        if total_steps is not None:
            if total_steps <= 0 or not isinstance(total_steps, int):
                raise ValueError("Expected positive integer total_steps, but "
                                 "got {}".format(total_steps))
            return total_steps
        if epochs <= 0 or not isinstance(epochs, int):
            raise ValueError("Expected positive integer epochs, but got "
                             "{}".format(epochs))
        if steps_per_epoch <= 0 or not isinstance(steps_per_epoch, int):
            raise ValueError("Expected positive integer steps_per_epoch, but "
                             "got {}".format(steps_per_epoch))
        return epochs * steps_per_epoch

    def _phases(self, pct_start, three_phase):
        """Each phase anneals from one group key to another and ends at
        the step given; the last phase also covers any later step."""
        def phase(end, lr_from, lr_to, momentum_from, momentum_to):
            return {"end_step": end, "start_lr": lr_from, "end_lr": lr_to,
                    "start_momentum": momentum_from,
                    "end_momentum": momentum_to}
        last = self.total_steps - 1
        warm_up = phase(float(pct_start * self.total_steps) - 1,
                        "initial_lr", "max_lr", "max_momentum",
                        "base_momentum")
        if not three_phase:
            return [warm_up, phase(last, "max_lr", "min_lr",
                                   "base_momentum", "max_momentum")]
        return [warm_up,
                phase(float(2 * pct_start * self.total_steps) - 2,
                      "max_lr", "initial_lr", "base_momentum",
                      "max_momentum"),
                phase(last, "initial_lr", "min_lr", "max_momentum",
                      "max_momentum")]

    def _set_momentum(self, group, value):
        if self.use_beta1:
            group["betas"] = (value, *group["betas"][1:])
        else:
            group["momentum"] = value

    def _annealing_cos(self, start, end, pct):
        cos_out = math.cos(math.pi * pct) + 1
        return end + (start - end) / 2.0 * cos_out

    def _annealing_linear(self, start, end, pct):
        return (end - start) * pct + start

    def get_lr(self):
        _hint_outside_step(self)
        step_num = self.last_epoch
        if step_num > self.total_steps:
            raise ValueError("Tried to step {} times. The specified number "
                             "of total steps is {}".format(
                                 step_num + 1, self.total_steps))
        lrs = []
        for group in self.optimizer.param_groups:
            start = 0
            phases = self._schedule_phases
            for i, phase in enumerate(phases):
                end = phase["end_step"]
                if step_num <= end or i == len(phases) - 1:
                    break
                start = end
            pct = (step_num - start) / (end - start)
            lrs.append(self.anneal_func(group[phase["start_lr"]],
                                        group[phase["end_lr"]], pct))
            if self.cycle_momentum:
                self._set_momentum(group, self.anneal_func(
                    group[phase["start_momentum"]],
                    group[phase["end_momentum"]], pct))
        return lrs


for _c in (_LRScheduler, LambdaLR, StepLR, MultiStepLR, ExponentialLR,
           CosineAnnealingLR, MultiplicativeLR, ConstantLR, LinearLR,
           SequentialLR, PolynomialLR, ChainedScheduler, ReduceLROnPlateau,
           CyclicLR, CosineAnnealingWarmRestarts, OneCycleLR):
    _c.__module__ = "torch.optim.lr_scheduler"
