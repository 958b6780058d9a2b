"""Helpers for the rules of numpy.linalg.eig and eigvals (templates/eigen.py): the
eigendecomposition a = v diag(w) v^-1 of a general square matrix (or a stack), whose
eigenvalues and eigenvectors may be complex for a real one.

With p = v^-1 da v, the eigenvalues move by diag(p) and the eigenvectors by
v (f * p), f[i, j] = 1 / (w[j] - w[i]) off the diagonal (0 on it, and 0 for a pair
of exactly equal eigenvalues, whose eigenvectors are not unique); then as NumPy's
(LAPACK's) are normalized: to unit length, and with their largest component real.
The adjoints are these maps' transposes under autograd's convention for complex
numbers (templates/complex.py)."""

import numpy

from s2s.runtime.linalg import record_like, transposed


def _gaps(w):
    """f[..., i, j] = 1 / (w[j] - w[i]), 0 where w[j] == w[i] (the diagonal too)."""
    gap = w[..., None, :] - w[..., :, None]
    return numpy.where(gap == 0, 0, 1 / numpy.where(gap == 0, 1, gap))


def _largest(v):
    """The row of each eigenvector's largest component (which LAPACK makes real)."""
    return numpy.argmax(numpy.abs(v), axis=-2)[..., None, :]


def _normalized(dv, v):
    """The tangent `dv` of eigenvectors `v` kept of unit length and with their largest
    component real, as NumPy's are."""
    dv = dv - v * numpy.real(numpy.sum(numpy.conjugate(v) * dv, axis=-2, keepdims=True))
    if not numpy.iscomplexobj(v):
        return dv
    row = _largest(v)
    turn = numpy.imag(numpy.take_along_axis(dv, row, -2) / numpy.take_along_axis(v, row, -2))
    return dv - 1j * v * turn


def eig_tangent(t, z):
    """The tangent of `z = eig(a)` (eigenvalues, eigenvectors) along `t`."""
    w, v = z
    p = numpy.linalg.solve(v, t @ v)
    dw = numpy.diagonal(p, 0, -2, -1)
    dv = _normalized(v @ (_gaps(w) * p), v)
    return record_like(z, (dw, dv))


def eig_adjoint(gw, gv, w, v, a):
    """The adjoint of `a` in `w, v = eig(a)`, from the adjoints `gw` of the eigenvalues
    and `gv` of the eigenvectors."""
    if numpy.iscomplexobj(v):  # the transpose of keeping the largest component real
        row = _largest(v)
        c = numpy.sum(gv * v, axis=-2, keepdims=True)
        at_row = numpy.arange(v.shape[-2])[:, None] == row  # each column's largest
        gv = gv + at_row * (-1j * numpy.imag(c) / numpy.take_along_axis(v, row, -2))
    # the transpose of keeping unit length
    gv = gv - numpy.conjugate(v) * numpy.real(numpy.sum(gv * v, axis=-2, keepdims=True))
    vt = transposed(v)
    n = numpy.arange(w.shape[-1])
    inner = gw[..., :, None] * (n[:, None] == n) + _gaps(w) * (vt @ gv)  # (in w's dtype)
    ga = numpy.linalg.solve(vt, inner @ vt)  # v^-T inner v^T
    return ga if numpy.iscomplexobj(a) else numpy.real(ga)


def eigvals_tangent(t, a):
    """The tangent of `w = eigvals(a)` along `t`: diag(v^-1 t v)."""
    _, v = numpy.linalg.eig(a)
    return numpy.diagonal(numpy.linalg.solve(v, t @ v), 0, -2, -1)


def eigvals_adjoint(g, a):
    """The adjoint of `a` in `w = eigvals(a)`: v^-T diag(g) v^T."""
    _, v = numpy.linalg.eig(a)
    vt = transposed(v)
    ga = numpy.linalg.solve(vt, g[..., :, None] * vt)
    return ga if numpy.iscomplexobj(a) else numpy.real(ga)
