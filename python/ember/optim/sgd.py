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
            use_mom = group["momentum"] != 0
            bufs, first = [], []
            for p in params:
                st = self.state[p]
                if use_mom:
                    b = st.get("momentum_buffer")
                    if b is None:
                        b = _C.zeros_like(p)
                        st["momentum_buffer"] = b
                        first.append(True)
                    else:
                        first.append(False)
                    bufs.append(b)
                else:
                    st.setdefault("momentum_buffer", None)
                    bufs.append(None)
                    first.append(False)
            _C._nn._sgd_step(params, grads, bufs, first, group["lr"], group["momentum"], group["dampening"],
                             group["weight_decay"], group["nesterov"], group["maximize"])
        return loss
