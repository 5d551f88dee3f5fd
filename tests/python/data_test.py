"""torch.utils.data in the tensord package: batches of a TensorDataset are
gathered on the server, one index_select per tensor per batch, and equal
the stack of the samples.

Run by ctest (label `python`) as
    TENSORD_BINARY=build/server/tensord PYTHONPATH=build/python \\
        TENSORD_NO_TRACE=1 /usr/bin/python3 tests/python/data_test.py
(TENSORD_NO_TRACE: the op counter below is Python code the statement trace
would otherwise treat as the user's.) Needs no PyTorch: the reference is
the sample-by-sample result computed by tensord itself.
"""
import collections
import os
import sys
import unittest

import tensord
from tensord import _engine

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from package_test import Server  # noqa: E402


class OpCounter:
    """Counts the ops recorded while active."""

    def __init__(self):
        self.ops = collections.Counter()
        self._orig = _engine.Engine.record

    def __enter__(self):
        counter, orig = self.ops, self._orig

        def record(engine, op, *args, **kwargs):
            counter[op] += 1
            return orig(engine, op, *args, **kwargs)
        _engine.Engine.record = record
        return self.ops

    def __exit__(self, *exc):
        _engine.Engine.record = self._orig
        return False


class DataLoaderOnServerTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = Server()
        cls.session = tensord.connect(server=cls.server.target)
        cls.session.__enter__()
        cls.torch = cls.session.torch
        from tensord.torch.utils import data
        cls.data = data

    @classmethod
    def tearDownClass(cls):
        cls.session.__exit__(None, None, None)
        cls.server.stop()

    def reference(self, ds, indices):
        """default_collate of the samples, one by one."""
        return self.data.default_collate([ds[i] for i in indices])

    def assert_batches_equal(self, got, want):
        self.assertEqual(len(got), len(want))
        for g, w in zip(got, want):
            self.assertEqual(g.dtype, w.dtype)
            self.assertEqual(tuple(g.shape), tuple(w.shape))
            self.assertTrue(self.torch.equal(g, w))

    def test_tensor_dataset_batches_are_one_index_select_per_tensor(self):
        torch, data = self.torch, self.data
        X = torch.arange(60.).reshape(20, 3)
        y = torch.arange(20) % 4
        m = torch.arange(20) > 9
        ds = data.TensorDataset(X, y, m)
        loader = data.DataLoader(ds, batch_size=6)
        e = self.session.engine
        e.flush()
        trips = e.round_trips
        with OpCounter() as ops:
            batches = list(loader)
        e.flush()
        self.assertEqual(len(batches), 4)
        self.assertEqual(ops["index_select"], 3 * 4)   # 3 tensors, 4 batches
        # The 4 index uploads and the probe that reads the base-seed draw
        # (random_ in place, then .item()).
        self.assertEqual(ops["alias"], 5)
        for op in ("index", "index.advanced", "select", "stack"):
            self.assertEqual(ops[op], 0, op)
        # The base-seed draw, and one request for the batches: no values
        # come back to the client.
        self.assertLessEqual(e.round_trips - trips, 3)
        for b, start in zip(batches, range(0, 20, 6)):
            self.assertIsInstance(b, list)
            self.assert_batches_equal(
                b, self.reference(ds, range(start, min(start + 6, 20))))

    def test_subsets_and_negative_indices_gather_on_the_server(self):
        torch, data = self.torch, self.data
        ds = data.TensorDataset(torch.arange(24).reshape(12, 2),
                                torch.arange(12) * 1.5)
        inner = data.Subset(ds, [11, -1, 3, 0, 7, 5])
        outer = data.Subset(inner, [5, 0, 2, 1])
        with OpCounter() as ops:
            got = list(data.DataLoader(outer, batch_size=3))
        self.assertEqual(ops["index_select"], 4)
        self.assertEqual(ops["index"] + ops["select"] + ops["stack"], 0)
        self.assert_batches_equal(got[0], self.reference(outer, [0, 1, 2]))
        self.assert_batches_equal(got[1], self.reference(outer, [3]))

    def test_other_cases_go_sample_by_sample_like_torch(self):
        torch, data = self.torch, self.data
        w = torch.arange(8.).reshape(4, 2).requires_grad_(True)
        ds = data.TensorDataset(w * 2)
        (b,) = next(iter(data.DataLoader(ds, batch_size=2)))
        self.assertEqual(b.grad_fn.name(), "StackBackward0")
        with OpCounter() as ops:
            out = list(data.DataLoader(
                data.TensorDataset(torch.arange(4)), batch_size=2,
                collate_fn=lambda s: [t for (t,) in s]))
        self.assertEqual(ops["index_select"], 0)
        self.assertEqual([[t.item() for t in b] for b in out],
                         [[0, 1], [2, 3]])
        # An index out of range raises torch's per-sample IndexError (when
        # the request runs: without the statement trace, at the flush).
        bad = data.DataLoader(ds, batch_sampler=[[0, 4]])
        with self.assertRaisesRegex(IndexError, "index 4 is out of bounds "
                                    "for dimension 0 with size 4"):
            list(bad)
            self.session.engine.flush()


if __name__ == "__main__":
    unittest.main()
