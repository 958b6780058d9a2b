"""The runtime's helpers for layout, creation and selection (s2s/runtime/layout.py,
creation.py, selection.py) that generated gradients call, so that a gradient through
einsum, tile, pad, the stacks and splits, sort, linspace, meshgrid, select, choose,
... can be differentiated again (Hessian-vector products: forward over reverse).

Most of these move, copy, drop or sum the elements of the adjoint `g` they are given,
in an order or at places set by the primal values' shapes, indices or masks: they
are linear in `g`, so their tangent is the helper applied to `d[g]`.  Orders and
masks read from primal values (sort's and partition's orders, nan_to_num's mask,
unwrap's number of turns, trim_zeros's box) are piecewise constant: no term (the
second derivative follows the piece the first one took).  The rest depend on primal
values too and get the extra terms: einsum's adjoints (multilinear in the operands),
logspace, geomspace and vander (in `z` and the ends, base or points), nancumprod.
"""

from s2s import d, nondifferentiable, tangent
from s2s.runtime.creation import (
    arange_adjoints,
    broadcast_parts,
    fill_value_adjoint,
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
    block_parts,
    delete_adjoint,
    diag_adjoint,
    diagonal_adjoint,
    diff_adjoint,
    einsum_adjoint,
    einsum_adjoint_tangent,
    einsum_operand_adjoints,
    einsum_operand_adjoints_tangent,
    insert_adjoints,
    joined_parts,
    negated,
    pad_adjoint,
    pad_value_adjoint,
    repeat_adjoint,
    sort_adjoint,
    split_adjoint,
    take_along_axis_adjoint,
    tile_adjoint,
    triangle_adjoint,
)
from s2s.runtime.selection import (
    bincount_weights_adjoint,
    choose_adjoints,
    compress_adjoint,
    ediff1d_adjoints,
    nan_to_num_adjoint,
    nancumprod_adjoint,
    nancumprod_adjoint_tangent,
    nancumsum_adjoint,
    permuted_adjoint,
    replaced_adjoint,
    resize_adjoint,
    rollaxis_adjoint,
    select_adjoints,
    select_default_adjoint,
    trim_zeros_adjoint,
    unstack_adjoint,
    unwrap_period_adjoint,
)

nondifferentiable(negated, reason="the runtime's: roll's shift, negated, an integer")


# -- layout -------------------------------------------------------------------------


@tangent(einsum_adjoint)
def einsum_adjoint_(z, g, position, *args, optimize=False):
    """Linear in `g` and in each other operand (the operand at `position` gives only
    its shape)."""
    d[z] = (einsum_adjoint(d[g], position, *args, optimize=optimize)
            + einsum_adjoint_tangent(g, d[args], position, *args, optimize=optimize))


@tangent(einsum_operand_adjoints)
def einsum_operand_adjoints_(z, g, *args, optimize=False):
    """One tangent per operand's adjoint, as `einsum_adjoint_`'s."""
    d[z] = einsum_operand_adjoints_tangent(d[g], d[args], g, *args, optimize=optimize)


@tangent(tile_adjoint)
def tile_adjoint_(z, g, x, reps):
    d[z] = tile_adjoint(d[g], x, reps)


@tangent(repeat_adjoint)
def repeat_adjoint_(z, g, x, repeats, axis=None):
    d[z] = repeat_adjoint(d[g], x, repeats, axis)


@tangent(pad_adjoint)
def pad_adjoint_(z, g, x, pad_width, mode="constant", reflect_type="even"):
    d[z] = pad_adjoint(d[g], x, pad_width, mode, reflect_type)


@tangent(pad_value_adjoint)
def pad_value_adjoint_(z, g, x, pad_width, mode="constant", constant_values=0):
    d[z] = pad_value_adjoint(d[g], x, pad_width, mode, constant_values)


@tangent(joined_parts)
def joined_parts_(z, g, arrays, how):
    d[z] = joined_parts(d[g], arrays, how)


@tangent(split_adjoint)
def split_adjoint_(z, g, parts, axis=0):
    d[z] = split_adjoint(d[g], parts, axis)


