"""Autograd from Python: backward, grad, retain_graph, create_graph, grad
modes, hooks, retain_grad, custom Functions, saved-tensor version checks,
anomaly mode and very long graphs. Each scenario runs on ember and on torch
and the two must agree."""
import numpy as np
import pytest

import ember
from ember_testing import assert_close, to_numpy

torch = pytest.importorskip("torch")
MODULES = [pytest.param(ember, id="ember"), pytest.param(torch, id="torch")]


def both(fn):
    """Runs fn(torch) and fn(ember) and returns (ember_result, torch_result)."""
    return fn(ember), fn(torch)


def check(fn, what, dtype="float64"):
    got, exp = both(fn)
    gl = got if isinstance(got, (tuple, list)) else [got]
    el = exp if isinstance(exp, (tuple, list)) else [exp]
    assert len(gl) == len(el), what
    for k, (g, e) in enumerate(zip(gl, el)):
        if e is None:
            assert g is None, f"{what} [{k}]: expected None, got {g}"
        elif isinstance(e, (bool, int, float, str)):
            assert g == e, f"{what} [{k}]: {g!r} vs torch {e!r}"
        else:
            assert g is not None, f"{what} [{k}]: got None"
            assert_close(g, e, f"{what} [{k}]", dtype)


def x_of(m, values=(0.5, -1.5, 2.0), requires_grad=True):
    return m.tensor(list(values), dtype=m.float64, requires_grad=requires_grad)


def test_backward_scalar_and_accumulation():
    def f(m):
        x = x_of(m)
        y = (x * x * 3 + x.sin()).sum()
        y.backward(retain_graph=True)
        g1 = x.grad.clone()
        y.backward()  # accumulates
        return g1, x.grad
    check(f, "backward accumulation")


def test_backward_with_gradient_argument():
    def f(m):
        x = x_of(m)
        y = x.exp() * 2
        y.backward(m.tensor([1.0, 0.5, -1.0], dtype=m.float64))
        return x.grad
    check(f, "backward(gradient)")


def test_backward_twice_without_retain_graph_raises():
    for m in (torch, ember):
        x = x_of(m)
        y = (x.exp() * x).sum()
        y.backward()
        with pytest.raises(RuntimeError):
            y.backward()


def test_non_scalar_backward_raises():
    for m in (torch, ember):
        x = x_of(m)
        with pytest.raises(RuntimeError, match="scalar"):
            (x * 2).backward()


def test_backward_on_tensor_without_grad_raises():
    for m in (torch, ember):
        x = x_of(m, requires_grad=False)
        with pytest.raises(RuntimeError):
            (x * 2).sum().backward()


def test_autograd_grad():
    def f(m):
        x = x_of(m)
        w = x_of(m, (1.0, 2.0, 3.0))
        y = (x * w).tanh().sum()
        gx, gw = m.autograd.grad(y, (x, w))
        return gx, gw, x.grad  # grad() does not accumulate into .grad
    check(f, "autograd.grad")


def test_autograd_grad_outputs_and_allow_unused():
    def f(m):
        x = x_of(m)
        z = x_of(m, (1.0, 1.0, 1.0))
        y = x.sin()
        (gx, gz) = m.autograd.grad([y], [x, z], grad_outputs=[m.ones(3, dtype=m.float64)],
                                   allow_unused=True)
        return gx, gz
    check(f, "autograd.grad allow_unused")
    for m in (torch, ember):
        x, z = x_of(m), x_of(m)
        with pytest.raises(RuntimeError):
            m.autograd.grad(x.sin().sum(), [x, z])


def test_create_graph_second_derivative():
    def f(m):
        x = x_of(m)
        y = (x ** 3).sum()
        (g,) = m.autograd.grad(y, x, create_graph=True)  # 3x^2
        (h,) = m.autograd.grad(g.sum(), x)  # 6x
        return g, h
    check(f, "second derivative")

    def f2(m):
        x = x_of(m)
        y = (x.sin() * x).sum()
        y.backward(create_graph=True)
        g = x.grad
        x.grad = None
        g.sum().backward()
        return x.grad
    check(f2, "backward(create_graph=True) then backward of the gradient")


def test_no_grad_context_and_decorator():
    for m in (torch, ember):
        x = x_of(m)
        with m.no_grad():
            y = x * 2
            assert not y.requires_grad and y.grad_fn is None
            with m.enable_grad():
                z = x * 2
                assert z.requires_grad
        assert (x * 2).requires_grad

        @m.no_grad()
        def g(t):
            return t * 3
        assert not g(x).requires_grad
        assert m.is_grad_enabled()


