"""Layout: einsum, tile, repeat, roll, pad, stacks and splits, append, insert, delete,
block, rot90, diff, sort, diagonals, triangles.

All but einsum only move, copy or drop elements, so each adjoint sends `d[z]` back
to where the elements came from, adding where one element was copied many times.
A rule that returns a list (split) gets its adjoint as a list, one part per array.
"""

import numpy

from s2s import adjoint, d
from s2s.runtime import concatenated_parts
from s2s.runtime.layout import (
    block_parts,
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
    pad_value_adjoint,
    repeat_adjoint,
    sort_adjoint,
    split_adjoint,
    take_along_axis_adjoint,
    triangle_adjoint,
    tile_adjoint,
)


@adjoint(numpy.einsum)
def einsum(z, subscripts, *operands, out=None, dtype=None, order="K", casting="safe",
           optimize=False):
    """Any number of operands, in the string or the sublist form (where the first
    argument is an operand too)."""
    d[subscripts] += einsum_adjoint(d[z], 0, subscripts, *operands, optimize=optimize)
    d[operands] += einsum_operand_adjoints(d[z], subscripts, *operands, optimize=optimize)


@adjoint(numpy.tile)
def tile(z, A, reps):
    d[A] += tile_adjoint(d[z], A, reps)


@adjoint(numpy.repeat, numpy.ndarray.repeat)
def repeat(z, a, repeats, axis=None):
    d[a] += repeat_adjoint(d[z], a, repeats, axis)


@adjoint(numpy.roll)
def roll(z, a, shift, axis=None):
    d[a] += numpy.roll(d[z], negated(shift), axis)


@adjoint(numpy.pad)
def pad(z, array, pad_width, mode="constant", *, stat_length=None, constant_values=0,
        end_values=0, reflect_type="even"):
    """Modes "constant", "edge", "wrap", and "reflect"/"symmetric" with
    reflect_type "even"; others fail clearly.  `constant_values`: one number."""
    d[array] += pad_adjoint(d[z], array, pad_width, mode, reflect_type)
    d[constant_values] += pad_value_adjoint(d[z], array, pad_width, mode, constant_values)


@adjoint(numpy.hstack)
def hstack(z, tup, *, dtype=None, casting="same_kind"):
    d[tup] += joined_parts(d[z], tup, "h")


@adjoint(numpy.vstack)
def vstack(z, tup, *, dtype=None, casting="same_kind"):
    d[tup] += joined_parts(d[z], tup, "v")


@adjoint(numpy.dstack)
def dstack(z, tup):
    d[tup] += joined_parts(d[z], tup, "d")


@adjoint(numpy.column_stack)
def column_stack(z, tup):
    d[tup] += joined_parts(d[z], tup, "c")


@adjoint(numpy.r_)
def r_(z, *items):
    """`numpy.r_[a, b, ...]` of numbers and arrays (slices and strings are refused)."""
    d[items] += joined_parts(d[z], items, "r")


@adjoint(numpy.c_)
def c_(z, *items):
    d[items] += joined_parts(d[z], items, "c_")


@adjoint(numpy.split, numpy.array_split)
def split(z, ary, indices_or_sections, axis=0):
    d[ary] += split_adjoint(d[z], z, axis)


@adjoint(numpy.hsplit)
def hsplit(z, ary, indices_or_sections):
    d[ary] += split_adjoint(d[z], z, 1 if numpy.ndim(ary) > 1 else 0)


@adjoint(numpy.vsplit)
def vsplit(z, ary, indices_or_sections):
    d[ary] += split_adjoint(d[z], z, 0)


@adjoint(numpy.dsplit)
def dsplit(z, ary, indices_or_sections):
    d[ary] += split_adjoint(d[z], z, 2)


@adjoint(numpy.take_along_axis)
def take_along_axis(z, arr, indices, axis=-1):
    d[arr] += take_along_axis_adjoint(d[z], arr, indices, axis)


@adjoint(numpy.sort)
def sort(z, a, axis=-1, kind=None, order=None, *, stable=None):
    """Equal elements: each gets the adjoint of the place a stable sort puts it in
    (the first of them in `a` the first place among them), whatever `kind`."""
    d[a] += sort_adjoint(d[z], a, axis)


@adjoint(numpy.diag)
def diag(z, v, k=0):
    d[v] += diag_adjoint(d[z], v, k)


@adjoint(numpy.diagonal, numpy.ndarray.diagonal)
def diagonal(z, a, offset=0, axis1=0, axis2=1):
    d[a] += diagonal_adjoint(d[z], a, offset, axis1, axis2)


@adjoint(numpy.triu)
def triu(z, m, k=0):
    d[m] += triangle_adjoint(d[z], m, k)


@adjoint(numpy.tril)
def tril(z, m, k=0):
    d[m] += triangle_adjoint(d[z], m, k, lower=True)


@adjoint(numpy.append)
def append(z, arr, values, axis=None):
    parts = concatenated_parts(d[z], (arr, values), axis)
    d[arr] += parts[0]
    d[values] += parts[1]


@adjoint(numpy.diff)
def diff(z, a, n=1, axis=-1):
    d[a] += diff_adjoint(d[z], a, n, axis)


@adjoint(numpy.rot90)
def rot90(z, m, k=1, axes=(0, 1)):
    d[m] += numpy.rot90(d[z], -k, axes)


@adjoint(numpy.delete)
def delete(z, arr, obj, axis=None):
    d[arr] += delete_adjoint(d[z], arr, obj, axis)


@adjoint(numpy.insert)
def insert(z, arr, obj, values, axis=None):
    parts = insert_adjoints(d[z], arr, obj, values, axis)
    d[arr] += parts[0]
    d[values] += parts[1]


@adjoint(numpy.block)
def block(z, arrays):
    """Nested lists: each array gets its part, as concatenate's arrays do."""
    d[arrays] += block_parts(d[z], arrays)
