"""Tensor properties, conversions to Python values, and repr exactly like
torch's (with 'torch.' spelled 'ember.')."""

import numpy as np
import pytest

import ember
from ember_testing import ALL_DTYPES

torch = pytest.importorskip("torch")
PREFIX = ember.__name__ + "."


def as_ember(s):
    return s.replace("torch.", PREFIX)


def both(fn):
    return fn(ember), fn(torch)


# properties

def test_shape_is_a_tuple_subclass_with_torch_like_repr():
    t = ember.zeros(2, 3)
    assert isinstance(t.shape, tuple)
    assert type(t.shape).__name__ == "Size"
    assert t.shape == (2, 3) and t.size() == (2, 3)
    assert repr(t.shape) == PREFIX + "Size([2, 3])"
    assert repr(ember.zeros(()).shape) == PREFIX + "Size([])"
    assert str(t.shape) == PREFIX + "Size([2, 3])"
    assert t.size(1) == 3 and t.size(-1) == 3 and t.shape[0] == 2
    assert t.shape.numel() == 6
    assert isinstance(t.shape[:1], tuple) and tuple(t.shape[:1]) == (2,)
    assert ember.Size([2, 3]) == t.shape
    assert ember.zeros(ember.Size([4])).shape == (4,)
    assert ember.zeros(t.shape).shape == (2, 3)


@pytest.mark.parametrize("dt", ALL_DTYPES)
def test_dtype_repr_and_flags(dt):
    e, t = getattr(ember, dt), getattr(torch, dt)
    assert repr(e) == as_ember(repr(t))
    assert str(e) == as_ember(str(t))
    assert e.is_floating_point == t.is_floating_point
    assert e.is_signed == t.is_signed
    assert ember.zeros(1, dtype=e).element_size() == torch.zeros(1, dtype=t).element_size()
    assert ember.zeros(1, dtype=e).dtype == e


def test_dtype_aliases():
    for alias, name in [("float", "float32"), ("double", "float64"), ("half", "float16"),
                        ("long", "int64"), ("int", "int32"), ("short", "int16")]:
        assert getattr(ember, alias) == getattr(ember, name), alias
        assert getattr(ember, alias) is getattr(ember, name) or \
            repr(getattr(ember, alias)) == PREFIX + name


def test_default_dtype():
    assert ember.get_default_dtype() == ember.float32
    try:
        ember.set_default_dtype(ember.float64)
        assert ember.tensor([1.5]).dtype == ember.float64
        assert ember.zeros(2).dtype == ember.float64
        assert ember.tensor([1]).dtype == ember.int64
    finally:
        ember.set_default_dtype(ember.float32)
    assert ember.tensor([1.5]).dtype == ember.float32


def test_basic_properties_match_torch():
    def f(m):
        x = m.arange(24, dtype=m.float32).reshape(2, 3, 4)
        y = x.transpose(0, 2)
        return (x.ndim, x.dim(), x.numel(), tuple(x.stride()), x.storage_offset(),
                x.is_contiguous(), tuple(y.stride()), y.is_contiguous(),
                tuple(y.contiguous().stride()), tuple(x[1].stride()), x[1].storage_offset(),
                tuple(x.mT.shape), tuple(x.mT.stride()), tuple(x[0].T.shape),
                str(x.device), x.device.type, x.is_floating_point(), x.requires_grad,
                x.is_leaf, x.grad is None, x.grad_fn is None, x.element_size(),
                x[0, 1].dim(), len(x), x.nelement())
    got, exp = both(f)
    assert got == exp, f"ember {got}\ntorch {exp}"


def test_grad_fn_names_match_torch():
    def f(m):
        x = m.ones(2, 2, requires_grad=True)
        outs = [x * 2, x + x, x.sum(), x.exp(), x.t(), x[0], x.view(4), x @ x, x.mean(1),
                m.relu(x), x.sigmoid(), x.tanh(), x.reshape(4), x.unsqueeze(0), x.clone(),
                x.pow(2), x / 3, -x, m.cat([x, x]), x.expand(3, 2, 2), x.permute(1, 0),
                x.softmax(0), x.max(), x.abs()]
        return [type(o.grad_fn).__name__ for o in outs]
    got, exp = both(f)
    diff = [(g, e) for g, e in zip(got, exp) if g != e]
    assert not diff, f"grad_fn names differ (ember, torch): {diff}"


