"""Hostile inputs to conv3d, the 3-D pools, the window functions, the losses'
legacy arguments and linear's fused bias: each case here was a crash, silent
garbage or an error of the wrong kind (or naming no op) before it was fixed.
Errors are checked by type and by the op name in the message; values against
torch 1.13 where it is here, otherwise against the formula."""

import math
import subprocess
import sys

import numpy as np
import pytest

import ember
import ember.nn.functional as F

nan, inf = float("nan"), float("inf")


def _torch():
    return pytest.importorskip("torch")


def _np(t):
    return np.asarray(t.detach().tolist(), dtype=np.float64).reshape(tuple(t.shape))


# ---------------------------------------------------------------- None where a tensor goes

@pytest.mark.parametrize("call", [
    "F.conv3d(None, ember.ones(2, 1, 1, 1, 1))",
    "F.conv3d(ember.ones(1, 1, 2, 2, 2), None)",
    "F.conv2d(None, ember.ones(1, 1, 1, 1))",
    "F.max_pool3d(None, 2)",
    "F.avg_pool3d(None, 2)",
    "F.adaptive_avg_pool3d(None, 2)",
    "F.adaptive_max_pool3d(None, 2)",
    "F.cross_entropy(None, ember.zeros(4, dtype=ember.int64))",
    "F.cross_entropy(ember.ones(4, 5), None)",
    "F.linear(None, ember.ones(2, 2))",
    "ember.add(None, ember.ones(2))",
    "ember.nn.Linear(4, 5)(None)",
])
def test_none_for_a_tensor_is_a_type_error_not_a_segfault(call):
    # ran in a child: before the fix the first of these killed the interpreter (SIGSEGV)
    code = ("import sys; sys.path[:0] = %r\nimport ember, ember.nn.functional as F\n"
            "try:\n    %s\nexcept TypeError as e:\n    print('TypeError', e)\n" % (sys.path, call))
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, (r.returncode, r.stderr[-500:])
    assert r.stdout.startswith("TypeError"), r.stdout + r.stderr
    op = call.split("(")[0].split(".")[-1]
    if op != "Linear":
        assert op + "()" in r.stdout, r.stdout  # pybind's message names the function


def test_optional_tensor_arguments_still_take_none():
    x, w = ember.ones(1, 2, 3, 3, 3), ember.ones(4, 2, 2, 2, 2)
    assert tuple(F.conv3d(x, w, None).shape) == (1, 4, 2, 2, 2)
    assert tuple(F.linear(ember.ones(3, 2), ember.ones(5, 2), None).shape) == (3, 5)
    assert F.cross_entropy(ember.zeros(2, 3), ember.tensor([0, 1]), weight=None).item() == pytest.approx(math.log(3))


# ---------------------------------------------------------------- conv3d

def test_conv3d_zero_kernel_or_zero_out_channels_raise():
    x = ember.randn(2, 4, 5, 6, 7)
    # was: all-bias output of shape [2, 6, 6, 4, 5] (a window of no taps)
    with pytest.raises(RuntimeError, match=r"conv3d: expected a non-empty kernel, got weight of shape \[6, 4, 0, 3, 3\]"):
        F.conv3d(x, ember.randn(6, 4, 0, 3, 3), ember.randn(6))
    with pytest.raises(RuntimeError, match=r"conv3d: expected a non-empty kernel"):
        ember.nn.Conv3d(4, 6, kernel_size=0)(x)
    with pytest.raises(RuntimeError, match=r"conv2d: expected a non-empty kernel"):
        F.conv2d(ember.randn(1, 2, 4, 4), ember.randn(3, 2, 2, 0))
    # torch: "expected weight to be at least 1 at dimension 0"
    with pytest.raises(RuntimeError, match=r"conv3d: expected weight with at least one output channel, .*\[0, 4, 3, 3, 3\]"):
        F.conv3d(x, ember.randn(0, 4, 3, 3, 3), ember.randn(0))


