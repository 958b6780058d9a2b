"""Reductions: sum, mean, prod, max and min, over all axes or some, with keepdims;
var and std (ddof, correction), cumsum and cumprod (also as cumulative_sum and
cumulative_prod), nansum, nanmean, average (with weights) and ptp.

Conventions at kinks: max, min and ptp share the adjoint evenly between tied values;
std has derivative 0 where it is 0 (all values equal); nansum and nanmean give the
NaNs they skip a zero adjoint."""

import builtins

import numpy

from s2s import adjoint, d
from s2s.runtime import (
    chosen_mask,
    expand_reduced,
    others_product,
    size_ratio,
    sum_adjoint,
    unbroadcast,
)
from s2s.runtime.reductions import (
    average_adjoint,
    average_weights_adjoint,
    cumprod_adjoint,
    cumsum_adjoint,
    nanmean_adjoint,
    nansum_adjoint,
    ptp_adjoint,
    std_adjoint,
    var_adjoint,
)


@adjoint(numpy.sum, numpy.ndarray.sum)
def sum(z, x, axis=None, keepdims=False):
    d[x] += expand_reduced(d[z], x, axis, keepdims)


@adjoint(numpy.mean, numpy.ndarray.mean)
def mean(z, x, axis=None, keepdims=False):
    d[x] += expand_reduced(d[z] * size_ratio(z, x), x, axis, keepdims)


@adjoint(numpy.prod, numpy.ndarray.prod)
def prod(z, x, axis=None, keepdims=False):
    d[x] += expand_reduced(d[z], x, axis, keepdims) * others_product(x, axis)


@adjoint(
    numpy.max, numpy.amax, numpy.ndarray.max, numpy.min, numpy.amin, numpy.ndarray.min,
    numpy.nanmax, numpy.nanmin,
)
def max(z, x, axis=None, keepdims=False):
    """Tied extremes share the adjoint evenly (1/k each for k ties); nanmax and
    nanmin give the NaNs they skip a zero adjoint."""
    d[x] += expand_reduced(d[z], x, axis, keepdims) * chosen_mask(x, z, axis, keepdims)


@adjoint(builtins.sum)
def builtin_sum(z, x, start=0):
    d[x] += sum_adjoint(d[z], x)
    d[start] += unbroadcast(d[z], start)


@adjoint(numpy.var, numpy.ndarray.var)
def var(z, a, axis=None, dtype=None, out=None, ddof=0, keepdims=False, *, mean=None,
        correction=None):
    """`where=` is refused.  A `mean=` passed in is taken to be the mean, as NumPy asks:
    no adjoint flows to it."""
    d[a] += var_adjoint(d[z], a, axis, ddof, keepdims, mean, correction)


@adjoint(numpy.std, numpy.ndarray.std)
def std(z, a, axis=None, dtype=None, out=None, ddof=0, keepdims=False, *, mean=None,
        correction=None):
    """Derivative 0 where the result is 0 (all values equal), as abs has at 0.  `where=`
    is refused; a `mean=` passed in is taken to be the mean (no adjoint flows to it)."""
    d[a] += std_adjoint(d[z], z, a, axis, ddof, keepdims, mean, correction)


@adjoint(numpy.cumsum, numpy.ndarray.cumsum)
def cumsum(z, a, axis=None, dtype=None, out=None):
    d[a] += cumsum_adjoint(d[z], a, axis)


@adjoint(numpy.cumulative_sum)
def cumulative_sum(z, x, /, *, axis=None, dtype=None, out=None, include_initial=False):
    d[x] += cumsum_adjoint(d[z], x, axis, include_initial)


@adjoint(numpy.cumprod, numpy.ndarray.cumprod)
def cumprod(z, a, axis=None, dtype=None, out=None):
    """Exact where `a` has zeros (no division by them)."""
    d[a] += cumprod_adjoint(d[z], a, axis)


@adjoint(numpy.cumulative_prod)
def cumulative_prod(z, x, /, *, axis=None, dtype=None, out=None, include_initial=False):
    d[x] += cumprod_adjoint(d[z], x, axis, include_initial)


@adjoint(numpy.nansum)
def nansum(z, a, axis=None, dtype=None, out=None, keepdims=False, initial=0):
    """The NaNs it skips get a zero adjoint."""
    d[a] += nansum_adjoint(d[z], a, axis, keepdims)
    d[initial] += unbroadcast(d[z], initial)


@adjoint(numpy.nanmean)
def nanmean(z, a, axis=None, dtype=None, out=None, keepdims=False):
    """The NaNs it skips get a zero adjoint."""
    d[a] += nanmean_adjoint(d[z], a, axis, keepdims)


@adjoint(numpy.average)
def average(z, a, axis=None, weights=None, returned=False, *, keepdims=False):
    """`returned=True` fails clearly when the gradient is computed."""
    d[a] += average_adjoint(d[z], a, axis, weights, returned, keepdims)
    d[weights] += average_weights_adjoint(d[z], z, a, axis, weights, keepdims)


@adjoint(numpy.ptp)
def ptp(z, a, axis=None, out=None, keepdims=False):
    """max - min: tied values share the adjoint evenly, as in max and min."""
    d[a] += ptp_adjoint(d[z], a, axis, keepdims)
