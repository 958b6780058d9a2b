"""The runtime's helpers for layout, creation and selection (s2s/runtime/layout.py,
creation.py, selection.py) that generated gradients call, so that a gradient through
einsum, tile, pad, the stacks and splits, sort, linspace, meshgrid, select, choose,
... can be differentiated again (Hessian-vector products: forward over reverse).

Most of these move, copy, drop or sum the elements of the adjoint `g` they are given,
in an order or at places set by the primal values' shapes, indices or masks: they
are linear in `g`, and say so where they are defined (`@linear_in` in s2s/runtime),
which gives their tangent, the helper applied to `d[g]`.  This file holds the rest,
and the helpers that carry no derivative.  Orders and
masks read from primal values (sort's and partition's orders, nan_to_num's mask,
unwrap's number of turns, trim_zeros's box) are piecewise constant: no term (the
second derivative follows the piece the first one took).  The rest depend on primal
values too and get the extra terms: einsum's adjoints (multilinear in the operands),
logspace, geomspace and vander (in `z` and the ends, base or points), nancumprod.
"""

from s2s import d, nondifferentiable, tangent
from s2s.runtime.creation import broadcast_parts, meshgrid_parts
from s2s.runtime.layout import (
    einsum_adjoint,
    einsum_adjoint_tangent,
    einsum_operand_adjoints,
    einsum_operand_adjoints_tangent,
    negated,
)
from s2s.runtime.selection import nancumprod_adjoint, nancumprod_adjoint_tangent

nondifferentiable(negated, reason="the runtime's: roll's shift, negated, an integer")


# -- layout -------------------------------------------------------------------------


@tangent(einsum_adjoint)
def einsum_adjoint_forward(z, g, position, *args, optimize=False):
    """Linear in `g` and in each other operand (the operand at `position` gives only
    its shape)."""
    d[z] = (einsum_adjoint(d[g], position, *args, optimize=optimize)
            + einsum_adjoint_tangent(g, d[args], position, *args, optimize=optimize))


@tangent(einsum_operand_adjoints)
def einsum_operand_adjoints_forward(z, g, *args, optimize=False):
    """One tangent per operand's adjoint, as `einsum_adjoint_`'s."""
    d[z] = einsum_operand_adjoints_tangent(d[g], d[args], g, *args, optimize=optimize)


# -- creation -----------------------------------------------------------------------


@tangent(meshgrid_parts)
def meshgrid_parts_forward(z, g, *xi, sparse=False, indexing="xy"):
    d[z] = meshgrid_parts(d[g], *xi, sparse=sparse, indexing=indexing)


@tangent(broadcast_parts)
def broadcast_parts_forward(z, g, *args):
    d[z] = broadcast_parts(d[g], *args)


# -- selection ----------------------------------------------------------------------


@tangent(nancumprod_adjoint)
def nancumprod_adjoint_forward(z, g, a, axis=None):
    """Exact where `a` has zeros, as the adjoint is; the NaNs (taken as 1) have
    derivative 0."""
    d[z] = (nancumprod_adjoint(d[g], a, axis)
            + nancumprod_adjoint_tangent(d[a], g, a, axis))


