"""The runtime's helpers that generated gradients call (`unbroadcast`, the products'
adjoints, ...), so that a generated gradient can be differentiated again: forward
mode over it gives Hessian-vector products.

Each helper is linear in the adjoint `g` it is given (and the products' adjoints in
the other operand too), so its tangent is the helper itself applied to the tangents.
"""

from s2s import d, tangent
from s2s.runtime import (
    add_at,
    cast_like,
    concatenated_parts,
    cross_adjoint,
    dot_lhs_adjoint,
    dot_rhs_adjoint,
    expand_reduced,
    inner_lhs_adjoint,
    inner_rhs_adjoint,
    items_like,
    matmul_lhs_adjoint,
    matmul_rhs_adjoint,
    saved_item,
    snapshot,
    stacked_parts,
    sum_adjoint,
    take_adjoint,
    tensordot_lhs_adjoint,
    tensordot_rhs_adjoint,
    unbroadcast,
    writable_like,
    written_part,
)


@tangent(unbroadcast)
def unbroadcast_(z, g, x):
    d[z] = unbroadcast(d[g], x)


@tangent(expand_reduced)
def expand_reduced_(z, g, x, axis=None, keepdims=False):
    d[z] = expand_reduced(d[g], x, axis, keepdims)


@tangent(cast_like)
def cast_like_(z, g, x, copy=False):
    d[z] = cast_like(d[g], x, copy)


@tangent(sum_adjoint)
def sum_adjoint_(z, g, x):
    d[z] = sum_adjoint(d[g], x)


@tangent(writable_like)
def writable_like_(z, g, x):
    d[z] = writable_like(d[g], x)


@tangent(snapshot)
def snapshot_(z, part):
    d[z] = snapshot(d[part])


@tangent(matmul_lhs_adjoint)
def matmul_lhs_adjoint_(z, g, x, y):
    d[z] = matmul_lhs_adjoint(d[g], x, y) + matmul_lhs_adjoint(g, x, d[y])


@tangent(matmul_rhs_adjoint)
def matmul_rhs_adjoint_(z, g, x, y):
    d[z] = matmul_rhs_adjoint(d[g], x, y) + matmul_rhs_adjoint(g, d[x], y)


# parts of a list's or a stack's adjoint: they move elements, so they depend on the
# arrays they split for only their shapes (and types)


@tangent(items_like)
def items_like_(z, g, x):
    d[z] = items_like(d[g], x)


@tangent(concatenated_parts)
def concatenated_parts_(z, g, arrays, axis=0):
    d[z] = concatenated_parts(d[g], arrays, axis)


@tangent(stacked_parts)
def stacked_parts_(z, g, arrays, axis=0):
    d[z] = stacked_parts(d[g], arrays, axis)


# indexing: `g` gathered or scattered at fixed positions


@tangent(take_adjoint)
def take_adjoint_(z, g, x, indices, axis=None):
    d[z] = take_adjoint(d[g], x, indices, axis)


@tangent(written_part)
def written_part_(z, g, index):
    d[z] = written_part(d[g], index)


@tangent(add_at)
def add_at_(z, g, index, value):
    # `z = add_at(g, index, value)` writes into `g` and returns it: the tangent is
    # added into a copy of g's, which may be another value's too.  (Where the runtime
    # calls it so, `g` is not read again, only `z`; a statement `add_at(g, i, v)` of a
    # generated gradient s2s mirrors itself, into g's tangent.)
    d[z] = add_at(writable_like(d[g], g), index, d[value])


# the products' adjoints: linear in `g` and in the other operand


@tangent(dot_lhs_adjoint)
def dot_lhs_adjoint_(z, g, x, y):
    d[z] = dot_lhs_adjoint(d[g], x, y) + dot_lhs_adjoint(g, x, d[y])


@tangent(dot_rhs_adjoint)
def dot_rhs_adjoint_(z, g, x, y):
    d[z] = dot_rhs_adjoint(d[g], x, y) + dot_rhs_adjoint(g, d[x], y)


@tangent(inner_lhs_adjoint)
def inner_lhs_adjoint_(z, g, x, y):
    d[z] = inner_lhs_adjoint(d[g], x, y) + inner_lhs_adjoint(g, x, d[y])


@tangent(inner_rhs_adjoint)
def inner_rhs_adjoint_(z, g, x, y):
    d[z] = inner_rhs_adjoint(d[g], x, y) + inner_rhs_adjoint(g, d[x], y)


@tangent(tensordot_lhs_adjoint)
def tensordot_lhs_adjoint_(z, g, x, y, axes=2):
    d[z] = tensordot_lhs_adjoint(d[g], x, y, axes) + tensordot_lhs_adjoint(g, x, d[y], axes)


@tangent(tensordot_rhs_adjoint)
def tensordot_rhs_adjoint_(z, g, x, y, axes=2):
    d[z] = tensordot_rhs_adjoint(d[g], x, y, axes) + tensordot_rhs_adjoint(g, d[x], y, axes)


@tangent(cross_adjoint)
def cross_adjoint_(z, g, other, axisa=-1, axisb=-1, axisc=-1, axis=None, first=True):
    d[z] = cross_adjoint(d[g], other, axisa, axisb, axisc, axis, first) + cross_adjoint(
        g, d[other], axisa, axisb, axisc, axis, first
    )


@tangent(saved_item)
def saved_item_(z, container, key):
    d[z] = saved_item(d[container], key)
