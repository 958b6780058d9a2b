"""The runtime's helpers for the gradients of reductions, statistics and numerical
methods (`var_adjoint`, `cumprod_adjoint`, `quantile_adjoint`, `interp_x_adjoint`,
...), so that those gradients can be differentiated again: forward mode over them
gives Hessian-vector products.

Each helper is linear in the adjoint `g` it is given; those linear in it alone say
so where they are defined (`@linear_in` in s2s/runtime), which gives their tangent.
The rules here add the derivative through the arguments a helper depends on otherwise.
Those that move or sum `g` by masks and orders (ties, NaNs, which segment, which
order statistic) depend on them piecewise constantly: at a tie or a knot the tangent
follows the same piece as the adjoint.  As in the first-order rules, a quantile's `q`
carries no derivative; std's and nanstd's factor 1 / (2 z) is 0 where z is 0, and so
is its tangent.
"""

from s2s import d, tangent
from s2s.runtime import zeros_like
from s2s.runtime.numerical import (
    gradient_adjoint,
    gradient_adjoint_spacing_tangent,
    gradient_spacing_adjoints,
    gradient_spacing_adjoints_tangent,
    interp_fp_adjoint,
    interp_fp_adjoint_tangent,
    interp_x_adjoint,
    interp_x_adjoint_tangent,
    interp_xp_adjoint,
    interp_xp_adjoint_tangent,
)
from s2s.runtime.reductions import (
    average_adjoint,
    average_adjoint_tangent,
    average_weights_adjoint,
    average_weights_adjoint_tangent,
    cumprod_adjoint,
    cumprod_adjoint_tangent,
    reciprocal_or_zero,
    std_adjoint,
    var_adjoint,
)
from s2s.runtime.statistics import (
    no_second_derivative_in_q,
    quantile_adjoint,
    quantile_q_adjoint,
    quantile_q_adjoint_tangent,
)

# -- reductions (s2s/runtime/reductions.py) -------------------------------------------


@tangent(var_adjoint)
def var_adjoint_forward(z, g, a, axis=None, ddof=0, keepdims=False, mean=None, correction=None):
    """g 2 (a - mean) / (n - ddof) is linear in `a` and `mean` together.  Given a's
    tangent for `a`, the helper takes the mean of that tangent, as it should; a `mean=`
    passed in is held at 0 there instead, and its own tangent is the last term."""
    passed = None if mean is None else 0.0
    d[z] = (var_adjoint(d[g], a, axis, ddof, keepdims, mean, correction)
            + var_adjoint(g, d[a], axis, ddof, keepdims, passed, correction)
            + var_adjoint(g, zeros_like(a), axis, ddof, keepdims, d[mean], correction))


@tangent(std_adjoint)
def std_adjoint_forward(z, g, s, a, axis=None, ddof=0, keepdims=False, mean=None,
                 correction=None):
    """var's adjoint of `g` / (2 s): the factor's tangent is itself times -ds / s (0
    where s is 0, as the factor is)."""
    passed = None if mean is None else 0.0
    slope = -reciprocal_or_zero(s)
    d[z] = (std_adjoint(d[g], s, a, axis, ddof, keepdims, mean, correction)
            + std_adjoint(g * slope * d[s], s, a, axis, ddof, keepdims, mean, correction)
            + std_adjoint(g, s, d[a], axis, ddof, keepdims, passed, correction)
            + std_adjoint(g, s, zeros_like(a), axis, ddof, keepdims, d[mean], correction))


@tangent(cumprod_adjoint)
def cumprod_adjoint_forward(z, g, a, axis=None, include_initial=False):
    """Exact where `a` has zeros (no division by them)."""
    d[z] = (cumprod_adjoint(d[g], a, axis, include_initial)
            + cumprod_adjoint_tangent(g, d[a], a, axis, include_initial))


@tangent(average_adjoint)
def average_adjoint_forward(z, g, a, axis=None, weights=None, returned=False, keepdims=False):
    d[z] = (average_adjoint(d[g], a, axis, weights, returned, keepdims)
            + average_adjoint_tangent(g, d[weights], a, axis, weights, keepdims))


@tangent(average_weights_adjoint)
def average_weights_adjoint_forward(z, g, average, a, axis=None, weights=None, keepdims=False):
    """g (a - average) / sum(w) is linear in `a` and `average` together."""
    d[z] = (average_weights_adjoint(d[g], average, a, axis, weights, keepdims)
            + average_weights_adjoint(g, d[average], d[a], axis, weights, keepdims)
            + average_weights_adjoint_tangent(g, d[weights], average, a, axis, weights,
                                              keepdims))


# -- statistics (s2s/runtime/statistics.py) -------------------------------------------


@tangent(quantile_adjoint)
def quantile_adjoint_forward(z, g, a, q, axis=None, method="linear", keepdims=False, weights=None,
                      percent=False):
    """`a` only orders the values (ties: as a stable sort places them); second
    derivatives through `q` are refused."""
    d[z] = (quantile_adjoint(d[g], a, q, axis, method, keepdims, weights, percent)
            + no_second_derivative_in_q(d[q]))


@tangent(quantile_q_adjoint)
def quantile_q_adjoint_forward(z, g, a, q, axis=None, method="linear", keepdims=False,
                        percent=False):
    """Second derivatives through `q` itself are refused."""
    d[z] = (quantile_q_adjoint(d[g], a, q, axis, method, keepdims, percent)
            + quantile_q_adjoint_tangent(d[a], g, a, q, axis, method, keepdims, percent)
            + no_second_derivative_in_q(d[q]))


# -- numerical methods (s2s/runtime/numerical.py) -------------------------------------


@tangent(gradient_adjoint)
def gradient_adjoint_forward(z, g, f, *spacing, axis=None, edge_order=1):
    """Each axis's part is inversely proportional to its scalar spacing."""
    d[z] = (gradient_adjoint(d[g], f, *spacing, axis=axis, edge_order=edge_order)
            + gradient_adjoint_spacing_tangent(g, d[spacing], f, spacing, axis, edge_order))


@tangent(gradient_spacing_adjoints)
def gradient_spacing_adjoints_forward(z, g, result, f, *spacing, axis=None, edge_order=1):
    """-sum(g z) / h per axis: a tuple of tangents."""
    d[z] = gradient_spacing_adjoints_tangent(g, d[g], result, d[result], d[spacing], f,
                                             spacing, axis, edge_order)


@tangent(interp_x_adjoint)
def interp_x_adjoint_forward(z, g, x, xp, fp, left=None, right=None, period=None):
    """g times the slope of x's segment: x only picks the segment (at a knot, as the
    adjoint does)."""
    d[z] = (interp_x_adjoint(d[g], x, xp, fp, left, right, period)
            + interp_x_adjoint_tangent(g, d[xp], d[fp], x, xp, fp, left, right, period))


@tangent(interp_fp_adjoint)
def interp_fp_adjoint_forward(z, g, x, xp, fp, left=None, right=None, period=None):
    """`fp` only gives the shape; x and xp move the fraction along the segment."""
    d[z] = (interp_fp_adjoint(d[g], x, xp, fp, left, right, period)
            + interp_fp_adjoint_tangent(g, d[x], d[xp], x, xp, fp, left, right, period))


@tangent(interp_xp_adjoint)
def interp_xp_adjoint_forward(z, g, x, xp, fp, left=None, right=None, period=None):
    d[z] = (interp_xp_adjoint(d[g], x, xp, fp, left, right, period)
            + interp_xp_adjoint_tangent(g, d[x], d[xp], d[fp], x, xp, fp, left, right,
                                        period))


