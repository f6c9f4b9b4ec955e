"""torch.utils.checkpoint's API. torch trades compute for memory there: the forward of each checkpointed
segment runs without keeping its activations and runs again during backward. ember keeps the activations and
runs each function once, so values and gradients are the same as torch's (dropout included: there is no second
forward whose random numbers must match) and only the memory use differs."""
import warnings

from .. import _C
from ..autograd.grad_mode import no_grad

__all__ = ["checkpoint", "checkpoint_sequential"]


def _check_args(use_reentrant, kwargs):
    if use_reentrant is None:
        use_reentrant = True
    if use_reentrant and kwargs:
        raise ValueError("Unexpected keyword arguments: " + ",".join(arg for arg in kwargs))
    return use_reentrant


def checkpoint(function, *args, use_reentrant=None, preserve_rng_state=True, **kwargs):
    """Returns function(*args, **kwargs) (see the module docstring). As torch's reentrant variant (the default),
    keyword arguments other than use_reentrant / preserve_rng_state need use_reentrant=False."""
    use_reentrant = _check_args(use_reentrant, kwargs)
    if use_reentrant and _C.is_grad_enabled() and not any(
            isinstance(a, _C.Tensor) and a.requires_grad for a in args):
        # torch's reentrant checkpoint then records nothing: the parameters inside get no gradient either
        warnings.warn("None of the inputs have requires_grad=True. Gradients will be None")
        with no_grad():
            return function(*args, **kwargs)
    return function(*args, **kwargs)


def checkpoint_sequential(functions, segments, input, use_reentrant=None, **kwargs):
    """Runs the modules (an nn.Sequential or a list) one after the other on input; segments is accepted as in
    torch (it only chooses what torch recomputes)."""
    use_reentrant = _check_args(use_reentrant, kwargs)
    children = getattr(functions, "children", None)
    if callable(children):
        functions = list(functions.children())
    for f in functions:
        input = f(input)
    return input
