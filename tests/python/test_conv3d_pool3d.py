"""conv3d, max_pool3d, avg_pool3d, adaptive_avg_pool3d, adaptive_max_pool3d (F.* and the nn modules) against
torch 1.13: outputs, indices and gradients on random inputs over shapes and options, float64 gradchecks, module
state_dict keys, init and reprs, and errors that name the op and the shapes."""
import numpy as np
import pytest

import ember

nn = ember.nn
F = ember.nn.functional

torch = pytest.importorskip("torch")
tnn = torch.nn
tF = torch.nn.functional

from test_nn import copy_weights, e_from, to_np  # noqa: E402
from test_nn_more import close  # noqa: E402


def both_grads(tfn, efn, tins, atol=1e-5, rtol=1e-4):
    """Runs tfn on torch tensors tins and efn on their ember copies, compares the outputs (and indices, when a
    tuple comes back), then backpropagates one random cotangent through the first output and compares the
    gradients of every input."""
    eins = [e_from(x, True) for x in tins]
    tins = [x.detach().clone().requires_grad_() for x in tins]
    tout, eout = tfn(*tins), efn(*eins)
    if isinstance(tout, tuple):
        assert to_np(eout[1]).dtype == np.int64
        np.testing.assert_array_equal(to_np(eout[1]), to_np(tout[1]))
        tout, eout = tout[0], eout[0]
    assert tuple(eout.shape) == tuple(tout.shape)
    close(eout, tout, atol=atol, rtol=rtol)
    g = torch.randn(tout.shape, dtype=tout.dtype)
    tout.backward(g)
    eout.backward(e_from(g))
    for t, e in zip(tins, eins):
        close(e.grad, t.grad, atol=atol, rtol=rtol, what="input grad")


# ---------------------------------------------------------------- conv3d
CONV_CASES = [
    ((2, 3, 5, 6, 7), (4, 3, 3, 3, 3), True, dict()),
    ((1, 2, 4, 5, 3), (3, 2, 2, 3, 1), True, dict(stride=2, padding=1)),
    ((2, 4, 5, 7, 6), (6, 2, 3, 2, 3), True, dict(stride=(1, 2, 3), padding=(2, 0, 1), dilation=(2, 1, 2),
                                                 groups=2)),
    ((1, 6, 3, 4, 5), (3, 2, 1, 3, 3), False, dict(groups=3, padding=(0, 1, 1))),
    ((2, 2, 5, 5, 5), (2, 2, 3, 3, 3), True, dict(padding="same", dilation=(1, 2, 1))),
    ((2, 2, 6, 5, 4), (2, 2, 2, 3, 4), False, dict(padding="same")),  # even kernels: asymmetric padding
    ((2, 2, 5, 6, 4), (3, 2, 2, 2, 2), True, dict(padding="valid", stride=(2, 1, 2))),
    ((3, 4, 5, 6), (2, 3, 2, 2, 3), True, dict(padding=1)),  # unbatched [C, D, H, W]
    ((1, 1, 1, 1, 1), (1, 1, 1, 1, 1), True, dict()),
]


@pytest.mark.parametrize("xs,ws,bias,kw", CONV_CASES)
def test_conv3d_matches_torch(xs, ws, bias, kw):
    torch.manual_seed(0)
    x, w = torch.randn(*xs), torch.randn(*ws)
    ins = [x, w] + ([torch.randn(ws[0])] if bias else [])
    both_grads(lambda *a: tF.conv3d(a[0], a[1], a[2] if bias else None, **kw),
               lambda *a: F.conv3d(a[0], a[1], a[2] if bias else None, **kw), ins, atol=1e-4)


