"""Quick smoke test of the ember Python package against torch (not the real
suite, which lives in tests/python). Run:
    PYTHONPATH=python /usr/bin/python3 python/smoke_test.py
"""
import numpy as np
import torch

import ember

failures = []


def check(name, cond, detail=""):
    if not cond:
        failures.append(name)
        print("FAIL", name, detail)
    else:
        print("ok  ", name)


def close(e, t, tol=1e-5):
    if isinstance(e, ember.Tensor):
        e = e.detach().numpy()
    if isinstance(t, torch.Tensor):
        t = t.detach().numpy()
    return np.shape(e) == np.shape(t) and np.allclose(e, t, atol=tol, rtol=tol, equal_nan=True)


rng = np.random.default_rng(0)
a = rng.standard_normal((3, 4))
b = rng.standard_normal((4, 5))
ea, ta = ember.tensor(a), torch.tensor(a)
eb, tb = ember.tensor(b), torch.tensor(b)

check("dtype inference", ember.tensor([1, 2]).dtype == ember.int64 and ember.tensor([1.0]).dtype == ember.float32
      and ember.tensor([True]).dtype == ember.bool and ember.tensor([1, 2.5]).dtype == ember.float32
      and ea.dtype == ember.float64)
check("repr", repr(ember.tensor([1.0, 2.0], dtype=ember.float64)) == "tensor([1., 2.], dtype=ember.float64)",
      repr(ember.tensor([1.0, 2.0], dtype=ember.float64)))