def test_grad_fn_next_functions():
    x = ember.ones(2, requires_grad=True)
    y = (x * 2).sum()
    assert y.grad_fn is not None
    assert hasattr(y.grad_fn, "next_functions")
    assert len(y.grad_fn.next_functions) >= 1


def test_data_property():
    for m in (ember, torch):
        x = m.ones(3, requires_grad=True)
        d = x.data
        assert not d.requires_grad
        d.mul_(2)  # not recorded, changes x
        assert x.sum().item() == 6.0


# conversions

def test_item_tolist_and_python_numbers():
    def f(m):
        a = m.tensor([[1.5, -2.0], [3.25, 0.0]])
        i = m.tensor([[1, 2], [3, 4]], dtype=m.int32)
        b = m.tensor([True, False])
        h = m.tensor([0.1], dtype=m.float16)
        s = m.tensor(7)
        return (a.tolist(), i.tolist(), b.tolist(), h.tolist(), s.tolist(), a[1, 0].item(),
                i[0, 1].item(), b[0].item(), s.item(), float(s), int(m.tensor(3.9)),
                bool(m.tensor([0.0])), bool(m.tensor(2)), m.tensor([]).tolist(),
                float(m.tensor([2.5])), m.tensor(1e300, dtype=m.float64).item())
    got, exp = both(f)
    assert got == exp, f"ember {got}\ntorch {exp}"
    for g, e in zip(got, exp):  # types too: int stays int, bool stays bool
        assert type(g) is type(e), (g, e)
    assert type(ember.tensor([1, 2]).tolist()[0]) is int
    assert type(ember.tensor([True]).tolist()[0]) is bool


def test_len_iter_index_hash():
    x = ember.arange(6).reshape(3, 2)
    assert len(x) == 3
    rows = list(x)
    assert len(rows) == 3 and rows[1].tolist() == [2, 3]
    assert [r.item() for r in ember.tensor([4, 5, 6])] == [4, 5, 6]
    assert [10, 20, 30][ember.tensor(1)] == 20  # __index__
    assert range(10)[ember.tensor(2):ember.tensor(5)] == range(2, 5)
    d = {x: 1}
    assert d[x] == 1  # hashable by identity, like torch
    assert hash(x) == hash(x)
    assert len({ember.tensor([1.0]), ember.tensor([1.0])}) == 2  # identity, not value
    with pytest.raises(TypeError):
        [1, 2][ember.tensor(0.5)]


def test_bool_of_tensor():
    assert bool(ember.tensor([1])) is True
    assert bool(ember.tensor(0.0)) is False
    with pytest.raises(RuntimeError, match="ambiguous"):
        bool(ember.tensor([1, 2]))


def test_contains_and_comparison_sugar():
    x = ember.tensor([1, 2, 3])
    assert (2 in x) == (2 in torch.tensor([1, 2, 3]))
    assert (5 in x) is False


# repr

def _repr_cases(m):
    return {
        "1d": m.tensor([1.5, 2.25, -3.0]),
        "2d": m.arange(6, dtype=m.float32).reshape(2, 3) * 1.5,
        "float_int_valued": m.tensor([1.0, 2.0, -3.0]),
        "non_integer": m.tensor([0.1234567, 12.5, -3.25]),
        "large_1d_2000": m.arange(2000, dtype=m.float32),
        "large_2d": m.arange(2000, dtype=m.float32).reshape(50, 40) / 7,
        "int": m.tensor([1, -20, 300]),
        "int32": m.tensor([1, 2], dtype=m.int32),
        "uint8_2d": m.tensor([[1, 2], [3, 250]], dtype=m.uint8),
        "bool": m.tensor([True, False, True]),
        "float64": m.tensor([1.5, 2.0], dtype=m.float64),
        "float16": m.tensor([1.5, 2.0], dtype=m.float16),
        "bfloat16": m.tensor([1.5, 2.0], dtype=m.bfloat16),
        "requires_grad": m.tensor([1.0, 2.0], requires_grad=True),
        "grad_fn": m.tensor([1.0, 2.0], requires_grad=True) * 2,
        "grad_fn_float64": m.tensor([1.0, 2.0], dtype=m.float64, requires_grad=True).sum(),
        "empty": m.tensor([]),
        "empty_2d": m.zeros(0, 3),
        "empty_int": m.zeros(2, 0, dtype=m.int64),
        "scalar": m.tensor(3.5),
        "scalar_int": m.tensor(-7),
        "scalar_bool": m.tensor(True),
        "sci": m.tensor([1e-8, 1.0, 1e8]),
        "small": m.tensor([1e-5, 2e-5]),
        "nan_inf": m.tensor([float("nan"), float("inf"), -float("inf"), 1.5]),
        "neg_zero": m.tensor([-0.0, 0.0]),
        "3d": m.arange(12, dtype=m.float32).reshape(2, 2, 3),
        "wide_row": m.arange(30, dtype=m.float32) * 1000.5,
        "large_int": m.arange(1500).reshape(3, 500),
        "large_3d": m.ones(11, 11, 11),
        "big_values": m.tensor([123456.789, 1.0]),
        "float64_int_valued_grad": m.tensor([[1.0, 2.0]], dtype=m.float64, requires_grad=True),
    }


