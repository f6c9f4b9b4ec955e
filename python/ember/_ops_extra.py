"""torch's top-level ops that ember writes as compositions of its own ops (torch 1.13 semantics).

Every op here is a few ember ops, so autograd, dtypes and devices come from them: no kernel and no
backward formula. Errors raised inside name the op first (``logaddexp: add: shapes [2] and [3] are not
broadcastable ...``); the argument checks torch makes are made up front with torch's exception type.
"""
import functools
import itertools
import math

from . import _C
from ._C import Tensor

__all__ = []  # filled by @_op


def _op(name=None, export=True):
    """Names the op in any error raised inside it (``name: message``), keeping the exception's type."""

    def deco(fn):
        op_name = name or fn.__name__

        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            try:
                return fn(*args, **kwargs)
            except (RuntimeError, IndexError, ValueError, TypeError) as e:
                msg = str(e)
                if msg.startswith(op_name + ":"):
                    raise
                try:
                    err = type(e)(op_name + ": " + msg)
                except Exception:  # an exception type with another constructor: leave it as it is
                    raise e from None
                raise err from None

        if export:
            __all__.append(fn.__name__)
        return wrapper

    return deco


# ---------------------------------------------------------------- helpers

_FLOATS = (_C.float16, _C.bfloat16, _C.float32, _C.float64)
_INTS = (_C.uint8, _C.int8, _C.int16, _C.int32, _C.int64)


def _tensor_like(x, like):
    """A Python number as a 0-d tensor on like's device (dtype inferred as torch's scalars)."""
    return x if isinstance(x, Tensor) else _C.tensor(x, device=like.device)


def _to_float(x):
    """Integer and bool tensors promote to the default float dtype, as torch's float-only unary ops."""
    return x if x.is_floating_point() else x.to(_C.get_default_dtype())


def _require_float(name, *tensors):
    for t in tensors:
        if not t.is_floating_point():
            raise RuntimeError("%s: expected a floating-point input, got %s" % (name, _dtype_name(t.dtype)))


def _dtype_name(dt):
    return str(dt).split(".")[-1]


def _wrap_dim(name, dim, ndim):
    """dim in [-ndim, ndim) (a 0-d tensor takes -1 and 0), as a non-negative dim; IndexError otherwise."""
    n = max(ndim, 1)
    if not -n <= dim < n:
        raise IndexError("%s: dim %d is out of range for a tensor of %d dims (expected %d..%d)"
                         % (name, dim, ndim, -n, n - 1))
    return dim % n


def _zero_grad_from(result, other):
    """result, with a zero gradient flowing to `other` when it requires grad (torch gives such inputs a
    zero gradient, not none). where() with an all-false mask keeps result's values bit for bit."""
    if isinstance(other, Tensor) and other.requires_grad and _C.is_grad_enabled():
        return _C.where(_C.zeros(result.shape, dtype=_C.bool, device=result.device), other.to(result.dtype), result)
    return result


def _in_place(name, fn):
    """Tensor.<name>_: fn's result copied into self. fn runs on a clone, so the gradient through self's old
    value is fn's and self's version bump does not invalidate what fn saved."""
    inplace_name = name + "_"

    def method(self, *args, **kwargs):
        try:
            out = fn(self.clone(), *args, **kwargs)
            if not _C.can_cast(out.dtype, self.dtype):
                raise RuntimeError("result type %s can't be cast to the desired output type %s"
                                   % (_dtype_name(out.dtype), _dtype_name(self.dtype)))
            return self.copy_(out)
        except (RuntimeError, IndexError, ValueError, TypeError) as e:
            msg = str(e)
            if msg.startswith(inplace_name + ":"):
                raise
            msg = msg[len(name) + 2:] if msg.startswith(name + ": ") else msg
            raise type(e)(inplace_name + ": " + msg) from None

    method.__name__ = inplace_name
    method.__doc__ = "In-place version of :func:`ember.%s`." % name
    return method


# ---------------------------------------------------------------- predicates and creation

@_op()
def is_nonzero(input):
    """True when the single value of a one-element tensor is not zero (as ``bool(input)``)."""
    n = input.numel()
    if n == 0:
        raise RuntimeError("is_nonzero: Boolean value of Tensor with no values is ambiguous")
    if n > 1:
        raise RuntimeError("is_nonzero: Boolean value of Tensor with more than one value is ambiguous")
    return bool(input.item() != 0)


@_op()
def is_same_size(input, other):
    return tuple(input.shape) == tuple(other.shape)


@_op()
def is_signed(input):
    """False for uint8 and bool, True for every other dtype."""
    return input.dtype not in (_C.uint8, _C.bool)


@_op()
def scalar_tensor(s, *, dtype=None, layout=None, device=None, pin_memory=None, requires_grad=False):
    """A 0-d tensor holding s, of the default float dtype unless dtype is given (bools and ints too)."""
    dtype = _C.get_default_dtype() if dtype is None else dtype
    return _C.full((), s, dtype=dtype, device=device, requires_grad=requires_grad)


@_op()
def randint_like(input, low=0, high=None, *, dtype=None, layout=None, device=None, requires_grad=False,
                 memory_format=None, generator=None):
    """Integers drawn uniformly from [low, high), shaped as input (``randint_like(input, high)`` too)."""
    if high is None:
        low, high = 0, low
    if low >= high:
        raise RuntimeError("random_ expects 'from' to be less than 'to', but got from=%s >= to=%s" % (low, high))
    dtype = input.dtype if dtype is None else dtype
    device = input.device if device is None else device
    return _C.randint(low, high, tuple(input.shape), generator=generator, dtype=dtype, device=device,
                      requires_grad=requires_grad)


