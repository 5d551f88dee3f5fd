"""Tests of the tensord Python package against a real tensord process.

Run by ctest (label `python`) as
    TENSORD_BINARY=build/server/tensord PYTHONPATH=build/python \
        /usr/bin/python3 tests/python/package_test.py
Each test class starts its own tensord on an ephemeral loopback port.
"""
import collections
import io
import os
import re
import subprocess
import sys
import tempfile
import textwrap
import time
import unittest

import tensord
from tensord import _runner, _session

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))


class Server:
    def __init__(self, *flags):
        self.log = tempfile.TemporaryFile(mode="w+")
        self.proc = subprocess.Popen(
            [os.environ["TENSORD_BINARY"], "--listen=127.0.0.1:0"] +
            list(flags), stderr=self.log, stdout=self.log)
        deadline = time.time() + 20
        while time.time() < deadline:
            self.log.seek(0)
            m = re.search(r"\(port (\d+)\)", self.log.read())
            if m:
                self.target = "127.0.0.1:%s" % m.group(1)
                return
            time.sleep(0.05)
        raise RuntimeError("tensord did not start")

    def stop(self):
        self.proc.terminate()
        self.proc.wait(30)
        self.log.close()


def run_script(server, source, filename="script.py"):
    """Runs `source` as tensorctl run would; returns (rc, stdout, stderr,
    session)."""
    path = os.path.join(tempfile.mkdtemp(), filename)
    with open(path, "w") as f:
        f.write(textwrap.dedent(source))
    s = tensord.connect(server=server.target)
    _session.set_default_session(s)
    out, err = io.StringIO(), io.StringIO()
    old = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = out, err
    try:
        rc = _runner.run_file(path)
    finally:
        sys.stdout, sys.stderr = old
        s.close()
        _session.set_default_session(None)
    return rc, out.getvalue(), err.getvalue(), s, path


def torch_output(source):
    """What PyTorch prints for `source` (Debian's python3-torch), or None
    when torch cannot be imported here."""
    if subprocess.run(["/usr/bin/python3", "-c", "import torch"],
                      capture_output=True).returncode != 0:
        return None
    p = subprocess.run(["/usr/bin/python3", "-c", textwrap.dedent(source)],
                       capture_output=True, text=True, timeout=120)
    return p.stdout


class PackageTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = Server()

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()

    def run_ok(self, source):
        rc, out, err, s, path = run_script(self.server, source)
        self.assertEqual(rc, 0, err)
        return out, s, path

    def test_seed_walkthrough_is_at_most_one_round_trip_per_statement(self):
        path = os.path.join(ROOT, "examples", "seed_walkthrough.py")
        with open(path) as f:
            source = f.read()
        with open(os.path.join(ROOT, "examples",
                               "seed_walkthrough.expected")) as f:
            expected = f.read()
        rc, out, err, s, spath = run_script(self.server, source,
                                            "seed_walkthrough.py")
        self.assertEqual(rc, 0, err)
        self.assertEqual(out, expected)
        per_line = collections.Counter(line for (_f, line) in
                                       (t for t in s.engine.trips if t))
        for n, text in enumerate(source.splitlines(), 1):
            touches = "torch" in text or re.search(r"\b(x|y|z|u|A|sum_A)\b",
                                                   text)
            want = 1 if touches and not text.startswith("import") else 0
            self.assertLessEqual(per_line.get(n, 0), want,
                                 "line %d: %s" % (n, text))
        # Each print of a tensor needs its value: at least one trip each.
        prints = sum(1 for t in source.splitlines()
                     if t.startswith("print(") and ("torch" in t or
                                                    re.search(r"\b[xyzuA]", t)))
        self.assertGreaterEqual(s.engine.round_trips, min(prints, 1))
        self.assertEqual(s.engine.round_trips, sum(per_line.values()))

    def test_a_hook_changing_a_non_leaf_gradient_is_refused(self):
        # The backward runs on the server: a hook may look at any gradient
        # and change a leaf's, but changing a non-leaf's (which would change
        # the gradients behind it) is a clear NotImplementedError that
        # leaves .grad untouched.
        out, _s, _p = self.run_ok("""
            import torch
            x = torch.tensor([1.0, 2.0], requires_grad=True)
            h = x * 3
            h.register_hook(lambda g: g * 0)
            try:
                (h * h).sum().backward()
            except NotImplementedError as e:
                print("refused:", "non-leaf" in str(e) or "leaf" in str(e))
            print(x.grad)
            handle = x.register_hook(lambda g: g * 2)
            handle.remove()
            y = torch.tensor([1.0, 2.0], requires_grad=True)
            (y * y).sum().backward()
            print(y.grad)
        """)
        self.assertEqual(out, "refused: True\nNone\ntensor([2., 4.])\n")

    def test_the_python_language_works(self):
        source = """
            import math
            import torch
            import torch.nn.functional as F

            def squares(n, scale=1.0, *extra, **kw):
                return [torch.tensor(float(i)) ** 2 * scale for i in range(n)]

            class Acc:
                def __init__(self):
                    self.total = torch.zeros(())

                def add(self, t):
                    self.total += t
                    return self

            gen = (t.item() for t in squares(3))
            acc = Acc()
            for t in squares(4, scale=2.0):
                acc.add(t)
            f = lambda t: F.relu(t - 1)
            d = {"loss": acc.total, "items": sorted(gen, reverse=True)}
            try:
                torch.ones(2).view(3)
            except RuntimeError as e:
                print("caught:", e)
            print(f"{d['loss']:.3f} {d['items']} {math.pi:.2f}")
            print("%.1f | {}".format(f(torch.tensor(3.0))) % acc.total.item())
            print(isinstance(acc.total, torch.Tensor), type(acc.total).__name__)
        """
        out, _s, _p = self.run_ok(source)
        self.assertEqual(out.splitlines(), [
            "caught: shape '[3]' is invalid for input of size 2",
            "28.000 [4.0, 1.0, 0.0] 3.14",
            "28.0 | 2.0",
            "True Tensor"])
        want = torch_output(source)
        if want is not None:
            self.assertEqual(out, want)

    def test_errors_raise_at_pytorchs_statement_with_its_class(self):
        out, _s, _p = self.run_ok("""
            import torch
            x = torch.ones(2, 3)

            def bad_view(t):
                return t.view(4)

            for what, fn, cls in [
                    ("dim", lambda: x.sum(5), IndexError),
                    ("index", lambda: x[7], IndexError),
                    ("keepdim", lambda: x.sum(0, keepdim=None), TypeError),
                    ("view", lambda: bad_view(x), RuntimeError),
                    ("broadcast", lambda: x + torch.ones(4), RuntimeError)]:
                try:
                    fn()
                    print(what, "no error")
                except cls as e:
                    print(what, type(e).__name__)
            try:
                y = x.view(5)
                print("not reached")
            except RuntimeError:
                print("view caught inside the try")
            print(x.sum().item())
        """)
        self.assertEqual(out.splitlines(), [
            "dim IndexError", "index IndexError", "keepdim TypeError",
            "view RuntimeError", "broadcast RuntimeError",
            "view caught inside the try", "6.0"])

    def test_autograd_grad(self):
        source = """
            import torch
            x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
            w = torch.tensor(2.0, requires_grad=True)
            y = ((w * x) ** 2).sum()
            gx, gw = torch.autograd.grad(y, [x, w], retain_graph=True)
            print(gx, gw, x.grad)
            u = torch.ones(1, requires_grad=True)
            print(torch.autograd.grad(y, [x, u], allow_unused=True)[1])
            try:
                torch.autograd.grad((x * x).sum(), u)
            except RuntimeError as e:
                print(str(e)[:48])
        """
        out, _s, _p = self.run_ok(source)
        self.assertEqual(out.splitlines(), [
            "tensor([ 8., 16., 24.]) tensor(56.) None", "None",
            "One of the differentiated Tensors appears to not"])
        want = torch_output(source)
        if want is not None:
            self.assertEqual(out, want)

    def test_uncaught_error_names_the_recording_line(self):
        rc, out, err, _s, _p = run_script(self.server, """
            import torch
            x = torch.ones(3)
            y = x.view(2)
            print("not reached")
        """)
        self.assertEqual(rc, 1)
        self.assertEqual(out, "")
        self.assertIn("error: line 4: RuntimeError: shape '[2]' is invalid "
                      "for input of size 3", err)

    def run_subprocess(self, source, files=()):
        """Runs `source` with `python3 -m tensord run` in a process of its
        own (the trace is per process), next to `files` ({name: text});
        returns (rc, stdout, stderr)."""
        d = tempfile.mkdtemp()
        for name, text in dict(files).items():
            with open(os.path.join(d, name), "w") as f:
                f.write(textwrap.dedent(text))
        path = os.path.join(d, "script.py")
        with open(path, "w") as f:
            f.write(textwrap.dedent(source))
        env = dict(os.environ, PYTHONPATH=os.path.dirname(
            os.path.dirname(os.path.abspath(tensord.__file__))))
        p = subprocess.run(
            [sys.executable, "-m", "tensord", "--server=" + self.server.target,
             "run", path], capture_output=True, text=True, env=env,
            timeout=120, cwd=d)
        return p.returncode, p.stdout, p.stderr

    def test_a_script_without_try_runs_untraced(self):
        # The trace costs every Python call; a script that has no try
        # statement does not need it.
        rc, out, err = self.run_subprocess("""
            import sys
            import torch
            def f(x):
                return x * 2
            print(f(torch.ones(2)), sys.gettrace())
        """)
        self.assertEqual((rc, out), (0, "tensor([2., 2.]) None\n"), err)

    def test_a_try_in_an_imported_module_is_traced(self):
        # The failing op is recorded before the helper's try block, which
        # must not catch its error (PyTorch raised it at line 5).
        helper = """
            def show(t):
                try:
                    print("value", t.sum().item())
                except RuntimeError:
                    print("caught (PyTorch never gets here)")
        """
        source = """
            import torch
            import helper
            a = torch.ones(2, 3)
            c = a @ a
            helper.show(c)
        """
        rc, out, err = self.run_subprocess(source, {"helper.py": helper})
        self.assertEqual((rc, out), (1, ""), err)
        self.assertIn("error: line 5: RuntimeError: mat1 and mat2 shapes "
                      "cannot be multiplied", err)
        # And in a function the script defines.
        rc, out, err = self.run_subprocess("""
            import torch
            def show(t):
                try:
                    print("value", t.sum().item())
                except RuntimeError:
                    print("caught (PyTorch never gets here)")
            a = torch.ones(2, 3)
            c = a @ a
            show(c)
        """)
        self.assertEqual((rc, out), (1, ""), err)
        self.assertIn("error: line 9: RuntimeError", err)

    def test_a_training_loop_without_reads_is_one_request(self):
        source = """
            import torch
            torch.manual_seed(0)
            X = torch.randn(64, 3)
            w_true = torch.tensor([[2.0], [-3.4], [1.0]])
            y = X @ w_true + 4.2
            w = torch.zeros(3, 1, requires_grad=True)
            b = torch.zeros(1, requires_grad=True)
            lr = 0.1
            for epoch in range(30):
                l = ((X @ w + b - y) ** 2 / 2).mean()
                l.backward()
                with torch.no_grad():
                    w -= lr * w.grad
                    b -= lr * b.grad
                    w.grad.zero_()
                    b.grad.zero_()
            print(f"b={b.item():.2f}")
        """
        out, s, path = self.run_ok(source)
        self.assertEqual(out, "b=4.19\n")  # what PyTorch prints
        want = torch_output(source)
        if want is not None:
            self.assertEqual(out, want)
        # Nothing in the loop reads a value; only `w.grad` after a backward
        # must know whether the grad exists. So each epoch (forward,
        # backward, the no-grad update and zeroing: 6 tensor statements)
        # is one round trip, not one per statement (180).
        self.assertLessEqual(s.engine.round_trips, 30 + 4, s.engine.trips)

    def test_released_tensors_leave_the_session(self):
        s = tensord.connect(server=self.server.target)
        with s:
            torch = s.torch
            xs = [torch.ones(1000) for _ in range(10)]
            s.engine.flush()
            held = len(s.engine.c.execute.__self__.list_ops()) >= 0
            self.assertTrue(held)
            conn = s._conn
            del xs
            y = torch.zeros(1) + 1
            s.engine.flush()
            self.assertEqual(y.item(), 1.0)
            self.assertEqual(len(s.engine.released), 0)
        self.assertNotIn(s.id, conn.list_sessions())

    def test_connect_is_a_context_manager_that_closes_its_session(self):
        with tensord.connect(server=self.server.target) as s:
            t = s.torch.arange(3)
            self.assertEqual(t.tolist(), [0, 1, 2])
            self.assertIn(s.id, s._conn.list_sessions())
            self.assertIs(tensord.current_session(), s)
        self.assertNotIn(s.id, s._conn.list_sessions())

    def test_numpy_round_trip(self):
        import numpy as np
        with tensord.connect(server=self.server.target) as s:
            torch = s.torch
            a = np.arange(6, dtype=np.float32).reshape(2, 3)
            t = torch.from_numpy(a) * 2
            self.assertEqual(t.numpy().tolist(), (a * 2).tolist())
            self.assertEqual(torch.tensor(a).dtype, torch.float32)
            self.assertEqual(np.asarray(t).shape, (2, 3))

    def test_a_value_larger_than_a_message_is_printed(self):
        server = Server("--max_message_size=1048576")
        try:
            with tensord.connect(server=server.target) as s:
                torch = s.torch
                x = torch.zeros(1_000_000)
                self.assertEqual(str(x.add_(1)),
                                 "tensor([1., 1., 1.,  ..., 1., 1., 1.])")
                self.assertEqual(x.sum().item(), 1_000_000.0)
        finally:
            server.stop()


