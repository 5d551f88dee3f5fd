"""torch.optim.lr_scheduler parity: MultiplicativeLR .. OneCycleLR (many
settings and the edge cases) stepped 2-45 times, printing each
get_last_lr() and momentum or betas by repr, the state_dict() before
and after load_state_dict(), every warning and every error's class and
message. Its output under PyTorch and under tensord must be
byte-identical (about a second); ctest runs it through tensorctl and
through the package, as every conformance script.
"""
import warnings

import torch
from torch.optim import lr_scheduler as S

CASES = [0]


def opt(kind="sgd", groups=1, lr=0.1):
    ps = [{"params": [torch.zeros(2, requires_grad=True)], "lr": lr * (i + 1)}
          for i in range(groups)]
    if kind == "adam":
        return torch.optim.Adam(ps, lr=lr)
    return torch.optim.SGD(ps, lr=lr, momentum=0.9)


def plain(v):
    if isinstance(v, (int, float, str, bool, type(None))):
        return repr(v)
    if isinstance(v, (list, tuple)):
        return type(v).__name__ + "[" + ",".join(plain(x) for x in v) + "]"
    if isinstance(v, dict):
        return "{" + ",".join(k + ":" + plain(x) for k, x in v.items()) + "}"
    return "<" + type(v).__name__ + ">"


def sd(s):
    d = s.state_dict()
    return ";".join("%s=%s" % (k, plain(d[k])) for k in d)


def run(name, make, steps=40, step=None):
    CASES[0] += 1
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        try:
            o, s = make()
            out = [repr(s.get_last_lr())]
            for i in range(steps):
                if step:
                    step(s, i)
                else:
                    o.step()
                    s.step()
                out.append(repr(s.get_last_lr()))
                g = o.param_groups[0]
                if "momentum" in g:
                    out.append("m" + repr(g["momentum"]))
                if "betas" in g:
                    out.append("b" + repr(g["betas"]))
            print(name, " ".join(out))
            print(name, "sd", sd(s))
            s.load_state_dict(s.state_dict())
            print(name, "reload", sd(s))
        except Exception as e:  # noqa: BLE001
            print(name, "raised", type(e).__name__, str(e))
        for x in w:
            print(name, "warn", x.category.__name__, str(x.message))


def err(name, fn):
    CASES[0] += 1
    try:
        fn()
        print(name, "no error")
    except Exception as e:  # noqa: BLE001
        print(name, "raised", type(e).__name__, str(e))


def sched(cls, kind="sgd", groups=1, **kw):
    def make():
        o = opt(kind, groups)
        return o, cls(o, **kw)
    return make


# MultiplicativeLR
for f in (lambda e: 0.95, lambda e: 1.0 - e / 100):
    run("mult", sched(S.MultiplicativeLR, lr_lambda=f))
run("mult2", sched(S.MultiplicativeLR, groups=2,
                   lr_lambda=[lambda e: 0.9, lambda e: 0.8]))
err("mult-bad", lambda: S.MultiplicativeLR(opt(groups=2),
                                           [lambda e: 0.9]))
# ConstantLR
for kw in ({}, {"factor": 0.5, "total_iters": 0},
           {"factor": 0.5, "total_iters": 1}, {"factor": 1.0},
           {"factor": 0.0, "total_iters": 3}, {"factor": 0.3,
                                               "total_iters": 40}):
    run("const%r" % kw, sched(S.ConstantLR, **kw), steps=45)
for f in (1.5, -0.1):
    err("const-bad", lambda: S.ConstantLR(opt(), factor=f))
# LinearLR
for kw in ({}, {"start_factor": 0.5, "end_factor": 0.1, "total_iters": 1},
           {"start_factor": 0.1, "total_iters": 30},
           {"start_factor": 1.0, "end_factor": 0.0, "total_iters": 7},
           {"start_factor": 0.25, "end_factor": 0.25}):
    run("lin%r" % kw, sched(S.LinearLR, groups=2, **kw), steps=35)
for kw in ({"start_factor": 1.5}, {"start_factor": -1},
           {"end_factor": 2.0}, {"end_factor": -0.5}):
    err("lin-bad%r" % kw, lambda: S.LinearLR(opt(), **kw))
# PolynomialLR
for kw in ({}, {"total_iters": 10, "power": 2.0},
           {"total_iters": 1, "power": 0.5}, {"total_iters": 33,
                                              "power": 1.7}):
    run("poly%r" % kw, sched(S.PolynomialLR, **kw), steps=40)


# closed form through step(epoch)
def by_epoch(seq):
    def step(s, i):
        s.optimizer.step()
        s.step(seq[i % len(seq)])
    return step


