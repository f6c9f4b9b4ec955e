from .. import _C
from .optimizer import Optimizer, _grads


class Adadelta(Optimizer):
    def __init__(self, params, lr=1.0, rho=0.9, eps=1e-6, weight_decay=0, foreach=None, *, maximize=False,
                 differentiable=False):
        if not 0.0 <= lr:
            raise ValueError("Invalid learning rate: {}".format(lr))
        if not 0.0 <= rho <= 1.0:
            raise ValueError("Invalid rho value: {}".format(rho))
        if not 0.0 <= eps:
            raise ValueError("Invalid epsilon value: {}".format(eps))
        if not 0.0 <= weight_decay:
            raise ValueError("Invalid weight_decay value: {}".format(weight_decay))
        defaults = dict(lr=lr, rho=rho, eps=eps, weight_decay=weight_decay, maximize=maximize, foreach=foreach,
                        differentiable=differentiable)
        super().__init__(params, defaults)

    def step(self, closure=None):
        loss = self._call_closure(closure)
        for group in self.param_groups:
            params, grads = _grads(group, self.state)
            if not params:
                continue
            square_avgs, acc_deltas = [], []
            for p in params:
                st = self.state[p]
                if len(st) == 0:
                    st["step"] = 0
                    st["square_avg"] = _C.zeros_like(p)
                    st["acc_delta"] = _C.zeros_like(p)
                st["step"] += 1
                square_avgs.append(st["square_avg"])
                acc_deltas.append(st["acc_delta"])
            _C._nn._adadelta_step(params, grads, square_avgs, acc_deltas, group["lr"], group["rho"], group["eps"],
                                  group["weight_decay"], group["maximize"])
        return loss
