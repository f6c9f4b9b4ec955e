"""ember.cuda: device queries (the CPU-only build reports no device)."""

from .. import _C


def is_available():
    return _C._cuda.is_available()


def device_count():
    return _C._cuda.device_count()


from . import amp  # noqa: E402,F401  (torch.cuda.amp: autocast, GradScaler)
