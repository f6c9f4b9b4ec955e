"""Mixed precision's API (torch.autocast / torch.amp, torch.cuda.amp, torch.cpu.amp), so training scripts that
use it run unchanged.

Note [autocast in ember]: ember has no per-op autocast casting. ``autocast`` is accepted, validated and
remembered (``is_autocast_enabled``, ``get_autocast_cpu_dtype``, ...), but ops run in their inputs' dtype, so a
float32 model stays float32 inside the block (torch would run matmuls and convolutions in the lower dtype). As in
torch, autocast for a CUDA device that is not available disables itself with a warning, and so does GradScaler,
which on a machine without CUDA passes everything through: scale() returns its input, step() calls
optimizer.step(). With a CUDA device, GradScaler scales, unscales, skips steps with inf/nan gradients and adapts
the scale as torch's does."""
import functools
import threading
import warnings

from .. import _C
from ..autograd.grad_mode import no_grad

__all__ = ["autocast", "GradScaler", "is_autocast_enabled", "is_autocast_cpu_enabled", "get_autocast_gpu_dtype",
           "get_autocast_cpu_dtype"]

_state = threading.local()


def _get(name, default):
    return getattr(_state, name, default)


def is_autocast_enabled():
    """True inside an enabled CUDA autocast block."""
    return _get("cuda", False)


def is_autocast_cpu_enabled():
    return _get("cpu", False)


def get_autocast_gpu_dtype():
    return _get("cuda_dtype", _C.float16)


def get_autocast_cpu_dtype():
    return _get("cpu_dtype", _C.bfloat16)


class autocast:  # noqa: N801
    """Context manager and decorator: ``with ember.autocast(device_type="cpu", dtype=ember.bfloat16): ...``.
    See Note [autocast in ember]: the state is recorded, no op is cast."""

    def __init__(self, device_type, dtype=None, enabled=True, cache_enabled=None):
        if not isinstance(device_type, str):
            raise ValueError("Expected `device_type` of type `str`, got: `{}`".format(type(device_type)))
        if device_type not in ("cpu", "cuda"):
            raise RuntimeError("User specified autocast device_type must be 'cuda' or 'cpu'")
        self.device = device_type
        self.fast_dtype = dtype if dtype is not None else (_C.bfloat16 if device_type == "cpu" else _C.float16)
        self._enabled = bool(enabled)
        self._cache_enabled = cache_enabled
        if self._enabled and device_type == "cuda" and not _C._cuda.is_available():
            warnings.warn("User provided device_type of 'cuda', but CUDA is not available. Disabling")
            self._enabled = False
        if self._enabled and device_type == "cpu" and self.fast_dtype != _C.bfloat16:
            warnings.warn("In CPU autocast, but the target dtype is not supported. Disabling autocast.\n"
                          "CPU Autocast only supports dtype of torch.bfloat16 currently.")
            self._enabled = False

    def __enter__(self):
        self._prev = (_get(self.device, False), _get(self.device + "_dtype", None))
        setattr(_state, self.device, self._enabled)
        setattr(_state, self.device + "_dtype", self.fast_dtype)
        return self

    def __exit__(self, *exc):
        setattr(_state, self.device, self._prev[0])
        if self._prev[1] is None:
            delattr(_state, self.device + "_dtype")
        else:
            setattr(_state, self.device + "_dtype", self._prev[1])
        return False

    def __call__(self, func):
        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            with self:
                return func(*args, **kwargs)

        return wrapper


class GradScaler:
    """torch.cuda.amp.GradScaler: loss scaling for float16 training. Without CUDA it disables itself (with
    torch's warning) and passes everything through."""

    def __init__(self, init_scale=2.0 ** 16, growth_factor=2.0, backoff_factor=0.5, growth_interval=2000,
                 enabled=True):
        if enabled and not _C._cuda.is_available():
            warnings.warn("torch.cuda.amp.GradScaler is enabled, but CUDA is not available.  Disabling.")
            enabled = False
        self._enabled = enabled
        if enabled:
            if growth_factor <= 1.0:
                raise ValueError("The growth factor must be > 1.0.")
            if backoff_factor >= 1.0:
                raise ValueError("The backoff factor must be < 1.0.")
            self._scale = float(init_scale)
            self._growth_factor = float(growth_factor)
            self._backoff_factor = float(backoff_factor)
            self._growth_interval = int(growth_interval)
            self._growth_tracker = 0
            self._found_inf = {}  # id(optimizer) -> found inf in its unscaled gradients

    def is_enabled(self):
        return self._enabled

    def get_scale(self):
        return self._scale if self._enabled else 1.0

    def scale(self, outputs):
        """outputs (a tensor or nested lists / tuples of them) times the scale."""
        if not self._enabled:
            return outputs
        if isinstance(outputs, _C.Tensor):
            return outputs * self._scale
        if isinstance(outputs, (list, tuple)):
            return type(outputs)(self.scale(o) for o in outputs)
        raise ValueError("outputs must be a Tensor or an iterable of Tensors")

    def unscale_(self, optimizer):
        """Divides optimizer's gradients by the scale in place (once per step) and notes inf / nan ones."""
        if not self._enabled:
            return
        if id(optimizer) in self._found_inf:
            raise RuntimeError("unscale_() has already been called on this optimizer since the last update().")
        inv = 1.0 / self._scale
        found = False
        with no_grad():
            for group in optimizer.param_groups:
                for p in group["params"]:
                    if p.grad is not None:
                        p.grad.mul_(inv)
                        found = found or not bool(_C.isfinite(p.grad).all())
        self._found_inf[id(optimizer)] = found

    def step(self, optimizer, *args, **kwargs):
        """optimizer.step(*args, **kwargs) unless the (unscaled) gradients hold inf or nan."""
        if not self._enabled:
            return optimizer.step(*args, **kwargs)
        if id(optimizer) not in self._found_inf:
            self.unscale_(optimizer)
        if not self._found_inf[id(optimizer)]:
            return optimizer.step(*args, **kwargs)
        return None

    def update(self, new_scale=None):
        """Backs the scale off after a step with inf / nan gradients, grows it after growth_interval clean ones."""
        if not self._enabled:
            return
        if new_scale is not None:
            self._scale = float(new_scale.item() if isinstance(new_scale, _C.Tensor) else new_scale)
        elif any(self._found_inf.values()):
            self._scale *= self._backoff_factor
            self._growth_tracker = 0
        else:
            self._growth_tracker += 1
            if self._growth_tracker == self._growth_interval:
                self._scale *= self._growth_factor
                self._growth_tracker = 0
        self._found_inf = {}

    def state_dict(self):
        if not self._enabled:
            return {}
        return {"scale": self._scale, "growth_factor": self._growth_factor, "backoff_factor": self._backoff_factor,
                "growth_interval": self._growth_interval, "_growth_tracker": self._growth_tracker}

    def load_state_dict(self, state_dict):
        if not self._enabled:
            return
        if len(state_dict) == 0:
            raise RuntimeError("The source state dict is empty, possibly because it was saved from a disabled "
                               "instance of GradScaler.")
        self._scale = float(state_dict["scale"])
        self._growth_factor = float(state_dict["growth_factor"])
        self._backoff_factor = float(state_dict["backoff_factor"])
        self._growth_interval = int(state_dict["growth_interval"])
        self._growth_tracker = int(state_dict["_growth_tracker"])