_CASES = list(_repr_cases(torch))


@pytest.mark.parametrize("name", _CASES)
def test_repr_matches_torch(name):
    e = _repr_cases(ember)[name]
    t = _repr_cases(torch)[name]
    expected = as_ember(repr(t))
    got = repr(e)
    assert got == expected, f"repr {name}:\n--- ember ---\n{got}\n--- torch ---\n{expected}"
    assert str(e) == as_ember(str(t))


@pytest.mark.parametrize("opts", [{"precision": 2}, {"threshold": 5}, {"edgeitems": 1, "threshold": 5},
                                  {"linewidth": 40}, {"sci_mode": True}, {"sci_mode": False}],
                         ids=lambda o: ",".join(f"{k}={v}" for k, v in o.items()))
def test_set_printoptions(opts):
    vals = [[0.123456, 1234.5, -3.0, 7.25, 1e-3, 42.0, 0.5, 9.0]] * 3
    try:
        ember.set_printoptions(**opts)
        torch.set_printoptions(**opts)
        for name, mk in [("matrix", lambda m: m.tensor(vals)),
                         ("range", lambda m: m.arange(20, dtype=m.float32) / 3)]:
            got, exp = repr(mk(ember)), as_ember(repr(mk(torch)))
            assert got == exp, f"set_printoptions({opts}) {name}:\n{got}\n--- torch ---\n{exp}"
    finally:
        torch.set_printoptions(profile="default")
        ember.set_printoptions(profile="default")
    assert repr(ember.tensor([0.123456])) == "tensor([0.1235])", "profile='default' did not reset"


def test_numel_and_empty_shapes():
    for shape in [(0,), (0, 3), (3, 0, 2), ()]:
        e, t = ember.zeros(shape), torch.zeros(shape)
        assert e.numel() == t.numel() and tuple(e.shape) == tuple(t.shape)
        assert tuple(e.stride()) == tuple(t.stride()), shape


def test_creation_functions_match_torch():
    def f(m):
        m.manual_seed(0)
        r = m.rand(3, 4)
        n = m.randn(1000)
        i = m.randint(0, 5, (100,))
        p = m.randperm(10)
        return (tuple(r.shape), r.dtype == m.float32, float(r.min()) >= 0, float(r.max()) < 1,
                abs(float(n.mean())) < 0.2, 0.8 < float(n.std()) < 1.2, i.dtype == m.int64,
                int(i.min()) >= 0, int(i.max()) <= 4, sorted(p.tolist()) == list(range(10)),
                p.dtype == m.int64, m.empty(2, 3).shape == (2, 3),
                m.rand_like(r).shape == r.shape, m.randn_like(r).dtype == r.dtype,
                m.zeros(2, 3, requires_grad=True).requires_grad)
    got, exp = both(f)
    assert got == exp, f"ember {got}\ntorch {exp}"


def test_manual_seed_reproducible():
    ember.manual_seed(123)
    a = ember.randn(5).tolist()
    ember.manual_seed(123)
    b = ember.randn(5).tolist()
    assert a == b
    assert ember.randn(5).tolist() != a


def test_namedtuple_returns():
    x = ember.tensor([[1.0, 5.0], [3.0, 2.0]])
    r = x.max(1)
    assert r.values.tolist() == [5.0, 3.0] and r.indices.tolist() == [1, 0]
    v, i = x.sort(1)
    assert v.tolist() == [[1.0, 5.0], [2.0, 3.0]]
    t = x.topk(1)
    assert t.values.tolist() == [[5.0], [3.0]]


