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

from s2s import adjoint, bilinear, d, tangent
from s2s.runtime import cast_tangent, unbroadcast, zeros_like
from s2s.runtime.linalg import (
    as_columns,
    cholesky_adjoint,
    cholesky_tangent,
    det_adjoint,
    eigh_adjoint,
    eigh_tangent,
    eigvalsh_tangent,
    kron_lhs_adjoint,
    kron_rhs_adjoint,
    lstsq_adjoints,
    matrix_power_adjoint,
    matrix_power_tangent,
    matrix_trace,
    multi_dot_parts,
    multi_dot_tangent,
    norm_adjoint,
    norm_tangent,
    per_matrix,
    pinv_adjoint,
    pinv_tangent,
    qr_adjoint,
    qr_tangent,
    record_like,
    residuals_tangent,
    solve_columns,
    solve_transposed,
    svd_adjoint,
    svd_tangent,
    tensorinv_adjoint,
    tensorinv_tangent,
    tensorsolve_adjoints,
    tensorsolve_tangent,
    trace_adjoint,
    transposed,
)


@adjoint(numpy.linalg.det)
def det(z, a):
    """`a` must be invertible (Jacobi's formula, through inv(a))."""
    d[a] += det_adjoint(d[z], z, a)


@tangent(numpy.linalg.det)
def det_forward(z, a):
    """`a` must be invertible (Jacobi's formula: z tr(a^-1 d[a]))."""
    d[z] = z * matrix_trace(numpy.linalg.solve(a, d[a]))


@adjoint(numpy.linalg.slogdet)
def slogdet(z, a):
    """The sign carries no derivative; `a` must be invertible."""
    # z is (sign, logabsdet): d log|det a| = a^-T
    d[a] += per_matrix(d[z][1]) * transposed(numpy.linalg.inv(a))


@tangent(numpy.linalg.slogdet)
def slogdet_forward(z, a):
    """The sign has tangent 0; `a` must be invertible."""
    d[z] = record_like(z, (zeros_like(z[0]), matrix_trace(numpy.linalg.solve(a, d[a]))))


@adjoint(numpy.linalg.inv)
def inv(z, a):
    d[a] -= transposed(z) @ d[z] @ transposed(z)


@tangent(numpy.linalg.inv)
def inv_forward(z, a):
    d[z] = -(z @ d[a] @ z)


@adjoint(numpy.linalg.solve)
def solve(z, a, b):
    # z = a^-1 b: d[b] = a^-T g, and d[a] = -d[b] z^T (b and z as columns if 1-D)
    gb = solve_transposed(a, d[z], b)
    d[a] -= unbroadcast(as_columns(gb, b) @ transposed(as_columns(z, b)), a)
    d[b] += unbroadcast(gb, b)


@tangent(numpy.linalg.solve)
def solve_forward(z, a, b):
    # z = a^-1 b: dz = a^-1 db - a^-1 da z (b and z as columns if 1-D)
    d[z] = numpy.linalg.solve(a, d[b]) - solve_columns(a, d[a] @ as_columns(z, b), b)


@adjoint(numpy.linalg.matrix_power)
def matrix_power(z, a, n):
    """A negative `n` needs an invertible `a`."""
    d[a] += matrix_power_adjoint(d[z], a, n)


@tangent(numpy.linalg.matrix_power)
def matrix_power_forward(z, a, n):
    """A negative `n` needs an invertible `a`."""
    d[z] = matrix_power_tangent(d[a], a, n)


@adjoint(numpy.linalg.norm)
def norm(z, x, ord=None, axis=None, keepdims=False):
    """At a kink (x = 0, a zero component for ord < 1) the derivative is taken as 0;
    ord=+-inf and the matrix ords +-1, +-inf split the adjoint evenly between ties."""
    d[x] += norm_adjoint(d[z], x, z, ord, axis, keepdims)


@tangent(numpy.linalg.norm)
def norm_forward(z, x, ord=None, axis=None, keepdims=False):
    """At a kink (x = 0, a zero component for ord < 1) the derivative is taken as 0;
    ord=+-inf and the matrix ords +-1, +-inf split the tangent evenly between ties."""
    d[z] = norm_tangent(d[x], x, z, ord, axis, keepdims)


