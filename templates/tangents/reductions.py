"""Reductions: sum, mean, prod, max and min, over all axes or some, with keepdims;
var and std (ddof, correction), cumsum and cumprod (also as cumulative_sum and
cumulative_prod), nansum, nanmean, average (with weights) and ptp.

Conventions at kinks, as in the reverse rules: max, min and ptp take the mean of the
tied values' tangents; std has derivative 0 where it is 0 (all values equal); nansum
and nanmean leave out the tangents of the NaNs they skip."""

import builtins

import numpy

from s2s import d, tangent
from s2s.runtime import chosen_mask, others_product
from s2s.runtime.reductions import (
    average_tangent,
    average_weights_tangent,
    cumprod_tangent,
    nanmean_tangent,
    nansum_initial_tangent,
    ptp_tangent,
    std_tangent,
    sum_start_tangent,
    var_tangent,
)


@tangent(numpy.sum, numpy.ndarray.sum)
def sum(z, x, axis=None, keepdims=False):
    d[z] = numpy.sum(d[x], axis=axis, keepdims=keepdims)


@tangent(numpy.mean, numpy.ndarray.mean)
def mean(z, x, axis=None, keepdims=False):
    d[z] = numpy.mean(d[x], axis=axis, keepdims=keepdims)


@tangent(numpy.prod, numpy.ndarray.prod)
def prod(z, x, axis=None, keepdims=False):
    """Exact where `x` has zeros (no division by them)."""
    d[z] = numpy.sum(d[x] * others_product(x, axis), axis=axis, keepdims=keepdims)


@tangent(
    numpy.max, numpy.amax, numpy.ndarray.max, numpy.min, numpy.amin, numpy.ndarray.min,
    numpy.nanmax, numpy.nanmin,
)
def max(z, x, axis=None, keepdims=False):
    """Tied extremes: the mean of their tangents (as the reverse rule shares the
    adjoint evenly); nanmax and nanmin leave out the NaNs they skip."""
    d[z] = numpy.sum(d[x] * chosen_mask(x, z, axis, keepdims), axis=axis, keepdims=keepdims)


@tangent(builtins.sum)
def builtin_sum(z, x, start=0):
    d[z] = builtins.sum(d[x]) + sum_start_tangent(d[start], x)


@tangent(numpy.var, numpy.ndarray.var)
def var(z, a, axis=None, dtype=None, out=None, ddof=0, keepdims=False, *, mean=None,
        correction=None):
    """`where=` is refused.  A `mean=` passed in is taken to be the mean, as NumPy asks:
    it has no tangent of its own."""
    d[z] = var_tangent(d[a], a, axis, ddof, keepdims, mean, correction)


@tangent(numpy.std, numpy.ndarray.std)
def std(z, a, axis=None, dtype=None, out=None, ddof=0, keepdims=False, *, mean=None,
        correction=None):
    """Derivative 0 where the result is 0 (all values equal), as abs has at 0.  `where=`
    is refused; a `mean=` passed in is taken to be the mean (no tangent of its own)."""
    d[z] = std_tangent(d[a], z, a, axis, ddof, keepdims, mean, correction)


@tangent(numpy.cumsum, numpy.ndarray.cumsum)
def cumsum(z, a, axis=None, dtype=None, out=None):
    d[z] = numpy.cumsum(d[a], axis)


@tangent(numpy.cumulative_sum)
def cumulative_sum(z, x, /, *, axis=None, dtype=None, out=None, include_initial=False):
    d[z] = numpy.cumulative_sum(d[x], axis=axis, include_initial=include_initial)


@tangent(numpy.cumprod, numpy.ndarray.cumprod)
def cumprod(z, a, axis=None, dtype=None, out=None):
    """Exact where `a` has zeros (no division by them)."""
    d[z] = cumprod_tangent(d[a], a, axis)


@tangent(numpy.cumulative_prod)
def cumulative_prod(z, x, /, *, axis=None, dtype=None, out=None, include_initial=False):
    d[z] = cumprod_tangent(d[x], x, axis, include_initial)


@tangent(numpy.nansum)
def nansum(z, a, axis=None, dtype=None, out=None, keepdims=False, initial=0):
    """The NaNs it skips contribute no tangent."""
    d[z] = (numpy.sum(numpy.where(numpy.isnan(a), 0, d[a]), axis=axis, keepdims=keepdims)
            + nansum_initial_tangent(d[initial], a, axis, keepdims))


@tangent(numpy.nanmean)
def nanmean(z, a, axis=None, dtype=None, out=None, keepdims=False):
    """The NaNs it skips contribute no tangent."""
    d[z] = nanmean_tangent(d[a], a, axis, keepdims)


@tangent(numpy.average)
def average(z, a, axis=None, weights=None, returned=False, *, keepdims=False):
    """`returned=True` fails clearly when the tangent is computed."""
    d[z] = (average_tangent(d[a], a, axis, weights, returned, keepdims)
            + average_weights_tangent(d[weights], z, a, axis, weights, returned, keepdims))


@tangent(numpy.ptp)
def ptp(z, a, axis=None, out=None, keepdims=False):
    """max - min: tied values take the mean of their tangents, as in max and min."""
    d[z] = ptp_tangent(d[a], a, axis, keepdims)