def test_conv3d_float64_gradcheck_and_gradgradcheck():
    g = torch.Generator().manual_seed(1)
    x = e_from(torch.randn(2, 4, 4, 3, 5, dtype=torch.float64, generator=g), True)
    w = e_from(torch.randn(4, 2, 2, 3, 2, dtype=torch.float64, generator=g), True)
    b = e_from(torch.randn(4, dtype=torch.float64, generator=g), True)
    assert ember.autograd.gradcheck(
        lambda a, c, d: F.conv3d(a, c, d, stride=(1, 2, 1), padding=(1, 1, 0), dilation=(1, 1, 2), groups=2),
        (x, w, b))
    assert ember.autograd.gradcheck(lambda a, c: F.conv3d(a, c, None, padding="same", groups=2), (x, w))
    # a non-contiguous input
    xt = e_from(torch.randn(1, 2, 3, 4, 3, dtype=torch.float64, generator=g), True)
    wt = e_from(torch.randn(3, 2, 2, 2, 3, dtype=torch.float64, generator=g), True)
    assert ember.autograd.gradcheck(lambda a, c: F.conv3d(a.transpose(2, 4), c), (xt, wt))
    small_x = e_from(torch.randn(1, 2, 3, 3, 3, dtype=torch.float64, generator=g), True)
    small_w = e_from(torch.randn(2, 2, 2, 2, 2, dtype=torch.float64, generator=g), True)
    assert ember.autograd.gradgradcheck(lambda a, c: F.conv3d(a, c, stride=1, padding=1), (small_x, small_w))


def test_conv3d_float32_and_top_level():
    torch.manual_seed(2)
    x, w = torch.randn(2, 3, 6, 7, 5), torch.randn(5, 3, 3, 2, 3)
    close(ember.conv3d(e_from(x), e_from(w), stride=2), torch.conv3d(x, w, stride=2), atol=1e-4)
    assert F.conv3d(e_from(x), e_from(w)).dtype == ember.float32


@pytest.mark.parametrize("kw", [dict(), dict(stride=2, padding=1, bias=False), dict(padding="same", groups=2),
                                dict(kernel_size=(1, 2, 3), dilation=(2, 1, 1), padding=(0, 1, 2)),
                                dict(padding=1, padding_mode="circular")])
def test_conv3d_module_matches_torch(kw):
    kw = dict(kw)
    k = kw.pop("kernel_size", 3)
    torch.manual_seed(0)
    t, e = tnn.Conv3d(4, 6, k, **kw), nn.Conv3d(4, 6, k, **kw)
    assert list(e.state_dict()) == list(t.state_dict())
    assert tuple(e.weight.shape) == tuple(t.weight.shape)
    assert repr(e) == repr(t)
    copy_weights(t, e)
    x = torch.randn(2, 4, 5, 6, 7, requires_grad=True)
    ex = e_from(x, True)
    tout, eout = t(x), e(ex)
    close(eout, tout, atol=1e-4)
    g = torch.randn(tout.shape)
    tout.backward(g)
    eout.backward(e_from(g))
    close(ex.grad, x.grad, atol=1e-4)
    ep = dict(e.named_parameters())
    for name, p in t.named_parameters():
        close(ep[name].grad, p.grad, atol=1e-4, what=name)


def test_conv3d_module_default_init_is_torchs():
    # kaiming_uniform(a=sqrt(5)) and bias U(-1/sqrt(fan_in), 1/sqrt(fan_in)): both bounded by 1/sqrt(fan_in)
    ember.manual_seed(0)
    e = nn.Conv3d(4, 8, (3, 2, 3), groups=2)
    fan_in = 2 * 3 * 2 * 3
    bound = 1 / np.sqrt(fan_in)
    w, b = to_np(e.weight), to_np(e.bias)
    assert np.abs(w).max() <= bound and np.abs(w).max() > 0.8 * bound
    assert abs(w.std() - bound / np.sqrt(3)) < 0.15 * bound  # uniform(-bound, bound)
    assert np.abs(b).max() <= bound
    assert e.weight.requires_grad and e.bias.requires_grad


