"""ember: a PyTorch-style tensor library. ``import ember`` works like ``import torch``
for the ops it covers; every computation runs in the C++ core (``ember._C``).

NumPy is imported lazily, only by the functions that need it.
"""

from . import _C
from ._C import Tensor, dtype, device, Generator  # noqa: F401
from ._C import *  # noqa: F401,F403  (ops, creation functions, dtypes)

__version__ = "0.1.0"

# ---- dtypes (torch's names and aliases) ----
float32 = _C.float32
float64 = _C.float64
float16 = _C.float16
bfloat16 = _C.bfloat16
int64 = _C.int64
int32 = _C.int32
int16 = _C.int16
int8 = _C.int8
uint8 = _C.uint8
bool = _C.bool  # noqa: A001  (shadows the builtin inside this module, as torch does)
float = float32  # noqa: A001
double = float64
half = float16
long = int64
int = int32  # noqa: A001
short = int16


class Size(tuple):
    """The shape of a tensor: a tuple of ints that prints as ``ember.Size([2, 3])``."""

    __slots__ = ()

    def __repr__(self):
        return "ember.Size([" + ", ".join(str(s) for s in self) + "])"

    def numel(self):
        n = 1
        for s in self:
            n *= s
        return n

    def __getitem__(self, key):
        r = tuple.__getitem__(self, key)
        return Size(r) if isinstance(key, slice) else r

    def __add__(self, other):
        return Size(tuple.__add__(self, other))


def _return_type(name, fields=("values", "indices")):
    # torch.return_types.max etc.: a tuple with named fields
    def __new__(cls, *values):
        return tuple.__new__(cls, values)

    def __repr__(self):
        inner = ",\n".join("%s=%r" % (f, v) for f, v in zip(fields, self))
        return "ember.return_types.%s(\n%s)" % (name, inner)

    ns = {"__new__": __new__, "__repr__": __repr__, "__slots__": (), "_fields": fields}
    for i, f in enumerate(fields):
        ns[f] = property(lambda self, i=i: tuple.__getitem__(self, i))
    return type(name, (tuple,), ns)


class return_types:  # noqa: N801  (torch's name)
    max = _return_type("max")
    min = _return_type("min")
    sort = _return_type("sort")
    topk = _return_type("topk")
    cummax = _return_type("cummax")
    cummin = _return_type("cummin")
    median = _return_type("median")
    aminmax = _return_type("aminmax", ("min", "max"))
    slogdet = _return_type("slogdet", ("sign", "logabsdet"))
    linalg_slogdet = _return_type("linalg_slogdet", ("sign", "logabsdet"))
    linalg_qr = _return_type("linalg_qr", ("Q", "R"))
    linalg_eigh = _return_type("linalg_eigh", ("eigenvalues", "eigenvectors"))
    linalg_svd = _return_type("linalg_svd", ("U", "S", "Vh"))
    linalg_lstsq = _return_type("linalg_lstsq", ("solution", "residuals", "rank", "singular_values"))


_C._set_python_classes(
    Size,
    {k: v for k, v in vars(return_types).items() if not k.startswith("_")},
)

# ---- grad mode ----
from .autograd.grad_mode import no_grad, enable_grad, set_grad_enabled, inference_mode  # noqa: E402,F401
from .autograd.grad_mode import is_inference_mode_enabled  # noqa: E402,F401
from . import autograd  # noqa: E402,F401
from . import amp  # noqa: E402,F401
from .amp import autocast, is_autocast_enabled, is_autocast_cpu_enabled  # noqa: E402,F401
from .amp import get_autocast_gpu_dtype, get_autocast_cpu_dtype  # noqa: E402,F401
from . import cuda  # noqa: E402,F401
from . import linalg  # noqa: E402,F401
from ._tensor_methods import _install  # noqa: E402

_install(Tensor)
del _install

is_grad_enabled = _C.is_grad_enabled


def set_default_dtype(d):
    """Sets the dtype new floating-point tensors get (``ember.float32`` by default)."""
    _C.set_default_dtype(d)


