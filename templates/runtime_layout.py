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
from s2s.runtime.creation import (
    broadcast_parts,
    geomspace_adjoint,
    geomspace_end_tangent,
    linspace_adjoint,
    logspace_adjoint,
    logspace_base_adjoint,
    meshgrid_parts,
    vander_adjoint,
    vander_adjoint_tangent,
)
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


@tangent(logspace_adjoint)
def logspace_adjoint_forward(out, g, z, start, stop, num=50, endpoint=True, base=10.0, axis=0,
                      end=0):
    """linspace's adjoint of g z log(base): linear in `g` and in logspace's result `z`."""
    d[out] = (logspace_adjoint(d[g], z, start, stop, num, endpoint, base, axis, end)
              + logspace_adjoint(g, d[z], start, stop, num, endpoint, base, axis, end)
              + linspace_adjoint(g * z * d[base] / base, start, stop, num, endpoint, False,
                                 axis, end))


@tangent(logspace_base_adjoint)
def logspace_base_adjoint_forward(out, g, z, start, stop, num=50, endpoint=True, base=10.0,
                           axis=0):
    """The sum of g z (the exponents) / base: linear in `g`, in logspace's result `z`,
    and in the exponents (so in start and stop together)."""
    d[out] = (logspace_base_adjoint(d[g], z, start, stop, num, endpoint, base, axis)
              + logspace_base_adjoint(g, d[z], start, stop, num, endpoint, base, axis)
              + logspace_base_adjoint(g, z, d[start], d[stop], num, endpoint, base, axis)
              - logspace_base_adjoint(g, z, start, stop, num, endpoint, base, axis)
              * d[base] / base)


@tangent(geomspace_adjoint)
def geomspace_adjoint_forward(out, g, z, start, stop, num=50, endpoint=True, axis=0, end=0):
    """The sum of g z (1 - t) / start (g z t / stop): linear in `g` and in geomspace's
    result `z`; the end it divides by adds its term."""
    d[out] = (geomspace_adjoint(d[g], z, start, stop, num, endpoint, axis, end)
              + geomspace_adjoint(g, d[z], start, stop, num, endpoint, axis, end)
              + geomspace_end_tangent(d[start], d[stop], g, z, start, stop, num, endpoint,
                                      axis, end))


@tangent(meshgrid_parts)
def meshgrid_parts_forward(z, g, *xi, sparse=False, indexing="xy"):
    d[z] = meshgrid_parts(d[g], *xi, sparse=sparse, indexing=indexing)


@tangent(broadcast_parts)
def broadcast_parts_forward(z, g, *args):
    d[z] = broadcast_parts(d[g], *args)


@tangent(vander_adjoint)
def vander_adjoint_forward(z, g, x, N=None, increasing=False):
    """The sum over j of g_ij p_j x_i ** (p_j - 1): linear in `g`, and in `x` through
    p_j (p_j - 1) x_i ** (p_j - 2)."""
    d[z] = (vander_adjoint(d[g], x, N, increasing)
            + vander_adjoint_tangent(d[x], g, x, N, increasing))


# -- selection ----------------------------------------------------------------------


@tangent(nancumprod_adjoint)
def nancumprod_adjoint_forward(z, g, a, axis=None):
    """Exact where `a` has zeros, as the adjoint is; the NaNs (taken as 1) have
    derivative 0."""
    d[z] = (nancumprod_adjoint(d[g], a, axis)
            + nancumprod_adjoint_tangent(d[a], g, a, axis))