def test_conv3d_errors_name_the_op_and_shapes():
    x, w = ember.randn(1, 3, 4, 4, 4), ember.randn(2, 3, 2, 2, 2)
    with pytest.raises(RuntimeError, match=r"conv3d: expected 4-D \(unbatched\) or 5-D \(batched\) input "
                                           r"\[N, C, D, H, W\], got shape \[3, 4, 4\]"):
        F.conv3d(ember.randn(3, 4, 4), w)
    with pytest.raises(RuntimeError, match=r"conv3d: expected 5-D weight \[C_out, C_in / groups, kD, kH, kW\], "
                                           r"got shape \[2, 3, 2, 2\]"):
        F.conv3d(x, ember.randn(2, 3, 2, 2))
    with pytest.raises(RuntimeError, match=r"conv3d: input has 3 channels but weight expects 4 \(weight shape "
                                           r"\[2, 4, 2, 2, 2\], groups 1\)"):
        F.conv3d(x, ember.randn(2, 4, 2, 2, 2))
    with pytest.raises(RuntimeError, match=r"conv3d: weight has 4 output channels, not divisible by groups 3"):
        F.conv3d(ember.randn(1, 3, 4, 4, 4), ember.randn(4, 1, 2, 2, 2), groups=3)
    with pytest.raises(RuntimeError, match=r"conv3d: kernel size 5x2x2 \(5x2x2 with dilation\) can't be greater "
                                           r"than the padded input size 4x4x4 \(input shape \[1, 3, 4, 4, 4\]"):
        F.conv3d(x, ember.randn(2, 3, 5, 2, 2))
    with pytest.raises(RuntimeError, match=r"conv3d: expected bias of shape \[2\] \(C_out\), got \[3\]"):
        F.conv3d(x, w, ember.randn(3))
    with pytest.raises(RuntimeError, match=r"conv3d: stride must have 1 or 3 elements, got 2"):
        F.conv3d(x, w, stride=(1, 2))
    with pytest.raises(RuntimeError, match=r"conv3d: stride must be positive"):
        F.conv3d(x, w, stride=0)
    with pytest.raises(RuntimeError, match=r"conv3d: padding='same' is not supported for strided convolutions"):
        F.conv3d(x, w, padding="same", stride=2)
    with pytest.raises(RuntimeError, match="conv3d: invalid padding string 'full'"):  # torch: RuntimeError
        F.conv3d(x, w, padding="full")
    with pytest.raises(TypeError, match="conv3d: input .* and weight .* must have the same dtype"):
        F.conv3d(x.double(), w)
    with pytest.raises(ValueError, match="in_channels must be divisible by groups"):
        nn.Conv3d(3, 4, 2, groups=2)


# ---------------------------------------------------------------- max_pool3d
def _distinct(*shape, dtype=torch.float32, seed=0):
    """Distinct values (no ties), so max-pool gradients are well defined."""
    n = int(np.prod(shape))
    g = torch.Generator().manual_seed(seed)
    return (torch.randperm(n, generator=g).to(dtype).reshape(shape) * 0.1 - n * 0.05)


MAXPOOL_CASES = [
    ((2, 3, 6, 5, 7), dict(kernel_size=2)),
    ((1, 2, 5, 7, 6), dict(kernel_size=3, stride=2, padding=1)),
    ((2, 2, 7, 6, 5), dict(kernel_size=(3, 2, 3), stride=(2, 1, 2), padding=(1, 0, 1), ceil_mode=True)),
    ((1, 2, 7, 7, 8), dict(kernel_size=(2, 3, 2), stride=(1, 2, 3), padding=(1, 1, 0), dilation=(2, 2, 3))),
    ((2, 5, 6, 7), dict(kernel_size=3, stride=2, ceil_mode=True)),  # unbatched
    ((1, 1, 4, 4, 4), dict(kernel_size=4)),
    ((1, 1, 5, 5, 5), dict(kernel_size=2, stride=2, padding=1, dilation=2, ceil_mode=True)),
]


@pytest.mark.parametrize("shape,kw", MAXPOOL_CASES)
def test_max_pool3d_matches_torch(shape, kw):
    x = _distinct(*shape)
    both_grads(lambda a: tF.max_pool3d(a, return_indices=True, **kw),
               lambda a: F.max_pool3d(a, return_indices=True, **kw), [x])
    t = tnn.MaxPool3d(**kw)
    e = nn.MaxPool3d(**kw)
    assert repr(e) == repr(t)
    close(e(e_from(x)), t(x))


def test_max_pool3d_ties_and_nan_follow_torch():
    x = torch.zeros(1, 1, 4, 4, 4)  # all ties: the first tap of each window wins
    x[0, 0, 3, 3, 3] = float("nan")
    to, ti = tF.max_pool3d(x, 2, return_indices=True)
    eo, ei = F.max_pool3d(e_from(x), 2, return_indices=True)
    np.testing.assert_array_equal(to_np(ei), to_np(ti))
    np.testing.assert_array_equal(to_np(eo), to_np(to))  # nan compares equal here


def test_max_pool3d_gradcheck_and_float64():
    x = e_from(_distinct(2, 2, 5, 4, 6, dtype=torch.float64), True)
    assert ember.autograd.gradcheck(lambda a: F.max_pool3d(a, (2, 3, 2), (2, 1, 2), (1, 1, 0), ceil_mode=True), (x,))
    assert ember.autograd.gradcheck(lambda a: F.max_pool3d(a, 2, 1, 1, dilation=(1, 2, 2)), (x,))
    assert ember.autograd.gradgradcheck(lambda a: F.max_pool3d(a, 2), (x,))


