"""ember.utils: data loading (ember.utils.data) and activation checkpointing (ember.utils.checkpoint), as
torch.utils."""
from . import data  # noqa: F401
from . import checkpoint  # noqa: F401
