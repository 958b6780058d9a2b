"""Products that contract axes: dot, inner, outer, vdot, tensordot, cross, vecdot,
matvec, vecmat (matmul and `@` are in arithmetic.py).  Each is bilinear: its tangent
is the product with one factor's tangent plus the product with the other's.  vecdot
and vecmat, which conjugate an argument, are differentiated for real arrays only."""

import numpy

from s2s import bilinear, d
from s2s.runtime import (
    cross_adjoint,
    dot_lhs_adjoint,
    dot_rhs_adjoint,
    inner_lhs_adjoint,
    inner_rhs_adjoint,
    tensordot_lhs_adjoint,
    tensordot_rhs_adjoint,
    unbroadcast,
    vecdot_axis,
)


@bilinear(numpy.dot, numpy.ndarray.dot)
def dot(z, x, y):
    d[x] += dot_lhs_adjoint(d[z], x, y)
    d[y] += dot_rhs_adjoint(d[z], x, y)


@bilinear(numpy.inner)
def inner(z, x, y):
    d[x] += inner_lhs_adjoint(d[z], x, y)
    d[y] += inner_rhs_adjoint(d[z], x, y)


@bilinear(numpy.cross)
def cross(z, a, b, axisa=-1, axisb=-1, axisc=-1, axis=None):
    """Two 3-vectors or two 2-vectors, along any axes; a 2-vector crossed with a
    3-vector is refused."""
    d[a] += unbroadcast(cross_adjoint(d[z], b, axisa, axisb, axisc, axis, True, a), a)
    d[b] += unbroadcast(cross_adjoint(d[z], a, axisa, axisb, axisc, axis, False, b), b)


@bilinear(numpy.outer)
def outer(z, x, y):
    d[x] += numpy.reshape(numpy.dot(d[z], numpy.ravel(y)), numpy.shape(x))
    d[y] += numpy.reshape(numpy.dot(numpy.ravel(x), d[z]), numpy.shape(y))


@bilinear(numpy.vdot)
def vdot(z, x, y):
    """sum(conj(x) y): conjugate-linear in x."""
    d[x] += numpy.conjugate(d[z] * numpy.reshape(y, numpy.shape(x)))
    d[y] += d[z] * numpy.reshape(numpy.conjugate(x), numpy.shape(y))


@bilinear(numpy.tensordot)
def tensordot(z, x, y, axes=2):
    d[x] += tensordot_lhs_adjoint(d[z], x, y, axes)
    d[y] += tensordot_rhs_adjoint(d[z], x, y, axes)


@bilinear(numpy.vecdot)
def vecdot(z, x1, x2, /, *, axis=-1):
    """Real arrays; a non-negative `axis` only where x1 and x2 have as many
    dimensions (else refused)."""
    # sum(x1 x2) over `axis`
    g = numpy.expand_dims(d[z], vecdot_axis(axis, x1, x2))
    d[x1] += unbroadcast(g * x2, x1)
    d[x2] += unbroadcast(g * x1, x2)


@bilinear(numpy.matvec)
def matvec(z, x1, x2, /):
    # z[..., i] = sum_j x1[..., i, j] x2[..., j]
    d[x1] += unbroadcast(d[z][..., :, None] * x2[..., None, :], x1)
    d[x2] += unbroadcast(numpy.vecmat(d[z], x1), x2)


@bilinear(numpy.vecmat)
def vecmat(z, x1, x2, /):
    """Real arrays (no conjugate)."""
    # z[..., j] = sum_i x1[..., i] x2[..., i, j]
    d[x1] += unbroadcast(numpy.matvec(x2, d[z]), x1)
    d[x2] += unbroadcast(x1[..., :, None] * d[z][..., None, :], x2)
