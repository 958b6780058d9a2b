"""Reductions: sum, mean, prod, max and min, over all axes or some, with keepdims;
var and std (ddof, correction), cumsum and cumprod (also as cumulative_sum and
cumulative_prod), nansum, nanmean, average (with weights) and ptp.

sum (NumPy's and Python's), mean, cumsum and cumulative_sum are linear: their tangent
is the reduction of the tangent.  Conventions at kinks: max, min and ptp share the
adjoint evenly between tied values (the tangent is the mean of theirs); std has
derivative 0 where it is 0 (all values equal); nansum and nanmean give the NaNs they
skip a zero adjoint (and leave out their tangents)."""

import builtins
import math

import numpy

from s2s import adjoint, d, linear, tangent
from s2s.runtime import (
    chosen_mask,
    expand_reduced,
    items_like,
    others_product,
    size_ratio,
    sum_adjoint,
    unbroadcast,
)
from s2s.runtime.reductions import (
    average_adjoint,
    average_tangent,
    average_weights_adjoint,
    average_weights_tangent,
    cumprod_adjoint,
    cumprod_tangent,
    cumsum_adjoint,
    nanmean_adjoint,
    nanmean_tangent,
    nansum_adjoint,
    nansum_initial_tangent,
    ptp_adjoint,
    ptp_tangent,
    std_adjoint,
    std_tangent,
    var_adjoint,
    var_tangent,
)

@linear(numpy.sum, numpy.ndarray.sum)
def sum(z, x, axis=None, keepdims=False):
    d[x] += expand_reduced(d[z], x, axis, keepdims)


# The array methods keep a tangent written by hand, which calls the function: the
# derived one calls the method on the tangent (`dx.sum(axis=0)`), and the tangent of a
# NumPy scalar (np.float64) may be a Python float, which has no such method.
@tangent(numpy.ndarray.sum)
def sum_method_forward(z, x, axis=None, keepdims=False):
    d[z] = numpy.sum(d[x], axis=axis, keepdims=keepdims)


@linear(numpy.mean, numpy.ndarray.mean)
def mean(z, x, axis=None, keepdims=False):
    d[x] += expand_reduced(d[z] * size_ratio(z, x), x, axis, keepdims)


@tangent(numpy.ndarray.mean)  # (a function, not the method: see sum_method_tangent)
def mean_method_forward(z, x, axis=None, keepdims=False):
    d[z] = numpy.mean(d[x], axis=axis, keepdims=keepdims)


@adjoint(numpy.prod, numpy.ndarray.prod)
def prod(z, x, axis=None, keepdims=False):
    """Exact where `x` has zeros (no division by them)."""
    d[x] += expand_reduced(d[z], x, axis, keepdims) * others_product(x, axis)


@tangent(numpy.prod, numpy.ndarray.prod)
def prod_forward(z, x, axis=None, keepdims=False):
    d[z] = numpy.sum(d[x] * others_product(x, axis), axis=axis, keepdims=keepdims)


@adjoint(
    numpy.max, numpy.amax, numpy.ndarray.max, numpy.min, numpy.amin, numpy.ndarray.min,
    numpy.nanmax, numpy.nanmin,
)
def max(z, x, axis=None, keepdims=False):
    """Tied extremes share the adjoint evenly (1/k each for k ties; the tangent is the
    mean of theirs); nanmax and nanmin give the NaNs they skip a zero adjoint."""
    d[x] += expand_reduced(d[z], x, axis, keepdims) * chosen_mask(x, z, axis, keepdims)


@tangent(
    numpy.max, numpy.amax, numpy.ndarray.max, numpy.min, numpy.amin, numpy.ndarray.min,
    numpy.nanmax, numpy.nanmin,
)
def max_forward(z, x, axis=None, keepdims=False):
    d[z] = numpy.sum(d[x] * chosen_mask(x, z, axis, keepdims), axis=axis, keepdims=keepdims)


@linear(builtins.sum)
def builtin_sum(z, x, start=0):
    d[x] += sum_adjoint(d[z], x)
    d[start] += unbroadcast(d[z], start)


@linear(math.fsum)
def fsum(z, seq):
    """Python's sum, rounded once: the same derivative."""
    d[seq] += sum_adjoint(d[z], seq)


@adjoint(math.prod)
def math_prod(z, iterable, *, start=1):
    """Each item's adjoint is d[z] times start and the other items (exact at zeros);
    items are numbers, or arrays of one shape."""
    d[iterable] += items_like(d[z] * start * others_product(numpy.asarray(iterable), 0),
                              iterable)
    d[start] += unbroadcast(d[z] * math.prod(iterable), start)


@tangent(math.prod)
def math_prod_forward(z, iterable, *, start=1):
    d[z] = (numpy.sum(numpy.asarray(d[iterable]) * start
                      * others_product(numpy.asarray(iterable), 0), axis=0)
            + d[start] * math.prod(iterable))


@adjoint(numpy.var, numpy.ndarray.var)
def var(z, a, axis=None, dtype=None, out=None, ddof=0, keepdims=False, *, mean=None,
        correction=None):
    """`where=` is refused.  A `mean=` passed in is taken to be the mean, as NumPy asks:
    no adjoint flows to it (it has no tangent of its own)."""
    d[a] += var_adjoint(d[z], a, axis, ddof, keepdims, mean, correction)