def is_tensor(obj):
    return isinstance(obj, Tensor)


def is_floating_point(input):
    return input.is_floating_point()


def numel(input):
    return input.numel()


def clone(input, *, memory_format=None):
    return input.clone()


def detach(input):
    return input.detach()


def from_dlpack(ext_tensor):
    """A tensor sharing memory with any object that implements ``__dlpack__``
    (torch, NumPy >= 1.22) or with a legacy "dltensor" capsule."""
    if hasattr(ext_tensor, "__dlpack__"):
        return _C._from_dlpack_capsule(ext_tensor.__dlpack__())
    return _C._from_dlpack_capsule(ext_tensor)


def set_printoptions(precision=None, threshold=None, edgeitems=None, linewidth=None, profile=None, sci_mode=None):
    """Printing options, as torch.set_printoptions (profile: "default", "short", "full")."""
    if profile == "default":
        _C._set_printoptions(4, 1000, 3, 80, None, True)
    elif profile == "short":
        _C._set_printoptions(2, 1000, 2, 80, None, True)
    elif profile == "full":
        _C._set_printoptions(4, 2**62, 3, 80, None, True)
    _C._set_printoptions(precision, threshold, edgeitems, linewidth, sci_mode, sci_mode is not None)


def get_printoptions():
    return _C._get_printoptions()


def typename(obj):
    if isinstance(obj, Tensor):
        return "ember." + {
            float32: "FloatTensor", float64: "DoubleTensor", float16: "HalfTensor", bfloat16: "BFloat16Tensor",
            int64: "LongTensor", int32: "IntTensor", int16: "ShortTensor", int8: "CharTensor",
            uint8: "ByteTensor", bool: "BoolTensor",
        }[obj.dtype]
    return type(obj).__qualname__


class finfo:  # noqa: N801  (torch's name)
    """Machine limits of a floating-point dtype, as torch.finfo."""

    # bits, eps, max, tiny (smallest normal), resolution (10**-digits)
    _TABLE = {
        "float32": (32, 2.0 ** -23, 3.4028234663852886e38, 2.0 ** -126, 1e-06),
        "float64": (64, 2.0 ** -52, 1.7976931348623157e308, 2.0 ** -1022, 1e-15),
        "float16": (16, 2.0 ** -10, 65504.0, 2.0 ** -14, 0.001),
        "bfloat16": (16, 2.0 ** -7, 3.3895313892515355e38, 2.0 ** -126, 0.01),
    }

    def __init__(self, type=None):  # noqa: A002
        type = _C.get_default_dtype() if type is None else type  # noqa: A001
        name = repr(type).split(".")[-1]
        if name not in self._TABLE:
            raise TypeError("finfo: expected a floating-point dtype, got " + repr(type))
        self.dtype = name
        self.bits, self.eps, self.max, self.tiny, self.resolution = self._TABLE[name]
        self.min = -self.max
        self.smallest_normal = self.tiny

    def __repr__(self):
        return ("finfo(resolution=%g, min=%g, max=%g, eps=%g, smallest_normal=%g, tiny=%g, dtype=%s)"
                % (self.resolution, self.min, self.max, self.eps, self.tiny, self.tiny, self.dtype))


class iinfo:  # noqa: N801  (torch's name)
    """Limits of an integer dtype, as torch.iinfo."""

    _TABLE = {"uint8": (8, 0, 255), "int8": (8, -128, 127), "int16": (16, -2 ** 15, 2 ** 15 - 1),
              "int32": (32, -2 ** 31, 2 ** 31 - 1), "int64": (64, -2 ** 63, 2 ** 63 - 1)}

    def __init__(self, type):  # noqa: A002
        name = repr(type).split(".")[-1]
        if name not in self._TABLE:
            raise TypeError("iinfo: expected an integer dtype, got " + repr(type))
        self.dtype = name
        self.bits, self.min, self.max = self._TABLE[name]

    def __repr__(self):
        return "iinfo(min=%d, max=%d, dtype=%s)" % (self.min, self.max, self.dtype)