@_op()
def tril_indices(row, col, offset=0, *, dtype=None, device=None, layout=None):
    """[2, N] row and column indices of the lower triangle (diagonal `offset`), row by row."""
    return _tri_indices(row, col, offset, dtype, device, lower=True)


@_op()
def triu_indices(row, col, offset=0, *, dtype=None, device=None, layout=None):
    """[2, N] row and column indices of the upper triangle (diagonal `offset`), row by row."""
    return _tri_indices(row, col, offset, dtype, device, lower=False)


def _tri_indices(row, col, offset, dtype, device, lower):
    if row < 0:
        raise RuntimeError("row must be non-negative, got %d" % row)
    if col < 0:
        raise RuntimeError("col must be non-negative, got %d" % col)
    dtype = _C.int64 if dtype is None else dtype
    r = _C.arange(row, device=device).unsqueeze(1).expand(row, col)
    c = _C.arange(col, device=device).unsqueeze(0).expand(row, col)
    keep = (c - r <= offset) if lower else (c - r >= offset)
    return _C.stack([r.masked_select(keep), c.masked_select(keep)]).to(dtype)


@_op()
def vander(x, N=None, increasing=False):
    """Vandermonde matrix [len(x), N]: columns x^(N-1) ... x^0 (x^0 ... x^(N-1) when increasing). As torch, a
    cumulative product; integer and bool inputs give int64."""
    if x.dim() != 1:
        raise RuntimeError("x must be a one-dimensional tensor.")
    n = x.size(0) if N is None else N
    if n < 0:
        raise RuntimeError("N must be non-negative.")
    dtype = _C.promote_types(x.dtype, _C.int64)
    if n == 0:
        return _C.empty((x.size(0), 0), dtype=dtype, device=x.device)
    ones = _C.ones((x.size(0), 1), dtype=dtype, device=x.device)
    if n == 1:
        return _zero_grad_from(ones, x.unsqueeze(1))
    out = _C.cat([ones, x.to(dtype).unsqueeze(1).expand(x.size(0), n - 1)], 1).cumprod(1)
    return out if increasing else out.flip(1)


@_op()
def combinations(input, r=2, with_replacement=False):
    """The r-length combinations of a 1-D tensor's elements, [K, r], in lexicographic order (itertools')."""
    if input.dim() != 1:
        raise RuntimeError("Expect a 1D vector, but got shape %s" % list(input.shape))
    if r < 0:
        raise RuntimeError("Expect a non-negative number, but got %d" % r)
    if r == 0:
        return input.new_empty((0,))
    n = input.size(0)
    if not with_replacement and r > n:  # none; itertools would still allocate r indices first
        return input.new_empty((0, r))
    count = math.comb(n + r - 1, r) if with_replacement else math.comb(n, r)
    if count * r >= 1 << 40:  # a RuntimeError, as torch's failed allocation
        raise RuntimeError("combinations: the result would be [%d, %d] (input of %d elements, r=%d, "
                           "with_replacement=%s): too large to allocate" % (count, r, n, r, with_replacement))
    pick = itertools.combinations_with_replacement if with_replacement else itertools.combinations
    idx = list(pick(range(input.size(0)), r))
    if not idx:
        return input.new_empty((0, r))
    index = _C.tensor(idx, device=input.device)
    return input.index_select(0, index.flatten()).view(len(idx), r)


@_op()
def cartesian_prod(*tensors):
    """The Cartesian product of 1-D tensors, [N1 * N2 * ..., len(tensors)] (a single tensor: itself)."""
    for t in tensors:
        if t.dim() != 1:
            raise RuntimeError("Expect a 1D vector, but got shape %s" % list(t.shape))
    if len(tensors) == 1:
        return tensors[0]
    grids = _C.meshgrid(*tensors, indexing="ij")
    return _C.stack([g.flatten() for g in grids], 1)


@_op()
def block_diag(*tensors):
    """The block-diagonal matrix of 0-, 1- or 2-D tensors (a 0-d tensor is a 1x1 block, a 1-D one a row)."""
    if not tensors:
        return _C.empty((1, 0))
    mats = []
    for i, t in enumerate(tensors):
        if t.dim() > 2:
            raise RuntimeError("Input tensors must have 2 or fewer dimensions. Input %d has %d dimensions"
                               % (i, t.dim()))
        mats.append(t.reshape(1, -1) if t.dim() < 2 else t)
    dtype = functools.reduce(_C.promote_types, [m.dtype for m in mats])
    cols = sum(m.size(1) for m in mats)
    rows, c0 = [], 0
    for m in mats:
        r, c = m.size(0), m.size(1)
        parts = [m.to(dtype)]
        if c0:
            parts.insert(0, _C.zeros((r, c0), dtype=dtype, device=m.device))
        if cols - c0 - c:
            parts.append(_C.zeros((r, cols - c0 - c), dtype=dtype, device=m.device))
        rows.append(_C.cat(parts, 1) if len(parts) > 1 else parts[0])
        c0 += c
    return _C.cat(rows, 0)


@_op()
def diagflat(input, offset=0):
    """A 2-D matrix with input's elements (flattened) on diagonal `offset`."""
    return _C.diag(input.flatten(), offset)


# ---------------------------------------------------------------- shapes

@_op()
def ravel(input):
    """input flattened to 1-D (a view when input is contiguous)."""
    return input.reshape(-1)


