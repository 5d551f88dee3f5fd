"""script/bench concurrent: K = 1, 2, 4, 8 clients, each in its own tensord
session, run the same MLP training step (bench/concurrent_step.py) at once
through one local tensord (the Python package, `python3 -m tensord run`),
against K local PyTorch processes running the same step, with PyTorch's
best thread setting (1 thread and 2 threads per process both tried in the
same run; the faster counts). All clients start together (each says
"ready", then all get "go"); aggregate throughput is K * STEPS over the
longest client's time for its steps. Every client must print PyTorch's loss.
Prints a table and, last, `concurrent throughput vs torch: X.XX` (the
geomean over K of tensord's steps/s over PyTorch's).

    concurrent.py TENSORD PACKAGE_DIR [STEPS]
"""
import math
import os
import re
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SCRIPT = os.path.join(HERE, "concurrent_step.py")


def run_clients(k, cmd, env):
    procs = [subprocess.Popen(cmd, stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True, env=env)
             for _ in range(k)]
    for p in procs:
        while True:
            line = p.stdout.readline()
            if not line:
                raise RuntimeError("a client exited before it was ready")
            if line.strip() == "ready":
                break
    for p in procs:
        p.stdin.write("go\n")
        p.stdin.flush()
    losses, seconds = [], []
    for p in procs:
        out, _ = p.communicate()
        if p.returncode != 0:
            raise RuntimeError("a client failed: %r" % out)
        losses.append(re.search(r"^loss (\S+)$", out, re.M).group(1))
        seconds.append(float(re.search(r"^seconds (\S+)$", out,
                                        re.M).group(1)))
    # They started together: the slowest one's steps end the run (process
    # start-up and exit are not counted).
    return max(seconds), losses


def main():
    tensord, package_dir = sys.argv[1], sys.argv[2]
    steps = int(sys.argv[3]) if len(sys.argv) > 3 else 20
    log = tempfile.TemporaryFile(mode="w+")
    server = subprocess.Popen([tensord, "--listen=127.0.0.1:0",
                               "--access_log=false"], stderr=log)
    try:
        port = None
        for _ in range(200):
            log.seek(0)
            m = re.search(r"\(port (\d+)\)", log.read())
            if m:
                port = m.group(1)
                break
            time.sleep(0.05)
        if port is None:
            raise RuntimeError("tensord did not start")
        base = dict(os.environ, STEPS=str(steps))
        ours_env = dict(base, PYTHONPATH=package_dir)
        ours_cmd = ["/usr/bin/python3", "-m", "tensord",
                    "--server=127.0.0.1:" + port, "run", SCRIPT]
        torch_cmd = ["/usr/bin/python3", SCRIPT]
        ratios = []
        print("%3s %16s %16s %16s %8s" % ("K", "tensord steps/s",
                                          "torch 1 thr", "torch 2 thr",
                                          "ratio"))
        for k in (1, 2, 4, 8):
            t_ours, l_ours = run_clients(k, ours_cmd, ours_env)
            best = None
            rates = []
            for threads in ("1", "2"):
                env = dict(base, OMP_NUM_THREADS=threads,
                           MKL_NUM_THREADS=threads)
                t, l_torch = run_clients(k, torch_cmd, env)
                if set(l_ours) != set(l_torch):
                    raise RuntimeError("losses differ: tensord %s, torch %s"
                                       % (l_ours, l_torch))
                rates.append(k * steps / t)
            ours = k * steps / t_ours
            best = max(rates)
            ratios.append(ours / best)
            print("%3d %16.1f %16.1f %16.1f %8.2f" % (k, ours, rates[0],
                                                      rates[1], ours / best),
                  flush=True)
        geo = math.exp(sum(math.log(r) for r in ratios) / len(ratios))
        print("concurrent throughput vs torch: %.2f" % geo)
    finally:
        server.terminate()
        server.wait()


if __name__ == "__main__":
    main()
