"""Helpers shared by the ember Python tests: inputs, conversion, comparison.

Every comparison checks shape first, then dtype, then values, and a failure
message names the op, dtype, device, shape and the largest difference.
"""
import numpy as np


try:
    import torch
except ImportError:  # the tests that need torch skip through pytest.importorskip
    torch = None

FLOAT_DTYPES = ["float32", "float64"]
HALF_DTYPES = ["float16", "bfloat16"]
INT_DTYPES = ["uint8", "int8", "int16", "int32", "int64"]
SIGNED_INT_DTYPES = ["int8", "int16", "int32", "int64"]
ALL_DTYPES = ["bool"] + INT_DTYPES + HALF_DTYPES + FLOAT_DTYPES

# (atol, rtol): |got - expected| <= atol + rtol * |expected|
TOLERANCES = {
    "float64": (1e-9, 1e-7),
    "float32": (1e-5, 1.3e-6),
    "float16": (1e-3, 2e-3),
    "bfloat16": (1e-2, 1.6e-2),
}
GRAD_TOLERANCES = {
    "float64": (1e-8, 1e-6),
    "float32": (1e-4, 1e-4),
}

_NP_CARRIER = {
    "bool": np.bool_, "uint8": np.uint8, "int8": np.int8, "int16": np.int16,
    "int32": np.int32, "int64": np.int64, "float16": np.float32,
    "bfloat16": np.float32, "float32": np.float32, "float64": np.float64,
}


def is_float(dtype):
    return dtype in ("float16", "bfloat16", "float32", "float64")


def dtype_name(dt):
    """'float32' for ember.float32 / torch.float32 / 'float32'."""
    if isinstance(dt, str):
        return dt
    return str(dt).split(".")[-1]


class Arr:
    """A sample tensor: its values (numpy), its dtype name and its layout.

    ``noncontig`` builds the tensor as the transpose of a contiguous one (all
    dims reversed), so kernels see a non-contiguous input.
    """

    def __init__(self, values, dtype, noncontig=False, grad=None):
        self.values = np.asarray(values, dtype=_NP_CARRIER[dtype])
        self.dtype = dtype
        self.noncontig = noncontig and self.values.ndim >= 2
        self.grad = is_float(dtype) if grad is None else grad

    @property
    def shape(self):
        return self.values.shape

    def tensor(self, m, device="cpu", requires_grad=False):
        """Returns (leaf, tensor): the leaf carries requires_grad."""
        v = self.values
        if self.noncontig:
            rev = tuple(reversed(range(v.ndim)))
            base = m.tensor(np.ascontiguousarray(v.transpose(rev)))
        else:
            base = m.tensor(v)
        want = getattr(m, self.dtype)
        if base.dtype != want:
            base = base.to(want)
        if device != "cpu":
            base = base.to(device)
        leaf = base
        if requires_grad and self.grad:
            leaf = base.detach().requires_grad_(True)
        t = leaf
        if self.noncontig:
            t = t.permute(*reversed(range(v.ndim)))
        return leaf, t

    def __repr__(self):
        lay = " transposed" if self.noncontig else ""
        return f"{self.dtype}{list(self.shape)}{lay}"


def make_values(shape, dtype, low=None, high=None, rng=None):
    rng = rng if rng is not None else np.random
    if dtype == "bool":
        return rng.rand(*shape) > 0.5 if shape else np.bool_(rng.rand() > 0.5)
    if dtype in INT_DTYPES:
        info = np.iinfo(dtype)
        lo = max(info.min, -9 if low is None else int(np.floor(low)))
        hi = min(info.max, 9 if high is None else int(np.ceil(high)))
        return rng.randint(lo, hi + 1, size=shape).astype(dtype)
    lo = -2.0 if low is None else low
    hi = 2.0 if high is None else high
    v = lo + (hi - lo) * rng.rand(*shape)
    return np.asarray(v, dtype=np.float64)


def make(shape, dtype, low=None, high=None, noncontig=False, grad=None):
    return Arr(make_values(shape, dtype, low, high), dtype, noncontig, grad)


def build_args(m, sample, device, requires_grad=False, leaves_in=None):
    """Turns a sample's Arr placeholders into tensors of module m.

    Returns (args, kwargs, leaves): leaves are the tensors that require grad.
    leaves_in: an iterator of leaf tensors to use for the Arrs that take a
    gradient (gradcheck's inputs), instead of making new ones.
    """
    leaves = []

    def conv(a):
        if isinstance(a, Arr):
            if leaves_in is not None and a.grad:
                leaf = next(leaves_in)
                t = leaf
                if a.noncontig:
                    t = t.permute(*reversed(range(t.dim())))
                return t
            leaf, t = a.tensor(m, device, requires_grad)
            if requires_grad and a.grad:
                leaves.append(leaf)
            return t
        if type(a).__name__ == "DT":
            return getattr(m, a.name)
        if isinstance(a, list) and a and all(isinstance(x, Arr) for x in a):
            return [conv(x) for x in a]
        return a

    args = [conv(a) for a in sample.args]
    kwargs = {k: conv(v) for k, v in sample.kwargs.items()}
    return args, kwargs, leaves


