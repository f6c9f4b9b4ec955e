"""ember.random: the default generator's seed and state (torch.random's functions).

A state is a uint8 tensor of 16 bytes, the Philox seed and offset (ember::Generator::get_state); torch's
mt19937 state has another size, so the two do not mix.
"""
import contextlib
import os

from . import _C
from ._C import Tensor, Generator

__all__ = ["manual_seed", "seed", "initial_seed", "get_rng_state", "set_rng_state", "fork_rng"]

manual_seed = _C.manual_seed
initial_seed = _C.initial_seed


def _get_state(self):
    """The generator's state: a uint8 tensor (16 bytes: seed, then offset)."""
    return _C.tensor(list(self._get_state()), dtype=_C.uint8)


def _set_state(self, new_state):
    """Restores a state get_state returned; returns the generator."""
    if not isinstance(new_state, Tensor):
        raise TypeError("set_state: expected a uint8 tensor (ember.ByteTensor), but got %s" % type(new_state).__name__)
    if new_state.dtype != _C.uint8:
        raise TypeError("set_state: RNG state must be a uint8 tensor (ember.ByteTensor), got %s"
                        % str(new_state.dtype).split(".")[-1])
    self._set_state(bytes(new_state.detach().cpu().flatten().tolist()))
    return self


def _seed(self):
    """Seeds the generator from os.urandom and returns the seed (torch.Generator.seed)."""
    s = int.from_bytes(os.urandom(8), "little") & ((1 << 63) - 1)
    self.manual_seed(s)
    return s


Generator.get_state = _get_state
Generator.set_state = _set_state
Generator.seed = _seed


def _default():
    return _C.default_generator()


def seed():
    """Seeds the default generator with a non-deterministic number and returns it."""
    return _seed(_default())


def get_rng_state():
    """The default generator's state, a uint8 tensor (see set_rng_state)."""
    return _get_state(_default())


def set_rng_state(new_state):
    """Restores the default generator's state from get_rng_state()."""
    if not isinstance(new_state, Tensor):
        raise TypeError("set_rng_state: expected a uint8 tensor (ember.ByteTensor), but got %s"
                        % type(new_state).__name__)
    try:
        _set_state(_default(), new_state)
    except (TypeError, ValueError) as e:
        raise type(e)(str(e).replace("set_state:", "set_rng_state:", 1)) from None


@contextlib.contextmanager
def fork_rng(devices=None, enabled=True, _caller="fork_rng", _devices_kw="devices"):
    """Restores the default generator's state when the block exits (CPU only: ember has no CUDA generators)."""
    if not enabled:
        yield
        return
    state = get_rng_state()
    try:
        yield
    finally:
        set_rng_state(state)