def test_max_pool3d_top_level_and_with_indices():
    x = _distinct(1, 2, 4, 5, 6)
    close(ember.max_pool3d(e_from(x), 2), torch.max_pool3d(x, 2))
    eo, ei = F.max_pool3d_with_indices(e_from(x), 3, 2, 1)
    to, ti = tF.max_pool3d_with_indices(x, 3, 2, 1)
    close(eo, to)
    np.testing.assert_array_equal(to_np(ei), to_np(ti))
    eo, ei = nn.MaxPool3d(2, return_indices=True)(e_from(x))
    np.testing.assert_array_equal(to_np(ei), to_np(tnn.MaxPool3d(2, return_indices=True)(x)[1]))


# ---------------------------------------------------------------- avg_pool3d
AVGPOOL_CASES = [
    ((2, 3, 6, 5, 7), dict(kernel_size=2)),
    ((1, 2, 5, 7, 6), dict(kernel_size=3, stride=2, padding=1)),
    ((1, 2, 5, 7, 6), dict(kernel_size=3, stride=2, padding=1, count_include_pad=False)),
    ((2, 2, 7, 6, 5), dict(kernel_size=(3, 2, 3), stride=(2, 1, 2), padding=(1, 0, 1), ceil_mode=True)),
    ((2, 2, 7, 6, 5), dict(kernel_size=(3, 2, 3), stride=(2, 1, 2), padding=(1, 1, 1), ceil_mode=True,
                           count_include_pad=False)),
    ((1, 2, 5, 5, 5), dict(kernel_size=2, stride=1, divisor_override=3)),
    ((2, 5, 6, 7), dict(kernel_size=(2, 3, 3), stride=2, ceil_mode=True)),  # unbatched
]


@pytest.mark.parametrize("shape,kw", AVGPOOL_CASES)
def test_avg_pool3d_matches_torch(shape, kw):
    torch.manual_seed(0)
    x = torch.randn(*shape)
    both_grads(lambda a: tF.avg_pool3d(a, **kw), lambda a: F.avg_pool3d(a, **kw), [x])
    t, e = tnn.AvgPool3d(**kw), nn.AvgPool3d(**kw)
    assert repr(e) == repr(t)
    close(e(e_from(x)), t(x))


def test_avg_pool3d_gradcheck():
    g = torch.Generator().manual_seed(3)
    x = e_from(torch.randn(2, 2, 5, 4, 6, dtype=torch.float64, generator=g), True)
    assert ember.autograd.gradcheck(lambda a: F.avg_pool3d(a, 3, 2, 1, True, False), (x,))
    assert ember.autograd.gradcheck(lambda a: F.avg_pool3d(a, (2, 1, 3), 1, 0, False, True, 4), (x,))


# ---------------------------------------------------------------- adaptive pooling
ADAPTIVE_CASES = [
    ((2, 3, 6, 5, 7), (2, 2, 3)),
    ((1, 2, 5, 7, 6), 3),
    ((2, 2, 7, 6, 5), (7, 6, 5)),  # identity
    ((2, 2, 3, 4, 5), (5, 6, 7)),  # larger than the input: overlapping windows
    ((1, 2, 7, 6, 5), (1, 1, 1)),
    ((2, 2, 7, 6, 5), (3, None, 2)),
    ((3, 5, 6, 7), (2, 4, 3)),  # unbatched
]


@pytest.mark.parametrize("shape,size", ADAPTIVE_CASES)
def test_adaptive_avg_pool3d_matches_torch(shape, size):
    torch.manual_seed(0)
    x = torch.randn(*shape)
    both_grads(lambda a: tF.adaptive_avg_pool3d(a, size), lambda a: F.adaptive_avg_pool3d(a, size), [x])
    t, e = tnn.AdaptiveAvgPool3d(size), nn.AdaptiveAvgPool3d(size)
    assert repr(e) == repr(t)
    close(e(e_from(x)), t(x))


