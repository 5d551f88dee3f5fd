"""Runs the README's shell command blocks (```sh) as a user would.

Every ```sh block of README.md is either run here or listed in SKIPPED with
the reason and the test that covers it instead; a block that is neither
fails the test, so a new README block must be classified. Blocks run under
`bash -e` in a scratch directory with the build's tensord, tensorctl and
Python package, against servers the test starts on ephemeral ports:

- `script/server` becomes the built tensord (script/server would configure
  and build the tree ctest is running from); `build/` becomes the build dir.
- Fixed ports in a block (50051, 8080, 8081) become free ephemeral ones.
- A comment that shows an output (`# tensor([0., 2., 4., 6.])`, `# SERVING`)
  must appear in what the block prints.

    readme_test.py README BUILD_DIR
"""
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time

# First line of a block -> why it is not run here (and what covers it).
SKIPPED = {
    "script/demo": "runs the whole quick start; CI runs script/test itself",
    "cmake --install build  ": "installs into /usr/local; example_python "
                               "and example_go install into a prefix",
    "cmake --install build --prefix": "builds a separate project; "
                                      "find_package_consumer covers it",
    "docker build": "needs a Docker engine; the container test uses buildah",
    "buildah --storage-driver": "script/container-test (about 9 minutes)",
    "docker compose": "needs a Docker engine",
    "kubectl apply": "needs a Kubernetes cluster; deploy_manifests checks "
                     "the manifests",
    "script/fuzz": "minutes of fuzzing; the fuzz regression tests run the "
                   "corpus",
}

# Expected-output comments that are descriptions, not output.
NOT_OUTPUT = re.compile(r"^(gRPC health|HTTP readiness|HTTP/JSON|"
                        r"kept open|every op|a PyTorch script|\.\.\.|Python's|"
                        r"NumPy file|printed as|tensor -> NumPy|autograd graph|"
                        r"--output=json|x = tensor|y = 2|\{\"info\"|"
                        r"float32 bytes|\{\"name\"|the package goes|or straight|"
                        r"as `tensorctl run`|/usr/local)")


def blocks(readme):
    out, cur, start = [], None, 0
    with open(readme) as f:
        for n, line in enumerate(f, 1):
            if cur is None and line.rstrip() == "```sh":
                cur, start = [], n
            elif cur is not None and line.startswith("```"):
                out.append((start, "".join(cur)))
                cur = None
            elif cur is not None:
                cur.append(line)
    return out


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def expected_outputs(text):
    """`# text` comments that show what a command prints."""
    want = []
    for line in text.splitlines():
        if "#" not in line or line.lstrip().startswith("#"):
            continue
        note = line.split("#", 1)[1].strip()
        if note.startswith("tensor(") or note in ("SERVING, exit 0",):
            want.append(note.split(",")[0] if note.startswith("SERVING")
                        else note)
    return want


def main():
    readme, build = sys.argv[1], os.path.abspath(sys.argv[2])
    failures, ran = [], 0
    tmp = tempfile.mkdtemp(prefix="tensord-readme-")
    bin_dir = os.path.join(tmp, "bin")
    os.mkdir(bin_dir)
    for name, path in (("tensorctl", "client/tensorctl"),
                       ("tensord", "server/tensord")):
        os.symlink(os.path.join(build, path), os.path.join(bin_dir, name))
    # What the blocks use: a script, NumPy files, a safetensors file.
    with open(os.path.join(tmp, "script.py"), "w") as f:
        f.write("import torch\nprint(torch.arange(3.0) * 2)\n")
    subprocess.run(["/usr/bin/python3", "-c",
                    "import numpy; numpy.save('data.npy', "
                    "numpy.arange(6, dtype=numpy.float32).reshape(2, 3))\n"
                    "numpy.savez('arrays.npz', u=numpy.ones(3))"],
                   cwd=tmp, check=True)
    # model.safetensors with tensors w and b (the format: header length,
    # JSON header, little-endian data).
    import json
    import struct
    header = json.dumps({
        "b": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]},
        "w": {"dtype": "F32", "shape": [2, 2], "data_offsets": [8, 24]}},
        separators=(",", ":")).encode()
    header += b" " * (-len(header) % 8)
    with open(os.path.join(tmp, "model.safetensors"), "wb") as f:
        f.write(struct.pack("<Q", len(header)) + header +
                struct.pack("<6f", 0.5, -0.5, 1, 2, 3, 4))
    # A tensord for the blocks that expect one at TENSORD_SERVER.
    port = free_port()
    server = subprocess.Popen(
        [os.path.join(build, "server/tensord"),
         "--listen=127.0.0.1:%d" % port, "--drain_delay=0"],
        stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        for _ in range(100):
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.1)
        for line, text in blocks(readme):
            first = text.splitlines()[0] if text.strip() else ""
            reason = next((r for k, r in SKIPPED.items()
                           if first.startswith(k)), None)
            if reason is not None:
                print("skip  README:%d %s  (%s)" % (line, first[:40], reason))
                continue
            ports = {p: free_port() for p in ("50051", "8080", "8081")}
            script = text.replace("script/server", os.path.join(
                bin_dir, "tensord") + " --drain_delay=0")
            script = re.sub(r"(?<![\w/])build/", build + "/", script)
            for p, q in ports.items():
                script = script.replace("127.0.0.1:" + p, "127.0.0.1:%d" % q)
            # Debian's python3 (with numpy) is the `python3` of the blocks.
            env = dict(os.environ, PATH=bin_dir + ":/usr/bin:" +
                       os.environ["PATH"],
                       TENSORD_SERVER="127.0.0.1:%d" % port,
                       TENSORD_DRAIN_DELAY="0",
                       PYTHONPATH=os.path.join(build, "python"))
            env.pop("TENSORD_SESSION", None)
            # Output to a file: a server the block leaves in the background
            # keeps a pipe open.
            log = os.path.join(tmp, "block-%d.out" % line)
            with open(log, "w") as out_f:
                p = subprocess.Popen(["bash", "-e", "-c", script], cwd=tmp,
                                     env=env, stdin=subprocess.DEVNULL,
                                     stdout=out_f, stderr=subprocess.STDOUT,
                                     start_new_session=True)
                try:
                    p.wait(timeout=120)
                except subprocess.TimeoutExpired:
                    p.kill()
                    p.wait()
                    failures.append("README:%d timed out" % line)
                finally:
                    try:  # servers the block left in the background
                        os.killpg(p.pid, signal.SIGKILL)
                    except ProcessLookupError:
                        pass
            with open(log) as f:
                out = f.read()
            ran += 1
            problems = []
            if p.returncode != 0:
                problems.append("exit %d" % p.returncode)
            for want in expected_outputs(text):
                if want not in out:
                    problems.append("no %r in the output" % want)
            status = "FAIL" if problems else "ok"
            print("%-5s README:%d %s %s" % (status, line, first[:40],
                                            "; ".join(problems)))
            if problems:
                failures.append("README:%d (%s):\n%s" % (
                    line, "; ".join(problems), out[-3000:]))
    finally:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait()
    if ran == 0:
        failures.append("no README block ran")
    for f in failures:
        print(f)
    print("%d README blocks ran, %d failed" % (ran, len(failures)))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
