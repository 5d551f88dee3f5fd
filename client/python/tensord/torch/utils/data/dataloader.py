"""DataLoader (torch.utils.data.dataloader): batches of a dataset, with
PyTorch 1.13's options, checks, messages and random draws.

Batches of a TensorDataset (or of Subsets of one) collated by
default_collate are gathered on the server: one index_select per tensor
per batch, with the batch's indices sent along in the same request —
never sample by sample, never through the client. The result equals
torch's (a stack of the samples). Any other dataset or collate_fn goes
sample by sample, as in torch, and stacking still happens on the server.

Data loading always runs in this process: the data lives on the server,
so worker processes have nothing to parallelise. num_workers > 0 is
accepted for map-style datasets and gives torch's batches and random
draws (the indices of the first prefetch_factor * num_workers batches
are taken when iteration starts, as torch's workers take them);
worker_init_fn and num_workers > 0 with an IterableDataset (whose
per-worker copies torch iterates separately) raise NotImplementedError.
"""
import builtins
import collections
import math
import warnings

from . import _random
from ._collate import default_collate, default_convert
from .dataset import IterableDataset, Subset, TensorDataset
from .sampler import (BatchSampler, RandomSampler, Sampler,
                      SequentialSampler)

__all__ = ["DataLoader", "get_worker_info", "default_collate",
           "default_convert"]


def get_worker_info():
    """None: there are no worker processes (data loads in this one)."""
    return None


class _DatasetKind:
    Map = 0
    Iterable = 1


class _InfiniteConstantSampler(Sampler):
    """The sampler of an IterableDataset: None forever."""

    def __init__(self):
        super().__init__(None)

    def __iter__(self):
        while True:
            yield None


def _is_int(v):
    return isinstance(v, builtins.int) and not isinstance(v, builtins.bool)


def _plain(obj, cls, method="__getitem__"):
    """obj is a `cls` whose `method` is cls's own and that has no
    __getitems__ (which torch's fetcher would call instead)."""
    return isinstance(obj, cls) and \
        getattr(type(obj), method) is getattr(cls, method) and \
        not getattr(obj, "__getitems__", None)


def _server_batch(dataset, indices):
    """default_collate([dataset[i] for i in indices]) for a TensorDataset
    (or Subsets of one), made on the server with one index_select per
    tensor; None when the dataset or the indices are of another kind (the
    caller then goes sample by sample, as torch does)."""
    from ... import _tensor
    indices = list(indices)
    while _plain(dataset, Subset):
        try:
            indices = [dataset.indices[i] for i in indices]
        except Exception:  # noqa: BLE001 - the slow path raises torch's error
            return None
        dataset = dataset.dataset
    if not indices or not _plain(dataset, TensorDataset) or \
            not dataset.tensors or not all(_is_int(i) for i in indices):
        return None
    tensors = dataset.tensors
    for t in tensors:
        if not isinstance(t, _tensor.Tensor):
            return None
        info = t._i()
        # A tensor that requires grad: torch's batch has StackBackward0.
        if not info[3] or info[4]:
            return None
    n = tensors[0].size(0)
    rows = []
    for i in indices:
        if not -n <= i < n:
            return None  # t[i] raises torch's IndexError
        rows.append(i + n if i < 0 else i)
    from .... import torch
    index = torch.tensor(rows, dtype=torch.int64)
    return [t.index_select(0, index) for t in tensors]


class _MapDatasetFetcher:
    def __init__(self, dataset, auto_collation, collate_fn, drop_last):
        self.dataset = dataset
        self.auto_collation = auto_collation
        self.collate_fn = collate_fn
        self.drop_last = drop_last

    def fetch(self, possibly_batched_index):
        if self.auto_collation:
            if self.collate_fn is default_collate:
                batch = _server_batch(self.dataset, possibly_batched_index)
                if batch is not None:
                    return batch
            getitems = getattr(self.dataset, "__getitems__", None)
            if getitems:
                data = getitems(possibly_batched_index)
            else:
                data = [self.dataset[i] for i in possibly_batched_index]
        else:
            data = self.dataset[possibly_batched_index]
        return self.collate_fn(data)


class _IterableDatasetFetcher:
    def __init__(self, dataset, auto_collation, collate_fn, drop_last):
        self.dataset_iter = iter(dataset)
        self.auto_collation = auto_collation
        self.collate_fn = collate_fn
        self.drop_last = drop_last
        self.ended = False

    def fetch(self, possibly_batched_index):
        if self.ended:
            raise StopIteration
        if self.auto_collation:
            data = []
            for _ in possibly_batched_index:
                try:
                    data.append(next(self.dataset_iter))
                except StopIteration:
                    self.ended = True
                    break
            if not data or (self.drop_last and
                            len(data) < len(possibly_batched_index)):
                raise StopIteration
        else:
            data = next(self.dataset_iter)
        return self.collate_fn(data)


