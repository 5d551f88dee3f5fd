"""torch.save / torch.load across implementations, and hostile files.

Run by ctest (label `python`) as
    TENSORD_BINARY=build/server/tensord PYTHONPATH=build/python \\
        /usr/bin/python3 tests/checkpoint/checkpoint_test.py -v

- PyTorch (/usr/bin/python3 with Debian's python3-torch, in a subprocess)
  writes a checkpoint: a small model's state_dict (nn.Linear, BatchNorm1d
  with its int64 counter, an Embedding), an SGD-with-momentum optimizer's
  state_dict after a step, views (transposed, sliced, expanded) and every
  dtype tensord has; it also writes the values as JSON. tensord (the
  package, against a tensord started here on an ephemeral port) loads the
  checkpoint and must find the same structure, dtypes, shapes and values.
- tensord writes a checkpoint of the same kinds; PyTorch loads it (also
  with weights_only=True) and checks it against tensord's JSON.
- Hostile files: pickles naming os.system / builtins.eval (through GLOBAL
  and STACK_GLOBAL) are refused before anything runs; truncated archives,
  records of the wrong size, tensors reaching outside their storage,
  absurd sizes, and random corruptions raise an exception of a documented
  class, quickly, never crash or hang.

Exit 77 (ctest's SKIP_RETURN_CODE) when /usr/bin/python3 cannot import
torch: nothing is compared then, so nothing passes.
"""
import collections
import io
import json
import os
import pickle
import random
import re
import struct
import subprocess
import sys
import tempfile
import textwrap
import time
import unittest
import zipfile

import tensord

TORCH_PYTHON = "/usr/bin/python3"
LOAD_ERRORS = (pickle.UnpicklingError, RuntimeError, NotImplementedError,
               EOFError)


def torch_available():
    return subprocess.run([TORCH_PYTHON, "-c", "import torch"],
                          capture_output=True).returncode == 0