@_op()
def narrow_copy(input, dim, start, length):
    """input.narrow(dim, start, length) copied into new memory."""
    return input.narrow(dim, start, length).clone()


@_op()
def fliplr(input):
    """input flipped along dim 1 (left/right); needs at least 2 dims."""
    if input.dim() < 2:
        raise RuntimeError("Input must be >= 2-d.")
    return input.flip(1)


@_op()
def flipud(input):
    """input flipped along dim 0 (up/down); needs at least 1 dim."""
    if input.dim() < 1:
        raise RuntimeError("Input must be >= 1-d.")
    return input.flip(0)


def _split_along(name, input, indices_or_sections, dim, min_dims):
    if input.dim() < min_dims:
        raise RuntimeError("%s requires a tensor with at least %d dimension%s, but got a tensor with %d dimensions!"
                           % (name, min_dims, "" if min_dims == 1 else "s", input.dim()))
    if isinstance(indices_or_sections, int):
        n = input.size(dim)
        if indices_or_sections == 0 or n % indices_or_sections != 0:
            raise RuntimeError("%s attempted to split along dimension %d, but the size of the dimension %d is not "
                               "divisible by the split_size %d!" % (name, dim, n, indices_or_sections))
    return tuple(_C.tensor_split(input, indices_or_sections, dim))


@_op()
def hsplit(input, indices_or_sections):
    """tensor_split along dim 1 (dim 0 for a 1-D tensor); an int must divide that dim evenly."""
    return _split_along("hsplit", input, indices_or_sections, 1 if input.dim() > 1 else 0, 1)


@_op()
def vsplit(input, indices_or_sections):
    """tensor_split along dim 0 of a tensor of 2 or more dims; an int must divide that dim evenly."""
    return _split_along("vsplit", input, indices_or_sections, 0, 2)


@_op()
def dsplit(input, indices_or_sections):
    """tensor_split along dim 2 of a tensor of 3 or more dims; an int must divide that dim evenly."""
    return _split_along("dsplit", input, indices_or_sections, 2, 3)


def _atleast(tensors, fn):
    if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)):
        return tuple(fn(t) for t in tensors[0])
    if len(tensors) == 1:
        return fn(tensors[0])
    return tuple(fn(t) for t in tensors)


@_op()
def atleast_1d(*tensors):
    """Each tensor viewed with at least 1 dim (a 0-d tensor as [1])."""
    return _atleast(tensors, lambda t: t.reshape(1) if t.dim() == 0 else t)


@_op()
def atleast_2d(*tensors):
    """Each tensor viewed with at least 2 dims (0-d as [1, 1], 1-D [n] as [1, n])."""
    return _atleast(tensors, lambda t: t.reshape(1, 1) if t.dim() == 0 else t.unsqueeze(0) if t.dim() == 1 else t)


def _atleast_3d_one(t):
    if t.dim() == 0:
        return t.reshape(1, 1, 1)
    if t.dim() == 1:
        return t.unsqueeze(0).unsqueeze(-1)
    if t.dim() == 2:
        return t.unsqueeze(-1)
    return t


@_op()
def atleast_3d(*tensors):
    """Each tensor viewed with at least 3 dims (0-d as [1, 1, 1], [n] as [1, n, 1], [m, n] as [m, n, 1])."""
    return _atleast(tensors, _atleast_3d_one)


@_op()
def argwhere(input):
    """[N, input.dim()] indices of the non-zero elements (as nonzero)."""
    return _C.nonzero(input)


@_op()
def unique_consecutive(input, return_inverse=False, return_counts=False, dim=None):
    """Collapses each run of equal consecutive elements (rows along `dim`) to one. Returns the values, then
    the inverse indices and the run lengths when asked for. Not differentiable (as torch)."""
    x = input.detach()
    if dim is None:
        x = x.flatten()
        d, n = 0, x.numel()
        inverse_shape = tuple(input.shape)
    else:
        d = _wrap_dim("unique_consecutive", dim, input.dim())
        n = x.size(d) if x.dim() else 1
        inverse_shape = (n,)
    if n == 0:
        values = x if dim is None else x
        inverse = _C.zeros(inverse_shape, dtype=_C.int64, device=x.device)
        counts = _C.zeros((0,), dtype=_C.int64, device=x.device)
    else:
        rows = x.movedim(d, 0).reshape(n, -1) if x.dim() else x.reshape(1, 1)
        first = _C.ones((1,), dtype=_C.bool, device=x.device)
        change = _C.cat([first, (rows[1:] != rows[:-1]).any(1)]) if n > 1 else first
        starts = _C.nonzero(change).flatten()
        values = x.index_select(d, starts) if x.dim() else x
        inverse = (change.cumsum(0) - 1).reshape(inverse_shape)
        counts = _C.diff(starts, append=_C.tensor([n], device=x.device))
    if not return_inverse and not return_counts:
        return values
    out = (values,)
    if return_inverse:
        out += (inverse,)
    if return_counts:
        out += (counts,)
    return out


# ---------------------------------------------------------------- element-wise

@_op()
def positive(input):
    """input itself (unary plus); an error for bool tensors, as torch."""
    if input.dtype == _C.bool:
        raise RuntimeError("The `+` operator, on a bool tensor is not supported.")
    return input


@_op()
def rad2deg(input):
    """Radians to degrees; integer and bool inputs give the default float dtype."""
    return _to_float(input) * (180.0 / math.pi)


@_op()
def deg2rad(input):
    """Degrees to radians; integer and bool inputs give the default float dtype."""
    return _to_float(input) * (math.pi / 180.0)


