"""Linear algebra: determinants, inverses, solves, norms, cholesky, eigh, trace, kron,
pinv, svd, qr, lstsq, multi_dot, tensorinv and tensorsolve.

det, slogdet, inv, solve, matrix_power, norm (and vector_norm, matrix_norm),
cholesky, eigh and eigvalsh work on stacks of matrices `(..., n, n)` as NumPy does.

Conventions, where the derivative is not unique or does not exist:
- cholesky, eigh and eigvalsh read one triangle of `a`, which should be symmetric;
  their adjoints are symmetric, the derivative for symmetric changes of `a` (as in
  JAX), not the one-sided partials of NumPy's reading of one triangle.
- eigh: a pair of exactly equal eigenvalues contributes no eigenvector term (their
  eigenvectors are not unique); functions of the eigenvalues alone are smooth there.
- norm: at a kink the derivative is taken as 0: at x = 0 for every ord, at a zero
  component for a vector ord < 1, and ord=0 (a count) is piecewise constant.  ord=inf
  and -inf, and the matrix ords 1, -1, inf, -inf, split the adjoint evenly between
  tied entries (rows, columns), as max and min do.  The matrix ords 2 and -2 follow
  the singular vectors NumPy's svd gives for the largest (smallest) singular value.
- det, slogdet and a negative matrix_power need an invertible `a`; slogdet's sign
  carries no derivative.
"""

import numpy

from s2s import adjoint, d
from s2s.runtime import unbroadcast
from s2s.runtime.linalg import (
    as_columns,
    cholesky_adjoint,
    det_adjoint,
    eigh_adjoint,
    kron_lhs_adjoint,
    kron_rhs_adjoint,
    lstsq_adjoints,
    matrix_power_adjoint,
    multi_dot_parts,
    norm_adjoint,
    per_matrix,
    pinv_adjoint,
    qr_adjoint,
    solve_transposed,
    svd_adjoint,
    tensorinv_adjoint,
    tensorsolve_adjoints,
    trace_adjoint,
    transposed,
)


@adjoint(numpy.linalg.det)
def det(z, a):
    """`a` must be invertible (Jacobi's formula, through inv(a))."""
    d[a] += det_adjoint(d[z], z, a)


@adjoint(numpy.linalg.slogdet)
def slogdet(z, a):
    """The sign carries no derivative; `a` must be invertible."""
    # z is (sign, logabsdet): d log|det a| = a^-T
    d[a] += per_matrix(d[z][1]) * transposed(numpy.linalg.inv(a))


@adjoint(numpy.linalg.inv)
def inv(z, a):
    d[a] -= transposed(z) @ d[z] @ transposed(z)


@adjoint(numpy.linalg.solve)
def solve(z, a, b):
    # z = a^-1 b: d[b] = a^-T g, and d[a] = -d[b] z^T (b and z as columns if 1-D)
    gb = solve_transposed(a, d[z], b)
    d[a] -= unbroadcast(as_columns(gb, b) @ transposed(as_columns(z, b)), a)
    d[b] += unbroadcast(gb, b)


@adjoint(numpy.linalg.matrix_power)
def matrix_power(z, a, n):
    """A negative `n` needs an invertible `a`."""
    d[a] += matrix_power_adjoint(d[z], a, n)


@adjoint(numpy.linalg.norm)
def norm(z, x, ord=None, axis=None, keepdims=False):
    """At a kink (x = 0, a zero component for ord < 1) the derivative is taken as 0;
    ord=+-inf and the matrix ords +-1, +-inf split the adjoint evenly between ties."""
    d[x] += norm_adjoint(d[z], x, z, ord, axis, keepdims)


@adjoint(numpy.linalg.vector_norm)
def vector_norm(z, x, *, axis=None, keepdims=False, ord=2):
    """As norm: 0 at kinks, ties split evenly."""
    d[x] += norm_adjoint(d[z], x, z, ord, axis, keepdims, False)


@adjoint(numpy.linalg.matrix_norm)
def matrix_norm(z, x, *, keepdims=False, ord="fro"):
    """As norm: 0 at kinks, ties split evenly."""
    d[x] += norm_adjoint(d[z], x, z, ord, (-2, -1), keepdims, True)


@adjoint(numpy.linalg.cholesky)
def cholesky(z, a, *, upper=False):
    """The adjoint is symmetric: the derivative for symmetric changes of `a`."""
    d[a] += cholesky_adjoint(d[z], z, upper)


@adjoint(numpy.linalg.eigh)
def eigh(z, a, UPLO="L"):
    """Symmetric adjoint; exactly equal eigenvalues get no eigenvector term."""
    # z is (eigenvalues, eigenvectors)
    d[a] += eigh_adjoint(d[z][0], d[z][1], z[0], z[1])


@adjoint(numpy.linalg.eigvalsh)
def eigvalsh(z, a, UPLO="L"):
    """Symmetric adjoint: the derivative for symmetric changes of `a`."""
    d[a] += eigh_adjoint(d[z], None, z, numpy.linalg.eigh(a, UPLO)[1])


@adjoint(numpy.trace, numpy.ndarray.trace)
def trace(z, a, offset=0, axis1=0, axis2=1, dtype=None, out=None):
    d[a] += trace_adjoint(d[z], a, offset, axis1, axis2)


@adjoint(numpy.kron)
def kron(z, a, b):
    d[a] += kron_lhs_adjoint(d[z], a, b)
    d[b] += kron_rhs_adjoint(d[z], a, b)


@adjoint(numpy.linalg.pinv)
def pinv(z, a, rcond=None, hermitian=False, *, rtol=None):
    """`a`'s rank must not change near it (the cutoff `rcond` is taken as constant)."""
    d[a] += pinv_adjoint(d[z], z, a)


@adjoint(numpy.linalg.svd)
def svd(z, a, full_matrices=True, compute_uv=True, hermitian=False):
    """Distinct, nonzero singular values; a non-square `a` needs full_matrices=False
    when u or vh is used (their extra columns are not unique)."""
    d[a] += svd_adjoint(d[z], a, full_matrices, compute_uv)


@adjoint(numpy.linalg.svdvals)
def svdvals(z, x):
    """Distinct singular values (ties share no well-defined derivative)."""
    d[x] += svd_adjoint(d[z], x, False, False)


@adjoint(numpy.linalg.qr)
def qr(z, a, mode="reduced"):
    """At least as many rows as columns, full column rank; mode 'reduced' or 'r'."""
    d[a] += qr_adjoint(d[z], a, mode)


@adjoint(numpy.linalg.lstsq)
def lstsq(z, a, b, rcond=None):
    """`a`'s rank must not change near it; the rank carries no derivative."""
    parts = lstsq_adjoints(d[z][0], d[z][1], d[z][3], a, b, rcond)
    d[a] += parts[0]
    d[b] += parts[1]


@adjoint(numpy.linalg.multi_dot)
def multi_dot(z, arrays, *, out=None):
    d[arrays] += multi_dot_parts(d[z], arrays)


@adjoint(numpy.linalg.tensorinv)
def tensorinv(z, a, ind=2):
    d[a] += tensorinv_adjoint(d[z], z, a, ind)


@adjoint(numpy.linalg.tensorsolve)
def tensorsolve(z, a, b, axes=None):
    parts = tensorsolve_adjoints(d[z], z, a, b, axes)
    d[a] += parts[0]
    d[b] += parts[1]