def _check_einsum_args(*args):
    return args


# ---- torch's other top-level names: constants, ops composed in Python (_ops_extra.py), the functional ops
# torch also puts at the top level (_nn_ops.py), in-place forms, switches, legacy types, the RNG state.
import math as _math  # noqa: E402

pi = _math.pi
e = _math.e
inf = _math.inf
nan = _math.nan

return_types.kthvalue = _return_type("kthvalue")
return_types.mode = _return_type("mode")
return_types.nanmedian = _return_type("nanmedian")

from . import _ops_extra  # noqa: E402
from ._ops_extra import *  # noqa: E402,F401,F403
from ._nn_ops import TOP_LEVEL as _NN_TOP_LEVEL  # noqa: E402

globals().update(_NN_TOP_LEVEL)
for _name, _fn in _ops_extra.TENSOR_METHODS.items():
    setattr(Tensor, _name, _fn)
Tensor.hardshrink = _NN_TOP_LEVEL["hardshrink"]


def _tensor_method_alias(name):
    def fn(input, *args, **kwargs):
        return getattr(input, name)(*args, **kwargs)

    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = "ember.%s(input, ...) is input.%s(...)." % (name, name)
    return fn


# torch's top-level in-place functions: ember.relu_(x) is x.relu_()
for _name in ("abs_", "acos_", "arccos_", "asin_", "arcsin_", "atan_", "arctan_", "ceil_", "clamp_", "clamp_max_",
              "clamp_min_", "clip_", "cos_", "cosh_", "deg2rad_", "detach_", "erf_", "exp_", "exp2_", "expm1_", "fill_",
              "fix_", "floor_", "gcd_", "lcm_", "log_", "log10_", "log1p_", "log2_", "logit_", "nan_to_num_", "neg_",
              "negative_", "rad2deg_", "reciprocal_", "relu_", "round_", "rsqrt_", "sigmoid_", "sin_", "sinc_",
              "sinh_", "sqrt_", "square_", "tan_", "tanh_", "trunc_", "xlogy_", "zero_", "index_put_"):
    globals()[_name] = _tensor_method_alias(_name)
del _name, _fn

from ._settings import (use_deterministic_algorithms, are_deterministic_algorithms_enabled,  # noqa: E402,F401
                        is_deterministic_algorithms_warn_only_enabled, set_deterministic_debug_mode,
                        get_deterministic_debug_mode, set_float32_matmul_precision, get_float32_matmul_precision,
                        set_default_tensor_type)
from ._settings import LEGACY_TYPES as _LEGACY_TYPES  # noqa: E402

globals().update(_LEGACY_TYPES)  # FloatTensor, DoubleTensor, LongTensor, ...
from . import random  # noqa: E402,F401
from .random import seed, get_rng_state, set_rng_state  # noqa: E402,F401

default_generator = _C.default_generator()  # the Generator object, as torch.default_generator


# ---- nn, optim, utils: imported on first use (PEP 562), so `import ember`
# stays fast; `ember.nn.Linear` and `from ember import nn` work as in torch.
_LAZY_SUBMODULES = ("nn", "optim", "utils", "backends", "distributions")


def __getattr__(name):
    if name in _LAZY_SUBMODULES:
        import importlib

        module = importlib.import_module("." + name, __name__)
        globals()[name] = module
        return module
    raise AttributeError(f"module 'ember' has no attribute '{name}'")


def __dir__():
    return sorted(list(globals()) + list(_LAZY_SUBMODULES))


# ---- checkpoints (ember::io); the module loads on first call ----
def save(obj, f, *args, **kwargs):
    """Saves tensors or (nested) state dicts; see ember.serialization.save."""
    from .serialization import save as _save

    return _save(obj, f, *args, **kwargs)


def load(f, *args, **kwargs):
    """Loads what ember.save (or torch.save, for .pt state dicts) wrote."""
    from .serialization import load as _load

    return _load(f, *args, **kwargs)
