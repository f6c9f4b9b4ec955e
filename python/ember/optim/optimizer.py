"""Optimizer base with torch.optim.Optimizer's behaviour (param_groups, state, state_dict)."""
import copy
from collections import defaultdict
from itertools import chain

from .. import _C


class _RequiredParameter:
    def __repr__(self):
        return "<required parameter>"


required = _RequiredParameter()


class Optimizer:
    def __init__(self, params, defaults):
        self.defaults = defaults
        if isinstance(params, _C.Tensor):
            raise TypeError("params argument given to the optimizer should be an iterable of Tensors or dicts, "
                            "but got " + type(params).__name__)
        self.state = defaultdict(dict)
        self.param_groups = []
        param_groups = list(params)
        if len(param_groups) == 0:
            raise ValueError("optimizer got an empty parameter list")
        if not isinstance(param_groups[0], dict):
            param_groups = [{"params": param_groups}]
        for param_group in param_groups:
            self.add_param_group(param_group)

    def __getstate__(self):
        return {"defaults": self.defaults, "state": self.state, "param_groups": self.param_groups}

    def __setstate__(self, state):
        self.__dict__.update(state)

    def __repr__(self):
        format_string = self.__class__.__name__ + " ("
        for i, group in enumerate(self.param_groups):
            format_string += "\n"
            format_string += "Parameter Group {0}\n".format(i)
            for key in sorted(group.keys()):
                if key != "params":
                    format_string += "    {0}: {1}\n".format(key, group[key])
        format_string += ")"
        return format_string

    def add_param_group(self, param_group):
        if not isinstance(param_group, dict):
            raise TypeError("param group must be a dict")
        params = param_group["params"]
        if isinstance(params, _C.Tensor):
            param_group["params"] = [params]
        elif isinstance(params, set):
            raise TypeError("optimizer parameters need to be organized in ordered collections, but the ordering "
                            "of tensors in sets will change between runs. Please use a list instead.")
        else:
            param_group["params"] = list(params)
        for param in param_group["params"]:
            if not isinstance(param, _C.Tensor):
                raise TypeError("optimizer can only optimize Tensors, but one of the params is "
                                + type(param).__name__)
            if not param.is_leaf:
                raise ValueError("can't optimize a non-leaf Tensor")
        for name, default in self.defaults.items():
            if default is required and name not in param_group:
                raise ValueError("parameter group didn't specify a value of required optimization parameter "
                                 + name)
            param_group.setdefault(name, default)
        params = param_group["params"]
        if len(params) != len(set(map(id, params))):
            import warnings
            warnings.warn("optimizer contains a parameter group with duplicate parameters; in future, this will "
                          "cause an error", stacklevel=3)
        param_set = set()
        for group in self.param_groups:
            param_set.update(set(map(id, group["params"])))
        if not param_set.isdisjoint(set(map(id, param_group["params"]))):
            raise ValueError("some parameters appear in more than one parameter group")
        self.param_groups.append(param_group)


    @staticmethod
    def _call_closure(closure):
        """Re-evaluates the model with grad enabled, as torch's step(closure)."""
        if closure is None:
            return None
        from .. import enable_grad

        with enable_grad():
            return closure()

    def zero_grad(self, set_to_none=True):
        for group in self.param_groups:
            if set_to_none:
                _C._nn._grads_to_none(group["params"])
                continue
            for p in group["params"]:
                if p.grad is not None:
                    if set_to_none:
                        p.grad = None
                    else:
                        g = p.grad
                        if g.grad_fn is not None:
                            g = g.detach()
                            p.grad = g
                        g.zero_()

    def step(self, closure=None):
        raise NotImplementedError

    # ---- state dict in torch's format ----
    def state_dict(self):
        param_mappings = {}
        start_index = 0

        def pack_group(group):
            nonlocal start_index
            packed = {k: v for k, v in group.items() if k != "params"}
            param_mappings.update({id(p): i for i, p in enumerate(group["params"], start_index)
                                   if id(p) not in param_mappings})
            packed["params"] = [param_mappings[id(p)] for p in group["params"]]
            start_index += len(packed["params"])
            return packed

        param_groups = [pack_group(g) for g in self.param_groups]
        packed_state = {}
        for k, v in self.state.items():
            key = param_mappings[id(k)] if isinstance(k, _C.Tensor) else k
            packed_state[key] = self._export_state(v)
        return {"state": packed_state, "param_groups": param_groups}

    @staticmethod
    def _export_state(st):
        out = {}
        for name, value in st.items():
            if name == "step" and not isinstance(value, _C.Tensor):
                value = _C.tensor(float(value))
            out[name] = value
        return out

    def load_state_dict(self, state_dict):
        state_dict = {"state": state_dict["state"], "param_groups": copy.deepcopy(state_dict["param_groups"])}
        groups = self.param_groups
        saved_groups = state_dict["param_groups"]
        if len(groups) != len(saved_groups):
            raise ValueError("loaded state dict has a different number of parameter groups")
        param_lens = (len(g["params"]) for g in groups)
        saved_lens = (len(g["params"]) for g in saved_groups)
        if any(p_len != s_len for p_len, s_len in zip(param_lens, saved_lens)):
            raise ValueError("loaded state dict contains a parameter group that doesn't match the size of "
                             "optimizer's group")
        id_map = dict(zip(chain.from_iterable(g["params"] for g in saved_groups),
                          chain.from_iterable(g["params"] for g in groups)))
        state = defaultdict(dict)
        for k, v in state_dict["state"].items():
            if isinstance(k, str) and k.isdigit():
                k = int(k)
            if k in id_map:
                param = id_map[k]
                state[param] = self._import_state(param, v)
            else:
                state[k] = v

        def update_group(group, new_group):
            new_group["params"] = group["params"]
            return new_group

        self.param_groups = [update_group(g, ng) for g, ng in zip(groups, saved_groups)]
        self.state = state

    @staticmethod
    def _import_state(param, st):
        out = {}
        for name, value in st.items():
            if name == "step":
                value = int(float(value.item() if isinstance(value, _C.Tensor) else value))
            elif isinstance(value, _C.Tensor) and value.is_floating_point():
                value = value.to(dtype=param.dtype).contiguous().clone()
            out[name] = value
        return out


