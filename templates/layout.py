"""Layout: einsum, tile, repeat, roll, pad, stacks and splits, append, insert, delete,
block, rot90, diff, sort, diagonals, triangles.

All but einsum only move, copy or drop elements, so each adjoint sends `d[z]` back
to where the elements came from, adding where one element was copied many times.
A rule that returns a list (split) gets its adjoint as a list, one part per array.
All but sort (which orders by value) are linear: the tangent is the same operation
applied to the tangents (a list for split, one tangent per part); einsum is linear in
each operand: its tangent is the sum over the operands of einsum with that operand
replaced by its tangent.  Where that would be wrong (pad's modes, the index
`numpy.r_[...]`, insert into integers, block's nested lists), the tangent is written
beside the adjoint.
"""

import numpy

from s2s import adjoint, bilinear, d, linear, tangent
from s2s.runtime import concatenated_parts
from s2s.runtime.layout import (
    block_parts,
    block_tangent,
    c_joined,
    delete_adjoint,
    diag_adjoint,
    diff_adjoint,
    diagonal_adjoint,
    einsum_adjoint,
    einsum_operand_adjoints,
    insert_adjoints,
    joined_parts,
    negated,
    pad_adjoint,
    pad_tangent,
    pad_value_adjoint,
    r_joined,
    repeat_adjoint,
    result_tangent,
    sort_adjoint,
    sort_tangent,
    split_adjoint,
    take_along_axis_adjoint,
    triangle_adjoint,
    tile_adjoint,
)


@bilinear(numpy.einsum)
def einsum(z, subscripts, *operands, out=None, dtype=None, order="K", casting="safe",
           optimize=False):
    """Any number of operands, in the string or the sublist form (where the first
    argument is an operand too)."""
    d[subscripts] += einsum_adjoint(d[z], 0, subscripts, *operands, optimize=optimize)
    d[operands] += einsum_operand_adjoints(d[z], subscripts, *operands, optimize=optimize)


@linear(numpy.tile)
def tile(z, A, reps):
    d[A] += tile_adjoint(d[z], A, reps)


@linear(numpy.repeat, numpy.ndarray.repeat)
def repeat(z, a, repeats, axis=None):
    d[a] += repeat_adjoint(d[z], a, repeats, axis)


@linear(numpy.roll)
def roll(z, a, shift, axis=None):
    d[a] += numpy.roll(d[z], negated(shift), axis)


@adjoint(numpy.pad)
def pad(z, array, pad_width, mode="constant", *, stat_length=None, constant_values=0,
        end_values=0, reflect_type="even"):
    """Modes "constant", "edge", "wrap", and "reflect"/"symmetric" with
    reflect_type "even"; others fail clearly.  `constant_values`: one number."""
    d[array] += pad_adjoint(d[z], array, pad_width, mode, reflect_type)
    d[constant_values] += pad_value_adjoint(d[z], array, pad_width, mode, constant_values)


@tangent(numpy.pad)
def pad_forward(z, array, pad_width, mode="constant", *, stat_length=None,
                 constant_values=0, end_values=0, reflect_type="even"):
    # pad is linear in `array` and `constant_values` together, but not in every mode
    # ("maximum", "median": chosen by value): pad_tangent refuses the modes the
    # adjoint refuses, where numpy.pad of the tangents would pad with their own maxima
    d[z] = pad_tangent(d[array], d[constant_values], pad_width, mode, reflect_type)


@linear(numpy.hstack)
def hstack(z, tup, *, dtype=None, casting="same_kind"):
    d[tup] += joined_parts(d[z], tup, "h")


@linear(numpy.vstack)
def vstack(z, tup, *, dtype=None, casting="same_kind"):
    d[tup] += joined_parts(d[z], tup, "v")


@linear(numpy.dstack)
def dstack(z, tup):
    d[tup] += joined_parts(d[z], tup, "d")


@linear(numpy.column_stack)
def column_stack(z, tup):
    d[tup] += joined_parts(d[z], tup, "c")


@adjoint(numpy.r_)
def r_(z, *items):
    """`numpy.r_[a, b, ...]` of numbers and arrays (slices and strings are refused)."""
    d[items] += joined_parts(d[z], items, "r")


