"""ember.backends: torch.backends' switches and queries.

ember computes on its own CPU kernels, without cuDNN, MKL, MKL-DNN, OpenMP, MPS or TF32. The flags scripts
set (``cudnn.benchmark = True``, ``cudnn.deterministic = True``, ``cuda.matmul.allow_tf32 = False``) are
accepted and kept, and have no effect; the ``is_available()`` queries report what ember has.
"""
from . import cuda, cudnn, mkl, mkldnn, mps, openmp  # noqa: F401
