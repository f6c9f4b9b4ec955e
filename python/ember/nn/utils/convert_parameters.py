"""torch.nn.utils.parameters_to_vector / vector_to_parameters: a model's
parameters as one flat vector and back."""
from ... import _C


def _check_param_device(param, old_param_device):
    device = param.device
    if old_param_device is not None and device != old_param_device:
        raise TypeError("Found two parameters on different devices, this is currently not supported.")
    return device


def parameters_to_vector(parameters):
    """Flattens the parameters (an iterable of tensors) into one 1-D tensor, in order."""
    param_device = None
    vec = []
    for param in parameters:
        param_device = _check_param_device(param, param_device)
        vec.append(param.view(-1))
    return _C.cat(vec)


def vector_to_parameters(vec, parameters):
    """Copies slices of the 1-D ``vec`` into the parameters (each takes its numel() values, in order)."""
    if not isinstance(vec, _C.Tensor):
        raise TypeError("expected torch.Tensor, but got: {}".format(type(vec).__name__))
    param_device = None
    pointer = 0
    for param in parameters:
        param_device = _check_param_device(param, param_device)
        num_param = param.numel()
        param.data = vec[pointer:pointer + num_param].view_as(param).data
        pointer += num_param
