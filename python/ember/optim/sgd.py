from .. import _C
from .. import no_grad
from .optimizer import Optimizer, required, _grads


class SGD(Optimizer):
    """Stochastic gradient descent (momentum, dampening, nesterov, weight_decay, maximize)."""

    def __init__(self, params, lr=required, momentum=0, dampening=0, weight_decay=0, nesterov=False, *,
                 maximize=False, foreach=None, differentiable=False):
        if lr is not required and lr < 0.0:
            raise ValueError("Invalid learning rate: {}".format(lr))
        if momentum < 0.0:
            raise ValueError("Invalid momentum value: {}".format(momentum))
        if weight_decay < 0.0:
            raise ValueError("Invalid weight_decay value: {}".format(weight_decay))
        defaults = dict(lr=lr, momentum=momentum, dampening=dampening, weight_decay=weight_decay,
                        nesterov=nesterov, maximize=maximize, foreach=foreach, differentiable=differentiable)
        if nesterov and (momentum <= 0 or dampening != 0):
            raise ValueError("Nesterov momentum requires a momentum and zero dampening")
        super().__init__(params, defaults)

    def step(self, closure=None):
        loss = self._call_closure(closure)
        for group in self.param_groups:
            params, grads = _grads(group, self.state)
            if not params:
                continue
            bufs, first = [], []
            state = self.state
            if group["momentum"] != 0:
                for p in params:
                    st = state[p]
                    b = st.get("momentum_buffer")
                    first.append(b is None)
                    if b is None:
                        b = st["momentum_buffer"] = _C.zeros_like(p)
                    bufs.append(b)
            else:  # no buffers (empty lists); the state still records None, as torch's
                for p in params:
                    state[p].setdefault("momentum_buffer", None)
            _C._nn._sgd_step(params, grads, bufs, first, group["lr"], group["momentum"], group["dampening"],
                             group["weight_decay"], group["nesterov"], group["maximize"])
        return loss
