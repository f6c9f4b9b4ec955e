"""What ember.nn exports from the module, init and utils packages (imported by ember/nn/__init__.py)."""
from .parameter import Parameter  # noqa: F401
from .modules import *  # noqa: F401,F403
from .modules import Module  # noqa: F401
from . import init  # noqa: F401
from . import utils  # noqa: F401