for cls, kw in ((S.ConstantLR, {"factor": 0.5, "total_iters": 4}),
                (S.LinearLR, {"start_factor": 0.2, "total_iters": 6}),
                (S.PolynomialLR, {"total_iters": 8, "power": 1.3})):
    run("epoch-" + cls.__name__, sched(cls, **kw), steps=12,
        step=by_epoch([3, 0, 5, 9, 2, 4, 8, 1, 7, 6, 10, 12]))


# SequentialLR
def seq_make(ms, three=False, groups=1):
    def make():
        o = opt(groups=groups)
        s1 = S.ConstantLR(o, factor=0.1, total_iters=2)
        s2 = S.ExponentialLR(o, gamma=0.9)
        ss = [s1, s2]
        if three:
            ss.append(S.LinearLR(o, start_factor=0.5, total_iters=4))
        return o, S.SequentialLR(o, ss, milestones=ms)
    return make


for ms, three in (([2], False), ([5], False), ([1], False),
                  ([3, 10], True), ([0, 4], True)):
    run("seq%r" % ms, seq_make(ms, three, groups=2), steps=30)
err("seq-bad-ms", lambda: seq_make([1, 2])())
o1, o2 = opt(), opt()
err("seq-bad-opt", lambda: S.SequentialLR(
    o1, [S.ExponentialLR(o2, 0.9), S.ExponentialLR(o1, 0.9)], [2]))
o3, o4 = opt(), opt()
err("seq-bad-opt2", lambda: S.SequentialLR(
    o3, [S.ExponentialLR(o3, 0.9), S.ExponentialLR(o4, 0.9)], [2]))


# ChainedScheduler
def chain_make():
    o = opt()
    return o, S.ChainedScheduler([S.ConstantLR(o, factor=0.1,
                                               total_iters=2),
                                  S.ExponentialLR(o, gamma=0.9)])


run("chain", chain_make, steps=30)
o5, o6 = opt(), opt()
err("chain-bad", lambda: S.ChainedScheduler(
    [S.ExponentialLR(o5, 0.9), S.ExponentialLR(o6, 0.9)]))

# ReduceLROnPlateau
METRICS = [1.0, 0.9, 0.9, 0.95, 0.91, 0.9, 0.89999, 0.5, 0.6, 0.7, 0.8,
           0.9, 1.0, 0.4, 0.4, 0.4, 0.4, 0.4, 0.39, 0.41]


def plateau_step(s, i):
    s.optimizer.step()
    s.step(METRICS[i % len(METRICS)])


for kw in ({}, {"patience": 1}, {"patience": 2, "cooldown": 2},
           {"mode": "max", "patience": 1}, {"mode": "max",
                                            "threshold_mode": "abs",
                                            "threshold": 0.05,
                                            "patience": 0},
           {"threshold_mode": "abs", "threshold": 0.01, "patience": 1,
            "factor": 0.5, "min_lr": 0.02},
           {"patience": 0, "factor": 0.5, "min_lr": [0.01, 0.03],
            "eps": 0.02},
           {"patience": 0, "cooldown": 3, "factor": 0.3}):
    run("plateau%r" % kw, sched(S.ReduceLROnPlateau, groups=2, **kw),
        steps=40, step=plateau_step)
run("plateau-epoch", sched(S.ReduceLROnPlateau, patience=0), steps=5,
    step=lambda s, i: s.step(1.0, epoch=i + 5))
for kw in ({"factor": 1.0}, {"mode": "middle"}, {"threshold_mode": "x"},
           {"min_lr": [0.1, 0.2, 0.3]}):
    err("plateau-bad%r" % kw, lambda: S.ReduceLROnPlateau(opt(groups=2),
                                                          **kw))
err("plateau-notopt", lambda: S.ReduceLROnPlateau(object()))
# CyclicLR
for kw in ({"step_size_up": 4},
           {"step_size_up": 3, "step_size_down": 5, "mode": "triangular2"},
           {"step_size_up": 5, "mode": "exp_range", "gamma": 0.97},
           {"step_size_up": 4, "cycle_momentum": False},
           {"step_size_up": 2, "base_momentum": [0.7, 0.75],
            "max_momentum": 0.95},
           {"step_size_up": 3, "scale_fn": lambda x: 0.5 ** x,
            "scale_mode": "iterations"},
           {"step_size_up": 3, "scale_fn": lambda x: 1 / x}):
    run("cyclic%r" % sorted(kw), sched(S.CyclicLR, groups=2, base_lr=0.01,
                                       max_lr=[0.1, 0.2], **kw), steps=40)