@_op()
def sgn(input):
    """sign(input) (torch's sgn differs from sign only for complex tensors, which ember does not have)."""
    return _C.sign(input)


@_op()
def signbit(input):
    """True where the sign bit is set: negative numbers, -0.0 and nans with the sign bit (read from the bits)."""
    dt = input.dtype
    if dt in (_C.bool, _C.uint8):
        return _C.zeros(input.shape, dtype=_C.bool, device=input.device)
    bits = {_C.float32: _C.int32, _C.float64: _C.int64, _C.float16: _C.int16, _C.bfloat16: _C.int16}.get(dt)
    if bits is not None:
        return input.detach().view(bits) < 0
    return input < 0


@_op()
def isposinf(input):
    """True where input is +inf (never for integer tensors)."""
    if not input.is_floating_point():
        return _C.zeros(input.shape, dtype=_C.bool, device=input.device)
    return input == math.inf


@_op()
def isneginf(input):
    """True where input is -inf (never for integer tensors)."""
    if not input.is_floating_point():
        return _C.zeros(input.shape, dtype=_C.bool, device=input.device)
    return input == -math.inf


@_op()
def sinc(input):
    """sin(pi x) / (pi x), 1 at x = 0 (gradient 0 there, as torch)."""
    x = _to_float(input)
    zero = x == 0
    px = _C.where(zero, 1.0, x) * math.pi  # the x = 0 lanes never divide 0 by 0, even in backward
    return _C.where(zero, 1.0, px.sin() / px)


@_op()
def logit(input, eps=None):
    """log(p / (1 - p)); with eps, p is clamped to [eps, 1 - eps] first (gradient 0 outside, as torch)."""
    x = _to_float(input)
    if eps is not None:
        x = x.clamp(eps, 1.0 - eps)
    return (x / (1 - x)).log()


@_op()
def logaddexp(input, other):
    """log(exp(input) + exp(other)) without overflow: max + log1p(exp(-|input - other|))."""
    return _logaddexp(input, other, base2=False)


@_op()
def logaddexp2(input, other):
    """log2(2^input + 2^other) without overflow."""
    return _logaddexp(input, other, base2=True)


def _logaddexp(a, b, base2):
    if not (a.is_floating_point() or b.is_floating_point()):
        raise RuntimeError("expected floating-point inputs, got %s and %s"
                           % (_dtype_name(a.dtype), _dtype_name(b.dtype)))
    m = _C.maximum(a, b)
    d = -(a - b).abs()
    tail = d.exp2().log1p() * (1 / math.log(2)) if base2 else d.exp().log1p()
    # equal infinities: a - b is nan, the answer is that infinity
    return _C.where(a.isinf() & (a == b), m, m + tail)


@_op()
def copysign(input, other):
    """|input| with the sign of other (its sign bit: -0.0 counts as negative). Float result; other gets a
    zero gradient, as torch."""
    o = _tensor_like(other, input)
    dtype = _C.result_type(input, other)
    if not dtype.is_floating_point:
        dtype = _C.get_default_dtype()
    mag = input.to(dtype).abs()
    out = _C.where(signbit(o), -mag, mag)
    return _zero_grad_from(out, other)


@_op()
def float_power(input, exponent):
    """input ** exponent computed in float64 (the result is float64 whatever the inputs)."""
    if not isinstance(input, Tensor) and not isinstance(exponent, Tensor):
        raise TypeError("expected a tensor input or exponent")
    base = input.to(_C.float64) if isinstance(input, Tensor) else float(input)
    exp = exponent.to(_C.float64) if isinstance(exponent, Tensor) else exponent
    return _C.pow(base, exp)


@_op()
def fmax(input, other):
    """Element-wise maximum that ignores nan (nan only where both are nan); ties send the gradient to input."""
    return _C.where((input >= other) | other.isnan(), input, other)


@_op()
def fmin(input, other):
    """Element-wise minimum that ignores nan (nan only where both are nan); ties send the gradient to input."""
    return _C.where((input <= other) | other.isnan(), input, other)


def _check_integral(name, *tensors):
    for t in tensors:
        if t.is_floating_point() or t.dtype == _C.bool:
            raise RuntimeError("%s: expected integer inputs, got %s" % (name, _dtype_name(t.dtype)))


@_op()
def gcd(input, other):
    """Greatest common divisor of integer tensors (non-negative; gcd(0, 0) = 0)."""
    _check_integral("gcd", input, other)
    dtype = _C.result_type(input, other)
    a, b = _C.broadcast_tensors(input.to(dtype).abs(), other.to(dtype).abs())
    while True:  # Euclid, all lanes at once, until every remainder is 0
        more = b != 0
        if not bool(more.any()):
            return a
        r = _C.where(more, a % _C.where(more, b, 1), 0)
        a = _C.where(more, b, a)
        b = r


@_op()
def lcm(input, other):
    """Least common multiple of integer tensors (non-negative; 0 when either is 0)."""
    _check_integral("lcm", input, other)
    g = gcd(input, other)
    zero = g == 0
    return _C.where(zero, 0, (_C.floor_divide(input, _C.where(zero, 1, g)) * other).abs()).to(g.dtype)


