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

import numpy

from s2s import d, tangent
from s2s.runtime.linalg import (
    as_columns,
    cholesky_adjoint,
    cholesky_adjoint_tangent,
    det_adjoint,
    eigh_adjoint,
    eigh_adjoint_tangent,
    lstsq_adjoints,
    lstsq_adjoints_tangent,
    matrix_power_adjoint,
    matrix_power_adjoint_tangent,
    multi_dot_parts,
    multi_dot_parts_tangent,
    norm_adjoint,
    norm_adjoint_tangent,
    pinv_adjoint,
    pinv_adjoint_tangent,
    qr_adjoint,
    qr_adjoint_tangent,
    solve_columns,
    solve_transposed,
    svd_adjoint,
    svd_adjoint_tangent,
    tensorinv_adjoint,
    tensorinv_adjoint_tangent,
    tensorsolve_adjoints,
    tensorsolve_adjoints_tangent,
    transposed,
)


@tangent(det_adjoint)
def det_adjoint_forward(out, g, z, a):
    """`a` invertible: out = g z a^-T, and d(a^-T) = -a^-T d[a]^T a^-T."""
    d[out] = (
        det_adjoint(d[g], z, a) + det_adjoint(g, d[z], a)
        - out @ transposed(numpy.linalg.solve(a, d[a]))
    )


@tangent(solve_transposed)
def solve_transposed_forward(out, a, g, b):
    # out = a^-T g: d out = a^-T d[g] - a^-T d[a]^T out (as columns for a 1-D b)
    d[out] = solve_transposed(a, d[g], b) - solve_columns(
        transposed(a), transposed(d[a]) @ as_columns(out, b), b
    )


@tangent(solve_columns)
def solve_columns_forward(out, a, x, b):
    # out = a^-1 x: d out = a^-1 d[x] - a^-1 d[a] out (as columns for a 1-D b)
    d[out] = solve_columns(a, d[x], b) - solve_columns(a, d[a] @ as_columns(out, b), b)


@tangent(cholesky_adjoint)
def cholesky_adjoint_forward(out, g, z, upper=False):
    d[out] = cholesky_adjoint(d[g], z, upper) + cholesky_adjoint_tangent(d[z], g, z, upper)


@tangent(eigh_adjoint)
def eigh_adjoint_forward(out, gw, gv, w, v):
    """Exactly equal eigenvalues keep no eigenvector term, as in eigh_adjoint."""
    # gv may be None (eigenvalues only): its tangent then drops the call reading it
    d[out] = (
        eigh_adjoint(d[gw], None, w, v)
        + eigh_adjoint(numpy.zeros_like(w), d[gv], w, v)
        + eigh_adjoint_tangent(d[w], d[v], gw, gv, w, v)
    )


@tangent(matrix_power_adjoint)
def matrix_power_adjoint_forward(out, g, a, n):
    d[out] = matrix_power_adjoint(d[g], a, n) + matrix_power_adjoint_tangent(d[a], g, a, n)


@tangent(norm_adjoint)
def norm_adjoint_forward(out, g, x, z, ord=None, axis=None, keepdims=False, matrix=None):
    """0 where the derivative norm_adjoint uses is constant: at its kinks (taken as 0)
    and for the masks of ties (ord=+-inf, the matrix ords +-1, +-inf)."""
    d[out] = norm_adjoint(d[g], x, z, ord, axis, keepdims, matrix) + norm_adjoint_tangent(
        d[x], d[z], g, x, z, ord, axis, keepdims, matrix
    )


@tangent(pinv_adjoint)
def pinv_adjoint_forward(out, g, z, a):
    d[out] = pinv_adjoint(d[g], z, a) + pinv_adjoint_tangent(d[z], d[a], g, z, a)


@tangent(svd_adjoint)
def svd_adjoint_forward(out, g, a, full_matrices=True, compute_uv=True):
    """Distinct, nonzero singular values, as svd_adjoint."""
    d[out] = svd_adjoint(d[g], a, full_matrices, compute_uv) + svd_adjoint_tangent(
        d[a], g, a, full_matrices, compute_uv
    )


@tangent(qr_adjoint)
def qr_adjoint_forward(out, g, a, mode="reduced"):
    d[out] = qr_adjoint(d[g], a, mode) + qr_adjoint_tangent(d[a], g, a, mode)


@tangent(lstsq_adjoints)
def lstsq_adjoints_forward(out, gx, gres, gs, a, b, rcond=None):
    """`a`'s rank must not change near it, as lstsq_adjoints."""
    d[out] = lstsq_adjoints_tangent(d[gx], d[gres], d[gs], d[a], d[b], gx, gres, gs, a, b, rcond)


@tangent(multi_dot_parts)
def multi_dot_parts_forward(out, g, arrays):
    d[out] = multi_dot_parts(d[g], arrays) + multi_dot_parts_tangent(d[arrays], g, arrays)


@tangent(tensorinv_adjoint)
def tensorinv_adjoint_forward(out, g, z, a, ind=2):
    d[out] = tensorinv_adjoint(d[g], z, a, ind) + tensorinv_adjoint_tangent(d[z], g, z, a, ind)


@tangent(tensorsolve_adjoints)
def tensorsolve_adjoints_forward(out, g, z, a, b, axes=None):
    d[out] = tensorsolve_adjoints_tangent(d[g], d[z], d[a], g, z, a, b, axes)
