"""torch's global switches and legacy tensor types: deterministic algorithms, float32 matmul precision, the
default tensor type, and FloatTensor / LongTensor / ... (constructors that are also isinstance checks).

ember runs on its own CPU kernels: they are deterministic (fixed work splits) and compute float32 products in
float32, so the switches are accepted and remembered, and change nothing (docs/design.md).
"""
import warnings

from . import _C
from ._C import Tensor

# ---------------------------------------------------------------- deterministic algorithms

_deterministic = {"mode": False, "warn_only": False}


def use_deterministic_algorithms(mode, *, warn_only=False):
    """Accepted and remembered: ember's CPU kernels split work into fixed ranges with no atomics, so they are
    deterministic already (docs/design.md)."""
    if not isinstance(mode, bool):
        raise TypeError("use_deterministic_algorithms: argument 'mode' must be bool, not %s" % type(mode).__name__)
    if not isinstance(warn_only, bool):
        raise TypeError("use_deterministic_algorithms: argument 'warn_only' must be bool, not %s"
                        % type(warn_only).__name__)
    _deterministic["mode"], _deterministic["warn_only"] = mode, warn_only


def are_deterministic_algorithms_enabled():
    return _deterministic["mode"]


def is_deterministic_algorithms_warn_only_enabled():
    return _deterministic["warn_only"]


_DEBUG_MODES = {"default": 0, "warn": 1, "error": 2}


def set_deterministic_debug_mode(debug_mode):
    """0 / "default", 1 / "warn" or 2 / "error", as torch: use_deterministic_algorithms(mode != 0,
    warn_only=mode == 1)."""
    if isinstance(debug_mode, str):
        if debug_mode not in _DEBUG_MODES:
            raise RuntimeError('set_deterministic_debug_mode: invalid value of debug_mode, expected one of '
                               '"default", "warn", "error", but got %s' % debug_mode)
        debug_mode = _DEBUG_MODES[debug_mode]
    elif not isinstance(debug_mode, int) or isinstance(debug_mode, bool):
        raise TypeError("set_deterministic_debug_mode: debug_mode must be str or int, but got %s"
                        % type(debug_mode).__name__)
    if debug_mode not in (0, 1, 2):
        raise RuntimeError("set_deterministic_debug_mode: invalid value of debug_mode, expected 0, 1, or 2, but got %d"
                           % debug_mode)
    use_deterministic_algorithms(debug_mode != 0, warn_only=debug_mode == 1)


def get_deterministic_debug_mode():
    if not _deterministic["mode"]:
        return 0
    return 1 if _deterministic["warn_only"] else 2


# ---------------------------------------------------------------- float32 matmul precision

# One setting, as torch's: backends.cuda.matmul.allow_tf32 reads and writes it too ("highest" = no TF32).
_matmul = {"precision": "highest"}


def set_float32_matmul_precision(precision):
    """"highest", "high" or "medium"; remembered (float32 products stay float32 on ember's CPU kernels). An
    unknown value warns and changes nothing, as torch 1.13."""
    if precision not in ("highest", "high", "medium"):
        warnings.warn("set_float32_matmul_precision: %r is not one of 'highest', 'high', or 'medium'; the call has no "
                      "effect" % (precision,), stacklevel=2)
        return
    _matmul["precision"] = precision


def get_float32_matmul_precision():
    return _matmul["precision"]


# ---------------------------------------------------------------- legacy tensor types

_LEGACY_DTYPES = {
    "FloatTensor": "float32", "DoubleTensor": "float64", "HalfTensor": "float16", "BFloat16Tensor": "bfloat16",
    "LongTensor": "int64", "IntTensor": "int32", "ShortTensor": "int16", "CharTensor": "int8",
    "ByteTensor": "uint8", "BoolTensor": "bool",
}


