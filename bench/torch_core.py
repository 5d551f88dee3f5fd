#!/usr/bin/python3
"""The core_bench cases (bench/core_bench.cc) timed in PyTorch, as JSON.

Each case is timed with time.perf_counter: a warm-up, then `--repetitions`
rounds of N iterations (N chosen so a round lasts about `--min-time`
seconds); a round's time per iteration is its total over N, and the case's
time is the best round. Every case runs under torch's default threading and
under torch.set_num_threads(2); the better of the two is the anchor, so our
numbers are compared with torch at its best on this machine.

Keep the cases in step with core_bench.cc: same names, shapes, dtypes and
work per iteration.

Usage: /usr/bin/python3 bench/torch_core.py [--filter REGEX] [--min-time S]
                                            [--repetitions N] > torch.json
"""
import argparse
import json
import math
import re
import sys
import time

import torch

M16 = 16 << 20


def matmul(n):
    def setup():
        a = torch.rand(n, n)
        b = torch.rand(n, n)
        return lambda: a @ b
    return setup


def add_16m():
    x = torch.rand(M16)
    y = torch.rand(M16)
    return lambda: x + y  # a freshly allocated result each time


def big4096():
    return torch.rand(4096, 4096)


def mul_bcast():
    a = big4096()
    v = torch.rand(4096)
    return lambda: a * v


def sum_dims(dim):
    def setup():
        a = big4096()
        if dim is None:
            return lambda: a.sum()
        return lambda: a.sum(dim)
    return setup


def cumsum_dim(dim):
    def setup():
        a = big4096()
        return lambda: torch.cumsum(a, dim)
    return setup


def dot_fwd_bwd():
    x = torch.rand(4, requires_grad=True)

    def step():
        y = 2 * torch.dot(x, x)
        y.backward()
        x.grad = None
    return step


def mlp():
    x = torch.rand(64, 1024)
    ws = [(torch.randn(1024, 1024) / 32).requires_grad_() for _ in range(3)]
    w1, w2, w3 = ws

    def step():
        h = torch.relu(torch.matmul(x, w1))
        h = torch.relu(torch.matmul(h, w2))
        loss = torch.matmul(h, w3).sum()
        loss.backward()
        for w in ws:
            w.grad = None
    return step


def cross_entropy():
    logits = torch.rand(256, 1000, requires_grad=True)
    target = torch.randint(0, 1000, (256,))

    def step():
        loss = torch.nn.functional.cross_entropy(logits, target)
        loss.backward()
        logits.grad = None
    return step


def sort_dim1():
    a = torch.rand(1024, 1024)
    return lambda: torch.sort(a, 1)


def index_select_rows():
    a = torch.rand(4096, 1024)
    idx = torch.randint(0, 4096, (2048,))
    return lambda: torch.index_select(a, 0, idx)


def gather_dim1():
    a = torch.rand(1024, 1024)
    idx = torch.randint(0, 1024, (1024, 512))
    return lambda: torch.gather(a, 1, idx)


def cnn():
    import torch.nn.functional as F
    x = torch.rand(32, 3, 32, 32)
    shapes = [((16, 3, 3, 3), 0.2), ((16,), 0.1), ((32, 16, 3, 3), 0.1),
              ((32,), 0.1), ((10, 2048), 0.02), ((10,), 0.1)]
    ps = [(torch.randn(*s) * k).requires_grad_() for s, k in shapes]
    w1, b1, w2, b2, w3, b3 = ps

    def step():
        h = F.max_pool2d(torch.relu(F.conv2d(x, w1, b1, padding=1)), 2)
        h = F.max_pool2d(torch.relu(F.conv2d(h, w2, b2, padding=1)), 2)
        loss = F.linear(h.reshape(32, 2048), w3, b3).sum()
        loss.backward()
        for p in ps:
            p.grad = None
    return step


# name -> setup() returning the step to time; names match core_bench.cc.
CASES = {
    "matmul_256": matmul(256),
    "matmul_1024": matmul(1024),
    "matmul_2048": matmul(2048),
    "add_16M": add_16m,
    "mul_bcast_4096x4096_4096": mul_bcast,
    "sum_all_4096x4096": sum_dims(None),
    "sum_dim0_4096x4096": sum_dims(0),
    "sum_dim1_4096x4096": sum_dims(1),
    "cumsum_dim0_4096x4096": cumsum_dim(0),
    "cumsum_dim1_4096x4096": cumsum_dim(1),
    "dot_fwd_bwd_4": dot_fwd_bwd,
    "mlp3_fwd_bwd_1024_b64": mlp,
    "cross_entropy_fwd_bwd_256x1000": cross_entropy,
    "sort_dim1_1024x1024": sort_dim1,
    "index_select_2048_of_4096x1024": index_select_rows,
    "gather_dim1_1024x1024_512": gather_dim1,
    "cnn_fwd_bwd_b32": cnn,
}


def time_step(step, min_time, repetitions):
    """Best per-iteration seconds over `repetitions` rounds of N calls."""
    # Warm-up: at least 2 calls and 0.1 s (allocator, threads, caches).
    t0 = time.perf_counter()
    calls = 0
    while True:
        step()
        calls += 1
        elapsed = time.perf_counter() - t0
        if calls >= 2 and elapsed >= 0.1:
            break
    per_call = elapsed / calls
    n = max(1, math.ceil(min_time / per_call))
    rounds = []
    for _ in range(repetitions):
        t = time.perf_counter()
        for _ in range(n):
            step()
        rounds.append((time.perf_counter() - t) / n)
    return min(rounds), n, rounds


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--filter", default="", help="regex on case names")
    p.add_argument("--min-time", type=float, default=0.2,
                   help="seconds per timed round (default 0.2)")
    p.add_argument("--repetitions", type=int, default=5,
                   help="timed rounds per case and threading (default 5)")
    args = p.parse_args()

    torch.manual_seed(0)
    names = [n for n in CASES if re.search(args.filter, n)]
    default_threads = torch.get_num_threads()
    thread_configs = [default_threads] + ([2] if default_threads != 2 else [])

    results = {n: {"by_threads": {}} for n in names}
    for threads in thread_configs:
        torch.set_num_threads(threads)
        for name in names:
            step = CASES[name]()
            best, iters, rounds = time_step(step, args.min_time, args.repetitions)
            del step
            results[name]["by_threads"][str(threads)] = {
                "time_s": best, "iterations": iters, "rounds_s": rounds}
            print(f"torch_core: {name} threads={threads}: {best * 1e6:.1f} us",
                  file=sys.stderr, flush=True)
    for name in names:
        by = results[name]["by_threads"]
        t, r = min(by.items(), key=lambda kv: kv[1]["time_s"])
        results[name]["time_s"] = r["time_s"]
        results[name]["threads"] = int(t)

    json.dump({
        "torch_version": torch.__version__,
        "default_threads": default_threads,
        "thread_configs": thread_configs,
        "min_time_s": args.min_time,
        "repetitions": args.repetitions,
        "cases": results,
    }, sys.stdout, indent=2)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
