"""NumPy and DLPack interop: shared memory where torch shares it, copies
where torch copies, DLPack with torch 1.13 and NumPy 1.24 both ways."""

import numpy as np
import pytest

import ember
from ember_testing import dtype_name

torch = pytest.importorskip("torch")

NP_DTYPES = ["bool", "uint8", "int8", "int16", "int32", "int64", "float16", "float32", "float64"]


@pytest.mark.parametrize("dt", NP_DTYPES)
def test_from_numpy_shares_memory(dt):
    a = (np.arange(12) % 3).astype(dt).reshape(3, 4)
    t = ember.from_numpy(a)
    assert dtype_name(t.dtype) == dt
    assert tuple(t.shape) == (3, 4)
    one = np.ones((), dtype=dt)
    a[1, 2] = one
    assert t[1, 2].item() == one.item(), "from_numpy: write to the array not seen by the tensor"
    t[0, 0] = 0
    assert a[0, 0] == 0, "from_numpy: write to the tensor not seen by the array"


def test_from_numpy_strided_and_sliced():
    base = np.arange(30, dtype=np.float64).reshape(5, 6)
    for a in (base[::2, 1::2], base.T, base[1:, 2:4]):
        t = ember.from_numpy(a)
        tt = torch.from_numpy(a)
        assert tuple(t.shape) == tuple(tt.shape)
        assert tuple(t.stride()) == tuple(tt.stride())
        np.testing.assert_array_equal(t.numpy(), a)
    a = base[::2]
    t = ember.from_numpy(a)
    a[0, 0] = -1
    assert t[0, 0].item() == -1


def test_from_numpy_keeps_array_alive():
    t = ember.from_numpy(np.arange(5, dtype=np.float32) * 2)
    import gc
    gc.collect()
    np.testing.assert_array_equal(t.numpy(), np.arange(5, dtype=np.float32) * 2)


def test_from_numpy_rejects_like_torch():
    for bad in (np.array(["a", "b"]), np.arange(4, dtype=np.uint16)):
        with pytest.raises(TypeError):
            torch.from_numpy(bad)
        with pytest.raises(TypeError):
            ember.from_numpy(bad)
    if ember is not torch:  # ember has no complex dtypes
        with pytest.raises(TypeError):
            ember.from_numpy(np.array([1 + 2j]))


@pytest.mark.parametrize("dt", NP_DTYPES)
def test_numpy_shares_memory(dt):
    t = ember.zeros(2, 3, dtype=getattr(ember, dt))
    a = t.numpy()
    assert a.dtype == np.dtype(dt) and a.shape == (2, 3)
    a[1, 1] = 1
    assert bool(t[1, 1].item()), ".numpy(): write to the array not seen by the tensor"
    t[0, 2] = 1
    assert bool(a[0, 2]), ".numpy(): write to the tensor not seen by the array"


def test_numpy_of_view_has_strides():
    t = ember.arange(12, dtype=ember.float32).reshape(3, 4).t()
    a = t.numpy()
    assert a.shape == (4, 3)
    assert a.strides == (4, 16)
    np.testing.assert_array_equal(a, np.arange(12, dtype=np.float32).reshape(3, 4).T)


def test_numpy_requires_grad_errors_like_torch():
    for m in (torch, ember):
        x = m.ones(3, requires_grad=True)
        with pytest.raises(RuntimeError, match="requires grad"):
            x.numpy()
        x.detach().numpy()


def test_np_asarray_zero_copy():
    t = ember.arange(6, dtype=ember.float64)
    a = np.asarray(t)
    assert a.dtype == np.float64
    a[0] = 42
    assert t[0].item() == 42, "np.asarray(t) copied"
    b = np.array(t)  # copies (np.array defaults to copy=True)
    b[1] = -1
    assert t[1].item() == 1
    if ember is not torch:  # torch has no buffer protocol; the issue asks for it
        m = memoryview(t)
        assert m.format in ("d", "<d") and m.shape == (6,)
        assert m.readonly is False


def test_numpy_ufunc_on_tensor():
    t = ember.tensor([1.0, 4.0, 9.0])
    np.testing.assert_allclose(np.sqrt(t), [1, 2, 3])