def _grads(group, state):
    """(params with grads, grads) of a group for the C++ step functions. The
    grads list is empty: those read each parameter's .grad themselves, so no
    Python object is made for every gradient at every step."""
    return _C._nn._with_grad(group["params"]), []


def _moments(state, params, *names):
    """The Adam family's per-parameter state: counts this step in each state's
    "step" and returns one list per name in names, then the list of steps. A
    new state starts at step 0 with zeros for each name."""
    lists, steps = [[] for _ in names], []
    for p in params:
        st = state[p]
        if len(st) == 0:
            st["step"] = 0
            for n in names:
                st[n] = _C.zeros_like(p)
        st["step"] += 1
        for lst, n in zip(lists, names):
            lst.append(st[n])
        steps.append(st["step"])
    return lists + [steps]


def _check_adam_family(lr, betas, eps, weight_decay):
    """torch 1.13's argument checks of the Adam family, with its wording."""
    if not 0.0 <= lr:
        raise ValueError("Invalid learning rate: {}".format(lr))
    if not 0.0 <= eps:
        raise ValueError("Invalid epsilon value: {}".format(eps))
    if not 0.0 <= betas[0] < 1.0:
        raise ValueError("Invalid beta parameter at index 0: {}".format(betas[0]))
    if not 0.0 <= betas[1] < 1.0:
        raise ValueError("Invalid beta parameter at index 1: {}".format(betas[1]))
    if not 0.0 <= weight_decay:
        raise ValueError("Invalid weight_decay value: {}".format(weight_decay))