@_op()
def isin(elements, test_elements, *, assume_unique=False, invert=False):
    """True where an element of `elements` is in `test_elements` (either may be a number). Sorts
    test_elements once and binary-searches each element."""
    if not isinstance(elements, Tensor) and not isinstance(test_elements, Tensor):
        raise TypeError("expected elements or test_elements to be a tensor")
    e = elements if isinstance(elements, Tensor) else _C.tensor(elements, device=test_elements.device)
    t = test_elements if isinstance(test_elements, Tensor) else _C.tensor(test_elements, device=e.device)
    dtype = _C.result_type(elements, test_elements)
    if dtype == _C.bool:
        dtype = _C.uint8
    e, t = e.detach().to(dtype), t.detach().to(dtype).flatten()
    s = _C.sort(t).values
    if s.is_floating_point():
        # nan sorts last and equals nothing; left in, it breaks the binary search over s
        s = s[: int((~_C.isnan(s)).sum())]
    if s.numel() == 0:
        found = _C.zeros(e.shape, dtype=_C.bool, device=e.device)
    else:
        at = _C.searchsorted(s, e.contiguous()).clamp_max(s.numel() - 1)
        found = _C.take(s, at) == e
    return ~found if invert else found


# ---------------------------------------------------------------- reductions and scans

def _sum_except(y, dim):
    shape = list(y.shape)
    del shape[dim]
    return _C.zeros(shape, dtype=y.dtype, device=y.device)


def _trapezoid_dx(name, y, x, dim):
    """(dim, dx) of trapezoid / cumulative_trapezoid with sample points x: dx broadcasts against y's
    neighbour sums (a 1-D x lies along dim)."""
    if x.dim() == 1:
        if x.size(0) != y.size(dim):
            raise RuntimeError("There must be one `x` value for each sample point")
        shape = [1] * y.dim()
        shape[dim] = x.size(0)
        xv = x.view(shape)
    elif x.dim() < y.dim():
        xv = x.view([1] * (y.dim() - x.dim()) + list(x.shape))
    else:
        xv = x
    n = xv.size(dim)
    return xv.narrow(dim, 1, n - 1) - xv.narrow(dim, 0, n - 1)


@_op()
def trapezoid(y, x=None, *, dx=None, dim=-1):
    """Trapezoid rule along dim, with sample points x or a constant spacing dx (default 1)."""
    if x is not None and dx is not None:
        raise TypeError("trapezoid: expected x or dx, not both")
    d = _wrap_dim("trapezoid", dim, y.dim())
    if y.dtype == _C.bool or (x is not None and x.dtype == _C.bool):
        raise RuntimeError("received a bool input, but bool is not supported")
    n = y.size(d)
    if n == 0:
        return _sum_except(y, d)
    if x is None:
        dx = 1 if dx is None else dx
        return (y.sum(d) - (y.select(d, 0) + y.select(d, -1)) * 0.5) * dx
    step = _trapezoid_dx("trapezoid", y, x, d)
    return (step * (y.narrow(d, 1, n - 1) + y.narrow(d, 0, n - 1))).sum(d) / 2.0


@_op()
def trapz(y, x=None, *, dx=None, dim=-1):
    """trapezoid's older name: trapz(y, x, dim=-1) or trapz(y, dx=1, dim=-1)."""
    return trapezoid(y, x, dx=dx, dim=dim)


@_op()
def cumulative_trapezoid(y, x=None, *, dx=None, dim=-1):
    """The running trapezoid rule along dim (one element shorter than y there)."""
    if x is not None and dx is not None:
        raise TypeError("cumulative_trapezoid: expected x or dx, not both")
    d = _wrap_dim("cumulative_trapezoid", dim, y.dim())
    if y.dtype == _C.bool or (x is not None and x.dtype == _C.bool):
        raise RuntimeError("received a bool input, but bool is not supported")
    n = y.size(d)
    left, right = y.narrow(d, 0, max(n - 1, 0)), y.narrow(d, min(1, n), max(n - 1, 0))
    if x is None:
        dx = 1 if dx is None else dx
        return (dx / 2.0 * (left + right)).cumsum(d)
    return ((left + right) * _trapezoid_dx("cumulative_trapezoid", y, x, d)).cumsum(d) / 2.0


@_op()
def logcumsumexp(input, dim):
    """log(cumsum(exp(input), dim)) without overflow: a log-step scan of logaddexp (log2(n) passes)."""
    _require_float("logcumsumexp", input)
    d = _wrap_dim("logcumsumexp", dim, input.dim())
    if input.dim() == 0:
        return input.clone()
    n, y, shift = input.size(d), input, 1
    while shift < n:
        y = _C.cat([y.narrow(d, 0, shift), _logaddexp(y.narrow(d, shift, n - shift), y.narrow(d, 0, n - shift),
                                                       False)], d)
        shift *= 2
    return y if y is not input else input.clone()


@_op()
def kthvalue(input, k, dim=-1, keepdim=False):
    """(values, indices) of the k-th smallest element along dim (k from 1). Among equal values the index is
    the first one's; torch leaves it unspecified."""
    d = _wrap_dim("kthvalue", dim, input.dim())
    x = input.reshape(1) if input.dim() == 0 else input
    if not 1 <= k <= x.size(d):
        raise RuntimeError("selected number k out of range for dimension %d (k = %d, size %d)" % (d, k, x.size(d)))
    s, i = _C.sort(x, d, stable=True)
    values, indices = s.select(d, k - 1), i.select(d, k - 1)
    if keepdim and input.dim():
        values, indices = values.unsqueeze(d), indices.unsqueeze(d)
    return _return_type("kthvalue")(values, indices)