class _BaseDataLoaderIter:
    def __init__(self, loader):
        self._dataset = loader.dataset
        self._dataset_kind = loader._dataset_kind
        self._IterableDataset_len_called = \
            loader._IterableDataset_len_called
        self._auto_collation = loader._auto_collation
        self._drop_last = loader.drop_last
        self._index_sampler = loader._index_sampler
        self._num_workers = loader.num_workers
        self._prefetch_factor = loader.prefetch_factor
        self._collate_fn = loader.collate_fn
        # torch's order: the sampler's iterator first (a generator: draws
        # nothing yet), then the base seed, drawn even without shuffling.
        self._sampler_iter = iter(self._index_sampler)
        self._base_seed = _random.draw_seed(loader.generator)
        self._num_yielded = 0
        kind = _MapDatasetFetcher if \
            self._dataset_kind == _DatasetKind.Map else \
            _IterableDatasetFetcher
        self._dataset_fetcher = kind(self._dataset, self._auto_collation,
                                     self._collate_fn, self._drop_last)
        self._prefetched = collections.deque()
        self._prefetch()

    def _prefetch(self):
        """With num_workers > 0, torch hands the first batches' indices to
        its workers when iteration starts (drawing a shuffle's seed then)."""
        for _ in range(self._prefetch_factor * self._num_workers):
            try:
                self._prefetched.append(next(self._sampler_iter))
            except StopIteration:
                break

    def _reset(self, loader):
        self._sampler_iter = iter(self._index_sampler)
        self._num_yielded = 0
        self._IterableDataset_len_called = \
            loader._IterableDataset_len_called
        self._prefetched.clear()
        self._prefetch()

    def __iter__(self):
        return self

    def _next_index(self):
        if self._prefetched:
            return self._prefetched.popleft()
        return next(self._sampler_iter)

    def __next__(self):
        index = self._next_index()  # may raise StopIteration
        data = self._dataset_fetcher.fetch(index)
        self._num_yielded += 1
        if self._dataset_kind == _DatasetKind.Iterable and \
                self._IterableDataset_len_called is not None and \
                self._num_yielded > self._IterableDataset_len_called:
            warnings.warn(
                "Length of IterableDataset {} was reported to be {} (when "
                "accessing len(dataloader)), but {} samples have been "
                "fetched. ".format(self._dataset,
                                   self._IterableDataset_len_called,
                                   self._num_yielded))
        return data

    def __len__(self):
        return len(self._index_sampler)

    def __getstate__(self):
        raise NotImplementedError("{} cannot be pickled",
                                  self.__class__.__name__)


class _SingleProcessDataLoaderIter(_BaseDataLoaderIter):
    pass


class _MultiProcessingDataLoaderIter(_BaseDataLoaderIter):
    """num_workers > 0: torch's batches and draws, loaded in this process."""


_START_METHODS = ("fork", "spawn", "forkserver")