@tangent(numpy.r_)
def r_forward(z, *items):
    # Linear, but written: the derived tangent would be `numpy.r_[da, db]`, an index,
    # whose zero tangents (an item without one) are not simplified away as a call's
    # arguments are; r_joined is numpy.r_ as a function.
    d[z] = result_tangent(r_joined(d[items]), z)


@adjoint(numpy.c_)
def c_(z, *items):
    d[items] += joined_parts(d[z], items, "c_")


@tangent(numpy.c_)
def c_forward(z, *items):
    d[z] = result_tangent(c_joined(d[items]), z)  # (as r_tangent's)


@linear(numpy.split, numpy.array_split)
def split(z, ary, indices_or_sections, axis=0):
    d[ary] += split_adjoint(d[z], z, axis)


@linear(numpy.hsplit)
def hsplit(z, ary, indices_or_sections):
    d[ary] += split_adjoint(d[z], z, 1 if numpy.ndim(ary) > 1 else 0)


@linear(numpy.vsplit)
def vsplit(z, ary, indices_or_sections):
    d[ary] += split_adjoint(d[z], z, 0)


@linear(numpy.dsplit)
def dsplit(z, ary, indices_or_sections):
    d[ary] += split_adjoint(d[z], z, 2)


@linear(numpy.take_along_axis)
def take_along_axis(z, arr, indices, axis=-1):
    d[arr] += take_along_axis_adjoint(d[z], arr, indices, axis)


@adjoint(numpy.sort)
def sort(z, a, axis=-1, kind=None, order=None, *, stable=None):
    """Equal elements: each gets the adjoint of the place a stable sort puts it in
    (the first of them in `a` the first place among them), whatever `kind`."""
    d[a] += sort_adjoint(d[z], a, axis)


@tangent(numpy.sort)
def sort_forward(z, a, axis=-1, kind=None, order=None, *, stable=None):
    # not linear: the order is a's.  The tangent at a place is that of the element a
    # stable sort puts there.
    d[z] = sort_tangent(d[a], a, axis)


@linear(numpy.diag)
def diag(z, v, k=0):
    d[v] += diag_adjoint(d[z], v, k)


@linear(numpy.diagonal, numpy.ndarray.diagonal)
def diagonal(z, a, offset=0, axis1=0, axis2=1):
    d[a] += diagonal_adjoint(d[z], a, offset, axis1, axis2)


@linear(numpy.triu)
def triu(z, m, k=0):
    d[m] += triangle_adjoint(d[z], m, k)


@linear(numpy.tril)
def tril(z, m, k=0):
    d[m] += triangle_adjoint(d[z], m, k, lower=True)


@linear(numpy.append)
def append(z, arr, values, axis=None):
    parts = concatenated_parts(d[z], (arr, values), axis)
    d[arr] += parts[0]
    d[values] += parts[1]


@linear(numpy.diff)
def diff(z, a, n=1, axis=-1):
    d[a] += diff_adjoint(d[z], a, n, axis)


@linear(numpy.rot90)
def rot90(z, m, k=1, axes=(0, 1)):
    d[m] += numpy.rot90(d[z], -k, axes)


@linear(numpy.delete)
def delete(z, arr, obj, axis=None):
    d[arr] += delete_adjoint(d[z], arr, obj, axis)


@adjoint(numpy.insert)
def insert(z, arr, obj, values, axis=None):
    parts = insert_adjoints(d[z], arr, obj, values, axis)
    d[arr] += parts[0]
    d[values] += parts[1]


@tangent(numpy.insert)
def insert_forward(z, arr, obj, values, axis=None):
    # `values` is cast to the dtype of `arr`, as NumPy casts it: into an integer
    # `arr`, truncated, with tangent 0, which result_tangent gives (numpy.insert of
    # the tangents would insert that of `values` into float zeros)
    d[z] = result_tangent(numpy.insert(d[arr], obj, d[values], axis), z)


@adjoint(numpy.block)
def block(z, arrays):
    """Nested lists: each array gets its part, as concatenate's arrays do."""
    d[arrays] += block_parts(d[z], arrays)


@tangent(numpy.block)
def block_forward(z, arrays):
    # Linear, but the tangent of a nested list may be an AdjointList, which Dask's
    # block does not read as a level of nesting (only `list` itself): block_tangent
    # joins the tangents, nested as the arrays are, as plain lists.
    d[z] = block_tangent(d[arrays], z)