@_op()
def mode(input, dim=-1, keepdim=False):
    """(values, indices): the most frequent value along dim (the smallest among equally frequent ones) and
    the index of its last occurrence, as torch's CPU kernel."""
    d = _wrap_dim("mode", dim, input.dim())
    x = input.reshape(1) if input.dim() == 0 else input
    n = x.size(d)
    if n == 0:
        raise IndexError("mode: Expected reduction dim %d to have non-zero size." % d)
    s, si = _C.sort(x.movedim(d, -1), -1, stable=True)
    pos = _C.arange(n, device=x.device)
    edge = _C.ones(s.shape[:-1] + (1,), dtype=_C.bool, device=x.device)
    differs = s.narrow(-1, 1, n - 1) != s.narrow(-1, 0, n - 1)
    starts, ends = _C.cat([edge, differs], -1), _C.cat([differs, edge], -1)
    run_start = _C.cummax(_C.where(starts, pos, 0), -1).values
    run_len = _C.where(ends, pos - run_start + 1, 0)
    best = run_len.argmax(-1, keepdim=True)  # the first longest run: the smallest value
    values, indices = s.gather(-1, best).squeeze(-1), si.gather(-1, best).squeeze(-1)
    if keepdim and input.dim():
        values, indices = values.unsqueeze(d), indices.unsqueeze(d)
    return _return_type("mode")(values, indices)


@_op()
def nanmedian(input, dim=None, keepdim=False):
    """median ignoring nan: the lower median of each slice's non-nan values (nan when all are nan). Without
    dim a tensor (the gradient shared among ties, as median); with dim (values, indices)."""
    if dim is None:
        if not input.is_floating_point():
            return _C.median(input)
        keep = ~input.isnan()
        if input.numel() == 0 or not bool(keep.any()):
            return _C.median(input)
        return _C.median(input.masked_select(keep))
    d = _wrap_dim("nanmedian", dim, input.dim())
    x = input.reshape(1) if input.dim() == 0 else input
    if x.size(d) == 0:
        raise IndexError("nanmedian: Expected reduction dim %d to have non-zero size." % d)
    s, si = _C.sort(x, d, stable=True)  # nan sorts last
    count = (~x.isnan()).sum(d, keepdim=True)
    k = _C.floor_divide(count - 1, 2).clamp_min(0)
    values, indices = s.gather(d, k), si.gather(d, k)
    if not keepdim or input.dim() == 0:
        values, indices = values.squeeze(d), indices.squeeze(d)
    return _return_type("nanmedian")(values, indices)


_QUANTILE_MODES = ("linear", "lower", "higher", "midpoint", "nearest")


def _quantile(name, input, q, dim, keepdim, interpolation, ignore_nan):
    # torch 1.13's algorithm (aten/src/ATen/native/Sorting.cpp): sort, rank = q * (count - 1), lerp the
    # neighbours; with nan present quantile's rank is the last index (nan), nanquantile counts non-nans.
    if input.dtype not in (_C.float32, _C.float64):
        raise RuntimeError("input tensor must be either float or double dtype, got %s" % _dtype_name(input.dtype))
    if input.numel() == 0:
        raise RuntimeError("input tensor must be non-empty")
    if interpolation not in _QUANTILE_MODES:
        raise RuntimeError("interpolation must be one of linear, lower, higher, midpoint or nearest, but got %s"
                           % interpolation)
    scalar_q = not isinstance(q, Tensor)
    if scalar_q:
        if not 0 <= q <= 1:
            raise RuntimeError("q must be in the range [0, 1] but got %s" % q)
        qt = _C.full((1,), q, dtype=input.dtype, device=input.device)
    else:
        if q.dim() > 1:
            raise RuntimeError("q must be a scalar or 1D tensor")
        if q.dtype != input.dtype:
            raise RuntimeError("q tensor must be same dtype as the input tensor (%s), got %s"
                               % (_dtype_name(input.dtype), _dtype_name(q.dtype)))
        if not bool(((q >= 0) & (q <= 1)).all()):
            raise RuntimeError("q values must be in the range [0, 1]")
        qt = q.reshape(-1)
    if dim is None:
        srt = _C.sort(input.flatten()).values  # [n]
    else:
        d = _wrap_dim(name, dim, input.dim())
        x = input.reshape(1) if input.dim() == 0 else input
        srt = _C.sort(x.movedim(d, -1), -1).values  # [*B, n]
    batch, n, nq = tuple(srt.shape[:-1]), srt.size(-1), qt.numel()
    qv = qt.reshape((nq,) + (1,) * len(batch) + (1,))  # [Q, *B, 1]
    if ignore_nan:
        valid = (~srt.isnan()).sum(-1, keepdim=True).unsqueeze(0)
        ranks = qv * (valid - 1)
        ranks = _C.where(ranks < 0, 0.0, ranks)
    else:
        has_nan = srt.isnan().any(-1, keepdim=True).unsqueeze(0)
        ranks = _C.where(has_nan, float(n - 1), qv * (n - 1))
    if interpolation == "lower":
        ranks = ranks.floor()
    elif interpolation == "higher":
        ranks = ranks.ceil()
    elif interpolation == "nearest":
        ranks = ranks.round()
    srt = srt.unsqueeze(0).expand((nq,) + batch + (n,))
    below = ranks.to(_C.int64)
    out = srt.gather(-1, below)
    if interpolation in ("linear", "midpoint"):
        weight = _C.full_like(ranks, 0.5) if interpolation == "midpoint" else ranks - below
        out = out.lerp(srt.gather(-1, ranks.ceil().to(_C.int64)), weight)
    out = out.squeeze(-1)  # [Q, *B]
    if keepdim:
        if dim is None:
            out = out.reshape((nq,) + (1,) * input.dim())
        elif input.dim():
            out = out.unsqueeze(d + 1)
    return out.squeeze(0) if scalar_q else out