def flatten_outputs(out):
    """Tensor, tuple/list/namedtuple of tensors, or Python scalar -> list."""
    if isinstance(out, (tuple, list)):
        res = []
        for o in out:
            res.extend(flatten_outputs(o))
        return res
    return [out]


def is_tensor(x):
    return hasattr(x, "dtype") and hasattr(x, "shape") and not isinstance(x, np.ndarray)


def to_numpy(t):
    """ember or torch tensor -> numpy (bfloat16/float16 as float32)."""
    if not is_tensor(t):
        return np.asarray(t)
    t = t.detach()
    if str(getattr(t, "device", "cpu")) != "cpu":
        t = t.to("cpu")
    name = dtype_name(t.dtype)
    if name in ("bfloat16", "float16"):
        t = t.float()
    return np.array(t.numpy(), copy=True)


def describe(x):
    if isinstance(x, np.ndarray):
        return f"{x.dtype}{list(x.shape)}"
    return repr(x)


def assert_close(got, expected, what, dtype, atol=None, rtol=None,
                 equal_nan=True, check_dtype=True, check_signed_zero=False):
    """got: ember tensor or Python value; expected: torch tensor or value."""
    if is_tensor(expected):
        assert is_tensor(got), f"{what}: expected a tensor, got {type(got).__name__}"
        gshape, eshape = tuple(got.shape), tuple(expected.shape)
        assert gshape == eshape, f"{what}: shape {list(gshape)}, expected {list(eshape)}"
        gd, ed = dtype_name(got.dtype), dtype_name(expected.dtype)
        if check_dtype:
            assert gd == ed, f"{what} (shape {list(eshape)}): dtype {gd}, expected {ed}"
        g, e = to_numpy(got), to_numpy(expected)
        vdtype = ed
    else:
        if isinstance(expected, bool):
            assert isinstance(got, bool) or got in (0, 1), \
                f"{what}: got {got!r}, expected {expected!r}"
        g, e = np.asarray(got), np.asarray(expected)
        vdtype = "float64" if e.dtype.kind == "f" else "int64"
        eshape = e.shape
    if atol is None or rtol is None:
        da, dr = TOLERANCES.get(vdtype, (0.0, 0.0))
        atol = da if atol is None else atol
        rtol = dr if rtol is None else rtol
    if e.dtype.kind in "biu" and g.dtype.kind in "biu":
        bad = g != e
    else:
        g64 = g.astype(np.float64)
        e64 = e.astype(np.float64)
        with np.errstate(invalid="ignore", over="ignore"):
            diff = np.abs(g64 - e64)
            tol = atol + rtol * np.abs(e64)
            bad = ~(diff <= tol)
            same_inf = np.isinf(e64) & (g64 == e64)
            bad &= ~same_inf
            if equal_nan:
                bad &= ~(np.isnan(e64) & np.isnan(g64))
        if check_signed_zero:
            zeros = (e64 == 0) & (g64 == 0)
            bad |= zeros & (np.signbit(e64) != np.signbit(g64))
    bad = np.asarray(bad)
    if not bad.any():
        return
    idx = np.argwhere(bad) if bad.ndim else np.zeros((1, 0), dtype=int)
    first = tuple(idx[0])
    with np.errstate(invalid="ignore", over="ignore"):
        d = np.abs(g.astype(np.float64) - e.astype(np.float64)) if bad.ndim else \
            np.abs(np.float64(g) - np.float64(e))
    if bad.ndim:
        dd = np.where(bad, np.nan_to_num(d, nan=np.inf), -1)
        worst = np.unravel_index(np.argmax(dd), bad.shape)
        gw, ew, dw = g[worst], e[worst], d[worst]
    else:
        worst, gw, ew, dw = (), g, e, d
    raise AssertionError(
        f"{what} ({vdtype}, shape {list(eshape)}): {int(bad.sum())} of {bad.size} "
        f"values differ\n  max |diff| {dw:.3g} at {list(worst)}: got {gw!r}, "
        f"expected {ew!r} (tolerance {atol:g} + {rtol:g} * |expected|); first at "
        f"{list(first)}: got {g[first]!r}, expected {e[first]!r}")