run("cyclic-adam", sched(S.CyclicLR, kind="adam", base_lr=0.01, max_lr=0.1,
                         step_size_up=3, cycle_momentum=False), steps=10)
err("cyclic-adam-mom", lambda: S.CyclicLR(opt("adam"), 0.01, 0.1))
err("cyclic-mode", lambda: S.CyclicLR(opt(), 0.01, 0.1, mode="tri"))
err("cyclic-len", lambda: S.CyclicLR(opt(), [0.01, 0.02], 0.1))
err("cyclic-notopt", lambda: S.CyclicLR(object(), 0.01, 0.1))
# CosineAnnealingWarmRestarts
for kw in ({"T_0": 5}, {"T_0": 3, "T_mult": 2},
           {"T_0": 2, "T_mult": 3, "eta_min": 0.001}):
    run("cawr%r" % kw, sched(S.CosineAnnealingWarmRestarts, groups=2, **kw),
        steps=45)
    run("cawr-frac%r" % kw, sched(S.CosineAnnealingWarmRestarts, **kw),
        steps=40, step=lambda s, i: s.step(i * 0.37))
    run("cawr-int%r" % kw, sched(S.CosineAnnealingWarmRestarts, **kw),
        steps=30, step=by_epoch([0, 1, 2, 7, 3, 15, 16, 4, 40, 41, 2.5]))
for kw in ({"T_0": 0}, {"T_0": 2.0}, {"T_0": 2, "T_mult": 0},
           {"T_0": 2, "T_mult": 1.5}):
    err("cawr-bad%r" % kw, lambda: S.CosineAnnealingWarmRestarts(opt(),
                                                                 **kw))
err("cawr-neg", lambda: S.CosineAnnealingWarmRestarts(opt(), 3).step(-1))
# OneCycleLR
for kw in ({"total_steps": 40},
           {"total_steps": 40, "anneal_strategy": "linear"},
           {"total_steps": 40, "three_phase": True},
           {"total_steps": 40, "three_phase": True,
            "anneal_strategy": "linear", "pct_start": 0.4},
           {"epochs": 4, "steps_per_epoch": 10, "div_factor": 10.0,
            "final_div_factor": 100.0},
           {"total_steps": 40, "cycle_momentum": False},
           {"total_steps": 40, "base_momentum": 0.8, "max_momentum": 0.9}):
    run("onecycle%r" % kw, sched(S.OneCycleLR, groups=2, max_lr=[0.1, 0.3],
                                 **kw), steps=39)
    run("onecycle-adam%r" % kw, sched(S.OneCycleLR, kind="adam",
                                      max_lr=0.2, **kw), steps=39)
run("onecycle-over", sched(S.OneCycleLR, max_lr=0.1, total_steps=5),
    steps=7)
for kw in ({}, {"total_steps": 0}, {"total_steps": 2.0},
           {"epochs": 0, "steps_per_epoch": 3},
           {"epochs": 2, "steps_per_epoch": 1.5},
           {"total_steps": 10, "pct_start": 1},
           {"total_steps": 10, "pct_start": 1.5},
           {"total_steps": 10, "anneal_strategy": "exp"},
           {"total_steps": 10, "max_lr": [0.1, 0.2]}):
    kw2 = dict(kw)
    kw2.setdefault("max_lr", 0.1)
    err("onecycle-bad%r" % kw, lambda: S.OneCycleLR(opt(), **kw2))
err("onecycle-notopt", lambda: S.OneCycleLR(object(), 0.1, 10))
err("onecycle-nomom", lambda: S.OneCycleLR(
    torch.optim.Adagrad([torch.zeros(1, requires_grad=True)]), 0.1, 10))
# warnings from get_lr() outside step()
for cls, kw in ((S.ConstantLR, {}), (S.LinearLR, {}), (S.PolynomialLR, {}),
                (S.MultiplicativeLR, {"lr_lambda": lambda e: 0.9}),
                (S.CosineAnnealingWarmRestarts, {"T_0": 3}),
                (S.CyclicLR, {"base_lr": 0.01, "max_lr": 0.1}),
                (S.OneCycleLR, {"max_lr": 0.1, "total_steps": 10})):
    def warn_case(cls=cls, kw=kw):
        o = opt()
        s = cls(o, **kw)
        s.step()
        return o, s
    run("getlr-" + cls.__name__, warn_case, steps=2,
        step=lambda s, i: print("getlr", repr(s.get_lr())))


def replaced_step():
    o = opt()
    s = S.StepLR(o, 2)
    o.step = lambda closure=None: None  # after the scheduler wrapped it
    return o, s


run("step-replaced", replaced_step, steps=3)
print("cases", CASES[0])
