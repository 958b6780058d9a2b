"""Linear algebra: determinants, inverses, solves, norms, cholesky, eigh, trace, kron,
pinv, svd, qr, lstsq, multi_dot, tensorinv and tensorsolve (forward mode).

The conventions are the reverse rules' (templates/linalg.py):
- cholesky, eigh and eigvalsh give the tangent along the symmetric part of `d[a]`,
  the derivative for symmetric changes of `a` that their symmetric adjoints are.
- eigh: a pair of exactly equal eigenvalues contributes no eigenvector term.
- norm: 0 at kinks (x = 0 for every ord, a zero component for a vector ord < 1,
  ord=0 everywhere); ord=+-inf and the matrix ords +-1, +-inf split the tangent
  evenly between tied entries (rows, columns); the matrix ords 2 and -2 follow the
  singular vectors NumPy's svd gives.
- det, slogdet and a negative matrix_power need an invertible `a`; slogdet's sign
  has tangent 0.  svd: distinct, nonzero singular values, full_matrices=False for a
  non-square `a` when u or vh is computed.  qr: at least as many rows as columns,
  full column rank, mode 'reduced' or 'r'.  pinv and lstsq: `a`'s rank does not
  change near it; lstsq's rank has tangent 0.

Results that NumPy gives as records (SlogdetResult, EighResult, SVDResult, QRResult)
get tangents of the same record type, so `result.eigenvalues` reads its tangent too.
"""

import numpy

from s2s import d, tangent
from s2s.runtime import cast_tangent, zeros_like
from s2s.runtime.linalg import (
    as_columns,
    cholesky_tangent,
    eigh_tangent,
    eigvalsh_tangent,
    matrix_power_tangent,
    matrix_trace,
    multi_dot_tangent,
    norm_tangent,
    pinv_tangent,
    qr_tangent,
    record_like,
    residuals_tangent,
    solve_columns,
    svd_tangent,
    tensorinv_tangent,
    tensorsolve_tangent,
)


@tangent(numpy.linalg.det)
def det(z, a):
    """`a` must be invertible (Jacobi's formula: z tr(a^-1 d[a]))."""
    d[z] = z * matrix_trace(numpy.linalg.solve(a, d[a]))


@tangent(numpy.linalg.slogdet)
def slogdet(z, a):
    """The sign has tangent 0; `a` must be invertible."""
    d[z] = record_like(z, (zeros_like(z[0]), matrix_trace(numpy.linalg.solve(a, d[a]))))


@tangent(numpy.linalg.inv)
def inv(z, a):
    d[z] = -(z @ d[a] @ z)


@tangent(numpy.linalg.solve)
def solve(z, a, b):
    # z = a^-1 b: dz = a^-1 db - a^-1 da z (b and z as columns if 1-D)
    d[z] = numpy.linalg.solve(a, d[b]) - solve_columns(a, d[a] @ as_columns(z, b), b)


@tangent(numpy.linalg.matrix_power)
def matrix_power(z, a, n):
    """A negative `n` needs an invertible `a`."""
    d[z] = matrix_power_tangent(d[a], a, n)


@tangent(numpy.linalg.norm)
def norm(z, x, ord=None, axis=None, keepdims=False):
    """At a kink (x = 0, a zero component for ord < 1) the derivative is taken as 0;
    ord=+-inf and the matrix ords +-1, +-inf split the tangent evenly between ties."""
    d[z] = norm_tangent(d[x], x, z, ord, axis, keepdims)


@tangent(numpy.linalg.vector_norm)
def vector_norm(z, x, *, axis=None, keepdims=False, ord=2):
    """As norm: 0 at kinks, ties split evenly."""
    d[z] = norm_tangent(d[x], x, z, ord, axis, keepdims, False)


@tangent(numpy.linalg.matrix_norm)
def matrix_norm(z, x, *, keepdims=False, ord="fro"):
    """As norm: 0 at kinks, ties split evenly."""
    d[z] = norm_tangent(d[x], x, z, ord, (-2, -1), keepdims, True)


@tangent(numpy.linalg.cholesky)
def cholesky(z, a, *, upper=False):
    """Along the symmetric part of d[a]: the derivative for symmetric changes of `a`."""
    d[z] = cholesky_tangent(d[a], z, upper)


@tangent(numpy.linalg.eigh)
def eigh(z, a, UPLO="L"):
    """Along the symmetric part of d[a]; exactly equal eigenvalues get no eigenvector
    term."""
    d[z] = eigh_tangent(d[a], z)


@tangent(numpy.linalg.eigvalsh)
def eigvalsh(z, a, UPLO="L"):
    """The derivative for symmetric changes of `a` (eigenvalues see only d[a]'s
    symmetric part)."""
    d[z] = eigvalsh_tangent(d[a], numpy.linalg.eigh(a, UPLO)[1])


@tangent(numpy.trace, numpy.ndarray.trace)
def trace(z, a, offset=0, axis1=0, axis2=1, dtype=None, out=None):
    d[z] = cast_tangent(numpy.trace(d[a], offset, axis1, axis2), z)


@tangent(numpy.kron)
def kron(z, a, b):
    d[z] = numpy.kron(d[a], b) + numpy.kron(a, d[b])


@tangent(numpy.linalg.pinv)
def pinv(z, a, rcond=None, hermitian=False, *, rtol=None):
    """`a`'s rank must not change near it (the cutoff `rcond` is taken as constant)."""
    d[z] = pinv_tangent(d[a], z, a)


@tangent(numpy.linalg.svd)
def svd(z, a, full_matrices=True, compute_uv=True, hermitian=False):
    """Distinct, nonzero singular values; a non-square `a` needs full_matrices=False
    when u or vh is computed (their extra columns are not unique)."""
    d[z] = svd_tangent(d[a], z, a, full_matrices, compute_uv)


@tangent(numpy.linalg.svdvals)
def svdvals(z, x):
    """Distinct singular values (ties share no well-defined derivative)."""
    d[z] = svd_tangent(d[x], z, x, False, False)


@tangent(numpy.linalg.qr)
def qr(z, a, mode="reduced"):
    """At least as many rows as columns, full column rank; mode 'reduced' or 'r'."""
    d[z] = qr_tangent(d[a], z, a, mode)


@tangent(numpy.linalg.lstsq)
def lstsq(z, a, b, rcond=None):
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


@tangent(numpy.linalg.multi_dot)
def multi_dot(z, arrays, *, out=None):
    d[z] = multi_dot_tangent(d[arrays], arrays)


@tangent(numpy.linalg.tensorinv)
def tensorinv(z, a, ind=2):
    d[z] = tensorinv_tangent(d[a], z, a, ind)


@tangent(numpy.linalg.tensorsolve)
def tensorsolve(z, a, b, axes=None):
    d[z] = numpy.linalg.tensorsolve(a, d[b], axes) + tensorsolve_tangent(d[a], z, a, b, axes)
