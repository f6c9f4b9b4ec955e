from .. import _C
from .optimizer import Optimizer, _check_adam_family, _grads


class Adam(Optimizer):
    """Adam (amsgrad, maximize); weight_decay is L2 added to the gradient."""

    _decoupled = False

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, amsgrad=False, *,
                 foreach=None, maximize=False, capturable=False, differentiable=False, fused=None):
        _check_adam_family(lr, betas, eps, weight_decay)
        defaults = dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, amsgrad=amsgrad,
                        maximize=maximize, foreach=foreach, capturable=capturable, differentiable=differentiable,
                        fused=fused)
        super().__init__(params, defaults)

    def step(self, closure=None):
        loss = self._call_closure(closure)
        for group in self.param_groups:
            params, grads = _grads(group, self.state)
            if not params:
                continue
            amsgrad = group["amsgrad"]
            m, v, vm, steps = [], [], [], []
            for p in params:
                st = self.state[p]
                if len(st) == 0:
                    st["step"] = 0
                    st["exp_avg"] = _C.zeros_like(p)
                    st["exp_avg_sq"] = _C.zeros_like(p)
                    if amsgrad:
                        st["max_exp_avg_sq"] = _C.zeros_like(p)
                st["step"] += 1
                m.append(st["exp_avg"])
                v.append(st["exp_avg_sq"])
                vm.append(st.get("max_exp_avg_sq"))
                steps.append(st["step"])
            beta1, beta2 = group["betas"]
            _C._nn._adam_step(params, grads, m, v, vm, steps, amsgrad, beta1, beta2, group["lr"],
                              group["weight_decay"], group["eps"], group["maximize"], self._decoupled)
        return loss


class AdamW(Adam):
    """Adam with decoupled weight decay (the weights shrink by lr * weight_decay each step)."""

    _decoupled = True

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2, amsgrad=False, *,
                 maximize=False, foreach=None, capturable=False, differentiable=False, fused=None):
        super().__init__(params, lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, amsgrad=amsgrad,
                         maximize=maximize, foreach=foreach, capturable=capturable, differentiable=differentiable,
                         fused=fused)