def test_conv3d_errors_name_the_op():
    x, w = ember.randn(1, 2, 4, 4, 4), ember.randn(3, 2, 2, 2, 2)
    with pytest.raises(RuntimeError, match=r"conv3d: invalid padding string 'full'"):  # torch: RuntimeError
        F.conv3d(x, w, padding="full")
    with pytest.raises(RuntimeError, match=r"conv2d: invalid padding string 'SAME'"):
        F.conv2d(x[0], w[:, :, 0], padding="SAME")
    with pytest.raises(ValueError, match="Invalid padding string"):  # the module's check, as torch's
        ember.nn.Conv3d(2, 3, 2, padding="full")
    with pytest.raises(TypeError, match=r"conv3d: expected a floating-point input and weight, got int64"):
        F.conv3d(x.to(ember.int64), w.to(ember.int64))  # was: "vol2col: not implemented for 'int64'"


# ---------------------------------------------------------------- 3-D pools

def test_avg_pool3d_kernel_larger_than_the_unpadded_input_raises_as_torch():
    x = ember.randn(2, 3, 1, 1, 1)
    # was: a value (the divisor counted only the input); torch refuses, padding or not
    with pytest.raises(RuntimeError, match=r"avg_pool3d: input image \(T: 1 H: 1 W: 1\) smaller than kernel size "
                                           r"\(kT: 2 kH: 2 kW: 2\)"):
        F.avg_pool3d(x, 2, ceil_mode=True)
    with pytest.raises(RuntimeError, match=r"avg_pool3d: input image .* smaller than kernel size \(kT: 3"):
        F.avg_pool3d(x, 3, padding=1)
    with pytest.raises(RuntimeError, match=r"avg_pool3d: input image \(T: 2 H: 2 W: 2\)"):
        ember.nn.AvgPool3d(3, stride=1, padding=1, ceil_mode=True)(ember.randn(1, 1, 2, 2, 2))
    # max_pool3d has no such rule (torch neither)
    assert tuple(F.max_pool3d(x, 3, padding=1).shape) == (2, 3, 1, 1, 1)