@tangent(take_along_axis_adjoint)
def take_along_axis_adjoint_(z, g, x, indices, axis=-1):
    d[z] = take_along_axis_adjoint(d[g], x, indices, axis)


@tangent(sort_adjoint)
def sort_adjoint_(z, g, x, axis=-1):
    """The order (a stable sort's, at ties) is piecewise constant in `x`."""
    d[z] = sort_adjoint(d[g], x, axis)


@tangent(diagonal_adjoint)
def diagonal_adjoint_(z, g, x, offset=0, axis1=0, axis2=1):
    d[z] = diagonal_adjoint(d[g], x, offset, axis1, axis2)


@tangent(diag_adjoint)
def diag_adjoint_(z, g, v, k=0):
    d[z] = diag_adjoint(d[g], v, k)


@tangent(triangle_adjoint)
def triangle_adjoint_(z, g, m, k=0, lower=False):
    d[z] = triangle_adjoint(d[g], m, k, lower)


@tangent(diff_adjoint)
def diff_adjoint_(z, g, x, n=1, axis=-1):
    d[z] = diff_adjoint(d[g], x, n, axis)


@tangent(delete_adjoint)
def delete_adjoint_(z, g, arr, obj, axis=None):
    d[z] = delete_adjoint(d[g], arr, obj, axis)


@tangent(insert_adjoints)
def insert_adjoints_(z, g, arr, obj, values, axis=None):
    d[z] = insert_adjoints(d[g], arr, obj, values, axis)


@tangent(block_parts)
def block_parts_(z, g, arrays):
    d[z] = block_parts(d[g], arrays)


# -- creation -----------------------------------------------------------------------


@tangent(linspace_adjoint)
def linspace_adjoint_(z, g, start, stop, num=50, endpoint=True, retstep=False, axis=0,
                      end=0):
    """The fractions t_i are constants; start and stop give only shapes."""
    d[z] = linspace_adjoint(d[g], start, stop, num, endpoint, retstep, axis, end)


@tangent(logspace_adjoint)
def logspace_adjoint_(out, g, z, start, stop, num=50, endpoint=True, base=10.0, axis=0,
                      end=0):
    """linspace's adjoint of g z log(base): linear in `g` and in logspace's result `z`."""
    d[out] = (logspace_adjoint(d[g], z, start, stop, num, endpoint, base, axis, end)
              + logspace_adjoint(g, d[z], start, stop, num, endpoint, base, axis, end)
              + linspace_adjoint(g * z * d[base] / base, start, stop, num, endpoint, False,
                                 axis, end))


@tangent(logspace_base_adjoint)
def logspace_base_adjoint_(out, g, z, start, stop, num=50, endpoint=True, base=10.0,
                           axis=0):
    """The sum of g z (the exponents) / base: linear in `g`, in logspace's result `z`,
    and in the exponents (so in start and stop together)."""
    d[out] = (logspace_base_adjoint(d[g], z, start, stop, num, endpoint, base, axis)
              + logspace_base_adjoint(g, d[z], start, stop, num, endpoint, base, axis)
              + logspace_base_adjoint(g, z, d[start], d[stop], num, endpoint, base, axis)
              - logspace_base_adjoint(g, z, start, stop, num, endpoint, base, axis)
              * d[base] / base)


@tangent(geomspace_adjoint)
def geomspace_adjoint_(out, g, z, start, stop, num=50, endpoint=True, axis=0, end=0):
    """The sum of g z (1 - t) / start (g z t / stop): linear in `g` and in geomspace's
    result `z`; the end it divides by adds its term."""
    d[out] = (geomspace_adjoint(d[g], z, start, stop, num, endpoint, axis, end)
              + geomspace_adjoint(g, d[z], start, stop, num, endpoint, axis, end)
              + geomspace_end_tangent(d[start], d[stop], g, z, start, stop, num, endpoint,
                                      axis, end))


@tangent(arange_adjoints)
def arange_adjoints_(z, g, start_or_stop, stop=None, step=1):
    d[z] = arange_adjoints(d[g], start_or_stop, stop, step)


