#!/usr/bin/python3
"""Prints the core benchmark table: our time, torch's, and the speedup.

Usage: /usr/bin/python3 bench/report.py OURS.json TORCH.json

OURS.json is core_bench's --benchmark_format=json output (per-iteration
real time of each repetition; the best repetition counts), TORCH.json is
bench/torch_core.py's. ratio = torch time / our time, so above 1.0 we are
faster. The last line is always `core geomean speedup vs torch: X.XX`, over
the cases both sides measured; the exit status is 1 if a case is missing or
failed on either side.
"""
import json
import math
import sys

UNIT_S = {"ns": 1e-9, "us": 1e-6, "ms": 1e-3, "s": 1.0}


def case_name(bench):
    # "matmul_256/real_time" -> "matmul_256"
    return bench.get("run_name", bench["name"]).split("/")[0]


def load_ours(path):
    """case -> best per-iteration seconds (None if it failed)."""
    with open(path) as f:
        data = json.load(f)
    times = {}
    for b in data.get("benchmarks", []):
        if b.get("run_type", "iteration") != "iteration":
            continue  # aggregates (mean, median, stddev)
        name = case_name(b)
        if b.get("error_occurred"):
            times.setdefault(name, None)
            print(f"report: ours {name}: {b.get('error_message', 'error')}",
                  file=sys.stderr)
            continue
        t = b["real_time"] * UNIT_S[b.get("time_unit", "ns")]
        prev = times.get(name)
        times[name] = t if prev is None else min(prev, t)
    return times, data.get("context", {})


def load_torch(path):
    with open(path) as f:
        data = json.load(f)
    return {n: c for n, c in data["cases"].items()}, data


def fmt_time(s):
    if s is None:
        return "n/a"
    if s < 1e-3:
        return f"{s * 1e6:.2f} us"
    if s < 1:
        return f"{s * 1e3:.2f} ms"
    return f"{s:.3f} s"


def main():
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    ours, ctx = load_ours(sys.argv[1])
    theirs, tdata = load_torch(sys.argv[2])

    names = list(ours) + [n for n in theirs if n not in ours]
    rows = []
    ratios = []
    missing = []
    for n in names:
        o = ours.get(n)
        tc = theirs.get(n)
        t = tc["time_s"] if tc else None
        if o is None or t is None or o <= 0:
            missing.append(n)
            rows.append((n, fmt_time(o), fmt_time(t), "", "n/a"))
            continue
        ratio = t / o
        ratios.append(ratio)
        rows.append((n, fmt_time(o), fmt_time(t), f"{tc['threads']}", f"{ratio:.2f}"))

    header = ("case", "ours", "torch", "torch thr", "ratio")
    widths = [max(len(r[i]) for r in rows + [header]) for i in range(len(header))]
    align = ["<", ">", ">", ">", ">"]

    def line(cells):
        return "  ".join(f"{c:{a}{w}}" for c, a, w in zip(cells, align, widths))

    print(f"tensord core vs torch {tdata.get('torch_version', '?')} "
          f"(gemm: {ctx.get('gemm_kernel', '?')}, host cpus: {ctx.get('num_cpus', '?')}, "
          f"torch threads tried: {tdata.get('thread_configs', '?')})")
    print("ratio = torch time / our time (> 1: we are faster); "
          "best of repetitions on both sides")
    print(line(header))
    print(line(["-" * w for w in widths]))
    for r in rows:
        print(line(r))
    if missing:
        print(f"missing or failed (left out of the geomean): {', '.join(missing)}")
    geo = math.exp(sum(math.log(r) for r in ratios) / len(ratios)) if ratios else float("nan")
    print(f"core geomean speedup vs torch: {geo:.2f}")
    return 1 if missing or not ratios else 0


if __name__ == "__main__":
    sys.exit(main())