@adjoint(numpy.linalg.vector_norm)
def vector_norm(z, x, *, axis=None, keepdims=False, ord=2):
    """As norm: 0 at kinks, ties split evenly."""
    d[x] += norm_adjoint(d[z], x, z, ord, axis, keepdims, False)


@tangent(numpy.linalg.vector_norm)
def vector_norm_forward(z, x, *, axis=None, keepdims=False, ord=2):
    """As norm: 0 at kinks, ties split evenly."""
    d[z] = norm_tangent(d[x], x, z, ord, axis, keepdims, False)


@adjoint(numpy.linalg.matrix_norm)
def matrix_norm(z, x, *, keepdims=False, ord="fro"):
    """As norm: 0 at kinks, ties split evenly."""
    d[x] += norm_adjoint(d[z], x, z, ord, (-2, -1), keepdims, True)


@tangent(numpy.linalg.matrix_norm)
def matrix_norm_forward(z, x, *, keepdims=False, ord="fro"):
    """As norm: 0 at kinks, ties split evenly."""
    d[z] = norm_tangent(d[x], x, z, ord, (-2, -1), keepdims, True)


@adjoint(numpy.linalg.cholesky)
def cholesky(z, a, *, upper=False):
    """The adjoint is symmetric: the derivative for symmetric changes of `a`."""
    d[a] += cholesky_adjoint(d[z], z, upper)


@tangent(numpy.linalg.cholesky)
def cholesky_forward(z, a, *, upper=False):
    """Along the symmetric part of d[a]: the derivative for symmetric changes of `a`."""
    d[z] = cholesky_tangent(d[a], z, upper)


@adjoint(numpy.linalg.eigh)
def eigh(z, a, UPLO="L"):
    """Symmetric adjoint; exactly equal eigenvalues get no eigenvector term."""
    # z is (eigenvalues, eigenvectors)
    d[a] += eigh_adjoint(d[z][0], d[z][1], z[0], z[1])


@tangent(numpy.linalg.eigh)
def eigh_forward(z, a, UPLO="L"):
    """Along the symmetric part of d[a]; exactly equal eigenvalues get no eigenvector
    term."""
    d[z] = eigh_tangent(d[a], z)


@adjoint(numpy.linalg.eigvalsh)
def eigvalsh(z, a, UPLO="L"):
    """Symmetric adjoint: the derivative for symmetric changes of `a`."""
    d[a] += eigh_adjoint(d[z], None, z, numpy.linalg.eigh(a, UPLO)[1])


@tangent(numpy.linalg.eigvalsh)
def eigvalsh_forward(z, a, UPLO="L"):
    """The derivative for symmetric changes of `a` (eigenvalues see only d[a]'s
    symmetric part)."""
    d[z] = eigvalsh_tangent(d[a], numpy.linalg.eigh(a, UPLO)[1])


@adjoint(numpy.trace, numpy.ndarray.trace)
def trace(z, a, offset=0, axis1=0, axis2=1, dtype=None, out=None):
    d[a] += trace_adjoint(d[z], a, offset, axis1, axis2)


@tangent(numpy.trace, numpy.ndarray.trace)
def trace_forward(z, a, offset=0, axis1=0, axis2=1, dtype=None, out=None):
    d[z] = cast_tangent(numpy.trace(d[a], offset, axis1, axis2), z)


@bilinear(numpy.kron)
def kron(z, a, b):
    d[a] += kron_lhs_adjoint(d[z], a, b)
    d[b] += kron_rhs_adjoint(d[z], a, b)


@adjoint(numpy.linalg.pinv)
def pinv(z, a, rcond=None, hermitian=False, *, rtol=None):
    """`a`'s rank must not change near it (the cutoff `rcond` is taken as constant)."""
    d[a] += pinv_adjoint(d[z], z, a)


@tangent(numpy.linalg.pinv)
def pinv_forward(z, a, rcond=None, hermitian=False, *, rtol=None):
    """`a`'s rank must not change near it (the cutoff `rcond` is taken as constant)."""
    d[z] = pinv_tangent(d[a], z, a)


