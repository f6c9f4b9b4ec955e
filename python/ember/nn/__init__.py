"""ember.nn: modules, parameters, initializers and functional ops (torch.nn's API)."""
# modules, Parameter, init, utils (python/ember/nn/_exports.py)
from ._exports import *  # noqa: F401,F403
from ._exports import Module, Parameter, init, utils  # noqa: F401
from . import functional  # noqa: F401