check("Size", repr(ember.zeros(2, 3).shape) == "ember.Size([2, 3])" and ember.zeros((2, 3)).shape == (2, 3))
check("matmul", close(ea @ eb, ta @ tb))
check("add alpha", close(ember.add(ea, ea, alpha=2), torch.add(ta, ta, alpha=2)))
check("reflected", close(2 - ea, 2 - ta) and close(1 / (ea + 5), 1 / (ta + 5)) and close(2 ** ea, 2 ** ta))
check("floordiv/mod", close(ea // 0.3, ta // 0.3) and close(ea % 0.3, ta % 0.3))
check("sum dim", close(ea.sum(1, keepdim=True), ta.sum(1, keepdim=True)) and close(ember.sum(ea), torch.sum(ta)))
check("var", close(ea.var(0, unbiased=False), ta.var(0, unbiased=False))
      and close(ember.var(ea, 1, correction=0), torch.var(ta, 1, correction=0)))
mx = ea.max(1)
check("max dim", close(mx.values, ta.max(1).values) and close(mx.indices, ta.max(1).indices) and close(mx[0], ta.max(1)[0]))
check("softmax", close(ember.softmax(ea, 1), torch.softmax(ta, 1)))
check("clamp", close(ea.clamp(min=-0.5, max=0.5), ta.clamp(min=-0.5, max=0.5)))
check("where", close(ember.where(ea > 0, ea, 0.0), torch.where(ta > 0, ta, torch.tensor(0.0, dtype=ta.dtype))))
check("cat/stack", close(ember.cat([ea, ea], 1), torch.cat([ta, ta], 1)) and close(ember.stack([ea, ea]), torch.stack([ta, ta])))
check("split", all(close(x, y) for x, y in zip(ea.split([1, 3], 1), ta.split([1, 3], 1))) and len(ea.chunk(2)) == 2)
check("einsum", close(ember.einsum("ij,jk", ea, eb), torch.einsum("ij,jk", ta, tb)))
check("views", close(ea.view(2, 6), ta.view(2, 6)) and close(ea.permute(1, 0), ta.permute(1, 0))
      and close(ea.T, ta.T) and close(ea.reshape(-1), ta.reshape(-1)) and close(ea[None].expand(2, 3, 4), ta[None].expand(2, 3, 4)))
check("getitem", close(ea[1:3, None], ta[1:3, None]) and close(ea[..., ::2], ta[..., ::2]) and close(ea[[0, 2]], ta[[0, 2]])
      and close(ea[ea > 0], ta[ta > 0]) and close(ea[np.array([1, 0])], ta[np.array([1, 0])]) and close(ea[1, -1], ta[1, -1]))
ec, tc = ea.clone(), ta.clone()
ec[0, 1:3] = 7.0
tc[0, 1:3] = 7.0
ec[ec < 0] = 0
tc[tc < 0] = 0
check("setitem", close(ec, tc))
ec += 1
ec *= ec
tc += 1
tc *= tc
check("inplace ops", close(ec, tc))
# autograd
x = ember.tensor(a, requires_grad=True)
tx = torch.tensor(a, requires_grad=True)
y = (x.sin() * x).sum()
ty = (tx.sin() * tx).sum()
y.backward()
ty.backward()
check("backward", close(x.grad, tx.grad))
check("grad_fn", y.grad_fn is not None and y.grad_fn.name() == "SumBackward0", y.grad_fn.name() if y.grad_fn else None)
(g,) = ember.autograd.grad((x ** 3).sum(), x, create_graph=True)
(tg,) = torch.autograd.grad((tx ** 3).sum(), tx, create_graph=True)
(gg,) = ember.autograd.grad(g.sum(), x)
(tgg,) = torch.autograd.grad(tg.sum(), tx)
check("double backward", close(g, tg) and close(gg, tgg))
with ember.no_grad():
    check("no_grad", not (x * 2).requires_grad)


@ember.no_grad()
def f(t):
    return t * 2


check("no_grad decorator", not f(x).requires_grad and ember.is_grad_enabled())
seen = []
h = x.register_hook(lambda g: seen.append(1) or g * 2)
x.grad = None
(x * 1).sum().backward()
check("hook", seen == [1] and close(x.grad, np.full(a.shape, 2.0)))
h.remove()


class Cube(ember.autograd.Function):
    @staticmethod
    def forward(ctx, t, k):
        ctx.save_for_backward(t)
        ctx.k = k
        return t ** 3 * k

    @staticmethod
    def backward(ctx, grad):
        (t,) = ctx.saved_tensors
        return grad * 3 * t ** 2 * ctx.k, None


z = Cube.apply(x, 2.0)
x.grad = None
z.sum().backward()
check("autograd.Function", close(x.grad, 6 * a ** 2) and z.grad_fn.name() == "CubeBackward", z.grad_fn.name())
check("gradcheck", ember.autograd.gradcheck(lambda t: Cube.apply(t, 1.5), (ember.randn(3, dtype=ember.float64, requires_grad=True),)))
# numpy / dlpack
n = np.arange(6.0).reshape(2, 3)
t = ember.from_numpy(n)
t[0, 0] = 100
check("from_numpy shares", n[0, 0] == 100)
arr = t.numpy()
arr[1, 1] = -5
check("numpy shares", t[1, 1].item() == -5)
check("asarray zero-copy", np.shares_memory(np.asarray(t), n))
tt = torch.from_dlpack(ember.ones(3))
check("dlpack to torch", tt.tolist() == [1.0, 1.0, 1.0])
et = ember.from_dlpack(torch.arange(4))
check("dlpack from torch", et.tolist() == [0, 1, 2, 3] and et.dtype == ember.int64)
check("dlpack from numpy", ember.from_dlpack(np.arange(3.0)).tolist() == [0.0, 1.0, 2.0])
try:
    ember.ones(2, dtype=ember.bfloat16).numpy()
    check("bf16 numpy error", False)
except TypeError as e:
    check("bf16 numpy error", "BFloat16" in str(e))
try:
    x.numpy()
    check("requires_grad numpy error", False)
except RuntimeError as e:
    check("requires_grad numpy error", "detach" in str(e))
# errors
for name, fn, exc in [
    ("matmul shape", lambda: ea @ ea, RuntimeError),
    ("index out of range", lambda: ea[10], IndexError),
    ("bad dim", lambda: ea.sum(5), IndexError),
    ("bad type", lambda: ember.add(ea, "x"), TypeError),
    ("negative size", lambda: ember.zeros(-1), RuntimeError),
    ("bool ambiguous", lambda: bool(ea), RuntimeError),
]:
    try:
        fn()
        check("error " + name, False, "no exception")
    except exc:
        check("error " + name, True)
    except Exception as e:  # noqa: BLE001
        check("error " + name, False, "%s: %s" % (type(e).__name__, e))
print("\n%d failures" % len(failures), failures)