def run_torch(source, *args):
    """Runs `source` under PyTorch (a clean environment: no tensord)."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    p = subprocess.run([TORCH_PYTHON, "-c", textwrap.dedent(source)] +
                       list(args), capture_output=True, text=True,
                       timeout=180, env=env)
    if p.returncode != 0:
        raise AssertionError("PyTorch side failed:\n" + p.stdout + p.stderr)
    return p.stdout


class Server:
    def __init__(self):
        self.log = tempfile.TemporaryFile(mode="w+")
        self.proc = subprocess.Popen(
            [os.environ["TENSORD_BINARY"], "--listen=127.0.0.1:0"],
            stderr=self.log, stdout=self.log)
        deadline = time.time() + 20
        while time.time() < deadline:
            self.log.seek(0)
            m = re.search(r"\(port (\d+)\)", self.log.read())
            if m:
                self.target = "127.0.0.1:%s" % m.group(1)
                return
            time.sleep(0.05)
        self.stop()
        raise RuntimeError("tensord did not start")

    def stop(self):
        self.proc.terminate()
        self.proc.wait(30)
        self.log.close()


# What a tensor is, as JSON both sides write: dtype name, shape, values
# (complex as [re, im]), requires_grad.
DESCRIBE = '''
def describe(obj):
    if isinstance(obj, torch.Tensor):
        vals = obj.detach().reshape(-1).tolist()
        if obj.dtype.is_complex:
            vals = [[v.real, v.imag] for v in vals]
        return {"tensor": str(obj.dtype), "shape": list(obj.shape),
                "values": vals, "requires_grad": obj.requires_grad}
    if isinstance(obj, dict):
        return {"dict": type(obj).__name__,
                "items": [[describe(k), describe(v)] for k, v in obj.items()]}
    if isinstance(obj, (list, tuple)):
        return {type(obj).__name__: [describe(v) for v in obj]}
    if isinstance(obj, torch.dtype):
        return {"dtype": str(obj)}
    return {"value": obj, "type": type(obj).__name__}
'''

TORCH_WRITER = '''
import collections, json, sys
import torch
torch.manual_seed(0)
model = torch.nn.Sequential(torch.nn.Linear(4, 3), torch.nn.BatchNorm1d(3),
                            torch.nn.ReLU(), torch.nn.Linear(3, 2))
emb = torch.nn.Embedding(5, 2, padding_idx=0)
opt = torch.optim.SGD(list(model.parameters()), lr=0.1, momentum=0.9)
x = torch.randn(8, 4)
model(x).pow(2).mean().backward()
opt.step()
base = torch.arange(24, dtype=torch.float64).reshape(4, 6) / 3
ck = {
    "model": model.state_dict(),
    "emb": emb.state_dict(),
    "optimizer": opt.state_dict(),
    "epoch": 12, "best": 0.125, "tag": "run-7", "none": None,
    "flags": (True, False), "big": 2 ** 40, "neg": -3,
    "dtypes": [torch.float32, torch.int64],
    "views": {"t": base.t(), "row": base[2], "col": base[:, 1],
              "step": base[::2, 1::2], "expanded": torch.arange(3.)
              .expand(4, 3), "scalar": base[1, 1],
              "perm": torch.arange(24.).reshape(2, 3, 4).permute(2, 0, 1)},
    "kinds": {"i32": torch.tensor([-7, 0, 2 ** 31 - 1], dtype=torch.int32),
              "i64": torch.tensor([-2 ** 62, 5]), "b": torch.tensor([True,
              False, True]), "c": torch.tensor([1 + 2j, -0.5j],
              dtype=torch.complex64), "empty": torch.zeros(0, 3),
              "grad": torch.ones(2, requires_grad=True),
              "f16": torch.tensor([0.1, -65504.0, 3.0]).half(),
              "bf16": torch.tensor([0.1, 3e38]).bfloat16(),
              "u8": torch.tensor([0, 200, 255], dtype=torch.uint8),
              "i8": torch.tensor([-128, 127], dtype=torch.int8),
              "i16": torch.tensor([-300, 300], dtype=torch.int16)},
}
torch.save(ck, sys.argv[1])
''' + DESCRIBE + '''
with open(sys.argv[2], "w") as f:
    json.dump(describe(ck), f)
print("size", tuple(ck["model"]["0.weight"].shape))
'''

TORCH_READER = '''
import json, sys
import torch
''' + DESCRIBE + '''
ck = torch.load(sys.argv[1])
with open(sys.argv[2]) as f:
    want = json.load(f)
got = json.loads(json.dumps(describe(ck)))
if got != want:
    print("MISMATCH")
    print(json.dumps(got)[:2000])
    print(json.dumps(want)[:2000])
    sys.exit(1)
only = torch.load(sys.argv[3], weights_only=True)
print("weights_only", sorted(only), only["w"].dtype, only["w"].is_contiguous())
z = __import__("zipfile").ZipFile(sys.argv[1])
print("records", [n.split("/", 1)[1] for n in z.namelist()])
print("OK")
'''


def describe_tensord(torch, obj):
    """DESCRIBE's output for tensord objects."""
    if isinstance(obj, torch.Tensor):
        vals = obj.detach().reshape(-1).tolist()
        if obj.dtype.is_complex:
            vals = [[v.real, v.imag] for v in vals]
        return {"tensor": str(obj.dtype), "shape": list(obj.shape),
                "values": vals, "requires_grad": obj.requires_grad}
    if isinstance(obj, dict):
        return {"dict": type(obj).__name__,
                "items": [[describe_tensord(torch, k),
                           describe_tensord(torch, v)]
                          for k, v in obj.items()]}
    if isinstance(obj, (list, tuple)):
        return {type(obj).__name__: [describe_tensord(torch, v)
                                     for v in obj]}
    if isinstance(obj, torch.dtype):
        return {"dtype": str(obj)}
    return {"value": obj, "type": type(obj).__name__}


def json_roundtrip(obj):
    return json.loads(json.dumps(obj))


