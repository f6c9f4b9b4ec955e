"""ember.nn.functional: torch.nn.functional's ops (bound from C++ in ember._C._nn)."""

# ---- nn ops bound in python/src/nn.cpp (ember._C._nn) and their thin Python
# compositions (python/ember/nn/_functional_impl.py); names defined above win.
from . import _functional_impl as _impl  # noqa: E402

for _name in _impl.__all__:
    if _name not in globals():
        globals()[_name] = getattr(_impl, _name)
del _name