@_op()
def quantile(input, q, dim=None, keepdim=False, *, interpolation="linear"):
    """The q-th quantiles (q a number or 1-D tensor in [0, 1]) of input, or of each slice along dim; nan
    where a slice holds nan. A 1-D q puts its dim first in the result."""
    return _quantile("quantile", input, q, dim, keepdim, interpolation, ignore_nan=False)


@_op()
def nanquantile(input, q, dim=None, keepdim=False, *, interpolation="linear"):
    """quantile ignoring nan (nan where a slice holds only nan)."""
    return _quantile("nanquantile", input, q, dim, keepdim, interpolation, ignore_nan=True)


@_op()
def histc(input, bins=100, min=0, max=0):  # noqa: A002  (torch's argument names)
    """Histogram of input's elements in `bins` equal bins over [min, max] (the data's range when min == max);
    elements outside are ignored. Float dtype of input; not differentiable."""
    if not input.is_floating_point():
        raise RuntimeError("expected a floating-point input, got %s" % _dtype_name(input.dtype))
    if bins <= 0:
        raise RuntimeError("bins must be > 0, but got %d" % bins)
    lo, hi = float(min), float(max)
    x = input.detach().flatten()
    if lo == hi and x.numel() > 0:
        lo, hi = x.min().item(), x.max().item()
    if lo == hi:
        lo, hi = lo - 1, hi + 1
    if not (math.isfinite(lo) and math.isfinite(hi)):
        raise RuntimeError("range of [%s, %s] is not finite" % (lo, hi))
    if not lo < hi:
        raise RuntimeError("max must be larger than min")
    # torch's LINEAR_INTERPOLATION in input's dtype: (x - lo) * bins / (hi - lo), truncated; x == hi -> last bin
    lo_t = _C.full((), lo, dtype=x.dtype, device=x.device)
    hi_t = _C.full((), hi, dtype=x.dtype, device=x.device)
    x = x.masked_select((x >= lo_t) & (x <= hi_t))
    pos = ((x - lo_t) * bins / (hi_t - lo_t)).to(_C.int64).clamp_max(bins - 1)
    return _C.bincount(pos, minlength=bins).to(input.dtype)


@_op()
def cov(input, *, correction=1, fweights=None, aweights=None):
    """Covariance of the variables in input's rows (observations in columns; a 1-D input is one
    variable), with frequency (integer) and observation (float) weights, as torch.cov."""
    if input.dim() > 2:
        raise RuntimeError("expected input to have two or fewer dimensions but got an input with %d dimensions"
                           % input.dim())
    x = input.reshape(1, -1) if input.dim() < 2 else input
    n = x.size(1)
    w = None
    for wname, wt, need_int in (("fweights", fweights, True), ("aweights", aweights, False)):
        if wt is None:
            continue
        if wt.dim() > 1:
            raise RuntimeError("expected %s to have one or fewer dimensions but got %s with %d dimensions"
                               % (wname, wname, wt.dim()))
        if need_int and (wt.is_floating_point() or wt.dtype == _C.bool):
            raise RuntimeError("expected fweights to have integral dtype but got fweights with %s dtype"
                               % _dtype_name(wt.dtype))
        if not need_int and not wt.is_floating_point():
            raise RuntimeError("expected aweights to have floating point dtype but got aweights with %s dtype"
                               % _dtype_name(wt.dtype))
        if wt.numel() != n:
            raise RuntimeError("expected %s to have the same numel as there are observations in the input but got "
                               "%d != %d" % (wname, wt.numel(), n))
        if bool((wt < 0).any()):
            raise RuntimeError("%s cannot be negative" % wname)
        w = wt if w is None else w * wt
    w_sum = n if w is None else w.sum()
    avg = (x if w is None else x * w).sum(1) / w_sum
    if w is not None and aweights is not None and correction != 0:
        norm = w_sum - correction * (w * aweights).sum() / w_sum
    else:
        norm = w_sum - correction
    if bool(norm <= 0):
        import warnings

        warnings.warn("cov(): degrees of freedom is <= 0", RuntimeWarning, stacklevel=3)
        norm = norm * 0
    xc = x - avg.unsqueeze(1)
    c = _C.mm(xc, (xc if w is None else xc * w).t())
    return (c / norm).squeeze()


@_op()
def corrcoef(input):
    """Pearson correlation coefficients of the variables in input's rows, clipped to [-1, 1]."""
    c = cov(input)
    if c.dim() == 0:
        return c / c
    std = c.diagonal().sqrt()
    c = c / std.view(-1, 1)
    c = c / std.view(1, -1)
    return c.clip(-1, 1)


# ---------------------------------------------------------------- distances and norms

def _clamped_norm(x, dim, eps):
    """max(||x||, eps) along dim (kept) with torch 1.13's gradient x / max(||x||, eps): torch clamps the norm
    in place under no_grad, and its norm backward then reads the clamped value."""
    d = x.detach()
    n = d.norm(2, dim, keepdim=True).clamp_min(eps)
    t = (x * d).sum(dim, keepdim=True)  # gradient d; its value is cancelled below
    return n + (t - t.detach()) / n


@_op()
def cosine_similarity(x1, x2, dim=1, eps=1e-8):
    """sum(x1 / max(||x1||, eps) * x2 / max(||x2||, eps)) along dim (inputs broadcast), as torch 1.13."""
    dtype = _C.result_type(x1, x2)
    if not dtype.is_floating_point:
        raise RuntimeError("expected common dtype to be floating point, yet common dtype is %s" % _dtype_name(dtype))
    x1, x2 = _C.broadcast_tensors(x1.to(dtype), x2.to(dtype))
    return ((x1 / _clamped_norm(x1, dim, eps)) * (x2 / _clamped_norm(x2, dim, eps))).sum(dim)


