"""tensord.safetensors (save_file/load_file, as safetensors.torch) and
tensord.npz (savez/savez_compressed/load, as numpy) against a real tensord
on an ephemeral loopback port: every dtype with 0-d and empty shapes,
files checked byte for byte against a reference safetensors writer and read
by numpy, files numpy wrote loaded, and bad files raising ValueError with
the session unchanged. Run by ctest (label python) as
    TENSORD_BINARY=build/server/tensord PYTHONPATH=build/python \\
        /usr/bin/python3 tests/python/files_test.py
"""
import os
import re
import subprocess
import sys
import tempfile
import time
import unittest
import zlib

import numpy as np

import tensord
import tensord.npz
import tensord.safetensors

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "client"))
from safetensors_reference import (DTYPES, SHAPES, ref_read,  # noqa: E402
                                   ref_write)


def sample(dtype, shape, seed):
    rng = np.random.default_rng(seed)
    if dtype == "bool":
        return rng.integers(0, 2, size=shape).astype(bool)
    if dtype in ("int32", "int64"):
        return rng.integers(-1000, 1000, size=shape).astype(dtype)
    if dtype == "complex64":
        return (rng.standard_normal(shape) +
                1j * rng.standard_normal(shape)).astype(np.complex64)
    return rng.standard_normal(shape).astype(dtype)


def samples():
    return {"t_%s_%d" % (dt, j): sample(dt, shape, 10 * i + j)
            for i, dt in enumerate(DTYPES) for j, shape in enumerate(SHAPES)}


class FilesTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.log = tempfile.TemporaryFile(mode="w+")
        cls.proc = subprocess.Popen(
            [os.environ["TENSORD_BINARY"], "--listen=127.0.0.1:0"],
            stderr=cls.log, stdout=cls.log)
        for _ in range(200):
            cls.log.seek(0)
            m = re.search(r"\(port (\d+)\)", cls.log.read())
            if m:
                break
            time.sleep(0.05)
        cls.session = tensord.connect("127.0.0.1:%s" % m.group(1))
        cls.session.__enter__()
        cls.torch = cls.session.torch
        cls.dir = tempfile.mkdtemp()

    @classmethod
    def tearDownClass(cls):
        cls.session.__exit__(None, None, None)
        cls.proc.terminate()
        cls.proc.wait(30)
        cls.log.close()

    def path(self, name):
        return os.path.join(self.dir, name)

    def tensors(self, arrays):
        return {k: self.torch.from_numpy(a) if a.ndim else
                self.torch.tensor(a.item(), dtype=getattr(
                    self.torch, a.dtype.name if a.dtype.name != "bool"
                    else "bool"))
                for k, a in arrays.items()}

    def assertSameArrays(self, tensors, arrays):
        self.assertEqual(sorted(tensors), sorted(arrays))
        for k, a in arrays.items():
            b = tensors[k].numpy()
            self.assertEqual(b.dtype, a.dtype, k)
            self.assertEqual(b.shape, a.shape, k)
            self.assertTrue(np.array_equal(a, b), k)

    def test_safetensors_round_trip_and_reference_bytes(self):
        arrays = samples()
        path = self.path("model.safetensors")
        tensord.save_file(self.tensors(arrays), path,
                          metadata={"format": "pt"})
        with open(path, "rb") as f:
            blob = f.read()
        self.assertEqual(blob, ref_write(arrays, {"format": "pt"}))
        back, meta = ref_read(blob)
        self.assertEqual(meta, {"format": "pt"})
        loaded = tensord.safetensors.load_file(path)
        self.assertEqual(list(loaded), sorted(arrays))  # as safetensors.torch
        self.assertSameArrays(loaded, arrays)
        self.assertEqual(tensord.safetensors.metadata(path),
                         {"format": "pt"})

    def test_reference_file_loads(self):
        arrays = samples()
        path = self.path("ref.safetensors")
        with open(path, "wb") as f:
            f.write(ref_write(arrays))
        self.assertSameArrays(tensord.load_file(path), arrays)

    def test_computed_and_viewed_tensors_save(self):
        torch = self.torch
        x = torch.arange(12.0).reshape(3, 4)
        t = {"sum": x.sum(), "t": x.t(), "row": x[1], "grad": torch.ones(
            2, requires_grad=True) * 2}
        path = self.path("computed.npz")
        tensord.savez(path, **t)
        with np.load(path) as z:
            self.assertTrue(np.array_equal(z["t"], np.arange(12.0)
                                           .reshape(3, 4).T))
            self.assertEqual(z["sum"], 66.0)
            self.assertTrue(np.array_equal(z["row"], [4, 5, 6, 7]))
            self.assertTrue(np.array_equal(z["grad"], [2, 2]))

    def test_npz_both_ways(self):
        arrays = samples()
        for save, name in ((tensord.savez, "a.npz"),
                           (tensord.npz.savez_compressed, "c.npz")):
            path = self.path(name)
            save(path, **self.tensors(arrays))
            with np.load(path) as z:
                self.assertEqual(sorted(z.files), sorted(arrays))
                for k, a in arrays.items():
                    self.assertTrue(np.array_equal(z[k], a), k)
                    self.assertEqual(z[k].dtype, a.dtype)
        for save, name in ((np.savez, "np.npz"),
                           (np.savez_compressed, "npc.npz")):
            path = self.path(name)
            save(path, np.arange(3), **arrays)
            loaded = tensord.load_npz(path)
            self.assertTrue(np.array_equal(loaded.pop("arr_0").numpy(),
                                           np.arange(3)))
            self.assertSameArrays(loaded, arrays)

    def test_bad_files_raise_and_change_nothing(self):
        torch = self.torch
        keep = torch.arange(3.0)
        keep.tolist()  # in the session now, before the snapshot
        desc = self.session._conn.describe(self.session.id)
        bad = {
            "u16.safetensors": (ref_write({"h": np.zeros(2, np.uint16)}),
                                "tensor 'h' has dtype U16"),
            "trunc.safetensors": (ref_write({"x": np.zeros(4)})[:-3],
                                  "run past the end of the data"),
            "crc.npz": (None, "CRC-32 mismatch"),
        }
        np.savez(self.path("ok.npz"), a=np.arange(100.0), b=np.ones(50))
        with open(self.path("ok.npz"), "rb") as f:
            blob = bytearray(f.read())
        i = blob.rfind(np.ones(50).tobytes()[:8])  # inside b's data
        blob[i] ^= 1
        bad["crc.npz"] = (bytes(blob), bad["crc.npz"][1])
        for name, (data, want) in bad.items():
            with self.subTest(name):
                path = self.path(name)
                with open(path, "wb") as f:
                    f.write(data)
                with self.assertRaises(ValueError) as cm:
                    if name.endswith(".npz"):
                        tensord.load_npz(path)
                    else:
                        tensord.load_file(path)
                self.assertIn(want, str(cm.exception))
                self.assertIn(path, str(cm.exception))
                after = self.session._conn.describe(self.session.id)
                self.assertEqual(
                    (after["tensor_count"], after["name_count"],
                     after["bytes"]),
                    (desc["tensor_count"], desc["name_count"],
                     desc["bytes"]))
        with self.assertRaises(FileNotFoundError):
            tensord.load_file(self.path("missing.safetensors"))
        with self.assertRaises(TypeError):
            tensord.save_file({"x": np.zeros(2)}, self.path("x.safetensors"))
        self.assertEqual(keep.tolist(), [0.0, 1.0, 2.0])
        self.assertEqual(zlib.crc32(b""), 0)


if __name__ == "__main__":
    unittest.main()
