"""F.unfold / F.fold (nn.Unfold / nn.Fold) and Tensor.unfold against torch 1.13:
values, gradients, float64 gradchecks and errors."""
import numpy as np
import pytest
import torch

import ember
F = ember.nn.functional


def both(arr, grad=True):
    e = ember.tensor(arr, requires_grad=grad)
    t = torch.tensor(arr, requires_grad=grad)
    return e, t


def close(e, t, tol=1e-5):
    np.testing.assert_allclose(e.detach().numpy(), t.detach().numpy(), rtol=tol, atol=tol)


UNFOLD_CASES = [
    ((2, 3, 7, 6), dict(kernel_size=3)),
    ((2, 3, 7, 6), dict(kernel_size=(2, 3), stride=2)),
    ((1, 2, 9, 9), dict(kernel_size=3, dilation=2, padding=1, stride=(1, 2))),
    ((3, 5, 4), dict(kernel_size=2)),  # unbatched
    ((2, 1, 5, 5), dict(kernel_size=5, padding=2, stride=3)),
]


@pytest.mark.parametrize("shape,kw", UNFOLD_CASES)
def test_unfold_fold_match_torch(shape, kw):
    rng = np.random.default_rng(0)
    x = rng.standard_normal(shape).astype(np.float32)
    ex, tx = both(x)
    eu, tu = F.unfold(ex, **kw), torch.nn.functional.unfold(tx, **kw)
    assert tuple(eu.shape) == tuple(tu.shape)
    close(eu, tu)
    g = rng.standard_normal(tuple(tu.shape)).astype(np.float32)
    eu.backward(ember.tensor(g))
    tu.backward(torch.tensor(g))
    close(ex.grad, tx.grad)
    # fold back into the input's size: the adjoint (overlaps summed)
    ec, tc = both(rng.standard_normal(tuple(tu.shape)).astype(np.float32))
    ef = F.fold(ec, shape[-2:], **kw)
    tf = torch.nn.functional.fold(tc, shape[-2:], **kw)
    assert tuple(ef.shape) == tuple(tf.shape)
    close(ef, tf)
    gf = rng.standard_normal(tuple(tf.shape)).astype(np.float32)
    ef.backward(ember.tensor(gf))
    tf.backward(torch.tensor(gf))
    close(ec.grad, tc.grad)


def test_modules_and_gradcheck():
    m, tm = ember.nn.Unfold(2, stride=2), torch.nn.Unfold(2, stride=2)
    assert repr(m) == repr(tm)
    f, tf = ember.nn.Fold((4, 4), 2, stride=2), torch.nn.Fold((4, 4), 2, stride=2)
    assert repr(f) == repr(tf)
    x = np.arange(32, dtype=np.float32).reshape(2, 1, 4, 4)
    close(f(m(ember.tensor(x))), tf(tm(torch.tensor(x))))  # non-overlapping: fold(unfold(x)) == x
    x64 = ember.randn(1, 2, 5, 4, dtype=ember.float64, requires_grad=True)
    assert ember.autograd.gradcheck(lambda t: F.unfold(t, (2, 3), padding=1, stride=(2, 1)), (x64,))
    c64 = ember.randn(1, 8, 6, dtype=ember.float64, requires_grad=True)
    assert ember.autograd.gradcheck(lambda t: F.fold(t, (3, 4), 2), (c64,))


@pytest.mark.parametrize("call", [
    lambda F, lib: F.unfold(lib.randn(1, 1, 3, 3), 4),                 # kernel larger than input
    lambda F, lib: F.unfold(lib.randn(1, 1, 3, 3), 2, stride=0),       # zero stride
    lambda F, lib: F.unfold(lib.randn(1, 1, 3, 3), 0),                 # zero kernel
    lambda F, lib: F.fold(lib.randn(1, 5, 4), (3, 3), 2),              # 5 not a multiple of 2 * 2
    lambda F, lib: F.fold(lib.randn(1, 4, 5), (3, 3), 2),              # 5 blocks where 4 are
    lambda F, lib: F.fold(lib.randn(4, 4, 4, 4), (3, 3), 2),           # 4-D input
])
def test_errors_as_torch(call):
    # (torch raises IndexError for a 2-D unfold input; ember says what it expects: test_unfold_message)
    with pytest.raises(RuntimeError):
        call(torch.nn.functional, torch)
    with pytest.raises(RuntimeError):
        call(F, ember)


TENSOR_UNFOLD_CASES = [((10,), 0, 3, 1), ((10,), 0, 3, 2), ((4, 9), 1, 4, 3), ((4, 9), 0, 2, 1),
                       ((3, 4, 5), -2, 2, 2), ((6,), 0, 6, 1), ((6,), 0, 1, 1), ((5, 3), 0, 0, 1)]


@pytest.mark.parametrize("shape,dim,size,step", TENSOR_UNFOLD_CASES)
def test_tensor_unfold_matches_torch(shape, dim, size, step):
    x = np.random.default_rng(1).standard_normal(shape)
    ex, tx = both(x)
    eu, tu = ex.unfold(dim, size, step), tx.unfold(dim, size, step)
    assert tuple(eu.shape) == tuple(tu.shape) and eu.stride() == tu.stride()
    close(eu, tu)
    (eu * eu).sum().backward()
    (tu * tu).sum().backward()
    close(ex.grad, tx.grad)


def test_tensor_unfold_view_gradcheck_and_errors():
    base = ember.randn(4, 7, dtype=ember.float64, requires_grad=True)
    assert ember.autograd.gradcheck(lambda t: t.t().unfold(0, 3, 2), (base,))  # a non-contiguous input
    v = ember.arange(10.0)
    w = v.unfold(0, 4, 3)
    w[1, 0] = -1.0  # a view: writes reach the base
    assert v[3].item() == -1.0
    for lib in (torch, ember):
        with pytest.raises(RuntimeError):
            lib.arange(5.0).unfold(0, 6, 1)
        with pytest.raises(RuntimeError):
            lib.arange(5.0).unfold(0, 2, 0)
        with pytest.raises(IndexError):
            lib.arange(5.0).unfold(1, 2, 1)


@pytest.mark.skipif(ember.__name__ == "torch", reason="ember's own messages")
def test_unfold_message():
    with pytest.raises(RuntimeError, match=r"unfold: expected a 3-D \[C, H, W\] or 4-D"):
        F.unfold(ember.randn(2, 3), 2)
    with pytest.raises(RuntimeError, match="fold: given output_size"):
        F.fold(ember.randn(1, 4, 5), (3, 3), 2)