class _LegacyTensorType(type):
    """The metaclass of FloatTensor & co (torch's tensortype): calling the class makes a tensor, and
    isinstance(t, FloatTensor) holds for a float32 CPU tensor."""

    def __instancecheck__(cls, obj):
        return isinstance(obj, Tensor) and obj.dtype == cls.dtype and obj.device.type == "cpu"

    def __call__(cls, *args, device=None):
        return _legacy_new(cls, args, device)

    def __repr__(cls):
        return "<class 'ember.%s'>" % cls.__name__

    @property
    def is_cuda(cls):
        return False

    @property
    def is_sparse(cls):
        return False


def _legacy_new(cls, args, device):
    """torch's legacy constructor: (), sizes, a Size, data (list, tuple, NumPy array) or a tensor of the same
    dtype (returned as it is)."""
    name, dtype = cls.__name__, cls.dtype
    if device is not None and _C.device(device).type != "cpu":
        raise RuntimeError("%s: legacy constructor expects device type cpu but got %s" % (name, device))
    try:
        if not args:
            return _C.empty((0,), dtype=dtype)
        if len(args) == 1:
            a = args[0]
            if isinstance(a, Tensor):
                if a.dtype != dtype:
                    raise TypeError("expected a tensor of dtype %s, got %s" % (_name(dtype), _name(a.dtype)))
                return a
            if isinstance(a, (int,)) and not isinstance(a, bool):
                return _C.empty((a,), dtype=dtype)
            if type(a).__name__ == "Size":
                return _C.empty(tuple(a), dtype=dtype)
            if isinstance(a, (list, tuple)) or hasattr(a, "__array__"):
                return _C.tensor(a, dtype=dtype)
            raise TypeError("data must be a sequence (got %s)" % type(a).__name__)
        if all(isinstance(a, int) and not isinstance(a, bool) for a in args):
            return _C.empty(tuple(args), dtype=dtype)
        raise TypeError("expected sizes (ints), a Size, a sequence of data or a tensor, got (%s)"
                        % ", ".join(type(a).__name__ for a in args))
    except (RuntimeError, TypeError, ValueError) as e:
        msg = str(e)
        raise type(e)(msg if msg.startswith(name + ":") else "%s: %s" % (name, msg)) from None


def _name(dtype):
    return str(dtype).split(".")[-1]


def _make_legacy_types():
    types = {}
    for name, dt in _LEGACY_DTYPES.items():
        types[name] = _LegacyTensorType(name, (), {"dtype": getattr(_C, dt), "__module__": "ember",
                                                   "__doc__": "Legacy constructor and isinstance check for %s "
                                                              "CPU tensors (torch.%s)." % (dt, name)})
    return types


LEGACY_TYPES = _make_legacy_types()


def legacy_type(t, what):
    """A legacy type class from a class or a name ("ember.FloatTensor", "torch.FloatTensor", "FloatTensor")."""
    if isinstance(t, _LegacyTensorType):
        return t
    if isinstance(t, str):
        parts = t.split(".")
        if len(parts) <= 2 and parts[-1] in LEGACY_TYPES and (len(parts) == 1 or parts[0] in ("torch", "ember")):
            return LEGACY_TYPES[parts[-1]]
        raise TypeError("%s: invalid type: '%s' (ember has the CPU types ember.FloatTensor, ember.LongTensor, ...)"
                        % (what, t))
    return None


def set_default_tensor_type(t):
    """Sets the default floating-point dtype from a legacy type (ember.FloatTensor, ember.DoubleTensor, or
    their names, "torch.DoubleTensor" too)."""
    cls = legacy_type(t, "set_default_tensor_type")
    if cls is None:
        raise TypeError("set_default_tensor_type: invalid type object %r: only floating-point types are supported "
                        "as the default type" % (t,))
    if not cls.dtype.is_floating_point:
        raise TypeError("set_default_tensor_type: only floating-point types are supported as the default type, got "
                        "%s" % cls.__name__)
    _C.set_default_dtype(cls.dtype)
