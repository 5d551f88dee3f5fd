"""safetensors and .npz through tensorctl put/get against a real tensord on
an ephemeral loopback port.

Round trips of every dtype tensord has, with 0-d and empty shapes; files
numpy wrote (np.savez, np.savez_compressed, big-endian, Fortran order) read
by tensord and files tensord wrote read by numpy; safetensors from a
reference writer (the format's spec with json and struct, as the Rust
crate writes it) read by tensord, and tensord's files checked byte for byte
against that writer and read back by a reference reader; a 24 MiB tensor
streamed both ways. Then a battery of hostile files, each with an oracle:
exit code 1, an error line naming the file and the flaw, no crash, the
server still SERVING, and the session unchanged (its names, counts, bytes
and the values of the names the file would have replaced).

Usage: tensor_files_test.py TENSORD TENSORCTL
"""
import json
import os
import re
import struct
import subprocess
import sys
import tempfile
import time
import unittest
import zlib

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
TENSORD, TENSORCTL = sys.argv[1], sys.argv[2]
del sys.argv[1:3]

from safetensors_reference import (DTYPES, SHAPES, ref_read,  # noqa: E402
                                   ref_write)

def sample(dtype, shape, seed):
    rng = np.random.default_rng(seed)
    if dtype == "bool":
        return rng.integers(0, 2, size=shape).astype(bool)
    if dtype in ("int32", "int64"):
        info = np.iinfo(dtype)
        return rng.integers(info.min, info.max, size=shape, dtype=dtype)
    if dtype == "complex64":
        return (rng.standard_normal(shape) +
                1j * rng.standard_normal(shape)).astype(np.complex64)
    return (rng.standard_normal(shape) * 1e3).astype(dtype)


def all_samples():
    out = {}
    for i, dt in enumerate(DTYPES):
        for j, shape in enumerate(SHAPES):
            out["t_%s_%d" % (dt, j)] = sample(dt, shape, 10 * i + j)
    return out


def same(a, b):
    return a.dtype == b.dtype and a.shape == b.shape and \
        np.array_equal(a, b) and a.tobytes() == b.tobytes()


# ------------------------------------------------------- hostile zip files

def zip_bytes(members, eocd_patch=None):
    """A zip archive from (name, data, opts) members; opts override what the
    headers say: method, crc, csize, usize (both headers), local_usize,
    flags, compressed (the bytes stored), and cd_name."""
    out, cd = b"", b""
    for name, data, o in members:
        method = o.get("method", 0)
        comp = o.get("compressed")
        if comp is None:
            if method == 8:
                c = zlib.compressobj(6, zlib.DEFLATED, -15)
                comp = c.compress(data) + c.flush()
            else:
                comp = data
        crc = o.get("crc", zlib.crc32(data))
        csize = o.get("csize", len(comp))
        usize = o.get("usize", len(data))
        flags = o.get("flags", 0)
        nb = name.encode()
        offset = len(out)
        out += struct.pack("<IHHHHHIIIHH", 0x04034b50, 20, flags, method, 0,
                           0x21, crc, csize, o.get("local_usize", usize),
                           len(nb), 0) + nb + comp
        cnb = o.get("cd_name", name).encode()
        cd += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014b50, 20, 20, flags,
                          method, 0, 0x21, crc, csize, usize, len(cnb), 0, 0,
                          0, 0, 0, o.get("offset", offset)) + cnb
    end = dict(n=len(members), size=len(cd), offset=len(out))
    end.update(eocd_patch or {})
    return out + cd + struct.pack("<IHHHHIIH", 0x06054b50, 0, 0, end["n"],
                                  end["n"], end["size"], end["offset"], 0)


def npy(a):
    import io
    f = io.BytesIO()
    np.save(f, a)
    return f.getvalue()


def _npy_header(descr, fortran, shape):
    """The bytes before the data of a version 1.0 .npy file."""
    d = "{'descr': '%s', 'fortran_order': %s, 'shape': %r, }" % (
        descr, fortran, tuple(shape))
    d += " " * (-(10 + len(d) + 1) % 64) + "\n"
    return b"\x93NUMPY\x01\x00" + struct.pack("<H", len(d)) + d.encode()


