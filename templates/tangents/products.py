"""Products that contract axes: dot, inner, outer, vdot, tensordot, cross, vecdot,
matvec, vecmat (forward mode; matmul and `@` are in arithmetic.py).  Each is
bilinear, so its tangent is the product with one factor's tangent plus the product
with the other's.  vecdot, matvec and vecmat assume real arrays."""

import numpy

from s2s import d, tangent


@tangent(numpy.dot, numpy.ndarray.dot)
def dot(z, x, y):
    d[z] = numpy.dot(d[x], y) + numpy.dot(x, d[y])


@tangent(numpy.inner)
def inner(z, x, y):
    d[z] = numpy.inner(d[x], y) + numpy.inner(x, d[y])


@tangent(numpy.cross)
def cross(z, a, b, axisa=-1, axisb=-1, axisc=-1, axis=None):
    d[z] = (numpy.cross(d[a], b, axisa, axisb, axisc, axis)
            + numpy.cross(a, d[b], axisa, axisb, axisc, axis))


@tangent(numpy.outer)
def outer(z, x, y):
    d[z] = numpy.outer(d[x], y) + numpy.outer(x, d[y])


@tangent(numpy.vdot)
def vdot(z, x, y):
    d[z] = numpy.vdot(d[x], y) + numpy.vdot(x, d[y])


@tangent(numpy.tensordot)
def tensordot(z, x, y, axes=2):
    d[z] = numpy.tensordot(d[x], y, axes) + numpy.tensordot(x, d[y], axes)


@tangent(numpy.vecdot)
def vecdot(z, x1, x2, /, *, axis=-1):
    """Real arrays."""
    d[z] = numpy.vecdot(d[x1], x2, axis=axis) + numpy.vecdot(x1, d[x2], axis=axis)


@tangent(numpy.matvec)
def matvec(z, x1, x2, /):
    """Real arrays (no conjugate)."""
    d[z] = numpy.matvec(d[x1], x2) + numpy.matvec(x1, d[x2])


@tangent(numpy.vecmat)
def vecmat(z, x1, x2, /):
    """Real arrays (no conjugate)."""
    d[z] = numpy.vecmat(d[x1], x2) + numpy.vecmat(x1, d[x2])
