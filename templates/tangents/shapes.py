"""Shapes and indexing: reshape, transpose, ravel, squeeze, swapaxes, flips, copies,
casts, broadcast_to, take, stack, concatenate, reading `x[index]`, and reading a
field `params.w` of a NamedTuple, dataclass or SimpleNamespace.

None of these change values, only where they sit, so each tangent is the same
operation on `d[x]`.
"""

import operator

import numpy

from s2s import d, tangent
from s2s.runtime import cast_tangent, indexable, inverse_axes, snapshot


@tangent(numpy.reshape)
def reshape(z, x, shape=None, order="C", *, newshape=None, copy=None):
    d[z] = numpy.reshape(d[x], numpy.shape(z), order)


@tangent(numpy.ndarray.reshape)
def reshape_method(z, x, *shape, order="C", copy=None):
    d[z] = numpy.reshape(d[x], numpy.shape(z), order)


@tangent(numpy.squeeze, numpy.ndarray.squeeze)
def squeeze(z, x, axis=None):
    d[z] = numpy.reshape(d[x], numpy.shape(z))


@tangent(numpy.expand_dims)
def expand_dims(z, x, axis):
    d[z] = numpy.reshape(d[x], numpy.shape(z))


@tangent(numpy.atleast_1d, numpy.atleast_2d, numpy.atleast_3d)
def atleast_nd(z, x):
    d[z] = numpy.reshape(d[x], numpy.shape(z))


@tangent(numpy.ravel, numpy.ndarray.ravel)
def ravel(z, x, order="C"):
    d[z] = numpy.ravel(d[x], order)


@tangent(numpy.ndarray.flatten)
def flatten(z, x, order="C"):
    """A copy, as flatten's value is."""
    d[z] = snapshot(numpy.ravel(d[x], order))


@tangent(numpy.transpose)
def transpose(z, x, axes=None):
    d[z] = numpy.transpose(d[x], axes)


@tangent(numpy.ndarray.transpose)
def transpose_method(z, x, *axes):
    d[z] = numpy.transpose(d[x], inverse_axes(inverse_axes(axes)))


@tangent(numpy.ndarray.T)
def T(z, x):
    d[z] = numpy.transpose(d[x])


@tangent(numpy.swapaxes, numpy.ndarray.swapaxes)
def swapaxes(z, x, axis1, axis2):
    d[z] = numpy.swapaxes(d[x], axis1, axis2)


@tangent(numpy.moveaxis)
def moveaxis(z, x, source, destination):
    d[z] = numpy.moveaxis(d[x], source, destination)


@tangent(numpy.flip)
def flip(z, x, axis=None):
    d[z] = numpy.flip(d[x], axis)


@tangent(numpy.fliplr)
def fliplr(z, x):
    d[z] = numpy.fliplr(d[x])


@tangent(numpy.flipud)
def flipud(z, x):
    d[z] = numpy.flipud(d[x])


@tangent(numpy.broadcast_to)
def broadcast_to(z, x, shape, subok=False):
    d[z] = numpy.broadcast_to(d[x], numpy.shape(z))


@tangent(numpy.copy)
def copy(z, x, order="K", subok=False):
    """A copy, as the value is: a later write into `x` changes neither."""
    d[z] = snapshot(d[x])


@tangent(numpy.ndarray.copy)
def copy_method(z, x, order="C"):
    d[z] = snapshot(d[x])


@tangent(numpy.asarray, numpy.ascontiguousarray)
def asarray(z, x, dtype=None, order=None, *, device=None, copy=None, like=None):
    d[z] = cast_tangent(d[x], z)


@tangent(numpy.array)
def array(z, x, dtype=None, *, copy=True, order="K", subok=False, ndmin=0, like=None):
    d[z] = cast_tangent(d[x], z)


@tangent(numpy.ndarray.astype)
def astype(z, x, dtype, order="K", casting="unsafe", subok=True, copy=True):
    """A cast to integers or booleans has tangent 0."""
    d[z] = cast_tangent(d[x], z)


@tangent(numpy.stack)
def stack(z, arrays, axis=0, out=None, *, dtype=None, casting="same_kind"):
    d[z] = numpy.stack(d[arrays], axis)


@tangent(numpy.concatenate)
def concatenate(z, arrays, axis=0, out=None, dtype=None, casting="same_kind"):
    d[z] = numpy.concatenate(d[arrays], axis)


@tangent(numpy.take, numpy.ndarray.take)
def take(z, x, indices, axis=None):
    d[z] = numpy.take(d[x], indices, axis)


@tangent(operator.getitem)
def getitem(z, x, index):
    d[z] = d[x][index]


@tangent(getattr)
def getattr_(z, x, name):
    d[z] = getattr(d[x], name)


@tangent(indexable)
def indexable_(z, sequence):
    d[z] = d[sequence]
