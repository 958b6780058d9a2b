"""The runtime's helpers that call SciPy's linear algebra where it is installed, so
that forward mode over a generated gradient that calls them gives Hessian-vector
products (forward mode cannot read a helper that imports SciPy when it is called).

This module imports no SciPy: it loads where SciPy is missing, and those helpers then
take their NumPy path.  The other helpers of SciPy's rules (s2s/runtime/scipy_linalg.py)
are NumPy code, which forward mode reads, or linear (`@linear_in`).
"""

from s2s import d, tangent
from s2s.runtime.linalg import triangular_solve


@tangent(triangular_solve)
def triangular_solve_forward(z, a, b, lower=False):
    """The tangent of z = a^-1 b along any d[a], not only a triangular one, as for
    numpy.linalg.solve (which the helper's result is)."""
    d[z] = triangular_solve(a, d[b] - d[a] @ z, lower)