def test_to_and_type_conversions():
    def f(m):
        x = m.tensor([1.7, -2.2])
        return (x.to(m.int32).tolist(), x.int().tolist(), x.long().dtype == m.int64,
                x.double().dtype == m.float64, x.half().dtype == m.float16,
                x.bool().tolist(), x.float().dtype == m.float32, x.to("cpu") is x,
                x.to(m.float32) is x, x.type(m.float64).dtype == m.float64,
                x.to(dtype=m.float64, copy=True).dtype == m.float64,
                m.tensor([300.0]).to(m.uint8).tolist(), x.bfloat16().dtype == m.bfloat16,
                x.clone().data_ptr() != x.data_ptr(), x.cpu() is x)
    got, exp = both(f)
    assert got == exp, f"ember {got}\ntorch {exp}"


def test_nn_functional_namespace():
    """torch users call these through torch.nn.functional (often as F)."""
    import importlib
    F = importlib.import_module(ember.__name__ + ".nn.functional")
    assert ember.nn.functional is F
    for name in ["relu", "gelu", "silu", "softplus", "sigmoid", "tanh", "softmax", "log_softmax",
                 "linear", "one_hot"]:
        assert hasattr(F, name), f"{ember.__name__}.nn.functional.{name} is missing"
    x = ember.tensor([[-1.0, 0.5, 2.0]])
    assert F.gelu(x, approximate="tanh").shape == (1, 3)
    assert F.softmax(x, dim=1).sum().item() == pytest.approx(1.0)
    assert F.one_hot(ember.tensor([1, 0]), 3).tolist() == [[0, 1, 0], [1, 0, 0]]


def test_finfo_iinfo_match_torch():
    import torch as real_torch
    import ember as E

    for d in ("float32", "float64", "float16", "bfloat16"):
        e, t = E.finfo(getattr(E, d)), real_torch.finfo(getattr(real_torch, d))
        for f in ("bits", "eps", "max", "min", "tiny", "resolution", "smallest_normal"):
            assert getattr(e, f) == getattr(t, f), (d, f)
    assert E.finfo().eps == real_torch.finfo().eps
    for d in ("uint8", "int8", "int16", "int32", "int64"):
        e, t = E.iinfo(getattr(E, d)), real_torch.iinfo(getattr(real_torch, d))
        assert (e.bits, e.min, e.max) == (t.bits, t.min, t.max)
    with pytest.raises(TypeError):
        E.finfo(E.int64)


def test_multinomial():
    p = ember.tensor([0.1, 0.0, 0.6, 0.3])
    draws = ember.multinomial(p, 40000, replacement=True)
    assert draws.dtype == ember.int64 and draws.shape == (40000,)
    freq = np.bincount(draws.numpy(), minlength=4) / 40000
    np.testing.assert_allclose(freq, [0.1, 0.0, 0.6, 0.3], atol=0.01)  # ~5 sigma
    # without replacement: distinct, never a zero-weight category, weights need not sum to 1
    w = ember.tensor([[2.0, 0.0, 1.0, 5.0, 1.0], [1.0, 1.0, 1.0, 1.0, 1.0]])
    s = w.multinomial(4)
    assert s.shape == (2, 4)
    for row, weights in zip(s.tolist(), w.tolist()):
        assert len(set(row)) == 4 and all(weights[c] > 0 for c in row)
    first = ember.multinomial(w[0], 1, generator=ember.Generator().manual_seed(7)).item()
    assert first == ember.multinomial(w[0], 1, generator=ember.Generator().manual_seed(7)).item()
    # the first draw without replacement follows the weights
    firsts = [ember.multinomial(w[0], 2)[0].item() for _ in range(3000)]
    np.testing.assert_allclose(np.bincount(firsts, minlength=5) / 3000, [2 / 9, 0, 1 / 9, 5 / 9, 1 / 9], atol=0.04)
    with pytest.raises(RuntimeError, match="not enough non-negative category"):
        ember.multinomial(p, 4)
    with pytest.raises(RuntimeError, match="without replacement"):
        ember.multinomial(p, 5)
    with pytest.raises(RuntimeError, match="inf, nan or element < 0"):
        ember.multinomial(ember.tensor([0.5, -0.1]), 1)
    with pytest.raises(RuntimeError, match="sum of probabilities <= 0"):
        ember.multinomial(ember.zeros(3), 1, replacement=True)
    with pytest.raises(RuntimeError, match="1 or 2 dim"):
        ember.multinomial(ember.ones(2, 2, 2), 1)