@_op()
def pairwise_distance(x1, x2, p=2.0, eps=1e-6, keepdim=False):
    """||x1 - x2 + eps||_p over the last dim (inputs broadcast)."""
    last = max(x1.dim(), x2.dim()) - 1
    return (x1 - x2 + eps).norm(p, last, keepdim=keepdim)


@_op()
def pdist(input, p=2):
    """p-norm distances between the rows of input [N, M], for each pair i < j in row-major order: [N(N-1)/2]."""
    if input.dim() != 2:
        raise RuntimeError("pdist only supports 2D tensors, got: %dD" % input.dim())
    if not input.is_floating_point():
        raise RuntimeError("pdist only supports floating-point dtypes")
    if p < 0:
        raise RuntimeError("pdist only supports non-negative p values")
    n = input.size(0)
    if n < 2:
        return input.new_empty((0,))
    i, j = _tri_indices(n, n, 1, _C.int64, input.device, lower=False)
    return (input.index_select(0, i) - input.index_select(0, j)).norm(p, 1)


@_op()
def dist(input, other, p=2):
    """The p-norm of input - other (broadcast), over all elements."""
    dtype = _C.result_type(input, other)
    if not dtype.is_floating_point:
        raise RuntimeError("expected floating-point inputs, got %s and %s"
                           % (_dtype_name(input.dtype), _dtype_name(other.dtype)))
    return (input - other).norm(p)


@_op()
def renorm(input, p, dim, maxnorm):
    """Each slice of input along dim whose p-norm exceeds maxnorm scaled to norm maxnorm (torch's
    maxnorm / (norm + 1e-7))."""
    if input.dim() < 2:
        raise RuntimeError("input needs at least 2 dimensions, got %d dimensions" % input.dim())
    if p <= 0:
        raise RuntimeError("non-positive-norm not supported")
    if maxnorm < 0:
        raise RuntimeError("expected maxnorm to be >= 0 but got %s" % maxnorm)
    _require_float("renorm", input)
    d = _wrap_dim("renorm", dim, input.dim())
    norm = input.norm(p, [i for i in range(input.dim()) if i != d], keepdim=True)
    return input * _C.where(norm > maxnorm, maxnorm / (norm + 1e-7), 1.0)


# ---------------------------------------------------------------- in-place forms

def _square_(input):
    return input.square_()


_INPLACE_OF = {  # Tensor.<name>_ written as fn(self) copied back (see _in_place)
    "deg2rad": deg2rad, "rad2deg": rad2deg, "logit": logit, "sinc": sinc, "sgn": sgn, "copysign": copysign,
    "gcd": gcd, "lcm": lcm, "renorm": renorm, "fmod": _C.fmod, "remainder": _C.remainder,
    "xlogy": _C.xlogy, "nan_to_num": _C.nan_to_num, "clip": _C.clamp, "hypot": _C.hypot, "atan2": _C.atan2,
    "arctan2": _C.atan2, "lerp": _C.lerp, "digamma": _C.digamma, "lgamma": _C.lgamma, "erfinv": _C.erfinv,
    "addcdiv": _C.addcdiv, "addcmul": _C.addcmul, "cumsum": _C.cumsum, "cumprod": _C.cumprod,
    "floor_divide": _C.floor_divide, "true_divide": _C.true_divide, "divide": _C.div, "multiply": _C.mul,
    "subtract": _C.sub, "eq": _C.eq, "ne": _C.ne, "lt": _C.lt, "le": _C.le, "gt": _C.gt, "ge": _C.ge,
    "not_equal": _C.ne, "less": _C.lt, "less_equal": _C.le, "greater": _C.gt, "greater_equal": _C.ge,
    "logical_and": _C.logical_and, "logical_or": _C.logical_or, "logical_xor": _C.logical_xor,
    "logical_not": _C.logical_not, "bitwise_not": _C.bitwise_not,
}


def float_power_(self, exponent):
    """In-place float_power: self must already be float64 (the result's dtype), as torch."""
    if self.dtype != _C.float64:
        raise RuntimeError("float_power_: the base given to float_power_ has dtype %s but the operation's result "
                           "requires dtype float64" % _dtype_name(self.dtype))
    return _in_place("float_power", float_power)(self, exponent)


# the Tensor methods torch has for the ops above (installed by ember/__init__.py)
TENSOR_METHODS = {
    name: globals()[name]
    for name in ("is_nonzero", "is_same_size", "is_signed", "ravel", "narrow_copy", "fliplr", "flipud", "hsplit",
                 "vsplit", "dsplit", "argwhere", "unique_consecutive", "positive", "rad2deg", "deg2rad", "sgn",
                 "signbit", "isposinf", "isneginf", "sinc", "logit", "logaddexp", "logaddexp2", "copysign",
                 "float_power", "fmax", "fmin", "gcd", "lcm", "logcumsumexp", "kthvalue", "mode", "nanmedian",
                 "quantile", "nanquantile", "histc", "cov", "corrcoef", "dist", "renorm", "diagflat")
}
TENSOR_METHODS.update({name + "_": _in_place(name, fn) for name, fn in _INPLACE_OF.items()})
TENSOR_METHODS["float_power_"] = float_power_


def _return_type(name):
    from . import return_types

    return getattr(return_types, name)