def st_raw(header, data=b"", n=None):
    text = header if isinstance(header, bytes) else json.dumps(header).encode()
    return struct.pack("<Q", len(text) if n is None else n) + text + data


X = np.arange(4, dtype=np.float32)


def hostile_cases():
    """(file name, bytes, expected error text)."""
    ok_entry = {"dtype": "F32", "shape": [4], "data_offsets": [0, 16]}
    cases = [
        ("short.safetensors", b"\x10\x00\x00", "8-byte header length"),
        ("hlen-2e63.safetensors", struct.pack("<Q", 1 << 63) + b"{}",
         "runs past the end of the file"),
        ("hlen-past.safetensors", struct.pack("<Q", 100) + b"{}      ",
         "runs past the end of the file"),
        ("truncated-header.safetensors",
         st_raw({"x": ok_entry}, X.tobytes())[:20],
         "runs past the end of the file"),
        ("bad-json.safetensors", st_raw(b'{"x": {"dtype": "F32",,}}'),
         "not valid JSON"),
        ("not-utf8.safetensors", st_raw(b'{"\xff\xfe": 1}'),
         "not valid JSON"),
        ("not-object.safetensors", st_raw(b"[1, 2]"),
         "not a JSON object"),
        ("deep-nesting.safetensors",
         st_raw(b"[" * 200000 + b"]" * 200000), "not a JSON object"),
        ("deep-entry.safetensors",
         st_raw(b'{"x": ' + b"[" * 200000 + b"]" * 200000 + b"}"),
         "its entry is not an object"),
        ("out-of-range.safetensors",
         st_raw({"x": ok_entry, "y": {"dtype": "F32", "shape": [4],
                                      "data_offsets": [16, 32]}},
                X.tobytes()),
         "run past the end of the data"),
        ("overlap.safetensors",
         st_raw({"x": ok_entry, "y": {"dtype": "F32", "shape": [2],
                                      "data_offsets": [8, 16]}},
                X.tobytes()),
         "overlap tensor"),
        ("gap.safetensors",
         st_raw({"x": {"dtype": "F32", "shape": [2],
                       "data_offsets": [8, 16]}}, X.tobytes()),
         "leave a gap"),
        ("trailing.safetensors", st_raw({"x": ok_entry}, X.tobytes() + b"!"),
         "the tensors cover 16 of the 17 bytes"),
        ("dtype-shape.safetensors",
         st_raw({"x": {"dtype": "F64", "shape": [4],
                       "data_offsets": [0, 16]}}, X.tobytes()),
         "hold 16 bytes; shape [4] of F64 needs 32"),
        ("shape-overflow.safetensors",
         st_raw({"x": {"dtype": "F32", "shape": [1 << 32, 1 << 32, 1 << 32],
                       "data_offsets": [0, 16]}}, X.tobytes()),
         "more bytes than fit in int64"),
        ("shape-2e64.safetensors",
         st_raw({"x": {"dtype": "F32", "shape": [1 << 64],
                       "data_offsets": [0, 16]}}, X.tobytes()),
         "not an integer in [0, 2^63)"),
        ("shape-negative.safetensors",
         st_raw({"x": {"dtype": "F32", "shape": [-4],
                       "data_offsets": [0, 16]}}, X.tobytes()),
         "not an integer in [0, 2^63)"),
        ("shape-float.safetensors",
         st_raw({"x": {"dtype": "F32", "shape": [4.0],
                       "data_offsets": [0, 16]}}, X.tobytes()),
         "not an integer in [0, 2^63)"),
        ("offsets-reversed.safetensors",
         st_raw({"x": {"dtype": "F32", "shape": [0],
                       "data_offsets": [16, 0]}}, X.tobytes()),
         "end before they begin"),
        ("u16.safetensors",
         st_raw({"half": {"dtype": "U16", "shape": [8],
                          "data_offsets": [0, 16]}}, X.tobytes()),
         "tensor 'half' has dtype U16, which tensord does not have"),
        ("f8.safetensors",
         st_raw({"w": {"dtype": "F8_E4M3", "shape": [16],
                       "data_offsets": [0, 16]}}, X.tobytes()),
         "tensor 'w' has dtype F8_E4M3"),
        ("unknown-dtype.safetensors",
         st_raw({"x": {"dtype": "Q7", "shape": [4],
                       "data_offsets": [0, 16]}}, X.tobytes()),
         "unknown dtype 'Q7'"),
        ("duplicate.safetensors",
         st_raw(b'{"x": {"dtype": "F32", "shape": [2], "data_offsets": '
                b'[0, 8]}, "x": {"dtype": "F32", "shape": [2], '
                b'"data_offsets": [8, 16]}}', X.tobytes()),
         "names 'x' twice"),
        ("missing-field.safetensors",
         st_raw({"x": {"dtype": "F32", "data_offsets": [0, 16]}},
                X.tobytes()),
         "has no \"shape\""),
        ("metadata-int.safetensors",
         st_raw({"__metadata__": {"a": 1}, "x": ok_entry}, X.tobytes()),
         "__metadata__ 'a' is not a string"),
    ]
    good = npy(X)
    big = npy(np.zeros(1000, dtype=np.float64))
    # A Fortran-order member of 2 GiB (converting it would take 2 GiB of
    # memory): valid DEFLATE whose header inflates, the rest padding.
    fortran_header = _npy_header("<f8", True, (16384, 16384))
    c = zlib.compressobj(6, zlib.DEFLATED, -15)
    fortran_comp = c.compress(fortran_header) + c.flush(zlib.Z_SYNC_FLUSH) \
        + b"\x00\x00\x00\xff\xff" * 440000  # empty stored blocks
    # DEFLATE data longer than the size both headers (and the .npy header)
    # say.
    c = zlib.compressobj(6, zlib.DEFLATED, -15)
    more_comp = c.compress(big + bytes(24000)) + c.flush()
    cases += [
        ("not-zip.npz", b"PK\x03\x04 this is not really a zip" * 3,
         "not a zip archive"),
        ("truncated.npz", zip_bytes([("x.npy", good, {})])[:60],
         "not a zip archive"),
        ("lying-local-size.npz",
         zip_bytes([("x.npy", good, {"local_usize": len(good) + 1000})]),
         "the local header says"),
        ("lying-stored-size.npz",
         zip_bytes([("x.npy", good, {"usize": len(good) + 8,
                                     "csize": len(good) + 8})]),
         "compressed bytes run past the central directory"),
        ("lying-deflate-size.npz",
         zip_bytes([("x.npy", big, {"method": 8, "usize": len(big) - 800})]),
         "bytes of data; its .npy header's shape and dtype need"),
        ("inflates-past.npz",
         zip_bytes([("x.npy", big, {"method": 8, "compressed": more_comp})]),
         "inflates past"),
        ("bad-crc.npz",
         zip_bytes([("x.npy", good, {"crc": zlib.crc32(good) ^ 1})]),
         "CRC-32 mismatch"),
        ("bad-crc-deflate.npz",
         zip_bytes([("x.npy", big, {"method": 8,
                                    "crc": zlib.crc32(big) ^ 0x100})]),
         "CRC-32 mismatch"),
        ("corrupt-deflate.npz",
         zip_bytes([("x.npy", big, {"method": 8,
                                    "compressed": b"\xff" * 40})]),
         "corrupt DEFLATE data"),
        ("zip-bomb.npz",
         zip_bytes([("x.npy", good, {"method": 8, "usize": 10**9})]),
         "a ratio beyond DEFLATE's 1032:1"),
        ("duplicate.npz",
         zip_bytes([("x.npy", good, {}), ("x.npy", good, {})]),
         "member 'x.npy' appears twice"),
        ("not-npy-member.npz", zip_bytes([("x.txt", b"hello", {})]),
         "member 'x.txt' is not a .npy file"),
        ("u16-member.npz",
         zip_bytes([("h.npy", npy(np.zeros(3, np.uint16)), {})]),
         "unsupported dtype '<u2'"),
        ("c32-member.npz",
         zip_bytes([("z.npy", npy(np.zeros(3, np.clongdouble)), {})]),
         "unsupported dtype '<c32'"),
        ("u32-member.npz",
         zip_bytes([("u.npy", npy(np.zeros(3, np.uint32)), {})]),
         "unsupported dtype '<u4'"),
        ("fortran-2gib.npz",
         zip_bytes([("f.npy", b"", {
             "method": 8, "compressed": fortran_comp,
             "usize": len(fortran_header) + (1 << 31)})]),
         "is in Fortran order and"),
        ("encrypted.npz", zip_bytes([("x.npy", good, {"flags": 1})]),
         "is encrypted"),
        ("method-bzip2.npz", zip_bytes([("x.npy", good, {"method": 12})]),
         "uses compression method 12"),
        ("cd-out-of-range.npz",
         zip_bytes([("x.npy", good, {})], {"offset": 1 << 31}),
         "lies outside the file"),
        ("entries-lie.npz",
         zip_bytes([("x.npy", good, {})], {"n": 60000}),
         "claims 60000 entries"),
        ("overlapping-members.npz",
         zip_bytes([("x.npy", good, {}), ("y.npy", good, {"offset": 0,
                                                           "cd_name": "y.npy"
                                                           })]),
         "names 'x.npy'"),
        ("bad-npy-member.npz", zip_bytes([("x.npy", b"\x93NUMPY\x01\x00"
                                           b"\x04\x00{}  ", {})]),
         "malformed header"),
    ]
    return cases