@pytest.mark.parametrize("shape,size", ADAPTIVE_CASES)
def test_adaptive_max_pool3d_matches_torch(shape, size):
    x = _distinct(*shape)
    both_grads(lambda a: tF.adaptive_max_pool3d(a, size, return_indices=True),
               lambda a: F.adaptive_max_pool3d(a, size, return_indices=True), [x])
    t, e = tnn.AdaptiveMaxPool3d(size), nn.AdaptiveMaxPool3d(size)
    assert repr(e) == repr(t)
    close(e(e_from(x)), t(x))
    eo, ei = nn.AdaptiveMaxPool3d(size, return_indices=True)(e_from(x))
    np.testing.assert_array_equal(to_np(ei), to_np(tnn.AdaptiveMaxPool3d(size, return_indices=True)(x)[1]))


def test_adaptive_pool3d_gradcheck():
    g = torch.Generator().manual_seed(4)
    x = e_from(torch.randn(2, 2, 5, 4, 6, dtype=torch.float64, generator=g), True)
    assert ember.autograd.gradcheck(lambda a: F.adaptive_avg_pool3d(a, (3, 2, 4)), (x,))
    assert ember.autograd.gradcheck(lambda a: F.adaptive_avg_pool3d(a, (2, 5, 7)), (x,))
    xd = e_from(_distinct(2, 2, 5, 4, 6, dtype=torch.float64), True)
    assert ember.autograd.gradcheck(lambda a: F.adaptive_max_pool3d(a, (3, 2, 4)), (xd,))
    assert ember.autograd.gradcheck(lambda a: F.adaptive_max_pool3d(a, (6, 5, 4)), (xd,))
    ot, it = F.adaptive_max_pool3d_with_indices(xd, 2)
    assert tuple(it.shape) == (2, 2, 2, 2, 2)


# ---------------------------------------------------------------- pooling errors
def test_pool3d_errors_name_the_op_and_shapes():
    x = ember.randn(1, 2, 4, 4, 4)
    for name in ("max_pool3d", "avg_pool3d"):
        f = getattr(F, name)
        with pytest.raises(RuntimeError, match=name + r": expected 4-D \(unbatched\) or 5-D \(batched\) input "
                                                      r"\[N, C, D, H, W\], got shape \[4, 4, 4\]"):
            f(ember.randn(4, 4, 4), 2)
        with pytest.raises(RuntimeError, match=name + r": kernel_size must have 1 or 3 elements, got 2"):
            f(x, (2, 2))
        with pytest.raises(RuntimeError, match=name + r": kernel_size must be positive, got \[0, 2, 2\]"):
            f(x, (0, 2, 2))
        with pytest.raises(RuntimeError, match=name + r": pad should be at most half of the kernel size, got "
                                                      r"padding \[2, 2, 2\] and kernel_size \[2, 2, 2\]"):
            f(x, 2, 2, 2)
        with pytest.raises(RuntimeError, match=name + r": output size 0x2x2 is too small \(input shape "
                                                      r"\[1, 2, 4, 4, 4\], kernel_size \[5, 3, 3\]"):
            f(x, (5, 3, 3), 1)
        with pytest.raises(RuntimeError, match=name + r": expected input with non-zero C, D, H and W, got shape "
                                                      r"\[1, 2, 0, 4, 4\]"):
            f(ember.randn(1, 2, 0, 4, 4), 2)
    with pytest.raises(RuntimeError, match=r"avg_pool3d: divisor must be not zero"):
        F.avg_pool3d(x, 2, divisor_override=0)
    for name in ("adaptive_avg_pool3d", "adaptive_max_pool3d"):
        f = getattr(F, name)
        with pytest.raises(RuntimeError, match=name + r": expected 4-D \(unbatched\) or 5-D \(batched\) input "
                                                      r"\[N, C, D, H, W\], got shape \[2, 4, 4, 4, 4, 4\]"):
            f(ember.randn(2, 4, 4, 4, 4, 4), 2)
        with pytest.raises(ValueError, match=name + r": output_size must have 3 elements, got 2"):
            f(x, (2, 2))
        with pytest.raises(RuntimeError, match=name + r": output_size must be non-negative"):
            f(x, -1)
        with pytest.raises(RuntimeError, match=name + r": expected input with non-zero C, D, H and W, got shape "
                                                      r"\[1, 0, 4, 4, 4\]"):
            f(ember.randn(1, 0, 4, 4, 4), 2)
    with pytest.raises(TypeError, match="max_pool3d: expected a floating-point input"):
        F.max_pool3d(ember.ones(1, 1, 2, 2, 2, dtype=ember.int64), 2)
