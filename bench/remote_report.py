#!/usr/bin/python3
"""Prints the remote benchmark table: tensord's time, bare gRPC's, the ratio.

Usage: /usr/bin/python3 bench/remote_report.py REMOTE.json

REMOTE.json is remote_bench's output. ratio = our time / reference time
(the bare gRPC echo doing the same client-side work), so 1.00 means tensord
adds nothing over gRPC itself and lower is better. The memory figures are
tensord's VmRSS and are not part of the geomean. A case timed over several
repetitions (exec_add_4_metrics_log) shows the range of its ratios, MIN-MAX,
and meets its target only if MAX does. The last line is always
`remote overhead vs echo: X.XX`, the geomean of the ratios; the exit status
is 1 if a case is missing.
"""
import json
import math
import sys

# Ratio targets (our time / echo time) per case.
TARGETS = {
    "exec_add_4": 1.2,
    "exec_chain10_4": 1.5,
    "upload_download_64M": 1.25,
    "exec_add_4_x32": 1.4,
    "exec_add_4_metrics_log": 1.05,
    "exec_add_4_http": None,
}
# Cases whose reference is tensord itself (another configuration), not the
# echo server: shown with their target, left out of the geomean.
NOT_VS_ECHO = {"exec_add_4_metrics_log", "exec_add_4_http"}


def fmt_time(s):
    if s is None or (isinstance(s, float) and math.isnan(s)):
        return "n/a"
    if s < 1e-3:
        return f"{s * 1e6:.1f} us"
    if s < 1:
        return f"{s * 1e3:.2f} ms"
    return f"{s:.3f} s"


def mib(kib):
    return f"{kib / 1024:.0f} MiB"


def main():
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    with open(sys.argv[1]) as f:
        data = json.load(f)  # figures not measured are null
    ctx = data.get("context", {})
    mem = data.get("memory", {})

    print(f"tensord remote vs bare gRPC echo on loopback "
          f"(host cpus: {ctx.get('host_cpus', '?')}, load average before "
          f"{ctx.get('load_before', '?')}, after {ctx.get('load_after', '?')})")
    if mem:
        filled = mem.get("rss_filled_kib", [])
        closed = mem.get("rss_closed_kib", [])
        gib = mem.get("fill_bytes", 0) / (1 << 30)
        print(f"tensord VmRSS: idle {mib(mem['rss_idle_kib'])}; after the cases "
              f"(their sessions closed) {mib(mem['rss_after_cases_kib'])}; "
              f"with a {gib:.3g} GiB session "
              f"{mib(filled[0]) if filled else 'n/a'}")
        if closed:
            print("tensord VmRSS after each create/fill/close cycle: "
                  + ", ".join(mib(k) for k in closed))
            flat = closed[-1] <= closed[0] * 1.10
            print(f"rss flat: {'yes' if flat else 'no'} (last cycle "
                  f"{mib(closed[-1])} vs first {mib(closed[0])}, within 10%: "
                  f"{'yes' if flat else 'no'})")
    print("ratio = our time / bare gRPC echo time (1.00: no overhead over "
          "gRPC; lower is better); server cpu: the server process's CPU "
          "time per call (per round trip for the 64M case), not in the ratio")

    rows, ratios, missing, ranges = [], [], [], []
    for c in data.get("cases", []):
        o, r = c.get("ours_s"), c.get("ref_s")
        target = TARGETS.get(c["name"])
        tgt = f"<= {target:.2f}" if target else ""
        cpu = (f"{fmt_time(c.get('ours_server_cpu_s'))} / "
               f"{fmt_time(c.get('ref_server_cpu_s'))}")
        if not o or not r:
            missing.append(c["name"])
            rows.append((c["name"], c["stat"], fmt_time(o), fmt_time(r), "n/a",
                         tgt, "", cpu))
            continue
        ratio = o / r
        if c["name"] not in NOT_VS_ECHO:
            ratios.append(ratio)
        reps = c.get("ratios")
        if reps:
            # Repetitions: the range of their ratios; the worst must meet
            # the target.
            shown, worst = f"{min(reps):.2f}-{max(reps):.2f}", max(reps)
            cpu_reps = c.get("server_cpu_ratios") or []
            ranges.append((c["name"], len(reps), min(reps), max(reps), target,
                           cpu_reps))
        else:
            shown, worst = f"{ratio:.2f}", ratio
        met = "" if target is None else ("met" if worst <= target else "over")
        rows.append((c["name"], c["stat"], fmt_time(o), fmt_time(r),
                     shown, tgt, met, cpu))
    for name in TARGETS:
        if name not in [r[0] for r in rows]:
            missing.append(name)

    header = ("case", "stat", "ours", "reference", "ratio", "target", "",
              "server cpu ours / ref")
    widths = [max(len(r[i]) for r in rows + [header])
              for i in range(len(header))]
    align = ["<", "<", ">", ">", ">", ">", "<", ">"]

    def line(cells):
        return "  ".join(f"{c:{a}{w}}" for c, a, w in
                         zip(cells, align, widths)).rstrip()

    print(line(header))
    print(line(["-" * w for w in widths]))
    for r in rows:
        print(line(r))
    for c in data.get("cases", []):
        print(f"  {c['name']}: ours = {c['ours']}; reference = {c['ref']}")
    for name, n, lo, hi, target, cpu_reps in ranges:
        server = (f"; server CPU per call on vs off {min(cpu_reps):.2f}-"
                  f"{max(cpu_reps):.2f}" if cpu_reps else "")
        print(f"{name}: metrics and access log on vs off: {lo:.2f}-{hi:.2f} "
              f"over {n} repetitions (p50 latency; target <= {target:.2f}: "
              f"{'met' if hi <= target else 'over'}){server}")
    if missing:
        print(f"missing or failed (left out of the geomean): "
              f"{', '.join(missing)}")
    geo = (math.exp(sum(math.log(r) for r in ratios) / len(ratios))
           if ratios else float("nan"))
    print(f"remote overhead vs echo: {geo:.2f}")
    return 1 if missing or not ratios else 0


if __name__ == "__main__":
    sys.exit(main())
