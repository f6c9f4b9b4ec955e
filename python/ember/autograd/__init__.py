"""ember.autograd: backward, grad, custom Functions, gradcheck, anomaly mode."""

from .. import _C
from .grad_mode import no_grad, enable_grad, set_grad_enabled, inference_mode  # noqa: F401
from .function import Function, FunctionCtx  # noqa: F401
from . import functional  # noqa: F401


def _as_tuple(x):
    if x is None:
        return None
    if isinstance(x, _C.Tensor):
        return (x,)
    return tuple(x)


def backward(tensors, grad_tensors=None, retain_graph=None, create_graph=False, grad_variables=None, inputs=None):
    """Accumulates gradients of ``tensors`` into the leaves' ``.grad``."""
    if grad_variables is not None:
        grad_tensors = grad_variables
    _C._backward(_as_tuple(tensors), _as_tuple(grad_tensors), retain_graph, create_graph, _as_tuple(inputs))


def grad(outputs, inputs, grad_outputs=None, retain_graph=None, create_graph=False, only_inputs=True,
         allow_unused=False, is_grads_batched=False):
    """Returns d(outputs)/d(inputs) as a tuple, without touching ``.grad``."""
    if is_grads_batched:
        raise NotImplementedError("grad: is_grads_batched is not supported")
    return _C._grad(_as_tuple(outputs), _as_tuple(inputs), _as_tuple(grad_outputs), retain_graph, create_graph,
                    allow_unused)


def gradcheck(func, inputs, *, eps=1e-6, atol=1e-5, rtol=1e-3, raise_exception=True, **kwargs):
    """Compares autograd's Jacobian of ``func`` at ``inputs`` with central finite
    differences (run in the C++ core). Inputs that require grad are perturbed."""
    return _C._gradcheck(func, _as_tuple(inputs), eps, atol, rtol, raise_exception, False)


def gradgradcheck(func, inputs, grad_outputs=None, *, eps=1e-6, atol=1e-5, rtol=1e-3, raise_exception=True,
                  **kwargs):
    """Checks second derivatives of ``func`` with finite differences."""
    return _C._gradcheck(func, _as_tuple(inputs), eps, atol, rtol, raise_exception, True)


def set_detect_anomaly(mode):
    """Anomaly mode: the engine checks every gradient for NaN/Inf and names the op."""
    _C.set_detect_anomaly(mode)


is_anomaly_enabled = _C.is_anomaly_enabled


class detect_anomaly:  # noqa: N801
    """Context manager that turns anomaly mode on for its block."""

    def __init__(self, check_nan=True):
        self.check_nan = check_nan

    def __enter__(self):
        self.prev = _C.is_anomaly_enabled()
        _C.set_detect_anomaly(self.check_nan)

    def __exit__(self, *exc):
        _C.set_detect_anomaly(self.prev)
        return False


class set_detect_anomaly_ctx(detect_anomaly):
    pass
