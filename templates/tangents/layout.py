"""Layout: einsum, tile, repeat, roll, pad, stacks and splits, append, insert, delete,
block, rot90, diff, sort, diagonals, triangles.

All but einsum only move, copy or drop elements, so each tangent is the same
operation applied to the tangents (a list for split, one tangent per part).  einsum
is linear in each operand: its tangent is the sum over the operands of einsum with
that operand replaced by its tangent.
"""

import numpy

from s2s import d, tangent
from s2s.runtime.layout import (
    block_tangent,
    c_joined,
    einsum_tangent,
    einsum_tangents,
    pad_tangent,
    r_joined,
    result_tangent,
    sort_tangent,
)


@tangent(numpy.einsum)
def einsum(z, subscripts, *operands, out=None, dtype=None, order="K", casting="safe",
           optimize=False):
    """Any number of operands, in the string or the sublist form (where the first
    argument is an operand too)."""
    d[z] = (
        einsum_tangent(d[subscripts], 0, subscripts, *operands, optimize=optimize,
                       dtype=dtype, casting=casting)
        + einsum_tangents(d[operands], subscripts, *operands, optimize=optimize,
                          dtype=dtype, casting=casting)
    )


@tangent(numpy.tile)
def tile(z, A, reps):
    d[z] = numpy.tile(d[A], reps)


@tangent(numpy.repeat, numpy.ndarray.repeat)
def repeat(z, a, repeats, axis=None):
    d[z] = numpy.repeat(d[a], repeats, axis)


@tangent(numpy.roll)
def roll(z, a, shift, axis=None):
    d[z] = numpy.roll(d[a], shift, axis)


@tangent(numpy.pad)
def pad(z, array, pad_width, mode="constant", *, stat_length=None, constant_values=0,
        end_values=0, reflect_type="even"):
    """Modes "constant", "edge", "wrap", and "reflect"/"symmetric" with
    reflect_type "even"; others fail clearly."""
    d[z] = pad_tangent(d[array], d[constant_values], pad_width, mode, reflect_type)


@tangent(numpy.hstack)
def hstack(z, tup, *, dtype=None, casting="same_kind"):
    d[z] = result_tangent(numpy.hstack(d[tup]), z)


@tangent(numpy.vstack)
def vstack(z, tup, *, dtype=None, casting="same_kind"):
    d[z] = result_tangent(numpy.vstack(d[tup]), z)


@tangent(numpy.dstack)
def dstack(z, tup):
    d[z] = result_tangent(numpy.dstack(d[tup]), z)


@tangent(numpy.column_stack)
def column_stack(z, tup):
    d[z] = result_tangent(numpy.column_stack(d[tup]), z)


@tangent(numpy.r_)
def r_(z, *items):
    d[z] = result_tangent(r_joined(d[items]), z)


@tangent(numpy.c_)
def c_(z, *items):
    d[z] = result_tangent(c_joined(d[items]), z)


@tangent(numpy.split)
def split(z, ary, indices_or_sections, axis=0):
    d[z] = numpy.split(d[ary], indices_or_sections, axis)


@tangent(numpy.array_split)
def array_split(z, ary, indices_or_sections, axis=0):
    d[z] = numpy.array_split(d[ary], indices_or_sections, axis)


@tangent(numpy.hsplit)
def hsplit(z, ary, indices_or_sections):
    d[z] = numpy.hsplit(d[ary], indices_or_sections)


@tangent(numpy.vsplit)
def vsplit(z, ary, indices_or_sections):
    d[z] = numpy.vsplit(d[ary], indices_or_sections)


@tangent(numpy.dsplit)
def dsplit(z, ary, indices_or_sections):
    d[z] = numpy.dsplit(d[ary], indices_or_sections)


@tangent(numpy.take_along_axis)
def take_along_axis(z, arr, indices, axis=-1):
    d[z] = numpy.take_along_axis(d[arr], indices, axis)


@tangent(numpy.sort)
def sort(z, a, axis=-1, kind=None, order=None, *, stable=None):
    """Equal elements: each gets the adjoint of the place a stable sort puts it in
    (the first of them in `a` the first place among them), whatever `kind`; so the
    tangent at a place is that of the element a stable sort puts there."""
    d[z] = sort_tangent(d[a], a, axis)


@tangent(numpy.diag)
def diag(z, v, k=0):
    d[z] = numpy.diag(d[v], k)


@tangent(numpy.diagonal, numpy.ndarray.diagonal)
def diagonal(z, a, offset=0, axis1=0, axis2=1):
    d[z] = numpy.diagonal(d[a], offset, axis1, axis2)


@tangent(numpy.triu)
def triu(z, m, k=0):
    d[z] = numpy.triu(d[m], k)


@tangent(numpy.tril)
def tril(z, m, k=0):
    d[z] = numpy.tril(d[m], k)


@tangent(numpy.append)
def append(z, arr, values, axis=None):
    d[z] = result_tangent(numpy.append(d[arr], d[values], axis), z)


@tangent(numpy.diff)
def diff(z, a, n=1, axis=-1):
    d[z] = numpy.diff(d[a], n, axis)


@tangent(numpy.rot90)
def rot90(z, m, k=1, axes=(0, 1)):
    d[z] = numpy.rot90(d[m], k, axes)


@tangent(numpy.delete)
def delete(z, arr, obj, axis=None):
    d[z] = numpy.delete(d[arr], obj, axis)


@tangent(numpy.insert)
def insert(z, arr, obj, values, axis=None):
    """`values` is cast to the dtype of `arr`, as NumPy casts it."""
    d[z] = result_tangent(numpy.insert(d[arr], obj, d[values], axis), z)


@tangent(numpy.block)
def block(z, arrays):
    """Nested lists: the tangents of the arrays, nested as they are, joined as
    numpy.block joins the arrays."""
    d[z] = block_tangent(d[arrays], z)
