"""Grad-mode switches: no_grad, enable_grad, set_grad_enabled, inference_mode.
Each is a context manager and a function decorator, as in torch."""

import functools
import threading

from .. import _C


class _DecoratorContextManager:
    def __call__(self, func):
        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            with self.clone():
                return func(*args, **kwargs)

        return wrapper

    def clone(self):
        return self.__class__()


class no_grad(_DecoratorContextManager):  # noqa: N801
    """Turns off gradient recording inside its block (or the decorated function)."""

    def __enter__(self):
        self.prev = _C.is_grad_enabled()
        _C._set_grad_enabled(False)

    def __exit__(self, *exc):
        _C._set_grad_enabled(self.prev)
        return False


class enable_grad(_DecoratorContextManager):  # noqa: N801
    """Turns gradient recording back on inside a no_grad block."""

    def __enter__(self):
        self.prev = _C.is_grad_enabled()
        _C._set_grad_enabled(True)

    def __exit__(self, *exc):
        _C._set_grad_enabled(self.prev)
        return False


class set_grad_enabled(_DecoratorContextManager):  # noqa: N801
    """``set_grad_enabled(False)`` switches recording off at once; used with
    ``with`` it restores the previous mode at the end of the block."""

    def __init__(self, mode):
        self.prev = _C.is_grad_enabled()
        self.mode = mode
        _C._set_grad_enabled(mode)

    def __enter__(self):
        pass

    def __exit__(self, *exc):
        _C._set_grad_enabled(self.prev)
        return False

    def clone(self):
        return self.__class__(self.mode)


_inference = threading.local()


def is_inference_mode_enabled():
    """True inside ``inference_mode()`` (and not inside a nested ``inference_mode(False)``)."""
    return getattr(_inference, "enabled", False)


class inference_mode(_DecoratorContextManager):  # noqa: N801
    """Like no_grad (ember has no separate inference tensors); is_inference_mode_enabled() reports it."""

    def __init__(self, mode=True):
        self.mode = mode

    def __enter__(self):
        self.prev = _C.is_grad_enabled()
        self.prev_inference = is_inference_mode_enabled()
        _inference.enabled = bool(self.mode)
        if self.mode:
            _C._set_grad_enabled(False)

    def __exit__(self, *exc):
        _C._set_grad_enabled(self.prev)
        _inference.enabled = self.prev_inference
        return False

    def clone(self):
        return self.__class__(self.mode)
