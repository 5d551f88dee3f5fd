"""script/bench training: bench/mlp_train.py (30 SGD steps of a 512-wide MLP,
batch 256) through `tensorctl run` against a local tensord, and under local
PyTorch (one thread, the fair single-client comparison) in the same run,
alternating, ROUNDS times. Prints each round and the ranges, and as the last
line `training speedup vs torch: MIN-MAX` (torch's time per step over
tensord's; above 1, tensord is faster). Both runs must print the same loss.

    training.py TENSORD TENSORCTL [ROUNDS]
"""
import os
import re
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SCRIPT = os.path.join(HERE, "mlp_train.py")


def parse(out):
    loss = re.search(r"^loss (\S+)$", out, re.M)
    step = re.search(r"^step_ms (\S+)$", out, re.M)
    if not loss or not step:
        raise RuntimeError("unexpected output: %r" % out)
    return loss.group(1), float(step.group(1))


def main():
    tensord, tensorctl = sys.argv[1], sys.argv[2]
    rounds = int(sys.argv[3]) if len(sys.argv) > 3 else 3
    log = tempfile.TemporaryFile(mode="w+")
    server = subprocess.Popen([tensord, "--listen=127.0.0.1:0"], stderr=log)
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
        ours, theirs = [], []
        torch_env = dict(os.environ, OMP_NUM_THREADS="1", MKL_NUM_THREADS="1")
        for r in range(rounds):
            a = subprocess.run([tensorctl, "--server=127.0.0.1:" + port,
                                "run", SCRIPT], capture_output=True,
                               text=True, check=True)
            b = subprocess.run(["/usr/bin/python3", SCRIPT],
                               capture_output=True, text=True, check=True,
                               env=torch_env)
            (la, sa), (lb, sb) = parse(a.stdout), parse(b.stdout)
            if la != lb:
                raise RuntimeError("losses differ: tensord %s, torch %s" %
                                   (la, lb))
            ours.append(sa)
            theirs.append(sb)
            print("round %d: tensord %.1f ms/step, torch (1 thread) %.1f "
                  "ms/step, loss %s" % (r + 1, sa, sb, la))
        ratios = sorted(t / o for o, t in zip(ours, theirs))
        print("tensord %.1f-%.1f ms/step, torch %.1f-%.1f ms/step" % (
            min(ours), max(ours), min(theirs), max(theirs)))
        print("training speedup vs torch: %.2f-%.2f" % (ratios[0],
                                                         ratios[-1]))
    finally:
        server.terminate()
        server.wait()


if __name__ == "__main__":
    main()