def _adaptive_avg_ref(a, out):
    """numpy reference: torch's windows [floor(i in / o), ceil((i + 1) in / o)) per dim."""
    n = len(out)
    res = np.empty(a.shape[:-n] + tuple(out))
    for idx in np.ndindex(*out):
        sl = tuple(slice((i * s) // o, -((-(i + 1) * s) // o)) for i, s, o in zip(idx, a.shape[-n:], out))
        res[(Ellipsis,) + idx] = a[(Ellipsis,) + sl].mean(axis=tuple(range(-n, 0)))
    return res


@pytest.mark.parametrize("out", [(2, 3, 4), (3, 4, 5), (1, 2, 5), (5, 6, 7), (4, 4, 4)])
def test_adaptive_avg_pool3d_keeps_nan_and_inf_in_their_own_windows(out):
    rng = np.random.default_rng(0)
    a = rng.standard_normal((2, 2, 5, 6, 7))
    a[0, 0, 0, 0, 0] = nan
    a[0, 1, 4, 5, 6] = inf
    a[1, 0, 2, 3, 3] = -inf
    a[1, 1] = -inf  # a plane of -inf averages to -inf (was NaN: 0 * inf in an averaging matrix)
    got = _np(F.adaptive_avg_pool3d(ember.tensor(a.tolist(), dtype=ember.float64), out))
    np.testing.assert_allclose(got, _adaptive_avg_ref(a, out), rtol=1e-12, equal_nan=True)


def test_adaptive_avg_pool2d_keeps_nan_in_its_own_window():
    a = np.arange(2 * 7 * 5, dtype=np.float64).reshape(2, 7, 5)
    a[0, 0, 0] = nan
    a[1, 6, 4] = -inf
    for out in [(3, 2), (2, 3), (7, 2), (4, 5)]:
        got = _np(F.adaptive_avg_pool2d(ember.tensor(a.tolist(), dtype=ember.float64), out))
        np.testing.assert_allclose(got, _adaptive_avg_ref(a, out), rtol=1e-12, equal_nan=True)
        assert np.isnan(got).sum() == 1  # was a whole row and column of NaN


def test_adaptive_avg_pool3d_gradients_after_the_rewrite():
    torch = _torch()
    rng = np.random.default_rng(1)
    a = rng.standard_normal((2, 3, 5, 6, 7))
    g = rng.standard_normal((2, 3, 3, 4, 5))
    xe = ember.tensor(a.tolist(), dtype=ember.float64, requires_grad=True)
    xt = torch.tensor(a, requires_grad=True)
    (F.adaptive_avg_pool3d(xe, (3, 4, 5)) * ember.tensor(g.tolist(), dtype=ember.float64)).sum().backward()
    (torch.nn.functional.adaptive_avg_pool3d(xt, (3, 4, 5)) * torch.tensor(g)).sum().backward()
    np.testing.assert_allclose(_np(xe.grad), xt.grad.numpy(), rtol=1e-10, atol=1e-12)


def test_adaptive_pool_output_size_errors_name_the_op():
    x = ember.randn(1, 2, 4, 4, 4)
    for fn in (F.adaptive_avg_pool3d, F.adaptive_max_pool3d):
        name = fn.__name__
        # was: RuntimeError "Unable to cast Python instance to C++ type"
        with pytest.raises(TypeError, match=name + r": output_size must be a tuple of ints or None, got float"):
            fn(x, (2.0, 2, 2))
        with pytest.raises(TypeError, match=name + r": output_size must be an int or a tuple of ints"):
            fn(x, None)
    with pytest.raises(TypeError, match=r"max_pool3d: kernel_size must be an int or a tuple of ints"):
        F.max_pool3d(x, 2.5)
    with pytest.raises(TypeError, match=r"avg_pool3d: kernel_size must be an int or a tuple of ints"):
        F.avg_pool3d(x, None)


# ---------------------------------------------------------------- window functions

def test_kaiser_window_negative_or_huge_beta_as_torch():
    torch = _torch()
    for beta in (-1.0, -12.0, -700.0, 1e3, inf, -inf, 1e300, 700.0):
        for periodic in (True, False):
            want = torch.kaiser_window(7, periodic, beta, dtype=torch.float64).numpy()
            # was: ValueError "Bad argument in __cyl_bessel_i" / RuntimeError from libstdc++'s Bessel function
            got = _np(ember.kaiser_window(7, periodic, beta, dtype=ember.float64))
            np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-300, equal_nan=True, err_msg=str(beta))


def test_kaiser_window_values_unchanged_for_ordinary_beta():
    torch = _torch()
    for beta in (0.0, 0.5, 5.0, 8.0, 8.5, 12.0, 30.0):
        for n in (1, 2, 5, 16):
            want = torch.kaiser_window(n, False, beta, dtype=torch.float64).numpy()
            got = _np(ember.kaiser_window(n, False, beta, dtype=ember.float64))
            np.testing.assert_allclose(got, want, rtol=1e-13, err_msg=str((n, beta)))


def test_window_of_overflowing_length_names_the_op():
    for fn in (ember.hann_window, ember.hamming_window, ember.blackman_window, ember.bartlett_window,
               ember.kaiser_window):
        # was: ValueError "cannot create std::vector larger than max_size()"
        with pytest.raises(RuntimeError, match=fn.__name__ + r": window_length=4611686018427387904 is too large"):
            fn(2 ** 62)


# ---------------------------------------------------------------- losses

@pytest.mark.parametrize("fn,args", [
    ("mse_loss", (ember.randn(4, 5), ember.randn(4, 5))),
    ("l1_loss", (ember.randn(4, 5), ember.randn(4, 5))),
    ("smooth_l1_loss", (ember.randn(4, 5), ember.randn(4, 5))),
    ("kl_div", (ember.randn(4, 5), ember.rand(4, 5))),
    ("binary_cross_entropy_with_logits", (ember.randn(4, 5), ember.rand(4, 5))),
    ("cross_entropy", (ember.randn(4, 5), ember.tensor([0, 1, 2, 3]))),
    ("nll_loss", (ember.randn(4, 5), ember.tensor([0, 1, 2, 3]))),
])
def test_non_string_reduction_is_torchs_value_error(fn, args):
    for bad in (None, 1):
        # was: TypeError "incompatible function arguments"
        with pytest.raises(ValueError, match="%s is not a valid value for reduction" % bad):
            getattr(F, fn)(*args, reduction=bad)


def test_kl_div_negative_target_is_nan_as_torch():
    x = ember.tensor([[0.5, -1.0, 2.0, 0.3]])
    t = ember.tensor([[0.0, -1.0, nan, 2.0]])
    got = F.kl_div(x, t, reduction="none").tolist()[0]
    # torch 1.13: xlogy(t, t) - t x: 0 at t = 0, NaN at t < 0 (was -t x, a finite value)
    assert got[0] == 0.0
    assert math.isnan(got[1]) and math.isnan(got[2])
    assert got[3] == pytest.approx(2.0 * math.log(2.0) - 2.0 * 0.3)
    assert math.isnan(F.kl_div(x, t, reduction="batchmean").item())
    with pytest.raises(RuntimeError, match=r"kl_div: Integral inputs not supported"):
        F.kl_div(x, ember.tensor([[1, 0, 1, 0]]))


def test_kl_div_gradient_unchanged():
    torch = _torch()
    a = np.random.default_rng(2).standard_normal((3, 4))
    t = np.random.default_rng(3).uniform(0, 1, (3, 4))
    t[0, 0] = 0.0
    xe = ember.tensor(a.tolist(), dtype=ember.float64, requires_grad=True)
    xt = torch.tensor(a, requires_grad=True)
    F.kl_div(xe, ember.tensor(t.tolist(), dtype=ember.float64), reduction="batchmean").backward()
    torch.nn.functional.kl_div(xt, torch.tensor(t), reduction="batchmean").backward()
    np.testing.assert_allclose(_np(xe.grad), xt.grad.numpy(), rtol=1e-12)


def test_binary_cross_entropy_nan_input_raises_as_torch():
    # was: NaN loss (the range check was x < 0 or x > 1, which NaN passes)
    with pytest.raises(RuntimeError, match="binary_cross_entropy: all elements of input should be between 0 and 1"):
        F.binary_cross_entropy(ember.tensor([0.5, nan]), ember.tensor([1.0, 0.0]))


def test_cross_entropy_probability_target_rejects_ignore_index():
    x, p = ember.randn(4, 5), ember.rand(4, 5)
    with pytest.raises(RuntimeError, match=r"cross_entropy: ignore_index is not supported for floating point target"):
        F.cross_entropy(x, p, ignore_index=1)  # was: silently unused
    # torch allows any negative ignore_index there
    assert F.cross_entropy(x, p, ignore_index=-7).item() == pytest.approx(F.cross_entropy(x, p).item())


def test_cross_entropy_non_positive_label_smoothing_is_no_smoothing_as_torch():
    torch = _torch()
    a = np.random.default_rng(4).standard_normal((4, 5)).astype(np.float32)
    t = [0, 3, 1, 4]
    p = np.random.default_rng(5).uniform(0, 1, (4, 5)).astype(np.float32)
    for ls in (-0.1, -2.0, nan):
        for tgt_e, tgt_t in ((ember.tensor(t), torch.tensor(t)), (ember.tensor(p.tolist()), torch.tensor(p))):
            want = torch.nn.functional.cross_entropy(torch.tensor(a), tgt_t, label_smoothing=ls).item()
            got = F.cross_entropy(ember.tensor(a.tolist()), tgt_e, label_smoothing=ls).item()  # was: RuntimeError
            assert got == pytest.approx(want, rel=1e-5)
    with pytest.raises(RuntimeError, match=r"cross_entropy: label_smoothing must be between 0.0 and 1.0, got 1.5"):
        F.cross_entropy(ember.tensor(a.tolist()), ember.tensor(t), label_smoothing=1.5)


def test_nll_loss_takes_uint8_targets_as_torch():
    x = ember.randn(4, 5).log_softmax(1)
    t = ember.tensor([0, 3, 1, 4])
    for kw in ({}, {"reduction": "none"}, {"weight": ember.rand(5)}, {"ignore_index": 1}):
        want = F.nll_loss(x, t, **kw)
        got = F.nll_loss(x, t.to(ember.uint8), **kw)  # was: RuntimeError "expected target of dtype int64"
        np.testing.assert_allclose(_np(got), _np(want), rtol=1e-6)


def test_class_target_of_zero_dims_for_a_batch_is_a_value_error():
    # torch: ValueError "Expected input batch_size (4) to match target batch_size (0)"
    for fn in (F.cross_entropy, F.nll_loss):
        with pytest.raises(ValueError, match=r"expected input batch_size \(4\) to match target batch_size \(0\)"):
            fn(ember.randn(4, 5), ember.tensor(1))


# ---------------------------------------------------------------- linear

def test_linear_with_empty_leading_and_feature_dims():
    torch = _torch()
    for xs, ws in (((2, 0, 0), (5, 0)), ((0, 3, 4), (5, 4)), ((2, 3, 4), (0, 4)), ((2, 0, 4), (0, 4))):
        x = ember.zeros(*xs, requires_grad=True)
        w = ember.ones(*ws, requires_grad=True)
        b = ember.ones(ws[0], requires_grad=True)
        out = F.linear(x, w, b)  # [2, 0, 0] x [5, 0] was: "reshape: shape '[-1, 0]' is invalid"
        want = torch.nn.functional.linear(torch.zeros(*xs), torch.ones(*ws), torch.ones(ws[0]))
        assert tuple(out.shape) == tuple(want.shape)
        np.testing.assert_allclose(_np(out), want.numpy())
        out.sum().backward()
        assert tuple(x.grad.shape) == xs and tuple(w.grad.shape) == ws
        assert x.grad.abs().sum().item() == 0 or ws[1] > 0


def test_linear_bias_that_would_grow_the_output_raises():
    # torch: addmm's "expand ... the number of sizes provided (2) must be greater or equal"; was: a [2, 3, 5] result
    with pytest.raises(RuntimeError, match=r"linear: bias of shape \[2, 3, 5\] does not broadcast to the output shape "
                                           r"\[3, 5\]"):
        F.linear(ember.randn(3, 4), ember.randn(5, 4), ember.randn(2, 3, 5))
    # a bias that broadcasts to the output stays fine
    x, w, b = ember.randn(3, 4), ember.randn(5, 4), ember.randn(3, 5)
    np.testing.assert_allclose(_np(F.linear(x, w, b)), _np(x @ w.t() + b), rtol=1e-6, atol=1e-6)


# ---------------------------------------------------------------- int64 overflow and hangs

def _run_child(code, timeout=60):
    """Runs code in a child interpreter (a hang or a crash must not take the suite down); returns stdout."""
    src = "import sys; sys.path[:0] = %r\nimport ember, ember.nn.functional as F\n%s\n" % (sys.path, code)
    r = subprocess.run([sys.executable, "-c", src], capture_output=True, text=True, timeout=timeout)
    assert r.returncode == 0, (r.returncode, r.stderr[-800:])
    return r.stdout


@pytest.mark.parametrize("call", [
    "F.max_pool3d(ember.randn(1, 2, 4, 5, 6), 2 ** 62, padding=2 ** 61)",
    "F.max_pool2d(ember.randn(1, 2, 5, 6), 2 ** 62, padding=2 ** 61)",
])
def test_pool_window_start_in_the_padding_is_closed_form_not_a_loop(call):
    # the first in-bounds tap was found by stepping `a += dilation` from -padding: 2**61 steps
    out = _run_child("print(tuple(%s.shape))" % call)
    assert out.strip().startswith("(1, 2, 1, 1")


@pytest.mark.parametrize("fn,args", [
    ("max_pool3d", "ember.randn(1, 2, 4, 5, 6), 2 ** 40, dilation=2 ** 40"),
    ("max_pool2d", "ember.randn(1, 2, 5, 6), 2 ** 40, dilation=2 ** 40"),
    ("max_pool3d", "ember.randn(1, 2, 4, 5, 6), 3, dilation=2 ** 62"),
    ("conv3d", "ember.randn(1, 2, 4, 5, 6), ember.randn(3, 2, 3, 3, 3), dilation=2 ** 62"),
    ("conv3d", "ember.randn(1, 2, 4, 5, 6), ember.randn(3, 2, 3, 3, 3), dilation=(1, 1, 2 ** 62)"),
    ("conv2d", "ember.randn(1, 2, 5, 6), ember.randn(3, 2, 3, 3), dilation=2 ** 62"),
])
def test_dilated_kernel_overflowing_int64_raises(fn, args):
    # was: max_pool3d returned a [1, 2, 2, 2, 2] tensor (the extent wrapped), conv3d a reshape error
    out = _run_child("try:\n    F.%s(%s)\nexcept RuntimeError as e:\n    print('RuntimeError', e)" % (fn, args))
    assert out.startswith("RuntimeError %s: kernel" % fn) and "overflows int64" in out, out


@pytest.mark.parametrize("call", [
    "F.adaptive_avg_pool3d(ember.randn(1, 2, 4, 5, 6), 2 ** 40)",
    "F.adaptive_avg_pool3d(ember.randn(1, 2, 4, 5, 6), (2 ** 40, 1, 1))",
    "F.adaptive_max_pool3d(ember.randn(1, 2, 4, 5, 6), (1, 1, 2 ** 40))",
    "F.adaptive_max_pool3d(ember.randn(1, 2, 4, 5, 6), (2 ** 21, 2 ** 21, 2 ** 21))",
    "F.adaptive_avg_pool2d(ember.randn(1, 2, 5, 6), (2 ** 40, 1))",
    "F.adaptive_avg_pool1d(ember.randn(1, 2, 6), 2 ** 40)",
])
def test_adaptive_pool_huge_output_size_fails_fast(call):
    # was: a loop over 2**40 windows (a hang), or vectors grown until memory ran out
    out = _run_child("try:\n    %s\nexcept RuntimeError as e:\n    print('RuntimeError', e)" % call, timeout=60)
    assert out.startswith("RuntimeError adaptive_"), out
    assert "overflows" in out or "out of memory" in out or "allocate" in out, out


@pytest.mark.parametrize("call", [
    "F.adaptive_max_pool2d(ember.randn(1, 2, 5, 6), (2 ** 40, 1))",
    "F.adaptive_max_pool2d(ember.randn(1, 2, 5, 6), (2 ** 31, 2 ** 31))",
    "F.adaptive_max_pool1d(ember.randn(1, 2, 6), 2 ** 40)",
])
def test_adaptive_max_pool_1d_2d_huge_output_size_fails_fast(call):
    # was: window vectors grown toward 2**40 entries until memory ran out (std::bad_alloc, after a while)
    out = _run_child("try:\n    %s\nexcept RuntimeError as e:\n    print('RuntimeError', e)" % call, timeout=60)
    assert out.startswith("RuntimeError adaptive_max_pool"), out
