"""adaptive_max_pool1d and adaptive_max_pool2d (F.*, F.*_with_indices, the nn modules, torch's top-level names)
against torch 1.13: outputs, indices and gradients over shapes and output sizes, ties and NaN, float64 gradchecks,
and errors that name the op and the shapes."""
import numpy as np
import pytest

import ember

nn = ember.nn
F = ember.nn.functional

torch = pytest.importorskip("torch")
tnn = torch.nn
tF = torch.nn.functional

from test_nn import e_from, to_np  # noqa: E402
from test_conv3d_pool3d import both_grads, _distinct  # noqa: E402


CASES_2D = [
    ((2, 3, 7, 5), (3, 2)),
    ((1, 2, 6, 6), 3),
    ((2, 2, 5, 4), (5, 4)),  # identity
    ((2, 2, 3, 4), (5, 7)),  # larger than the input: overlapping windows
    ((1, 3, 7, 6), (1, 1)),
    ((2, 2, 7, 6), (3, None)),
    ((2, 2, 7, 6), (None, 4)),
    ((3, 9, 5), (4, 3)),  # unbatched
    ((2, 3, 1, 8), (1, 3)),
]

CASES_1D = [
    ((2, 3, 7), 3),
    ((1, 2, 6), 6),  # identity
    ((2, 2, 4), 7),  # larger than the input
    ((2, 3, 9), 1),
    ((3, 10), 4),  # unbatched
    ((2, 3, 7), (2,)),
]


@pytest.mark.parametrize("shape,size", CASES_2D)
def test_adaptive_max_pool2d_matches_torch(shape, size):
    x = _distinct(*shape)
    both_grads(lambda a: tF.adaptive_max_pool2d(a, size, return_indices=True),
               lambda a: F.adaptive_max_pool2d(a, size, return_indices=True), [x])
    both_grads(lambda a: tF.adaptive_max_pool2d(a, size), lambda a: F.adaptive_max_pool2d(a, size), [x])
    t, e = tnn.AdaptiveMaxPool2d(size), nn.AdaptiveMaxPool2d(size)
    assert repr(e) == repr(t)
    np.testing.assert_array_equal(to_np(e(e_from(x))), to_np(t(x)))
    eo, ei = nn.AdaptiveMaxPool2d(size, return_indices=True)(e_from(x))
    to, ti = tnn.AdaptiveMaxPool2d(size, return_indices=True)(x)
    np.testing.assert_array_equal(to_np(ei), to_np(ti))
    eo, ei = F.adaptive_max_pool2d_with_indices(e_from(x), size)
    np.testing.assert_array_equal(to_np(ei), to_np(tF.adaptive_max_pool2d_with_indices(x, size)[1]))


@pytest.mark.parametrize("shape,size", CASES_1D)
def test_adaptive_max_pool1d_matches_torch(shape, size):
    x = _distinct(*shape)
    both_grads(lambda a: tF.adaptive_max_pool1d(a, size, return_indices=True),
               lambda a: F.adaptive_max_pool1d(a, size, return_indices=True), [x])
    both_grads(lambda a: tF.adaptive_max_pool1d(a, size), lambda a: F.adaptive_max_pool1d(a, size), [x])
    t, e = tnn.AdaptiveMaxPool1d(size), nn.AdaptiveMaxPool1d(size)
    assert repr(e) == repr(t)
    np.testing.assert_array_equal(to_np(e(e_from(x))), to_np(t(x)))
    eo, ei = nn.AdaptiveMaxPool1d(size, return_indices=True)(e_from(x))
    np.testing.assert_array_equal(to_np(ei), to_np(tnn.AdaptiveMaxPool1d(size, return_indices=True)(x)[1]))
    eo, ei = F.adaptive_max_pool1d_with_indices(e_from(x), size)
    np.testing.assert_array_equal(to_np(ei), to_np(tF.adaptive_max_pool1d_with_indices(x, size)[1]))


def test_adaptive_max_pool_top_level_returns_both():
    x = _distinct(2, 3, 9)
    eo, ei = ember.adaptive_max_pool1d(e_from(x), 4)
    to, ti = torch.adaptive_max_pool1d(x, 4)
    np.testing.assert_array_equal(to_np(eo), to_np(to))
    np.testing.assert_array_equal(to_np(ei), to_np(ti))


