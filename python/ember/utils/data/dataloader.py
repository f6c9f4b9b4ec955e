"""DataLoader (torch.utils.data.DataLoader semantics). With ``num_workers > 0``
batches are fetched and collated on that many background threads, at most
``prefetch_factor * num_workers`` ahead, and come out in sampler order, so
the batches are the same for any ``num_workers``. The sampler runs in the
calling thread (its generator is consumed exactly as with 0 workers).
``pin_memory``, ``timeout`` and ``multiprocessing_context`` are accepted and
ignored."""
import collections
import itertools
import threading
from concurrent.futures import ThreadPoolExecutor

from ... import _C
from ._collate import default_collate, default_convert
from .dataset import IterableDataset
from .sampler import BatchSampler, RandomSampler, SequentialSampler

_worker_local = threading.local()

WorkerInfo = collections.namedtuple("WorkerInfo", ["id", "num_workers", "seed", "dataset"])


def get_worker_info():
    """In a DataLoader worker thread: (id, num_workers, seed, dataset); None elsewhere."""
    return getattr(_worker_local, "info", None)


class _InfiniteConstantSampler:
    def __iter__(self):
        while True:
            yield None


class DataLoader:
    def __init__(self, dataset, batch_size=1, shuffle=None, sampler=None, batch_sampler=None, num_workers=0,
                 collate_fn=None, pin_memory=False, drop_last=False, timeout=0, worker_init_fn=None,
                 multiprocessing_context=None, generator=None, *, prefetch_factor=2, persistent_workers=False,
                 pin_memory_device=""):
        if num_workers < 0:
            raise ValueError("num_workers option should be non-negative; use num_workers=0 to disable "
                             "multiprocessing.")
        if timeout < 0:
            raise ValueError("timeout option should be non-negative")
        if num_workers == 0 and prefetch_factor != 2:
            raise ValueError("prefetch_factor option could only be specified in multiprocessing."
                             "let num_workers > 0 to enable multiprocessing.")
        if prefetch_factor <= 0:
            raise ValueError("prefetch_factor option should be positive")
        self.dataset = dataset
        self.num_workers = num_workers
        self.prefetch_factor = prefetch_factor
        self.pin_memory = pin_memory
        self.timeout = timeout
        self.worker_init_fn = worker_init_fn
        self.persistent_workers = persistent_workers
        self.generator = generator

        self._is_iterable = isinstance(dataset, IterableDataset)
        if self._is_iterable:
            if shuffle not in (False, None):
                raise ValueError("DataLoader with IterableDataset: expected unspecified shuffle option, "
                                 "but got shuffle={}".format(shuffle))
            if sampler is not None:
                raise ValueError("DataLoader with IterableDataset: expected unspecified sampler option, "
                                 "but got sampler={}".format(sampler))
            if batch_sampler is not None:
                raise ValueError("DataLoader with IterableDataset: expected unspecified batch_sampler option, "
                                 "but got batch_sampler={}".format(batch_sampler))
        shuffle = bool(shuffle)
        if sampler is not None and shuffle:
            raise ValueError("sampler option is mutually exclusive with shuffle")
        if batch_sampler is not None:
            if batch_size != 1 or shuffle or sampler is not None or drop_last:
                raise ValueError("batch_sampler option is mutually exclusive with batch_size, shuffle, "
                                 "sampler, and drop_last")
            batch_size = None
            drop_last = False
        elif batch_size is None:
            if drop_last:
                raise ValueError("batch_size=None option disables auto-batching and is mutually exclusive "
                                 "with drop_last")
        if sampler is None:
            if self._is_iterable:
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
        if collate_fn is None:
            collate_fn = default_collate if self._auto_collation else default_convert
        self.collate_fn = collate_fn

    @property
    def _auto_collation(self):
        return self.batch_sampler is not None

    @property
    def _index_sampler(self):
        return self.batch_sampler if self._auto_collation else self.sampler

    def __len__(self):
        if self._is_iterable:
            n = len(self.dataset)
            if self.batch_size is not None:
                from math import ceil
                n = n // self.batch_size if self.drop_last else ceil(n / self.batch_size)
            return n
        return len(self._index_sampler)

    # ---- fetching ----
    def _requests(self):
        """What each batch needs: lists of indices (map-style) or sample counts (iterable)."""
        return iter(self._index_sampler)

    def _fetch_map(self, request):
        if self._auto_collation:
            return self.collate_fn([self.dataset[i] for i in request])
        return self.collate_fn(self.dataset[request])

    def _iter_iterable(self):
        it = iter(self.dataset)
        if not self._auto_collation:
            for sample in it:
                yield self.collate_fn(sample)
            return
        while True:
            batch = list(itertools.islice(it, self.batch_size))
            if not batch or (self.drop_last and len(batch) < self.batch_size):
                return
            yield self.collate_fn(batch)

    def __iter__(self):
        # as torch, every epoch draws a base seed (for the workers) from the
        # loader's generator first, whatever num_workers is, so the shuffled
        # order does not depend on num_workers
        base_seed = int(_C.randint(0, 2**62, (), generator=self.generator or _C.default_generator()).item())
        if self._is_iterable:
            if self.num_workers == 0:
                return self._iter_iterable()
            return _ThreadedIter(self, self._iterable_tasks(), lambda f: f(), base_seed)
        if self.num_workers == 0:
            return (self._fetch_map(r) for r in self._requests())
        return _ThreadedIter(self, self._requests(), self._fetch_map, base_seed)

    def _iterable_tasks(self):
        # an iterable dataset is consumed in this thread (it is not replicated
        # per worker); collation runs on the workers
        if not self._auto_collation:
            for sample in self.dataset:
                yield lambda s=sample: self.collate_fn(s)
            return
        it = iter(self.dataset)
        while True:
            batch = list(itertools.islice(it, self.batch_size))
            if not batch or (self.drop_last and len(batch) < self.batch_size):
                return
            yield lambda b=batch: self.collate_fn(b)


class _ThreadedIter:
    """Runs ``fetch(request)`` for the requests of one epoch on a thread pool,
    keeping a bounded window of batches in flight, and yields them in order."""

    def __init__(self, loader, requests, fetch, base_seed):
        self._requests = requests
        self._fetch = fetch
        self._window = loader.num_workers * loader.prefetch_factor
        counter = itertools.count()
        lock = threading.Lock()

        def init():
            with lock:
                wid = next(counter)
            _worker_local.info = WorkerInfo(wid, loader.num_workers, base_seed + wid, loader.dataset)
            if loader.worker_init_fn is not None:
                loader.worker_init_fn(wid)

        self._pool = ThreadPoolExecutor(max_workers=loader.num_workers, thread_name_prefix="ember-dataloader",
                                        initializer=init)
        self._pending = collections.deque()
        self._exhausted = False
        self._fill()

    def _fill(self):
        while not self._exhausted and len(self._pending) < self._window:
            try:
                req = next(self._requests)
            except StopIteration:
                self._exhausted = True
                break
            self._pending.append(self._pool.submit(self._fetch, req))

    def __iter__(self):
        return self

    def __next__(self):
        if not self._pending:
            self.close()
            raise StopIteration
        fut = self._pending.popleft()
        try:
            batch = fut.result()
        except BaseException:
            self.close()
            raise
        self._fill()
        return batch

    def close(self):
        for f in self._pending:
            f.cancel()
        self._pending.clear()
        self._exhausted = True
        if self._pool is not None:
            self._pool.shutdown(wait=False)
            self._pool = None

    def __del__(self):
        try:
            self.close()
        except Exception:  # noqa: BLE001
            pass
