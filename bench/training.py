"""script/bench training: training steps through tensord against local
PyTorch in the same run, alternating, ROUNDS times:

  mlp   bench/mlp_train.py (30 SGD steps of a 512-wide MLP, batch 256,
        written without torch.nn) through `tensorctl run`;
  cnn   bench/cnn_train.py (a LeNet-style CNN, batch 64, torch.nn + SGD)
        through `tensorctl run` and through the package
        (`python3 -m tensord run`);
  lstm  bench/lstm_train.py (an LSTM language model, torch.nn + Adam +
        clip_grad_norm_) through both as well.

PyTorch runs with one thread (the fair single-client comparison). Each run
must print the same loss as PyTorch's. Prints each round, then per case the
ranges of time per step, round trips per step, and `X vs torch: MIN-MAX`
(tensord's time per step over torch's: below 1, tensord is faster); the last
line is `training time per step vs torch: MIN-MAX` over all cases (issue
target: at most 1.5).

    training.py TENSORD TENSORCTL [ROUNDS]
"""
import os
import re
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
CASES = [("mlp", "mlp_train.py", ("tensorctl",)),
         ("cnn", "cnn_train.py", ("tensorctl", "package")),
         ("lstm", "lstm_train.py", ("tensorctl", "package"))]
PACKAGE_DIR = os.environ.get("TENSORD_PYTHONPATH", "")


def parse(out):
    loss = re.search(r"^loss (\S+)$", out, re.M)
    step = re.search(r"^step_ms (\S+)$", out, re.M)
    trips = re.search(r"^round_trips_per_step (\S+)$", out, re.M)
    if not loss or not step:
        raise RuntimeError("unexpected output: %r" % out)
    return loss.group(1), float(step.group(1)), (
        float(trips.group(1)) if trips else None)


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
        torch_env = dict(os.environ, OMP_NUM_THREADS="1", MKL_NUM_THREADS="1")
        pkg_env = dict(os.environ, PYTHONPATH=PACKAGE_DIR)
        all_ratios = []
        for name, script, ways in CASES:
            path = os.path.join(HERE, script)
            ours = {w: [] for w in ways}
            trips = {w: [] for w in ways}
            theirs = []
            for r in range(rounds):
                b = subprocess.run(["/usr/bin/python3", path],
                                   capture_output=True, text=True, check=True,
                                   env=torch_env)
                lb, sb, _ = parse(b.stdout)
                theirs.append(sb)
                line = "%s round %d: torch (1 thread) %.1f ms/step" % (
                    name, r + 1, sb)
                for w in ways:
                    if w == "tensorctl":
                        cmd, env = [tensorctl, "--server=127.0.0.1:" + port,
                                    "run", path], None
                    else:
                        cmd, env = ["/usr/bin/python3", "-m", "tensord",
                                    "--server=127.0.0.1:" + port, "run",
                                    path], pkg_env
                    a = subprocess.run(cmd, capture_output=True, text=True,
                                       check=True, env=env)
                    la, sa, ta = parse(a.stdout)
                    if la != lb:
                        raise RuntimeError("%s: losses differ: tensord (%s) "
                                           "%s, torch %s" % (name, w, la, lb))
                    ours[w].append(sa)
                    if ta is not None:
                        trips[w].append(ta)
                    line += ", %s %.1f ms/step" % (w, sa)
                print(line + ", loss " + lb, flush=True)
            for w in ways:
                ratios = sorted(o / t for o, t in zip(ours[w], theirs))
                all_ratios += ratios
                tr = ("%.1f round trips/step, " % min(trips[w])
                      if trips[w] else "")
                print("%s (%s): tensord %.1f-%.1f ms/step, torch %.1f-%.1f "
                      "ms/step, %s%s vs torch: %.2f-%.2f" % (
                          name, w, min(ours[w]), max(ours[w]), min(theirs),
                          max(theirs), tr, name, ratios[0], ratios[-1]))
        all_ratios.sort()
        print("training time per step vs torch: %.2f-%.2f" % (
            all_ratios[0], all_ratios[-1]))
    finally:
        server.terminate()
        server.wait()


if __name__ == "__main__":
    main()