def zip_with(records, name="archive"):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for rel, data in records.items():
            z.writestr("%s/%s" % (name, rel), data)
    return buf.getvalue()


def tensor_pickle(storage="FloatStorage", numel=4, offset=0, size=(4,),
                  stride=(1,), key="0"):
    """data.pkl of one tensor, written opcode by opcode as torch does."""
    def tup(items):
        out = b"("
        for v in items:
            out += b"J" + struct.pack("<i", v) if -2**31 <= v < 2**31 else \
                b"\x8a" + bytes([len(pickle.encode_long(v))]) + \
                pickle.encode_long(v)
        return out + b"t"
    def i(v):
        return tup([v])[1:-1]
    return (b"\x80\x02ctorch._utils\n_rebuild_tensor_v2\n((X" +
            struct.pack("<I", 7) + b"storagectorch\n" + storage.encode() +
            b"\nX" + struct.pack("<I", len(key)) + key.encode() + b"X" +
            struct.pack("<I", 3) + b"cpu" + i(numel) + b"tQ" + i(offset) +
            tup(size) + tup(stride) + b"\x89ccollections\nOrderedDict\n)R"
            b"tR.")


class _Evil:
    def __init__(self, func, arg):
        self.func, self.arg = func, arg

    def __reduce__(self):
        return (self.func, (self.arg,))


# The model, data and steps both sides run (PyTorch with `import torch`,
# tensord with the package as `torch`).
TRAIN = """
import sys
import torch
torch.manual_seed(0)
X = torch.randn(32, 4)
y = X.sum(1, keepdim=True) * 0.5 - 1
model = torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.ReLU(),
                            torch.nn.Linear(8, 1))
opt = torch.optim.Adam(model.parameters(), lr=0.05)
sched = torch.optim.lr_scheduler.StepLR(opt, step_size=3, gamma=0.5)


def step(n):
    for _ in range(n):
        opt.zero_grad()
        loss = torch.nn.functional.mse_loss(model(X), y)
        loss.backward()
        opt.step()
        sched.step()
        print("loss %.5f" % loss.item())


def save(path):
    torch.save({"model": model.state_dict(), "opt": opt.state_dict(),
                "sched": sched.state_dict()}, path)


def resume(path):
    ck = torch.load(path)
    model.load_state_dict(ck["model"])
    opt.load_state_dict(ck["opt"])
    sched.load_state_dict(ck["sched"])
"""


class CheckpointTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = Server()
        cls.session = tensord.connect(server=cls.server.target)
        cls.session.__enter__()
        cls.torch = cls.session.torch
        cls.tmp = tempfile.mkdtemp()

    @classmethod
    def tearDownClass(cls):
        cls.session.__exit__(None, None, None)
        cls.server.stop()

    def path(self, name):
        return os.path.join(self.tmp, name)

    # ------------------------------------------------- across implementations

    def test_torch_writes_tensord_reads(self):
        ck, js = self.path("torch.pt"), self.path("torch.json")
        out = run_torch(TORCH_WRITER, ck, js)
        self.assertIn("size (3, 4)", out)
        torch = self.torch
        loaded = torch.load(ck)
        with open(js) as f:
            want = json.load(f)
        got = json_roundtrip(describe_tensord(torch, loaded))
        self.assertEqual(got["dict"], want["dict"])
        self.assertEqual(len(got["items"]), len(want["items"]))
        for (gk, gv), (wk, wv) in zip(got["items"], want["items"]):
            self.assertEqual(gk, wk)
            self.assertEqual(gv, wv, "checkpoint entry %s" % wk["value"])
        # Values are usable tensors on the server.
        model = loaded["model"]
        self.assertIsInstance(model, collections.OrderedDict)
        self.assertEqual(model["1.num_batches_tracked"].dtype, torch.int64)
        y = torch.ones(2, 4) @ model["0.weight"].T + model["0.bias"]
        self.assertEqual(tuple(y.shape), (2, 3))
        buf = loaded["optimizer"]["state"][0]["momentum_buffer"]
        self.assertEqual(tuple(buf.shape), (3, 4))
        self.assertTrue(loaded["kinds"]["grad"].requires_grad)
        # The same file through a file object and map_location='cpu'.
        with open(ck, "rb") as f:
            again = torch.load(f, map_location="cpu")
        self.assertTrue(torch.equal(again["views"]["t"],
                                    loaded["views"]["t"]))
        with self.assertRaises(NotImplementedError):
            torch.load(ck, map_location="cuda:0")

    def test_tensord_writes_torch_reads(self):
        torch = self.torch
        torch.manual_seed(3)
        w = torch.rand(3, 4)
        state = collections.OrderedDict()
        state["fc.weight"] = w
        state["fc.bias"] = w[:, 1]
        state["fc.weight_t"] = w.T
        state["counter"] = torch.tensor(5)
        state["mask"] = torch.arange(6).reshape(2, 3) > 2
        state["ids"] = torch.tensor([3, -1], dtype=torch.int32)
        state["f64"] = torch.rand(2, 2, dtype=torch.float64)
        state["c"] = torch.tensor([1.5, 2.0]).to(torch.complex64)
        state["f16"] = torch.tensor([0.1, 2.5]).half()
        state["bf16"] = torch.tensor([0.1, -7.0]).bfloat16()
        state["u8"] = torch.tensor([1, 255], dtype=torch.uint8)
        state["i8"] = torch.tensor([-5, 100], dtype=torch.int8)
        state["i16"] = torch.tensor([-30000, 7], dtype=torch.int16)
        state["empty"] = torch.zeros(0, 2)
        shared = torch.linspace(-1, 1, 4, requires_grad=True)
        ck = {"model": state,
              "optimizer": {"state": {0: {"step": 2, "exp_avg": w * 0.5}},
                            "param_groups": [{"lr": 1e-3, "betas": (0.9,
                                              0.999), "params": [0]}]},
              "shared": [shared, shared], "epoch": 3, "name": "tensord",
              "size": w.shape, "dtype": torch.float64, "none": None}
        path, js = self.path("tensord.pt"), self.path("tensord.json")
        torch.save(ck, path)
        with open(js, "w") as f:
            json.dump(describe_tensord(torch, ck), f)
        only = self.path("weights.pt")
        torch.save({"w": w, "i": torch.arange(3)}, only)
        out = run_torch(TORCH_READER, path, js, only)
        self.assertIn("OK", out)
        self.assertIn("weights_only ['i', 'w'] torch.float32 True", out)
        self.assertIn("records ['data.pkl', 'data/0',", out)
        self.assertIn("'version']", out)

    def test_training_resumes_across_implementations(self):
        """A model and its Adam state saved mid-training by one side train
        on under the other to the losses the first side gets itself."""
        def losses(text):
            return [ln for ln in text.splitlines() if ln.startswith("loss")]

        # PyTorch trains 5 steps and saves; then both sides resume from the
        # file for 5 more steps.
        first, again = self.path("torch_mid.pt"), self.path("unused.pt")
        run_torch(TRAIN + "\nstep(5)\nsave(sys.argv[1])\n", first)
        want = losses(run_torch(TRAIN + "\nresume(sys.argv[1])\nstep(5)\n",
                                first))
        self.assertEqual(len(want), 5)
        got = losses(self.run_tensord(TRAIN + "\nresume(FILE)\nstep(5)\n",
                                      first))
        self.assertEqual(got, want)
        # tensord trains 5 steps and saves; PyTorch resumes from that file
        # to the losses tensord gets when it resumes.
        mid = self.path("tensord_mid.pt")
        self.run_tensord(TRAIN + "\nstep(5)\nsave(FILE)\n", mid)
        want = losses(self.run_tensord(TRAIN + "\nresume(FILE)\nstep(5)\n",
                                       mid))
        got = losses(run_torch(TRAIN + "\nresume(sys.argv[1])\nstep(5)\n",
                               mid))
        self.assertEqual(len(want), 5)
        self.assertEqual(got, want)
        del again

    def run_tensord(self, source, path):
        """Runs `source` with `torch` the tensord package; its stdout."""
        out = io.StringIO()
        g = {"torch": self.torch, "FILE": path, "print":
             lambda *a: out.write(" ".join(str(x) for x in a) + "\n")}
        exec(compile(textwrap.dedent(source).replace("import torch\n", ""),
                     "<train>", "exec"), g)
        return out.getvalue()

    def test_roundtrip_through_bytes_keeps_identity(self):
        torch = self.torch
        a = torch.arange(4.0)
        buf = io.BytesIO()
        torch.save({"x": a, "y": a, "n": [a]}, buf)
        buf.seek(0)
        back = torch.load(buf)
        self.assertIs(back["x"], back["y"])
        self.assertIs(back["n"][0], back["x"])
        self.assertEqual(back["x"].tolist(), [0.0, 1.0, 2.0, 3.0])
        with self.assertRaisesRegex(TypeError, "cannot save an object of "
                                    "type set"):
            torch.save({1, 2}, io.BytesIO())

    # ------------------------------------------------------------- hostile

    def assert_refused(self, data, pattern):
        marker = self.path("pwned")
        with self.assertRaisesRegex(pickle.UnpicklingError, pattern):
            self.torch.load(io.BytesIO(data))
        self.assertFalse(os.path.exists(marker), "the pickle ran code")

    def test_refuses_code_globals(self):
        marker = self.path("pwned")
        for func, arg in ((os.system, "touch " + marker),
                          (eval, "open(%r, 'w')" % marker),
                          (subprocess.getoutput, "touch " + marker)):
            for proto in (2, 4):
                pkl = pickle.dumps(_Evil(func, arg), protocol=proto)
                # (protocol 2 spells builtins as __builtin__)
                self.assert_refused(zip_with({"data.pkl": pkl,
                                              "version": b"3\n"}),
                                    r"refuses the global '[\w.]+\.%s'" %
                                    func.__name__)
        # A tensor first, then the global: still refused, nothing run.
        pkl = pickle.dumps([1.5, _Evil(os.system, "touch " + marker)],
                           protocol=2)
        self.assert_refused(zip_with({"data.pkl": pkl, "version": b"3\n"}),
                            "posix.system|os.system")
        # BUILD on anything but an OrderedDict, INST/OBJ opcodes.
        self.assert_refused(zip_with({"data.pkl": b"\x80\x02]}b.",
                                      "version": b"3\n"}),
                            "can only build OrderedDict")
        self.assert_refused(zip_with({"data.pkl": b"(ios\nsystem\nX\x01\x00"
                                      b"\x00\x00x.", "version": b"3\n"}),
                            "unsupported pickle opcode")

    def test_truncated_and_corrupt_archives(self):
        torch = self.torch
        buf = io.BytesIO()
        torch.save({"w": torch.arange(64.0).reshape(8, 8),
                    "b": torch.zeros(3)}, buf)
        data = buf.getvalue()
        for cut in list(range(0, len(data), 37)) + [len(data) - 1]:
            with self.assertRaises(LOAD_ERRORS + (EOFError,),
                                   msg="cut at %d" % cut):
                torch.load(io.BytesIO(data[:cut]))
        with self.assertRaisesRegex(RuntimeError, "failed finding central "
                                    "directory"):
            torch.load(io.BytesIO(data[:len(data) // 2]))
        with self.assertRaisesRegex(pickle.UnpicklingError, "not a PyTorch"):
            torch.load(io.BytesIO(b"hello world"))
        # Random corruption of the whole file: a documented error or a
        # load, never anything else, and fast.
        rng = random.Random(14)
        start = time.time()
        for _ in range(300):
            b = bytearray(data)
            for _ in range(rng.randint(1, 8)):
                b[rng.randrange(len(b))] = rng.randrange(256)
            try:
                torch.load(io.BytesIO(bytes(b)))
            except LOAD_ERRORS:
                pass
        self.assertLess(time.time() - start, 60)

    def test_corrupt_pickles(self):
        rng = random.Random(7)
        good = tensor_pickle()
        storage = struct.pack("<4f", 1, 2, 3, 4)
        self.assertEqual(self.torch.load(io.BytesIO(zip_with(
            {"data.pkl": good, "data/0": storage, "version": b"3\n"})))
            .tolist(), [1.0, 2.0, 3.0, 4.0])
        for _ in range(400):
            b = bytearray(good)
            for _ in range(rng.randint(1, 4)):
                b[rng.randrange(len(b))] = rng.randrange(256)
            try:
                self.torch.load(io.BytesIO(zip_with(
                    {"data.pkl": bytes(b), "data/0": storage,
                     "version": b"3\n"})))
            except LOAD_ERRORS:
                pass

    def test_sizes_checked_against_storage(self):
        load = self.torch.load
        four = struct.pack("<4f", 1, 2, 3, 4)

        def arch(pkl, storage=four, version=b"3\n"):
            return io.BytesIO(zip_with({"data.pkl": pkl, "data/0": storage,
                                        "version": version}))
        with self.assertRaisesRegex(RuntimeError, "has 8 bytes; its storage "
                                    "needs 16"):
            load(arch(tensor_pickle(), four[:8]))
        with self.assertRaisesRegex(RuntimeError, "needs"):
            load(arch(tensor_pickle(numel=10 ** 15)))
        with self.assertRaisesRegex(pickle.UnpicklingError, "reaches element"):
            load(arch(tensor_pickle(size=(5,))))
        with self.assertRaisesRegex(pickle.UnpicklingError, "reaches element"):
            load(arch(tensor_pickle(size=(2, 2), stride=(3, 1))))
        with self.assertRaisesRegex(pickle.UnpicklingError, "reaches element"):
            load(arch(tensor_pickle(offset=2 ** 62, size=(1,))))
        with self.assertRaisesRegex(pickle.UnpicklingError, "bad tensor"):
            load(arch(tensor_pickle(size=(2,), stride=(-1,))))
        with self.assertRaisesRegex(pickle.UnpicklingError, "complex32"):
            load(arch(tensor_pickle(storage="ComplexHalfStorage", numel=8)))
        with self.assertRaisesRegex(RuntimeError, "failed locating file "
                                    "data/0"):
            load(io.BytesIO(zip_with({"data.pkl": tensor_pickle(),
                                      "version": b"3\n"})))
        with self.assertRaisesRegex(RuntimeError, "version"):
            load(arch(tensor_pickle(), version=b"99\n"))
        # Stride-0 and strided views inside the storage load by value.
        t = load(arch(tensor_pickle(size=(2, 3), stride=(0, 1))))
        self.assertEqual(t.tolist(), [[1.0, 2.0, 3.0], [1.0, 2.0, 3.0]])
        t = load(arch(tensor_pickle(size=(2, 2), stride=(1, 2))))
        self.assertEqual(t.tolist(), [[1.0, 3.0], [2.0, 4.0]])
        # A huge memo index is only a dict key; deep nesting is iterative.
        deep = b"\x80\x02" + b"]" * 50000 + b"a" * 49999 + b"r\xff\xff\xff" \
            b"\xff."
        v = load(arch(deep))
        for _ in range(100):
            v = v[0]
        self.assertIsInstance(v, list)

    def test_legacy_format_is_named(self):
        out = self.path("legacy.pt")
        run_torch("import sys, torch; torch.save(torch.ones(2), sys.argv[1],"
                  " _use_new_zipfile_serialization=False)", out)
        with self.assertRaisesRegex(NotImplementedError, "legacy format"):
            self.torch.load(out)


if __name__ == "__main__":
    if not torch_available():
        print("SKIP: %s cannot import torch (install Debian's python3-torch)"
              % TORCH_PYTHON)
        sys.exit(77)
    unittest.main()
