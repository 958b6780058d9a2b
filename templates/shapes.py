"""Shapes and indexing: reshape, transpose, ravel, squeeze, swapaxes, flips, copies,
casts, broadcast_to, take, stack, concatenate, reading `x[index]`, and reading a
field `params.w` of a NamedTuple, dataclass or SimpleNamespace.

None of these change values, only where they sit, so each adjoint puts `d[z]` back
where `x`'s elements came from.
"""

import operator

import numpy

from s2s import adjoint, d
from s2s.runtime import (
    cast_like,
    concatenated_parts,
    indexable,
    inverse_axes,
    items_like,
    stacked_parts,
    take_adjoint,
    unbroadcast,
)


@adjoint(numpy.reshape)
def reshape(z, x, shape=None, order="C", *, newshape=None, copy=None):
    d[x] += numpy.reshape(d[z], numpy.shape(x), order)


@adjoint(numpy.ndarray.reshape)
def reshape_method(z, x, *shape, order="C", copy=None):
    d[x] += numpy.reshape(d[z], numpy.shape(x), order)


@adjoint(numpy.ravel)
def ravel(z, x, order="C"):
    d[x] += numpy.reshape(d[z], numpy.shape(x), order)


@adjoint(numpy.ndarray.ravel, numpy.ndarray.flatten)
def ravel_method(z, x, order="C"):
    d[x] += numpy.reshape(d[z], numpy.shape(x), order)


@adjoint(numpy.squeeze, numpy.ndarray.squeeze)
def squeeze(z, x, axis=None):
    d[x] += numpy.reshape(d[z], numpy.shape(x))


@adjoint(numpy.expand_dims)
def expand_dims(z, x, axis):
    d[x] += numpy.reshape(d[z], numpy.shape(x))


@adjoint(numpy.atleast_1d, numpy.atleast_2d, numpy.atleast_3d)
def atleast_nd(z, x):
    d[x] += numpy.reshape(d[z], numpy.shape(x))


@adjoint(numpy.transpose)
def transpose(z, x, axes=None):
    d[x] += numpy.transpose(d[z], inverse_axes(axes))


@adjoint(numpy.ndarray.transpose)
def transpose_method(z, x, *axes):
    d[x] += numpy.transpose(d[z], inverse_axes(axes))


@adjoint(numpy.ndarray.T)
def T(z, x):
    d[x] += numpy.transpose(d[z])


@adjoint(numpy.swapaxes, numpy.ndarray.swapaxes)
def swapaxes(z, x, axis1, axis2):
    d[x] += numpy.swapaxes(d[z], axis1, axis2)


@adjoint(numpy.moveaxis)
def moveaxis(z, x, source, destination):
    d[x] += numpy.moveaxis(d[z], destination, source)


@adjoint(numpy.flip)
def flip(z, x, axis=None):
    d[x] += numpy.flip(d[z], axis)


@adjoint(numpy.fliplr)
def fliplr(z, x):
    d[x] += numpy.fliplr(d[z])


@adjoint(numpy.flipud)
def flipud(z, x):
    d[x] += numpy.flipud(d[z])


@adjoint(numpy.broadcast_to)
def broadcast_to(z, x, shape, subok=False):
    d[x] += unbroadcast(d[z], x)


@adjoint(numpy.copy)
def copy(z, x, order="K", subok=False):
    d[x] += d[z]


@adjoint(numpy.ndarray.copy)
def copy_method(z, x, order="C"):
    d[x] += d[z]


@adjoint(numpy.asarray, numpy.ascontiguousarray)
def asarray(z, x, dtype=None, order=None, *, device=None, copy=None, like=None):
    d[x] += items_like(d[z], x)


@adjoint(numpy.array)
def array(z, x, dtype=None, *, copy=True, order="K", subok=False, ndmin=0, like=None):
    d[x] += items_like(d[z], x)


@adjoint(numpy.ndarray.astype)
def astype(z, x, dtype, order="K", casting="unsafe", subok=True, copy=True):
    d[x] += cast_like(d[z], x)


@adjoint(numpy.stack)
def stack(z, arrays, axis=0, out=None, *, dtype=None, casting="same_kind"):
    d[arrays] += stacked_parts(d[z], arrays, axis)


@adjoint(numpy.concatenate)
def concatenate(z, arrays, axis=0, out=None, dtype=None, casting="same_kind"):
    d[arrays] += concatenated_parts(d[z], arrays, axis)


@adjoint(numpy.take, numpy.ndarray.take)
def take(z, x, indices, axis=None):
    d[x] += take_adjoint(d[z], x, indices, axis)


@adjoint(operator.getitem)
def getitem(z, x, index):
    """An index array that repeats a position adds every contribution there."""
    d[x][index] += d[z]


@adjoint(getattr)
def getattr_(z, x, name):
    d[x][name] += d[z]


@adjoint(indexable)
def indexable_(z, sequence):
    d[sequence] += d[z]