@tangent(meshgrid_parts)
def meshgrid_parts_(z, g, *xi, sparse=False, indexing="xy"):
    d[z] = meshgrid_parts(d[g], *xi, sparse=sparse, indexing=indexing)


@tangent(broadcast_parts)
def broadcast_parts_(z, g, *args):
    d[z] = broadcast_parts(d[g], *args)


@tangent(vander_adjoint)
def vander_adjoint_(z, g, x, N=None, increasing=False):
    """The sum over j of g_ij p_j x_i ** (p_j - 1): linear in `g`, and in `x` through
    p_j (p_j - 1) x_i ** (p_j - 2)."""
    d[z] = (vander_adjoint(d[g], x, N, increasing)
            + vander_adjoint_tangent(d[x], g, x, N, increasing))


@tangent(fill_value_adjoint)
def fill_value_adjoint_(z, g, fill_value):
    d[z] = fill_value_adjoint(d[g], fill_value)


# -- selection ----------------------------------------------------------------------


@tangent(select_adjoints)
def select_adjoints_(z, g, condlist, choicelist):
    d[z] = select_adjoints(d[g], condlist, choicelist)


@tangent(select_default_adjoint)
def select_default_adjoint_(z, g, condlist, default=0):
    d[z] = select_default_adjoint(d[g], condlist, default)


@tangent(choose_adjoints)
def choose_adjoints_(z, g, a, choices, mode="raise"):
    d[z] = choose_adjoints(d[g], a, choices, mode)


@tangent(compress_adjoint)
def compress_adjoint_(z, g, condition, a, axis=None):
    d[z] = compress_adjoint(d[g], condition, a, axis)


@tangent(permuted_adjoint)
def permuted_adjoint_(out, g, z, a, axis=-1):
    """The matching of `z`'s places to `a`'s (stable sorts' at ties) is piecewise
    constant."""
    d[out] = permuted_adjoint(d[g], z, a, axis)


@tangent(trim_zeros_adjoint)
def trim_zeros_adjoint_(z, g, filt, trim="fb", axis=None):
    """The box (where `filt`'s exact zeros end) is piecewise constant."""
    d[z] = trim_zeros_adjoint(d[g], filt, trim, axis)


@tangent(bincount_weights_adjoint)
def bincount_weights_adjoint_(z, g, x, weights):
    d[z] = bincount_weights_adjoint(d[g], x, weights)


@tangent(nan_to_num_adjoint)
def nan_to_num_adjoint_(z, g, x, copy=True):
    d[z] = nan_to_num_adjoint(d[g], x, copy)


@tangent(replaced_adjoint)
def replaced_adjoint_(z, g, x, value, which, copy=True):
    d[z] = replaced_adjoint(d[g], x, value, which, copy)


@tangent(resize_adjoint)
def resize_adjoint_(z, g, a):
    d[z] = resize_adjoint(d[g], a)


@tangent(ediff1d_adjoints)
def ediff1d_adjoints_(z, g, ary, to_end=None, to_begin=None):
    d[z] = ediff1d_adjoints(d[g], ary, to_end, to_begin)


@tangent(unwrap_period_adjoint)
def unwrap_period_adjoint_(out, g, z, p, period):
    """The number of turns is piecewise constant."""
    d[out] = unwrap_period_adjoint(d[g], z, p, period)


@tangent(nancumsum_adjoint)
def nancumsum_adjoint_(z, g, a, axis=None):
    d[z] = nancumsum_adjoint(d[g], a, axis)


@tangent(nancumprod_adjoint)
def nancumprod_adjoint_(z, g, a, axis=None):
    """Exact where `a` has zeros, as the adjoint is; the NaNs (taken as 1) have
    derivative 0."""
    d[z] = (nancumprod_adjoint(d[g], a, axis)
            + nancumprod_adjoint_tangent(d[a], g, a, axis))


@tangent(unstack_adjoint)
def unstack_adjoint_(z, g, parts, axis=0):
    d[z] = unstack_adjoint(d[g], parts, axis)


@tangent(rollaxis_adjoint)
def rollaxis_adjoint_(z, g, a, axis, start=0):
    d[z] = rollaxis_adjoint(d[g], a, axis, start)
