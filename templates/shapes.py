"""Shapes and indexing: reshape, transpose, ravel, squeeze, swapaxes, flips, copies,
casts, broadcast_to, take, stack, concatenate, reading `x[index]`, and reading a
field `params.w` of a NamedTuple, dataclass or SimpleNamespace.

None of these change values, only where they sit, so each adjoint puts `d[z]` back
where `x`'s elements came from, and each is linear: its tangent is the same
operation on `d[x]`.  The casts (asarray, array, astype) are linear only into a float
dtype: a cast to integers or booleans has tangent 0 (a linear rule's tangent is put in
its value's dtype wherever the call gives a `dtype`).  The copies' tangents are
written, so that the forward pass knows they are new memory.
"""

import operator

import numpy

from s2s import adjoint, d, linear, tangent
from s2s.runtime import (
    cast_like,
    concatenated_parts,
    indexable,
    inverse_axes,
    items_like,
    keys_tangent,
    snapshot,
    stacked_parts,
    take_adjoint,
    unbroadcast,
)
from s2s.runtime.layout import copy_tangent


@linear(numpy.reshape)
def reshape(z, x, shape=None, order="C", *, newshape=None, copy=None):
    d[x] += numpy.reshape(d[z], numpy.shape(x), order)


@linear(numpy.ndarray.reshape)
def reshape_method(z, x, *shape, order="C", copy=None):
    d[x] += numpy.reshape(d[z], numpy.shape(x), order)


@linear(numpy.ravel)
def ravel(z, x, order="C"):
    d[x] += numpy.reshape(d[z], numpy.shape(x), order)


@linear(numpy.ndarray.ravel, numpy.ndarray.flatten)
def ravel_method(z, x, order="C"):
    d[x] += numpy.reshape(d[z], numpy.shape(x), order)


@linear(numpy.squeeze, numpy.ndarray.squeeze)
def squeeze(z, x, axis=None):
    d[x] += numpy.reshape(d[z], numpy.shape(x))


@linear(numpy.expand_dims)
def expand_dims(z, x, axis):
    d[x] += numpy.reshape(d[z], numpy.shape(x))


@linear(numpy.atleast_1d, numpy.atleast_2d, numpy.atleast_3d)
def atleast_nd(z, x):
    d[x] += numpy.reshape(d[z], numpy.shape(x))


@linear(numpy.transpose)
def transpose(z, x, axes=None):
    d[x] += numpy.transpose(d[z], inverse_axes(axes))


@linear(numpy.ndarray.transpose)
def transpose_method(z, x, *axes):
    d[x] += numpy.transpose(d[z], inverse_axes(axes))


@linear(numpy.ndarray.T)
def T(z, x):
    d[x] += numpy.transpose(d[z])


@linear(numpy.swapaxes, numpy.ndarray.swapaxes)
def swapaxes(z, x, axis1, axis2):
    d[x] += numpy.swapaxes(d[z], axis1, axis2)


@linear(numpy.moveaxis)
def moveaxis(z, x, source, destination):
    d[x] += numpy.moveaxis(d[z], destination, source)


@linear(numpy.flip)
def flip(z, x, axis=None):
    d[x] += numpy.flip(d[z], axis)


@linear(numpy.fliplr)
def fliplr(z, x):
    d[x] += numpy.fliplr(d[z])


@linear(numpy.flipud)
def flipud(z, x):
    d[x] += numpy.flipud(d[z])


@linear(numpy.broadcast_to)
def broadcast_to(z, x, shape, subok=False):
    d[x] += unbroadcast(d[z], x)


@adjoint(numpy.copy)
def copy(z, x, order="K", subok=False):
    d[x] += d[z]


@tangent(numpy.copy)
def copy_forward(z, x, order="K", subok=False):
    # A copy, as the value is: a later write into `x` changes neither.  (copy_tangent:
    # the forward pass knows its result is new memory, so a copy that is written into
    # next, as copies usually are, is not copied again; it keeps a number a number,
    # and makes the tangent of a copied list of numbers an array, as the copy is.)
    d[z] = copy_tangent(d[x], z)


@adjoint(numpy.ndarray.copy)
def copy_method(z, x, order="C"):
    d[x] += d[z]


@tangent(numpy.ndarray.copy)
def copy_method_forward(z, x, order="C"):
    d[z] = snapshot(d[x])  # (as copy_tangent's)


@linear(numpy.asarray, numpy.ascontiguousarray)
def asarray(z, x, dtype=None, order=None, *, device=None, copy=None, like=None):
    d[x] += items_like(d[z], x)


@linear(tuple)
def tuple_(z, x):
    """`tuple(xs)` of a list, a tuple or an array: each item's adjoint is the tuple's
    at its place."""
    d[x] += items_like(d[z], x)


@linear(numpy.array)
def array(z, x, dtype=None, *, copy=True, order="K", subok=False, ndmin=0, like=None):
    d[x] += items_like(d[z], x)


@linear(numpy.ndarray.astype)
def astype(z, x, dtype, order="K", casting="unsafe", subok=True, copy=True):
    d[x] += cast_like(d[z], x)


@linear(numpy.stack)
def stack(z, arrays, axis=0, out=None, *, dtype=None, casting="same_kind"):
    d[arrays] += stacked_parts(d[z], arrays, axis)


@linear(numpy.concatenate)
def concatenate(z, arrays, axis=0, out=None, dtype=None, casting="same_kind"):
    d[arrays] += concatenated_parts(d[z], arrays, axis)


@linear(numpy.take, numpy.ndarray.take)
def take(z, x, indices, axis=None):
    d[x] += take_adjoint(d[z], x, indices, axis)


@linear(operator.getitem)
def getitem(z, x, index):
    """An index array that repeats a position adds every contribution there."""
    d[x][index] += d[z]


@linear(getattr)
def getattr_(z, x, name):
    d[x][name] += d[z]


@adjoint(indexable)
def indexable_(z, sequence):
    d[sequence] += d[z]  # (for a dict's keys: zeros that add nothing, see s2s.runtime)


@tangent(indexable)
def indexable_forward(z, sequence):
    d[z] = keys_tangent(d[sequence], sequence)
