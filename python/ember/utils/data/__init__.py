"""ember.utils.data: datasets, samplers and a DataLoader with the semantics of
torch.utils.data (same batches, same collation, seedable shuffling);
``num_workers > 0`` prefetches batches on background threads, in order."""
from .dataset import (  # noqa: F401
    Dataset, IterableDataset, TensorDataset, ConcatDataset, Subset, random_split,
)
from .sampler import (  # noqa: F401
    Sampler, SequentialSampler, RandomSampler, SubsetRandomSampler, WeightedRandomSampler, BatchSampler,
)
from ._collate import default_collate, default_convert  # noqa: F401
from .dataloader import DataLoader, get_worker_info  # noqa: F401

__all__ = [
    "Dataset", "IterableDataset", "TensorDataset", "ConcatDataset", "Subset", "random_split",
    "Sampler", "SequentialSampler", "RandomSampler", "SubsetRandomSampler", "WeightedRandomSampler",
    "BatchSampler",
    "default_collate", "default_convert", "DataLoader", "get_worker_info",
]