@tangent(numpy.var, numpy.ndarray.var)
def var_forward(z, a, axis=None, dtype=None, out=None, ddof=0, keepdims=False, *,
                 mean=None, correction=None):
    d[z] = var_tangent(d[a], a, axis, ddof, keepdims, mean, correction)


@adjoint(numpy.std, numpy.ndarray.std)
def std(z, a, axis=None, dtype=None, out=None, ddof=0, keepdims=False, *, mean=None,
        correction=None):
    """Derivative 0 where the result is 0 (all values equal), as abs has at 0.  `where=`
    is refused; a `mean=` passed in is taken to be the mean (no adjoint flows to it)."""
    d[a] += std_adjoint(d[z], z, a, axis, ddof, keepdims, mean, correction)


@tangent(numpy.std, numpy.ndarray.std)
def std_forward(z, a, axis=None, dtype=None, out=None, ddof=0, keepdims=False, *,
                 mean=None, correction=None):
    d[z] = std_tangent(d[a], z, a, axis, ddof, keepdims, mean, correction)


@linear(numpy.cumsum, numpy.ndarray.cumsum)
def cumsum(z, a, axis=None, dtype=None, out=None):
    d[a] += cumsum_adjoint(d[z], a, axis)


@tangent(numpy.ndarray.cumsum)  # (a function, not the method: see sum_method_tangent)
def cumsum_method_forward(z, a, axis=None, dtype=None, out=None):
    d[z] = numpy.cumsum(d[a], axis, dtype)


@linear(numpy.cumulative_sum)
def cumulative_sum(z, x, /, *, axis=None, dtype=None, out=None, include_initial=False):
    d[x] += cumsum_adjoint(d[z], x, axis, include_initial)


@adjoint(numpy.cumprod, numpy.ndarray.cumprod)
def cumprod(z, a, axis=None, dtype=None, out=None):
    """Exact where `a` has zeros (no division by them)."""
    d[a] += cumprod_adjoint(d[z], a, axis)


@tangent(numpy.cumprod, numpy.ndarray.cumprod)
def cumprod_forward(z, a, axis=None, dtype=None, out=None):
    d[z] = cumprod_tangent(d[a], a, axis)


@adjoint(numpy.cumulative_prod)
def cumulative_prod(z, x, /, *, axis=None, dtype=None, out=None, include_initial=False):
    d[x] += cumprod_adjoint(d[z], x, axis, include_initial)


@tangent(numpy.cumulative_prod)
def cumulative_prod_forward(z, x, /, *, axis=None, dtype=None, out=None,
                            include_initial=False):
    d[z] = cumprod_tangent(d[x], x, axis, include_initial)


# nansum and nanmean are not linear: which values they skip depends on `a`, so their
# tangent is not the same reduction of the tangent (that would add the NaNs' tangents)


@adjoint(numpy.nansum)
def nansum(z, a, axis=None, dtype=None, out=None, keepdims=False, initial=0):
    """The NaNs it skips get a zero adjoint (and contribute no tangent)."""
    d[a] += nansum_adjoint(d[z], a, axis, keepdims)
    d[initial] += unbroadcast(d[z], initial)


@tangent(numpy.nansum)
def nansum_forward(z, a, axis=None, dtype=None, out=None, keepdims=False, initial=0):
    d[z] = (numpy.sum(numpy.where(numpy.isnan(a), 0, d[a]), axis=axis, keepdims=keepdims)
            + nansum_initial_tangent(d[initial], a, axis, keepdims))


@adjoint(numpy.nanmean)
def nanmean(z, a, axis=None, dtype=None, out=None, keepdims=False):
    """The NaNs it skips get a zero adjoint (and contribute no tangent)."""
    d[a] += nanmean_adjoint(d[z], a, axis, keepdims)


@tangent(numpy.nanmean)
def nanmean_forward(z, a, axis=None, dtype=None, out=None, keepdims=False):
    d[z] = nanmean_tangent(d[a], a, axis, keepdims)


@adjoint(numpy.average)
def average(z, a, axis=None, weights=None, returned=False, *, keepdims=False):
    """`returned=True` fails clearly when the gradient (or tangent) is computed."""
    d[a] += average_adjoint(d[z], a, axis, weights, returned, keepdims)
    d[weights] += average_weights_adjoint(d[z], z, a, axis, weights, keepdims)


# linear in `a`, but not in `weights` (it divides by their sum)
@tangent(numpy.average)
def average_forward(z, a, axis=None, weights=None, returned=False, *, keepdims=False):
    d[z] = (average_tangent(d[a], a, axis, weights, returned, keepdims)
            + average_weights_tangent(d[weights], z, a, axis, weights, returned, keepdims))


@adjoint(numpy.ptp)
def ptp(z, a, axis=None, out=None, keepdims=False):
    """max - min: tied values share the adjoint evenly, as in max and min (the tangent
    is the mean of theirs)."""
    d[a] += ptp_adjoint(d[z], a, axis, keepdims)


@tangent(numpy.ptp)
def ptp_forward(z, a, axis=None, out=None, keepdims=False):
    d[z] = ptp_tangent(d[a], a, axis, keepdims)