def test_adaptive_max_pool_ties_and_nan_follow_torch():
    # ties: the first tap in (h, w) order wins, and the gradient goes there only
    x = torch.zeros(1, 2, 5, 6)
    x[0, 1, 2:4, 1:5] = 1.0
    for size in [(2, 3), (3, 4), 1]:
        both_grads(lambda a: tF.adaptive_max_pool2d(a, size, return_indices=True),
                   lambda a: F.adaptive_max_pool2d(a, size, return_indices=True), [x])
    x1 = torch.tensor([[[1.0, 3.0, 3.0, 2.0, 3.0, 0.0, 0.0]]])
    both_grads(lambda a: tF.adaptive_max_pool1d(a, 3, return_indices=True),
               lambda a: F.adaptive_max_pool1d(a, 3, return_indices=True), [x1])
    xn = torch.randn(1, 1, 4, 5)
    xn[0, 0, 1, 3] = float("nan")
    to, ti = tF.adaptive_max_pool2d(xn, 2, return_indices=True)
    eo, ei = F.adaptive_max_pool2d(e_from(xn), 2, return_indices=True)
    np.testing.assert_array_equal(to_np(ei), to_np(ti))
    np.testing.assert_array_equal(np.isnan(to_np(eo)), np.isnan(to_np(to)))


def test_adaptive_max_pool_gradcheck_float64():
    xd = e_from(_distinct(2, 2, 5, 6, dtype=torch.float64), True)
    assert ember.autograd.gradcheck(lambda a: F.adaptive_max_pool2d(a, (3, 4)), (xd,))
    assert ember.autograd.gradcheck(lambda a: F.adaptive_max_pool2d(a, (7, 8)), (xd,))
    assert ember.autograd.gradgradcheck(lambda a: F.adaptive_max_pool2d(a, 2), (xd,))
    x1 = e_from(_distinct(2, 3, 7, dtype=torch.float64, seed=2), True)
    assert ember.autograd.gradcheck(lambda a: F.adaptive_max_pool1d(a, 3), (x1,))
    assert ember.autograd.gradcheck(lambda a: F.adaptive_max_pool1d(a, 10), (x1,))
    # a non-contiguous input
    xt = e_from(_distinct(2, 6, 5, dtype=torch.float64, seed=3), True)
    assert ember.autograd.gradcheck(lambda a: F.adaptive_max_pool1d(a.transpose(1, 2), 4), (xt,))
    assert ember.autograd.gradcheck(lambda a: F.adaptive_max_pool2d(a.transpose(-1, -2).unsqueeze(0), 3), (xt,))


def test_adaptive_max_pool_float64_values():
    x = _distinct(2, 3, 6, 7, dtype=torch.float64)
    eo = F.adaptive_max_pool2d(e_from(x), (4, 3))
    assert eo.dtype == ember.float64
    np.testing.assert_array_equal(to_np(eo), to_np(tF.adaptive_max_pool2d(x, (4, 3))))


def test_adaptive_max_pool_errors_name_the_op_and_shapes():
    with pytest.raises(RuntimeError, match=r"adaptive_max_pool2d: expected 3-D \(unbatched\) or 4-D \(batched\) "
                                           r"input \[N, C, H, W\], got shape \[4, 4\]"):
        F.adaptive_max_pool2d(ember.randn(4, 4), 2)
    with pytest.raises(RuntimeError, match=r"adaptive_max_pool1d: expected 2-D \(unbatched\) or 3-D \(batched\) "
                                           r"input \[N, C, L\], got shape \[1, 2, 3, 4\]"):
        F.adaptive_max_pool1d(ember.randn(1, 2, 3, 4), 2)
    with pytest.raises(ValueError, match=r"adaptive_max_pool2d: output_size must have 2 elements, got 3"):
        F.adaptive_max_pool2d(ember.randn(1, 2, 4, 4), (2, 2, 2))
    with pytest.raises(RuntimeError, match=r"adaptive_max_pool2d: output_size must be non-negative"):
        F.adaptive_max_pool2d(ember.randn(1, 2, 4, 4), -1)
    with pytest.raises(RuntimeError, match=r"adaptive_max_pool2d: expected input with non-zero C, H and W, got "
                                           r"shape \[1, 2, 0, 4\]"):
        F.adaptive_max_pool2d(ember.randn(1, 2, 0, 4), 2)
    with pytest.raises(RuntimeError, match=r"adaptive_max_pool1d: expected input with non-zero C and L, got "
                                           r"shape \[2, 0\]"):
        F.adaptive_max_pool1d(ember.randn(2, 0), 2)
    with pytest.raises(TypeError, match=r"adaptive_max_pool1d: expected a floating-point input"):
        F.adaptive_max_pool1d(ember.ones(1, 2, 4, dtype=ember.int64), 2)