class ImportTest(unittest.TestCase):
    def test_importing_every_module_asks_no_server(self):
        """Importing tensord.torch and all its submodules makes no session
        (tensorctl imports them before it connects; a module-level op
        lookup once dialled the default address)."""
        code = textwrap.dedent("""
            import importlib, pkgutil, sys
            from tensord import _session
            def refuse():
                raise SystemExit("current_session() called at import")
            _session.current_session = refuse
            import tensord.torch as torch
            for m in pkgutil.walk_packages(torch.__path__, "tensord.torch."):
                importlib.import_module(m.name)
            print("imported", len(sys.modules) > 0)
            """)
        env = dict(os.environ, TENSORD_SERVER="127.0.0.1:1")
        p = subprocess.run([sys.executable, "-c", code], env=env,
                           capture_output=True, text=True, timeout=60)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("imported True", p.stdout)


class EvalTest(unittest.TestCase):
    """tensorctl eval's semantics (tensord._cli), ported from the retired
    script interpreter's tests: variables are session names, plain values
    persist, errors name their line and Python type, failed statements
    change nothing."""

    @classmethod
    def setUpClass(cls):
        cls.server = Server()

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()

    def setUp(self):
        from tensord import _C
        conn = _C.Connection(self.server.target)
        c = _C.Session.create(conn, 0, 0, None)
        c.keep()
        self.sid = c.id
        self.conn = conn

    def tearDown(self):
        self.conn.close_session(self.sid)

    def eval(self, *stmts, as_json=False):
        from tensord import _cli
        out, err = io.StringIO(), io.StringIO()
        old = sys.stdout, sys.stderr
        sys.stdout, sys.stderr = out, err
        try:
            rc = _cli.eval_({"server": self.server.target,
                             "session": self.sid}, list(stmts), as_json)
        finally:
            sys.stdout, sys.stderr = old
        return rc, out.getvalue(), err.getvalue()

    def test_variables_are_session_names_and_persist(self):
        self.assertEqual(self.eval(
            "w = torch.tensor([1., 2.], requires_grad=True)", "n = 3",
            "scale = [0.5, 2]", "dt = torch.float64",
            "sz = torch.Size([2, 3])", "name = 'it' 's'")[0], 0)
        rc, out, err = self.eval("(w * w).sum().backward()", "w.grad",
                                 "print(n + 1, scale, dt, sz, name)")
        self.assertEqual((rc, err), (0, ""))
        self.assertEqual(out, "tensor([2., 4.])\n"
                              "4 [0.5, 2] torch.float64 torch.Size([2, 3]) "
                              "its\n")
        rc, out, err = self.eval("q + 1")
        self.assertEqual(rc, 1)
        self.assertIn("error: line 1: NameError: name 'q' is not defined",
                      err)
        self.assertEqual(self.eval("w = w.detach() * 10", "n = torch.ones(1)"
                                   )[0], 0)
        rc, out, err = self.eval("w", "n", "print(scale)")
        self.assertEqual(out, "tensor([10., 20.])\ntensor([1.])\n"
                              "[0.5, 2]\n")

    def test_errors_name_their_line_and_type(self):
        cases = [
            (("a = 1", "", "b = c"),
             "line 3: NameError: name 'c' is not defined"),
            (("for i in range(3):", "    z = torch.ones(2).view(3)"),
             "line 2: RuntimeError: shape '[3]' is invalid for input of "
             "size 2"),
            (("t = (1, 2",), "SyntaxError"),
            (("torch.nope(1)",),
             "line 1: AttributeError: module 'torch' has no attribute "
             "'nope'"),
            (("torch.ones(2).sum(dim='x')",),
             "line 1: TypeError: sum(): argument 'dim' must be tuple of "
             "ints, not str"),
        ]
        for stmts, want in cases:
            rc, out, err = self.eval(*stmts)
            self.assertEqual(rc, 1, stmts)
            self.assertIn(want, err)

    def test_a_failed_statement_changes_nothing(self):
        self.eval("x = torch.ones(3)")
        rc, out, err = self.eval("x = x + torch.ones(4)")
        self.assertEqual(rc, 1)
        self.assertIn("line 1: RuntimeError: The size of tensor a (3) must "
                      "match the size of tensor b (4) at non-singleton "
                      "dimension 0", err)
        self.assertEqual(self.eval("x")[1], "tensor([1., 1., 1.])\n")

    def test_aliasing_in_place_and_no_grad(self):
        rc, out, err = self.eval(
            "x = torch.zeros(3)", "y = x", "y += 1", "v = x[1:]",
            "v.mul_(5)", "print(x, y is x)",
            "w = torch.ones(2, requires_grad=True)",
            "with torch.no_grad():", "    w -= 0.5", "    z = w * 2",
            "print(w, z.requires_grad, torch.is_grad_enabled())",
            "if w.sum() > 0:", "    print('positive')")
        self.assertEqual((rc, err), (0, ""))
        self.assertEqual(out, "tensor([5., 5.])\n"  # v.mul_(5) echoed
                              "tensor([1., 5., 5.]) True\n"
                              "tensor([0.5000, 0.5000], requires_grad=True) "
                              "False True\n"
                              "positive\n")

    def test_json_echo(self):
        rc, out, err = self.eval(
            "x = torch.tensor([[1.5, 2.0]], requires_grad=True)", "x * 2",
            "(1, 'a', None, 2.5)", "x.shape",
            "torch.linalg.eigh(torch.eye(2))", as_json=True)
        self.assertEqual((rc, err), (0, ""))
        self.assertEqual(out.splitlines(), [
            '{"dtype": "float32", "shape": [1, 2], "data": [[3.0, 4.0]], '
            '"requires_grad": true, "grad_fn": "MulBackward0"}',
            '[1, "a", null, 2.5]',
            '[1, 2]',
            '{"eigenvalues": {"dtype": "float32", "shape": [2], "data": '
            '[1.0, 1.0], "requires_grad": false, "grad_fn": null}, '
            '"eigenvectors": {"dtype": "float32", "shape": [2, 2], "data": '
            '[[1.0, 0.0], [0.0, 1.0]], "requires_grad": false, "grad_fn": '
            'null}}'])

    def test_handles_go_with_their_variables(self):
        self.eval("a = torch.ones(3)", "b = a * 2", "L = [b * 3, b * 4]",
                  "L = None")
        info = self.conn.describe(self.sid)
        # Variables holding tensors are names; no handle outlives an eval.
        self.assertEqual(info["tensor_count"], 0)
        self.assertEqual(info["name_count"], 3)  # a, b, __tensorctl_vars__
        self.eval("a = 5", "c = b + 1")
        info = self.conn.describe(self.sid)
        self.assertEqual(info["tensor_count"], 0)
        self.assertEqual(info["name_count"], 3)  # b, c, the values
        rc, out, err = self.eval("print(a, b, c)")
        self.assertEqual(out, "5 tensor([2., 2., 2.]) tensor([3., 3., 3.])\n")


if __name__ == "__main__":
    unittest.main()
