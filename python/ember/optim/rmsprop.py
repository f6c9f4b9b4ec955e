from .. import _C
from .optimizer import Optimizer, _grads


class RMSprop(Optimizer):
    def __init__(self, params, lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0, momentum=0, centered=False,
                 foreach=None, maximize=False, differentiable=False):
        if not 0.0 <= lr:
            raise ValueError("Invalid learning rate: {}".format(lr))
        if not 0.0 <= eps:
            raise ValueError("Invalid epsilon value: {}".format(eps))
        if not 0.0 <= momentum:
            raise ValueError("Invalid momentum value: {}".format(momentum))
        if not 0.0 <= weight_decay:
            raise ValueError("Invalid weight_decay value: {}".format(weight_decay))
        if not 0.0 <= alpha:
            raise ValueError("Invalid alpha value: {}".format(alpha))
        defaults = dict(lr=lr, momentum=momentum, alpha=alpha, eps=eps, centered=centered,
                        weight_decay=weight_decay, foreach=foreach, maximize=maximize, differentiable=differentiable)
        super().__init__(params, defaults)

    def step(self, closure=None):
        loss = self._call_closure(closure)
        for group in self.param_groups:
            params, grads = _grads(group, self.state)
            if not params:
                continue
            sq, ga, bufs = [], [], []
            for p in params:
                st = self.state[p]
                if len(st) == 0:
                    st["step"] = 0
                    st["square_avg"] = _C.zeros_like(p)
                    if group["momentum"] > 0:
                        st["momentum_buffer"] = _C.zeros_like(p)
                    if group["centered"]:
                        st["grad_avg"] = _C.zeros_like(p)
                st["step"] += 1
                sq.append(st["square_avg"])
                ga.append(st.get("grad_avg"))
                bufs.append(st.get("momentum_buffer"))
            _C._nn._rmsprop_step(params, grads, sq, ga, bufs, group["lr"], group["alpha"], group["eps"],
                                 group["weight_decay"], group["momentum"], group["centered"], group["maximize"])
        return loss