def test_set_grad_enabled():
    for m in (torch, ember):
        x = x_of(m)
        with m.set_grad_enabled(False):
            assert not m.is_grad_enabled()
            assert not (x + 1).requires_grad
        assert m.is_grad_enabled()
        m.set_grad_enabled(False)
        try:
            assert not (x + 1).requires_grad
        finally:
            m.set_grad_enabled(True)
        assert (x + 1).requires_grad


def test_inference_mode():
    for m in (torch, ember):
        x = x_of(m)
        with m.inference_mode():
            y = x * 2
        assert not y.requires_grad


def test_requires_grad_and_leaves():
    def f(m):
        x = x_of(m)
        c = x_of(m, requires_grad=False)
        y = x * c
        d = y.detach()
        return (x.is_leaf, c.is_leaf, y.is_leaf, y.requires_grad, c.requires_grad,
                d.requires_grad, d.is_leaf, x.grad_fn is None, type(y.grad_fn).__name__)
    got, exp = both(f)
    assert got == exp, f"leaf/requires_grad flags: ember {got}, torch {exp}"


def test_requires_grad_on_integer_raises():
    for m in (torch, ember):
        with pytest.raises(RuntimeError, match="floating point"):
            m.tensor([1, 2]).requires_grad_()


def test_inplace_on_leaf_requiring_grad_raises():
    for m in (torch, ember):
        x = x_of(m)
        with pytest.raises(RuntimeError, match="leaf"):
            x.add_(1)
        with m.no_grad():
            x.add_(1)  # allowed without recording


def test_hooks():
    def f(m):
        x = x_of(m)
        seen = []
        x.register_hook(lambda g: g * 10)
        y = x.exp()
        y.register_hook(lambda g: seen.append(g.clone()))
        y.sum().backward()
        return x.grad, seen[0]
    check(f, "register_hook")


def test_hook_remove():
    def f(m):
        x = x_of(m)
        h = x.register_hook(lambda g: g * 10)
        h.remove()
        (x * 2).sum().backward()
        return x.grad
    check(f, "hook handle remove()")


def test_retain_grad():
    def f(m):
        x = x_of(m)
        y = x * 3
        y.retain_grad()
        z = y * y
        z.sum().backward()
        return y.grad, x.grad, y.retains_grad
    check(f, "retain_grad")


def test_nonleaf_grad_is_none():
    for m in (torch, ember):
        x = x_of(m)
        y = x * 3
        (y * y).sum().backward()
        import warnings
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            assert y.grad is None


def _make_function(m):
    class MulExp(m.autograd.Function):
        @staticmethod
        def forward(ctx, a, b):
            out = a * b.exp()
            ctx.save_for_backward(a, b, out)
            return out

        @staticmethod
        def backward(ctx, g):
            a, b, out = ctx.saved_tensors
            ga = gb = None
            if ctx.needs_input_grad[0]:
                ga = g * b.exp()
            if ctx.needs_input_grad[1]:
                gb = g * out
            return ga, gb
    return MulExp


def test_custom_function():
    def f(m):
        fn = _make_function(m)
        a = x_of(m)
        b = x_of(m, (0.1, 0.2, -0.3))
        y = fn.apply(a, b)
        y.sum().backward()
        return y, a.grad, b.grad, type(y.grad_fn).__name__.startswith("MulExp")
    check(f, "custom Function")


def test_custom_function_needs_input_grad():
    def f(m):
        seen = []

        class Probe(m.autograd.Function):
            @staticmethod
            def forward(ctx, a, b):
                return a * b

            @staticmethod
            def backward(ctx, g):
                seen.append(tuple(ctx.needs_input_grad))
                return g, None
        a = x_of(m)
        b = x_of(m, requires_grad=False)
        Probe.apply(a, b).sum().backward()
        return seen[0], a.grad
    got, exp = both(f)
    assert got[0] == exp[0], f"needs_input_grad: ember {got[0]}, torch {exp[0]}"
    assert_close(got[1], exp[1], "custom Function grad", "float64")


def test_custom_function_gradcheck():
    fn = _make_function(ember)
    a = x_of(ember)
    b = x_of(ember, (0.1, 0.2, -0.3))
    assert ember.autograd.gradcheck(fn.apply, (a, b))


