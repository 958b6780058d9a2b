"""The runtime's helpers that generated gradients call (`unbroadcast`, the products'
adjoints, ...), so that a generated gradient can be differentiated again: in reverse
mode (`s2s.grad(s2s.grad(f))`), by the adjoints here, and in forward mode (Hessian-
vector products).

Each helper is linear in the adjoint `g` it is given (the products' adjoints in the
other operand too): broadcasting back is summing, summing back is broadcasting.  The
helpers say so where they are defined (`@linear_in` in s2s/runtime), which gives
their tangents, the helper applied to tangents; `add_at`'s is written here.
"""

import numpy

from s2s import adjoint, d, elementwise, tangent
from s2s.runtime import (
    add_at,
    cast_like,
    copy_object,
    expand_reduced,
    matmul_lhs_adjoint,
    matmul_rhs_adjoint,
    snapshot,
    unbroadcast,
    writable_like,
)
from s2s.runtime.elementwise import positive_log


@adjoint(unbroadcast)
def unbroadcast_(z, g, x):
    d[g] += d[z] + numpy.zeros_like(g)


@adjoint(expand_reduced)
def expand_reduced_(z, g, x, axis=None, keepdims=False):
    d[g] += unbroadcast(numpy.sum(d[z], axis=axis, keepdims=keepdims), g)


@adjoint(cast_like, writable_like)
def cast_like_(z, g, x, copy=False):
    d[g] += d[z]


@adjoint(copy_object)
def copy_object_(z, obj):
    d[obj] += d[z]


@adjoint(snapshot)
def snapshot_(z, part):
    d[part] += d[z]


@adjoint(matmul_lhs_adjoint)
def matmul_lhs_adjoint_(z, g, x, y):
    # z = g y^T, at x's shape
    d[g] += unbroadcast(numpy.matmul(d[z], y), g)
    d[y] += matmul_rhs_adjoint(g, d[z], y)


@adjoint(matmul_rhs_adjoint)
def matmul_rhs_adjoint_(z, g, x, y):
    # z = x^T g, at y's shape
    d[g] += unbroadcast(numpy.matmul(x, d[z]), g)
    d[x] += matmul_lhs_adjoint(g, x, d[z])


@elementwise(positive_log)
def positive_log_(z, x):
    """log(x) where x > 0, 0 elsewhere: slope 1 / x, and 0."""
    return numpy.where(x > 0, 1.0 / numpy.where(x > 0, x, 1), 0.0)


@tangent(add_at)
def add_at_forward(z, g, index, value):
    # `z = add_at(g, index, value)` writes into `g` and returns it: the tangent is
    # added into a copy of g's, which may be another value's too.  (Where the runtime
    # calls it so, `g` is not read again, only `z`; a statement `add_at(g, i, v)` of a
    # generated gradient s2s mirrors itself, into g's tangent.)
    d[z] = add_at(writable_like(d[g], g), index, d[value])
