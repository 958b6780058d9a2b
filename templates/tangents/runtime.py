"""The runtime's helpers that generated gradients call (`unbroadcast`, the products'
adjoints, ...), so that a generated gradient can be differentiated again: forward
mode over it gives Hessian-vector products.

Each helper is linear in the adjoint `g` it is given (and the products' adjoints in
the other operand too), so its tangent is the helper itself applied to the tangents.
"""

from s2s import d, tangent
from s2s.runtime import (
    cast_like,
    expand_reduced,
    matmul_lhs_adjoint,
    matmul_rhs_adjoint,
    snapshot,
    sum_adjoint,
    unbroadcast,
    writable_like,
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