class DataLoader:
    """Batches over a dataset: see torch.utils.data.DataLoader."""

    __initialized = False

    def __init__(self, dataset, batch_size=1, shuffle=None, sampler=None,
                 batch_sampler=None, num_workers=0, collate_fn=None,
                 pin_memory=False, drop_last=False, timeout=0,
                 worker_init_fn=None, multiprocessing_context=None,
                 generator=None, *, prefetch_factor=2,
                 persistent_workers=False, pin_memory_device=""):
        if num_workers < 0:
            raise ValueError("num_workers option should be non-negative; "
                             "use num_workers=0 to disable multiprocessing.")
        if timeout < 0:
            raise ValueError("timeout option should be non-negative")
        if num_workers == 0 and prefetch_factor != 2:
            raise ValueError("prefetch_factor option could only be specified "
                             "in multiprocessing.let num_workers > 0 to "
                             "enable multiprocessing.")
        assert prefetch_factor > 0
        if persistent_workers and num_workers == 0:
            raise ValueError("persistent_workers option needs num_workers > 0")
        if num_workers > 0 and worker_init_fn is not None:
            raise NotImplementedError(
                "tensord: DataLoader loads in this process (the data is on "
                "the server); worker_init_fn with num_workers > 0 is not "
                "supported")
        self.dataset = dataset
        self.num_workers = num_workers
        self.prefetch_factor = prefetch_factor
        self.pin_memory = pin_memory
        self.pin_memory_device = pin_memory_device
        self.timeout = timeout
        self.worker_init_fn = worker_init_fn
        self.multiprocessing_context = multiprocessing_context

        if isinstance(dataset, IterableDataset):
            self._dataset_kind = _DatasetKind.Iterable
            if shuffle not in {False, None}:
                raise ValueError(
                    "DataLoader with IterableDataset: expected unspecified "
                    "shuffle option, but got shuffle={}".format(shuffle))
            if sampler is not None:
                raise ValueError(
                    "DataLoader with IterableDataset: expected unspecified "
                    "sampler option, but got sampler={}".format(sampler))
            if batch_sampler is not None:
                raise ValueError(
                    "DataLoader with IterableDataset: expected unspecified "
                    "batch_sampler option, but got batch_sampler={}".format(
                        batch_sampler))
            if num_workers > 0:
                raise NotImplementedError(
                    "tensord: DataLoader loads in this process (the data is "
                    "on the server); an IterableDataset with num_workers > 0 "
                    "(one copy per worker in torch) is not supported")
        else:
            shuffle = builtins.bool(shuffle)
            self._dataset_kind = _DatasetKind.Map

        if sampler is not None and shuffle:
            raise ValueError("sampler option is mutually exclusive with "
                             "shuffle")
        if batch_sampler is not None:
            if batch_size != 1 or shuffle or sampler is not None or \
                    drop_last:
                raise ValueError("batch_sampler option is mutually exclusive "
                                 "with batch_size, shuffle, sampler, and "
                                 "drop_last")
            batch_size = None
            drop_last = False
        elif batch_size is None and drop_last:
            raise ValueError("batch_size=None option disables auto-batching "
                             "and is mutually exclusive with drop_last")

        if sampler is None:
            if self._dataset_kind == _DatasetKind.Iterable:
                sampler = _InfiniteConstantSampler()
            elif shuffle:
                sampler = RandomSampler(dataset, generator=generator)
            else:
                sampler = SequentialSampler(dataset)
        if batch_size is not None and batch_sampler is None:
            batch_sampler = BatchSampler(sampler, batch_size, drop_last)

        self.batch_size = batch_size
        self.drop_last = drop_last
        self.sampler = sampler
        self.batch_sampler = batch_sampler
        self.generator = generator
        if collate_fn is None:
            collate_fn = default_collate if self._auto_collation else \
                default_convert
        self.collate_fn = collate_fn
        self.persistent_workers = persistent_workers
        self.__initialized = True
        self._IterableDataset_len_called = None
        self._iterator = None

    @property
    def multiprocessing_context(self):
        return self.__multiprocessing_context

    @multiprocessing_context.setter
    def multiprocessing_context(self, context):
        if context is not None:
            if self.num_workers == 0:
                raise ValueError(
                    "multiprocessing_context can only be used with "
                    "multi-process loading (num_workers > 0), but got "
                    "num_workers={}".format(self.num_workers))
            if isinstance(context, str) and context not in _START_METHODS:
                raise ValueError(
                    "multiprocessing_context option should specify a valid "
                    "start method in {!r}, but got multiprocessing_context="
                    "{!r}".format(list(_START_METHODS), context))
        self.__multiprocessing_context = context

    def __setattr__(self, attr, val):
        if self.__initialized and attr in (
                "batch_size", "batch_sampler", "sampler", "drop_last",
                "dataset", "persistent_workers"):
            raise ValueError("{} attribute should not be set after {} is "
                             "initialized".format(attr,
                                                  self.__class__.__name__))
        super().__setattr__(attr, val)

    def _get_iterator(self):
        if self.num_workers == 0:
            return _SingleProcessDataLoaderIter(self)
        return _MultiProcessingDataLoaderIter(self)

    def __iter__(self):
        if self.persistent_workers and self.num_workers > 0:
            if self._iterator is None:
                self._iterator = self._get_iterator()
            else:
                self._iterator._reset(self)
            return self._iterator
        return self._get_iterator()

    @property
    def _auto_collation(self):
        return self.batch_sampler is not None

    @property
    def _index_sampler(self):
        return self.batch_sampler if self._auto_collation else self.sampler

    def __len__(self):
        if self._dataset_kind == _DatasetKind.Iterable:
            length = self._IterableDataset_len_called = len(self.dataset)
            if self.batch_size is not None:
                if self.drop_last:
                    length = length // self.batch_size
                else:
                    length = math.ceil(length / self.batch_size)
            return length
        return len(self._index_sampler)

    def __class_getitem__(cls, item):
        return cls


