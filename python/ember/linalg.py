"""ember.linalg: torch.linalg's functions (torch 1.13 semantics), bound from the
C++ core (``ember::linalg``, src/ops/linalg_*.cpp). float32 and float64, on the CPU."""

from ._C import _linalg
from ._C import _LinAlgError as LinAlgError  # noqa: F401  (a RuntimeError, as torch's)
from ._C import matmul  # noqa: F401

vector_norm = _linalg.vector_norm
matrix_norm = _linalg.matrix_norm
norm = _linalg.norm
inv = _linalg.inv
det = _linalg.det
slogdet = _linalg.slogdet
solve = _linalg.solve
solve_triangular = _linalg.solve_triangular
cholesky = _linalg.cholesky
qr = _linalg.qr
eigh = _linalg.eigh
eigvalsh = _linalg.eigvalsh
svd = _linalg.svd
svdvals = _linalg.svdvals
pinv = _linalg.pinv
matrix_rank = _linalg.matrix_rank
lstsq = _linalg.lstsq

__all__ = [
    "LinAlgError", "vector_norm", "matrix_norm", "norm", "inv", "det", "slogdet", "solve", "solve_triangular",
    "cholesky", "qr", "eigh", "eigvalsh", "svd", "svdvals", "pinv", "matrix_rank", "lstsq", "matmul",
]
