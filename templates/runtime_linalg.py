"""The linear-algebra helpers that generated gradients call (s2s/runtime/linalg.py:
det_adjoint, svd_adjoint, multi_dot_parts, ...), so that forward mode over a gradient
gives Hessian-vector products.

Each adjoint helper is linear in the adjoint `g` it is given.  Those linear in `g`
and a factor say so where they are defined (`@linear_in` in s2s/runtime), which gives
their tangent; the rules here add the tangent through their other arguments (a
`*_tangent` helper of s2s/runtime/linalg.py where that is more than a product).  The
conventions are the reverse rules' (templates/linalg.py), on the same piece: exact
ties of eigenvalues (singular values) keep no eigenvector (singular vector) term, the
norms' kinks and masks of ties have derivative 0, and the factorizations need what
their gradients need (invertible, full rank, distinct singular values).
"""


from s2s import d, tangent
from s2s.runtime.linalg import (
    multi_dot_parts,
    multi_dot_parts_tangent,
    norm_adjoint,
    norm_adjoint_tangent,
)


@tangent(norm_adjoint)
def norm_adjoint_forward(out, g, x, z, ord=None, axis=None, keepdims=False, matrix=None):
    """0 where the derivative norm_adjoint uses is constant: at its kinks (taken as 0)
    and for the masks of ties (ord=+-inf, the matrix ords +-1, +-inf)."""
    d[out] = norm_adjoint(d[g], x, z, ord, axis, keepdims, matrix) + norm_adjoint_tangent(
        d[x], d[z], g, x, z, ord, axis, keepdims, matrix
    )


@tangent(multi_dot_parts)
def multi_dot_parts_forward(out, g, arrays):
    d[out] = multi_dot_parts(d[g], arrays) + multi_dot_parts_tangent(d[arrays], g, arrays)