def test_gradcheck_detects_wrong_backward():
    for m in (torch, ember):
        class Wrong(m.autograd.Function):
            @staticmethod
            def forward(ctx, a):
                return a * a

            @staticmethod
            def backward(ctx, g):
                return g  # should be 2 a g
        a = x_of(m)
        assert m.autograd.gradcheck(Wrong.apply, (a,), raise_exception=False) is False
        with pytest.raises(RuntimeError):
            m.autograd.gradcheck(Wrong.apply, (a,))


def test_gradgradcheck():
    x = x_of(ember)
    assert ember.autograd.gradgradcheck(lambda t: (t.sin() * t).sum(), (x,))


def test_modified_saved_tensor_raises():
    for m in (torch, ember):
        x = x_of(m)
        y = x.sigmoid()  # saves its output
        y.mul_(2)
        with pytest.raises(RuntimeError, match="modified by an inplace operation|modified in place"):
            y.sum().backward()
        a = x * 1
        b = a.sin()  # saves its input
        a.add_(1)
        with pytest.raises(RuntimeError):
            b.sum().backward()


def test_inplace_with_autograd_matches():
    def f(m):
        x = x_of(m)
        y = x * 2
        y.add_(1).mul_(3)  # y = 3 (2x+1)
        y[0] = 5.0
        y.sum().backward()
        return y, x.grad
    check(f, "in-place chain with setitem")


def test_anomaly_mode():
    for m in (torch, ember):
        x = m.tensor([0.0, 1.0], dtype=m.float64, requires_grad=True)
        (x.sqrt() * 0).sum().backward()  # 0 * inf: nan gradient, no error
        assert np.isnan(to_numpy(x.grad)[0])
        x.grad = None
        import warnings
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with m.autograd.detect_anomaly():
                with pytest.raises(RuntimeError, match="nan"):
                    (x.sqrt() * 0).sum().backward()
            m.autograd.set_detect_anomaly(True)
            try:
                assert m.is_anomaly_enabled()
                with pytest.raises(RuntimeError, match="nan"):
                    (x.sqrt() * 0).sum().backward()
            finally:
                m.autograd.set_detect_anomaly(False)
        assert not m.is_anomaly_enabled()


@pytest.mark.parametrize("m", [pytest.param(ember, id="ember"),
                               pytest.param(torch, id="torch", marks=pytest.mark.slow)])
def test_long_chain_100k(m):
    """100k nodes: backward and graph destruction must not overflow the stack."""
    x = m.tensor([1.0], dtype=m.float64, requires_grad=True)
    y = x
    for _ in range(100_000):
        y = y * 1.0 + 0.0
    y.sum().backward()
    assert to_numpy(x.grad)[0] == 1.0
    z = x
    for _ in range(100_000):
        z = z * 1.0
    del z  # destroying an unused long graph


def test_grad_with_broadcasting_sums_back():
    def f(m):
        a = m.tensor([[1.0], [2.0]], dtype=m.float64, requires_grad=True)
        b = m.tensor([0.5, -1.0, 2.0], dtype=m.float64, requires_grad=True)
        s = m.tensor(3.0, dtype=m.float64, requires_grad=True)
        ((a * b + s) ** 2).sum().backward()
        return a.grad, b.grad, s.grad
    check(f, "broadcast gradients")


def test_grad_float32():
    def f(m):
        x = m.tensor([0.5, -1.5, 2.0], requires_grad=True)
        (x.tanh() * x).sum().backward()
        return x.grad
    check(f, "float32 gradient", dtype="float32")


def test_zero_grad_patterns():
    def f(m):
        x = x_of(m)
        (x * 2).sum().backward()
        x.grad.zero_()
        (x * 3).sum().backward()
        g = x.grad.clone()
        x.grad = None
        (x * 4).sum().backward()
        return g, x.grad
    check(f, "zeroing grads")


def test_relu_backward_at_zero_and_nan_matches_torch():
    import torch as real_torch

    vals = [-1.0, -0.0, 0.0, 2.0, float("nan"), float("inf")]
    t = real_torch.tensor(vals, requires_grad=True)
    real_torch.relu(t).backward(real_torch.full((6,), 3.0))
    e = ember.tensor(vals, requires_grad=True)
    ember.relu(e).backward(ember.full((6,), 3.0))
    assert e.grad.tolist() == t.grad.tolist()
    # twice differentiable in the incoming gradient (create_graph takes where())
    e2 = ember.tensor(vals[:4], requires_grad=True)
    g = ember.ones(4, requires_grad=True)
    (gx,) = ember.autograd.grad(ember.relu(e2), e2, g, create_graph=True)
    (gg,) = ember.autograd.grad(gx.sum(), g)
    assert gg.tolist() == [0.0, 0.0, 0.0, 1.0]