@adjoint(numpy.linalg.svd)
def svd(z, a, full_matrices=True, compute_uv=True, hermitian=False):
    """Distinct, nonzero singular values; a non-square `a` needs full_matrices=False
    when u or vh is used (their extra columns are not unique)."""
    d[a] += svd_adjoint(d[z], a, full_matrices, compute_uv)


@tangent(numpy.linalg.svd)
def svd_forward(z, a, full_matrices=True, compute_uv=True, hermitian=False):
    """Distinct, nonzero singular values; a non-square `a` needs full_matrices=False
    when u or vh is computed (their extra columns are not unique)."""
    d[z] = svd_tangent(d[a], z, a, full_matrices, compute_uv)


@adjoint(numpy.linalg.svdvals)
def svdvals(z, x):
    """Distinct singular values (ties share no well-defined derivative)."""
    d[x] += svd_adjoint(d[z], x, False, False)


@tangent(numpy.linalg.svdvals)
def svdvals_forward(z, x):
    """Distinct singular values (ties share no well-defined derivative)."""
    d[z] = svd_tangent(d[x], z, x, False, False)


@adjoint(numpy.linalg.qr)
def qr(z, a, mode="reduced"):
    """At least as many rows as columns, full column rank; mode 'reduced' or 'r'."""
    d[a] += qr_adjoint(d[z], a, mode)


@tangent(numpy.linalg.qr)
def qr_forward(z, a, mode="reduced"):
    """At least as many rows as columns, full column rank; mode 'reduced' or 'r'."""
    d[z] = qr_tangent(d[a], z, a, mode)


@adjoint(numpy.linalg.lstsq)
def lstsq(z, a, b, rcond=None):
    """`a`'s rank must not change near it; the rank carries no derivative."""
    parts = lstsq_adjoints(d[z][0], d[z][1], d[z][3], a, b, rcond)
    d[a] += parts[0]
    d[b] += parts[1]


@tangent(numpy.linalg.lstsq)
def lstsq_forward(z, a, b, rcond=None):
    """`a`'s rank must not change near it; the rank has tangent 0."""
    # z is (x, residuals, rank, s): x = pinv(a) b, linear in b; the residuals are
    # |b - a x|^2.  Each part's terms read `a` or `z`: where one tangent is zero, the
    # other term is not broadcast to the whole tuple.  (+ zeros: where `a` has no
    # tangent, zeros of s's shape, not of a's.)
    d[z] = (
        pinv_tangent(d[a], numpy.linalg.pinv(a), a) @ b + numpy.linalg.lstsq(a, d[b], rcond)[0],
        residuals_tangent(d[b], z, a, b) - residuals_tangent(d[a] @ z[0], z, a, b),
        zeros_like(z[2]),
        svd_tangent(d[a], z[3], a, False, False) + zeros_like(z[3]),
    )


@adjoint(numpy.linalg.multi_dot)
def multi_dot(z, arrays, *, out=None):
    d[arrays] += multi_dot_parts(d[z], arrays)


@tangent(numpy.linalg.multi_dot)
def multi_dot_forward(z, arrays, *, out=None):
    d[z] = multi_dot_tangent(d[arrays], arrays)


@adjoint(numpy.linalg.tensorinv)
def tensorinv(z, a, ind=2):
    d[a] += tensorinv_adjoint(d[z], z, a, ind)


@tangent(numpy.linalg.tensorinv)
def tensorinv_forward(z, a, ind=2):
    d[z] = tensorinv_tangent(d[a], z, a, ind)


@adjoint(numpy.linalg.tensorsolve)
def tensorsolve(z, a, b, axes=None):
    parts = tensorsolve_adjoints(d[z], z, a, b, axes)
    d[a] += parts[0]
    d[b] += parts[1]


@tangent(numpy.linalg.tensorsolve)
def tensorsolve_forward(z, a, b, axes=None):
    d[z] = numpy.linalg.tensorsolve(a, d[b], axes) + tensorsolve_tangent(d[a], z, a, b, axes)
