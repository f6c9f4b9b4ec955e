"""hann_window, hamming_window, blackman_window, bartlett_window, kaiser_window against torch 1.13: values over
lengths (0, 1, even, odd), periodic and symmetric, float32 and float64, their parameters, dtype / requires_grad
handling and errors."""
import numpy as np
import pytest

import ember

torch = pytest.importorskip("torch")

WINDOWS = ["hann_window", "hamming_window", "blackman_window", "bartlett_window", "kaiser_window"]
TOL = {"float32": 2e-7, "float64": 1e-13}


@pytest.mark.parametrize("name", WINDOWS)
@pytest.mark.parametrize("length", [0, 1, 2, 3, 8, 13, 64])
@pytest.mark.parametrize("periodic", [True, False])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_window_matches_torch(name, length, periodic, dtype):
    e = getattr(ember, name)(length, periodic, dtype=getattr(ember, dtype))
    t = getattr(torch, name)(length, periodic, dtype=getattr(torch, dtype))
    assert tuple(e.shape) == tuple(t.shape) == (length,)
    assert e.dtype == getattr(ember, dtype)
    # float32: within a rounding of torch's float32 arithmetic (ember rounds the float64 value once)
    np.testing.assert_allclose(e.numpy().astype(np.float64), t.numpy().astype(np.float64), rtol=0,
                               atol=TOL[dtype] * 4)


@pytest.mark.parametrize("length", [5, 10])
def test_window_parameters_match_torch(length):
    for alpha, beta in [(0.5, 0.5), (0.6, 0.3)]:
        np.testing.assert_allclose(ember.hamming_window(length, False, alpha, beta, dtype=ember.float64).numpy(),
                                   torch.hamming_window(length, False, alpha, beta, dtype=torch.float64).numpy(),
                                   rtol=0, atol=1e-13)
        np.testing.assert_allclose(ember.hamming_window(length, alpha=alpha, beta=beta).numpy(),
                                   torch.hamming_window(length, True, alpha, beta).numpy(), rtol=0, atol=1e-6)
    for beta in [0.0, 2.5, 8.6, 30.0]:
        np.testing.assert_allclose(ember.kaiser_window(length, True, beta, dtype=ember.float64).numpy(),
                                   torch.kaiser_window(length, True, beta, dtype=torch.float64).numpy(), rtol=1e-12,
                                   atol=1e-13)


def test_window_defaults_dtype_and_requires_grad():
    w = ember.hann_window(8)
    assert w.dtype == ember.float32 and not w.requires_grad
    np.testing.assert_allclose(w.numpy(), torch.hann_window(8).numpy(), rtol=0, atol=2.5e-7)
    w = ember.blackman_window(8, requires_grad=True)
    assert w.requires_grad and w.is_leaf
    (w * w).sum().backward()
    np.testing.assert_allclose(w.grad.numpy(), 2 * w.detach().numpy(), rtol=1e-6)
    assert ember.kaiser_window(6, dtype=ember.float64).dtype == ember.float64
    assert ember.bartlett_window(4, periodic=False, device="cpu").device.type == "cpu"


@pytest.mark.parametrize("name", WINDOWS)
def test_window_errors(name):
    with pytest.raises(RuntimeError, match=name + ": requires non-negative window_length, got window_length=-1"):
        getattr(ember, name)(-1)
    with pytest.raises(RuntimeError, match=name + ": expects floating point dtypes, got int64"):
        getattr(ember, name)(4, dtype=ember.int64)