class Server:
    def __init__(self):
        self.tmp = tempfile.mkdtemp()
        self.log = open(os.path.join(self.tmp, "server.log"), "w+")
        env = dict(os.environ, TENSORD_DRAIN_DELAY="0")
        self.proc = subprocess.Popen([TENSORD, "--listen=127.0.0.1:0"],
                                     stderr=self.log, env=env)
        port = None
        for _ in range(100):
            self.log.seek(0)
            m = re.search(r"\(port (\d+)\)", self.log.read())
            if m:
                port = m.group(1)
                break
            time.sleep(0.1)
        assert port, "tensord did not start"
        self.env = dict(os.environ, TENSORD_SERVER="127.0.0.1:" + port)
        self.env.pop("TENSORD_TOKEN", None)
        self.env.pop("TENSORD_SESSION", None)

    def ctl(self, *args):
        p = subprocess.run([TENSORCTL] + list(args), env=self.env,
                           capture_output=True, text=True, timeout=120,
                           errors="replace")
        return p.returncode, p.stdout, p.stderr

    def stop(self):
        self.proc.terminate()
        self.proc.wait(timeout=30)


class TensorFilesTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = Server()
        rc, out, err = cls.server.ctl("session", "new")
        assert rc == 0, err
        cls.sid = out.strip()
        cls.dir = cls.server.tmp

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()

    def path(self, name):
        return os.path.join(self.dir, name)

    def ctl_ok(self, *args):
        rc, out, err = self.server.ctl(*args, "--session=" + self.sid)
        self.assertEqual(rc, 0, "tensorctl %s: %s" % (" ".join(args), err))
        return out

    def put(self, path, prefix=""):
        self.ctl_ok("put", path, "--prefix=" + prefix)

    def get(self, names, path, *flags):
        self.ctl_ok("get", *names, "-o", path, *flags)

    def test_npz_every_dtype_roundtrip_both_ways(self):
        arrays = all_samples()
        for writer, name in ((np.savez, "np.npz"),
                             (np.savez_compressed, "npc.npz")):
            src = self.path(name)
            writer(src, **arrays)
            self.put(src, prefix="rt.")
            for flags, out in (((), "back.npz"),
                               (("--compressed",), "backc.npz")):
                dst = self.path(out)
                self.get(list(arrays), dst, "--prefix=rt.", *flags)
                with np.load(dst) as back:
                    self.assertEqual(sorted(back.files), sorted(arrays))
                    for k, a in arrays.items():
                        self.assertTrue(same(a, back[k]), k)
                if flags:  # np.savez_compressed's members are DEFLATE
                    import zipfile
                    with zipfile.ZipFile(dst) as z:
                        self.assertTrue(all(i.compress_type == 8
                                            for i in z.infolist()))

    def test_npz_numpy_layouts(self):
        src = self.path("layouts.npz")
        arrays = {
            "fortran": np.asfortranarray(np.arange(24.0).reshape(2, 3, 4)),
            "big_f8": np.arange(5, dtype=">f8"),
            "big_c8": (np.arange(3) * (1 + 2j)).astype(">c8"),
            "big_i4_fortran": np.asfortranarray(
                np.arange(6, dtype=">i4").reshape(2, 3)),
        }
        np.savez_compressed(src, **arrays)
        self.put(src, prefix="lay.")
        dst = self.path("layouts_back.npz")
        self.get(list(arrays), dst, "--prefix=lay.")
        with np.load(dst) as back:
            for k, a in arrays.items():
                self.assertTrue(np.array_equal(a, back[k]), k)
                self.assertEqual(a.dtype.newbyteorder("<"),
                                 back[k].dtype.newbyteorder("<"))

    def test_safetensors_reference_writer_and_reader(self):
        arrays = all_samples()
        src = self.path("ref.safetensors")
        with open(src, "wb") as f:
            f.write(ref_write(arrays, {"format": "pt", "note": "é/ü"}))
        self.put(src, prefix="st.")
        dst = self.path("back.safetensors")
        self.get(list(arrays), dst, "--prefix=st.")
        with open(dst, "rb") as f:
            blob = f.read()
        back, meta = ref_read(blob)
        for k, a in arrays.items():
            self.assertTrue(same(a.astype(a.dtype.newbyteorder("<")),
                                 back[k]), k)
        # Byte for byte what the reference writer writes (no metadata).
        self.assertEqual(blob, ref_write(arrays))

    def test_names_with_slash_and_dot(self):
        arrays = {"encoder/layer.0.weight": np.ones((2, 2), np.float32),
                  "bias": np.zeros(2, np.float64)}
        src = self.path("names.safetensors")
        with open(src, "wb") as f:
            f.write(ref_write(arrays))
        self.put(src, prefix="m/")
        out = self.ctl_ok("--output=json", "get", "m/encoder/layer.0.weight")
        self.assertIn('"shape": [2, 2]', out)
        dst = self.path("names.npz")
        self.get(list(arrays), dst, "--prefix=m/")
        with np.load(dst) as back:
            self.assertEqual(sorted(back.files), sorted(arrays))

    def test_large_streamed(self):
        big = np.arange(6 << 20, dtype=np.float32).reshape(-1, 1024)  # 24 MiB
        for name, blob in (("big.safetensors", ref_write({"big": big})),):
            src = self.path(name)
            with open(src, "wb") as f:
                f.write(blob)
            self.put(src)
            dst = self.path("big_back.npz")
            self.get(["big"], dst, "--compressed")
            with np.load(dst) as back:
                self.assertTrue(np.array_equal(back["big"], big))
            self.put(dst, prefix="again.")
            dst2 = self.path("big_back.safetensors")
            self.get(["big"], dst2, "--prefix=again.")
            with open(dst2, "rb") as f:
                self.assertEqual(f.read(), blob)

    def test_progress_bar_on_a_terminal(self):
        import pty
        big = np.arange(3 << 20, dtype=np.float32)  # 12 MiB
        src = self.path("bar.safetensors")
        with open(src, "wb") as f:
            f.write(ref_write({"bar": big}))
        for args in (["put", src], ["get", "bar", "-o",
                                    self.path("bar.npz")]):
            master, slave = pty.openpty()
            p = subprocess.Popen([TENSORCTL] + args + ["--session=" + self.sid],
                                 env=self.server.env, stdout=slave,
                                 stderr=slave)
            os.close(slave)
            out = b""
            while True:
                try:
                    chunk = os.read(master, 4096)
                except OSError:
                    break
                if not chunk:
                    break
                out += chunk
            os.close(master)
            self.assertEqual(p.wait(60), 0, out)
            text = out.decode(errors="replace")
            self.assertIn("%s " % args[0], text)
            self.assertIn("100%  12.0/12.0 MiB", text)
        with np.load(self.path("bar.npz")) as z:
            self.assertTrue(np.array_equal(z["bar"], big))

    def test_get_errors_leave_no_file(self):
        dst = self.path("never.safetensors")
        rc, _, err = self.server.ctl("get", "nope", "-o", dst,
                                     "--session=" + self.sid)
        self.assertEqual(rc, 1)
        self.assertEqual(err, "error: %s: name 'nope' is not defined\n" % dst)
        self.assertFalse(os.path.exists(dst))
        self.assertEqual([f for f in os.listdir(self.dir) if ".tmp-" in f],
                         [])

    def state(self):
        """What must not change: the session's listing and x's value."""
        rc, out, err = self.server.ctl("--output=json", "session", "list")
        self.assertEqual(rc, 0, err)
        mine = [s for s in json.loads(out) if s["id"] == self.sid]
        self.assertEqual(len(mine), 1)
        s = mine[0]
        rc, x, err = self.server.ctl("--output=json", "get", "hx",
                                     "--session=" + self.sid)
        self.assertEqual(rc, 0, err)
        return (s["tensors"], s["names"], s["bytes"], x)

    def test_hostile_files(self):
        # A name each file would replace, if it could.
        src = self.path("hx.npz")
        np.savez(src, hx=np.array([7.0, 8.0]))
        self.put(src)
        for name, blob, want in hostile_cases():
            with self.subTest(name):
                path = self.path(name)
                # A valid tensor 'hx' first, so a partial upload would show.
                with open(path, "wb") as f:
                    f.write(blob)
                before = self.state()
                rc, out, err = self.server.ctl("put", path, "--prefix=h",
                                               "--session=" + self.sid)
                self.assertEqual(rc, 1, err)
                self.assertTrue(err.startswith("error: " + path + ": "), err)
                self.assertIn(want, err)
                self.assertEqual(len(err.strip().splitlines()), 1, err)
                self.assertIsNone(self.server.proc.poll(), "tensord died")
                rc, out, _ = self.server.ctl("health")
                self.assertEqual((rc, out.strip()), (0, "SERVING"))
                self.assertEqual(self.state(), before)

    def test_hostile_after_valid_tensor_changes_nothing(self):
        # The first member is fine and replaces 'hx'; the second is corrupt:
        # nothing may change, not even 'hx'.
        src = self.path("hx2.npz")
        np.savez(src, hx=np.array([1.0, 2.0]))
        self.put(src)
        good = npy(np.array([5.0, 6.0, 7.0]))
        x = npy(np.arange(100, dtype=np.float64))
        path = self.path("half-good.npz")
        with open(path, "wb") as f:
            f.write(zip_bytes([("hx.npy", good, {}),
                               ("zz.npy", x, {"crc": zlib.crc32(x) ^ 4})]))
        before = self.state()
        rc, _, err = self.server.ctl("put", path, "--session=" + self.sid)
        self.assertEqual(rc, 1)
        self.assertIn("CRC-32 mismatch", err)
        self.assertEqual(self.state(), before)
        # A server-side failure after the first tensor: a session whose
        # memory limit the second tensor passes.
        rc, out, err = self.server.ctl("session", "new",
                                       "--memory_limit=65536")
        self.assertEqual(rc, 0, err)
        small = out.strip()
        np.savez(self.path("over.npz"), a=np.ones(10), b=np.ones(100000))
        rc, _, err = self.server.ctl("put", self.path("over.npz"),
                                     "--session=" + small)
        self.assertEqual(rc, 1)
        self.assertIn("tensor 'b'", err)
        rc, out, _ = self.server.ctl("--output=json", "session", "list")
        s = [s for s in json.loads(out) if s["id"] == small][0]
        self.assertEqual((s["tensors"], s["names"]), (0, 0), s)

    def test_npy_unchanged(self):
        src = self.path("plain.npy")
        np.save(src, np.arange(3, dtype=np.int32))
        self.ctl_ok("put", "plain", src)
        self.ctl_ok("get", "plain", "-o", self.path("plain_back.npy"))
        self.assertTrue(same(np.load(src),
                             np.load(self.path("plain_back.npy"))))


if __name__ == "__main__":
    unittest.main()