def test_tensor_from_ndarray_copies():
    a = np.arange(4, dtype=np.float32)
    for make in (ember.tensor, lambda x: ember.tensor(x, dtype=ember.float64)):
        t = make(a)
        a[0] = 100
        assert t[0].item() == 0, "ember.tensor(ndarray) must copy"
        a[0] = 0
    t = ember.as_tensor(a)  # as_tensor shares when it can, like torch
    a[1] = 7
    assert t[1].item() == torch.as_tensor(a)[1].item() == 7


def test_tensor_from_numpy_scalar_and_float64_default():
    assert dtype_name(ember.tensor(np.float64(1.5)).dtype) == "float64"
    assert dtype_name(ember.tensor(np.array([1.5])).dtype) == "float64"
    assert dtype_name(ember.tensor([np.float32(1.5)]).dtype) == \
        dtype_name(torch.tensor([np.float32(1.5)]).dtype)


def test_bfloat16_numpy_error():
    for m in (torch, ember):
        with pytest.raises(TypeError, match="BFloat16|bfloat16"):
            m.ones(2, dtype=m.bfloat16).numpy()


# DLPack

def test_dlpack_ember_to_torch_shares_memory():
    # torch 1.13 cannot import bool through DLPack
    for dt in ("float32", "float64", "int64", "int32", "int8", "uint8", "float16", "bfloat16"):
        e = ember.ones(2, 3, dtype=getattr(ember, dt))
        t = torch.utils.dlpack.from_dlpack(ember.to_dlpack(e) if hasattr(ember, "to_dlpack")
                                           else e.__dlpack__())
        assert t.dtype == getattr(torch, dt) and tuple(t.shape) == (2, 3)
        t[0, 0] = 0
        assert not bool(e[0, 0].item()), f"dlpack {dt}: torch view does not share memory"


def test_dlpack_torch_to_ember_shares_memory():
    t = torch.arange(12, dtype=torch.float32).reshape(3, 4)[:, 1:3]
    e = ember.from_dlpack(torch.utils.dlpack.to_dlpack(t))
    assert tuple(e.shape) == (3, 2) and tuple(e.stride()) == tuple(t.stride())
    np.testing.assert_array_equal(e.numpy(), t.numpy())
    t[0, 0] = -5
    assert e[0, 0].item() == -5
    e2 = ember.from_dlpack(t)  # objects with __dlpack__
    assert e2[0, 0].item() == -5


def test_dlpack_protocol_methods():
    e = ember.zeros(3)
    assert tuple(e.__dlpack_device__()) == (1, 0)  # kDLCPU
    cap = e.__dlpack__()
    assert "dltensor" in repr(cap)


def test_dlpack_numpy_both_ways():
    if not hasattr(np, "from_dlpack"):
        pytest.skip("numpy without from_dlpack")
    e = ember.arange(6, dtype=ember.float64)
    a = np.from_dlpack(e)
    a_view = np.asarray(a)
    e[0] = 9
    assert a_view[0] == 9
    b = np.arange(4, dtype=np.int32)
    f = ember.from_dlpack(b)
    assert dtype_name(f.dtype) == "int32"
    b[2] = 40
    assert f[2].item() == 40


def test_dlpack_capsule_consumed_once():
    e = ember.zeros(3)
    cap = e.__dlpack__()
    ember.from_dlpack(cap)
    with pytest.raises(Exception):
        ember.from_dlpack(cap)


def test_dlpack_keeps_producer_alive():
    t = torch.arange(5, dtype=torch.float64) * 3
    e = ember.from_dlpack(torch.utils.dlpack.to_dlpack(t))
    del t
    import gc
    gc.collect()
    np.testing.assert_array_equal(e.numpy(), np.arange(5) * 3.0)
    e2 = ember.arange(5, dtype=ember.float64)
    t2 = torch.utils.dlpack.from_dlpack(e2.__dlpack__())
    del e2
    gc.collect()
    np.testing.assert_array_equal(t2.numpy(), np.arange(5.0))
