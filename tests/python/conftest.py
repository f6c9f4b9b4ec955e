"""pytest set-up for the ember Python suite.

Run from the repository root:  /usr/bin/python3 -m pytest tests/python -q

* Makes ``import ember`` work from a source checkout (adds ``python/``).
* ``EMBER_TEST_WITH_TORCH=1`` runs the whole suite with torch standing in for
  ember. It checks the tests themselves: every test must pass in that mode.
* ``device`` fixture: 'cpu' and 'cuda'; cuda cases skip at run time when
  ember.cuda.is_available() is false or missing.
* ``--runslow`` (or EMBER_RUN_SLOW=1) runs tests marked ``slow``.
"""
import os
import random
import sys

import numpy as np
import pytest

_HERE = os.path.dirname(os.path.abspath(__file__))
_PYTHON_DIR = os.path.normpath(os.path.join(_HERE, "..", "..", "python"))

if os.environ.get("EMBER_TEST_WITH_TORCH"):
    import torch as _torch

    sys.modules["ember"] = _torch
else:
    try:
        import ember  # noqa: F401
        if not hasattr(ember, "tensor"):  # a namespace package, not the build
            raise ImportError("ember has no 'tensor'")
    except ImportError:
        if _PYTHON_DIR not in sys.path:
            sys.path.insert(0, _PYTHON_DIR)
        for _name in [n for n in sys.modules if n == "ember" or n.startswith("ember.")]:
            del sys.modules[_name]


def pytest_addoption(parser):
    parser.addoption("--runslow", action="store_true", default=False,
                     help="run tests marked slow")


def pytest_configure(config):
    config.addinivalue_line("markers", "slow: slow test, run with --runslow")


def pytest_collection_modifyitems(config, items):
    if config.getoption("--runslow") or os.environ.get("EMBER_RUN_SLOW"):
        return
    skip = pytest.mark.skip(reason="slow: run with --runslow")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip)


def cuda_available():
    import ember

    cuda = getattr(ember, "cuda", None)
    try:
        return bool(cuda is not None and cuda.is_available())
    except Exception:
        return False


@pytest.fixture(params=["cpu", "cuda"])
def device(request):
    if request.param == "cuda" and not cuda_available():
        pytest.skip("ember.cuda.is_available() is false")
    return request.param


@pytest.fixture(autouse=True)
def _seed():
    """Every test starts from the same seeds."""
    random.seed(0)
    np.random.seed(0)
    import ember

    if hasattr(ember, "manual_seed"):
        ember.manual_seed(0)
    try:
        import torch

        torch.manual_seed(0)
    except ImportError:
        pass
    yield
