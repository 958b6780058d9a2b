"""Helpers for the rules of var, std, cumsum, cumprod, nansum, nanmean, average and
ptp (templates/reductions.py).  Like the rest of the runtime they dispatch on their
inputs, so they run on NumPy, CuPy and Dask arrays."""

import math

import numpy

from s2s.runtime import (
    _axes,
    check,
    chosen_mask,
    expand_reduced,
    linear_in,
    returns_new_array,
)


def _count(a, axis):
    """How many elements of `a` each result of a reduction over `axis` combines."""
    shape = numpy.shape(a)
    return math.prod(shape[i] for i in _axes(axis, len(shape)))


@returns_new_array
def var_adjoint(g, a, axis=None, ddof=0, keepdims=False, mean=None, correction=None):
    """The adjoint of `a` in `z = numpy.var(a, axis, ddof=ddof)`: 2 (a - mean) / (n - ddof)
    times `g`.  A `mean=` passed in is taken to be the mean (as NumPy asks)."""
    if mean is None:
        mean = numpy.mean(a, axis=axis, keepdims=True)
    ddof = ddof if correction is None else correction
    scale = 2.0 / (_count(a, axis) - ddof)
    return expand_reduced(g, a, axis, keepdims) * ((a - mean) * scale)


@returns_new_array
def std_adjoint(g, z, a, axis=None, ddof=0, keepdims=False, mean=None, correction=None):
    """The adjoint of `a` in `z = numpy.std(a, ...)`: var's, times 1 / (2 z); 0 where
    z is 0 (all values equal), as `abs` has derivative 0 at 0."""
    zero = z == 0
    half = numpy.where(zero, 0.0, 0.5 / numpy.where(zero, 1.0, z))
    return var_adjoint(g * half, a, axis, ddof, keepdims, mean, correction)


def _initial_dropped(g, axis, include_initial):
    """`g` without the part for `numpy.cumulative_sum`'s (or _prod's) initial value."""
    if not include_initial:
        return g
    return g[(slice(None),) * (0 if axis is None else axis % numpy.ndim(g)) + (slice(1, None),)]


def _reverse_cumsum(g, axis):
    return numpy.flip(numpy.cumsum(numpy.flip(g, axis), axis=axis), axis)


@returns_new_array
@linear_in("g")
def cumsum_adjoint(g, a, axis=None, include_initial=False):
    """The adjoint of `a` in `z = numpy.cumsum(a, axis)`: `g` summed from the end
    (`a` flattened when `axis` is None).  `include_initial`: `numpy.cumulative_sum`'s
    leading 0, which has no `a` in it."""
    g = _initial_dropped(g, axis, include_initial)
    if axis is None:
        return numpy.reshape(_reverse_cumsum(g, 0), numpy.shape(a))
    return _reverse_cumsum(g, axis)  # a view, but of an array made here


@returns_new_array
def cumprod_adjoint(g, a, axis=None, include_initial=False):
    """The adjoint of `a` in `z = numpy.cumprod(a, axis)`, exact where `a` has zeros.

    d z_i / d a_k is the product of a_j over j <= i, j != k.  With the first zero along
    the axis at f replaced by 1 (giving the cumulative product p), and R the sums of
    g * p from the end: positions before f get (R_k - R_f) / a_k (the terms from f on
    hold the zero), f itself gets R_f, and positions after f get 0."""
    g = _initial_dropped(g, axis, include_initial)
    if axis is None:
        flat = numpy.reshape(a, (-1,))
        return numpy.reshape(cumprod_adjoint(g, flat, 0), numpy.shape(a))
    zeros_so_far = numpy.cumsum(a == 0, axis=axis)
    first = (a == 0) & (zeros_so_far == 1)
    before = zeros_so_far == 0
    ones = numpy.where(first, 1, a)
    r = _reverse_cumsum(g * numpy.cumprod(ones, axis=axis), axis)
    r_first = numpy.sum(numpy.where(first, r, 0), axis=axis, keepdims=True)
    safe = numpy.where(before, ones, 1)  # no division by a zero after f
    return numpy.where(before, (r - r_first) / safe, numpy.where(first, r_first, 0))


@returns_new_array
@linear_in("g")
def nansum_adjoint(g, a, axis=None, keepdims=False):
    """The adjoint of `a` in `numpy.nansum`: `g`, and 0 at the NaNs it skipped."""
    return numpy.where(numpy.isnan(a), 0, expand_reduced(g, a, axis, keepdims))


@returns_new_array
@linear_in("g")
def nanmean_adjoint(g, a, axis=None, keepdims=False):
    """The adjoint of `a` in `numpy.nanmean`: `g` over the count of non-NaN values,
    and 0 at the NaNs."""
    kept = ~numpy.isnan(a)
    count = numpy.sum(kept, axis=axis, keepdims=True)
    g = expand_reduced(g, a, axis, keepdims)
    return numpy.where(kept, g / numpy.where(count == 0, 1, count).astype(g.dtype), 0)


def _full_weights(weights, a, axis):
    """`numpy.average`'s weights, shaped to broadcast against `a` (as NumPy does)."""
    if numpy.shape(weights) == numpy.shape(a):
        return weights
    axes = _axes(axis, numpy.ndim(a))
    w = numpy.transpose(weights, tuple(numpy.argsort(axes)))
    return numpy.reshape(w, tuple(n if i in axes else 1 for i, n in enumerate(numpy.shape(a))))


@check
def _no_returned(returned):
    if returned:
        raise NotImplementedError(
            "s2s cannot differentiate numpy.average(..., returned=True); "
            "compute the sum of the weights separately"
        )


@returns_new_array
def average_adjoint(g, a, axis=None, weights=None, returned=False, keepdims=False):
    """The adjoint of `a` in `z = numpy.average(a, axis, weights)`: `g` w / sum(w)."""
    _no_returned(returned)
    g = expand_reduced(g, a, axis, keepdims)
    if weights is None:
        return g * (1.0 / _count(a, axis))
    w = _full_weights(weights, a, axis)
    return g * w / numpy.sum(w, axis=axis, keepdims=True)


@returns_new_array
def average_weights_adjoint(g, z, a, axis=None, weights=None, keepdims=False):
    """The adjoint of `weights` in `z = numpy.average(a, axis, weights)`:
    `g` (a - z) / sum(w), summed back to the weights' own shape."""
    w = _full_weights(weights, a, axis)
    if not keepdims and numpy.ndim(g):  # (a scalar `g` broadcasts as it is)
        axes = _axes(axis, numpy.ndim(a))
        g, z = numpy.expand_dims(g, axes), numpy.expand_dims(z, axes)
    full = g * (a - z) / numpy.sum(w, axis=axis, keepdims=True)
    if numpy.shape(weights) == numpy.shape(a):
        return full
    axes = _axes(axis, numpy.ndim(a))
    others = tuple(i for i in range(numpy.ndim(a)) if i not in axes)
    part = numpy.sum(full, axis=others)  # a's axes in `axis`, in increasing order
    return numpy.transpose(part, tuple(numpy.argsort(numpy.argsort(axes))))


@returns_new_array
@linear_in("g")
def ptp_adjoint(g, a, axis=None, keepdims=False):
    """The adjoint of `a` in `numpy.ptp` (max - min): ties share as in max and min."""
    high = numpy.max(a, axis=axis, keepdims=True)
    low = numpy.min(a, axis=axis, keepdims=True)
    mask = chosen_mask(a, high, axis, True) - chosen_mask(a, low, axis, True)
    return expand_reduced(g, a, axis, keepdims) * mask


# -- forward mode (the forward rules in templates/reductions.py): each helper is linear in `t`,
# the tangent of the reduced array, and gives the tangent of the result ------------


def _weighted_sum(t, weights, axis, keepdims):
    """sum(t * weights) over `axis`: the tangent of a reduction whose derivative with
    respect to each element is `weights` (an array like `t`)."""
    return numpy.sum(t * weights, axis=axis, keepdims=keepdims)


def _var_weights(a, axis, ddof, mean, correction):
    """d var / d a: 2 (a - mean) / (n - ddof), in `a`'s dtype."""
    if mean is None:
        mean = numpy.mean(a, axis=axis, keepdims=True)
    ddof = ddof if correction is None else correction
    return (a - mean) * (2.0 / (_count(a, axis) - ddof))


def _half_over(z):
    """1 / (2 z), and 0 where z is 0 (std's derivative there), in z's dtype."""
    zero = z == 0
    half = numpy.where(zero, 0.0, 0.5 / numpy.where(zero, 1.0, z))
    dtype = getattr(z, "dtype", None)
    return half.astype(dtype, copy=False) if dtype is not None else half


@returns_new_array
def var_tangent(t, a, axis=None, ddof=0, keepdims=False, mean=None, correction=None):
    """The tangent of `z = numpy.var(a, axis, ddof=ddof)`: sum(t 2 (a - mean)) /
    (n - ddof).  A `mean=` passed in is taken to be the mean (no tangent of its own)."""
    return _weighted_sum(t, _var_weights(a, axis, ddof, mean, correction), axis, keepdims)


@returns_new_array
def std_tangent(t, z, a, axis=None, ddof=0, keepdims=False, mean=None, correction=None):
    """The tangent of `z = numpy.std(a, ...)`: var's over 2 z; 0 where z is 0."""
    return var_tangent(t, a, axis, ddof, keepdims, mean, correction) * _half_over(z)


@returns_new_array
def cumprod_tangent(t, a, axis=None, include_initial=False):
    """The tangent of `z = numpy.cumprod(a, axis)`, exact where `a` has zeros.

    dz_i is the sum over k <= i of t_k times the product of a_j over j <= i, j != k.
    With the first zero along the axis at f replaced by 1 (giving the cumulative
    product p): before f, dz_i = p_i sum_(k<=i) t_k / a_k; from f on, only k = f
    leaves no zero in the product, so dz_i = p_i t_f.  `include_initial`:
    `numpy.cumulative_prod`'s leading 1, whose tangent is 0."""
    if axis is None:
        flat = cumprod_tangent(numpy.reshape(t, (-1,)), numpy.reshape(a, (-1,)), 0)
        return _initial_prepended(flat, 0, include_initial)
    zeros_so_far = numpy.cumsum(a == 0, axis=axis)
    first = (a == 0) & (zeros_so_far == 1)
    before = zeros_so_far == 0
    p = numpy.cumprod(numpy.where(first, 1, a), axis=axis)
    ratios = numpy.cumsum(numpy.where(before, t / numpy.where(before, a, 1), 0), axis=axis)
    at_first = numpy.sum(numpy.where(first, t, 0), axis=axis, keepdims=True)
    out = p * numpy.where(before, ratios, at_first)
    return _initial_prepended(out, axis, include_initial)


def _initial_prepended(t, axis, include_initial):
    """`t` with a zero slice first along `axis`: the tangent of an initial value."""
    if not include_initial:
        return t
    index = (slice(None),) * (axis % numpy.ndim(t)) + (slice(0, 1),)
    return numpy.concatenate([numpy.zeros_like(t[index]), t], axis=axis)


@returns_new_array
def nanmean_tangent(t, a, axis=None, keepdims=False):
    """The tangent of `z = numpy.nanmean(a, axis)`: the mean of `t` over the values
    that are not NaN (the NaNs it skips contribute nothing)."""
    kept = ~numpy.isnan(a)
    count = numpy.sum(kept, axis=axis, keepdims=keepdims)
    total = numpy.sum(numpy.where(kept, t, 0), axis=axis, keepdims=keepdims)
    return total / numpy.where(count == 0, 1, count).astype(total.dtype)


@returns_new_array
def average_tangent(t, a, axis=None, weights=None, returned=False, keepdims=False):
    """The tangent of `z = numpy.average(a, axis, weights)` along `t` for `a`:
    sum(t w) / sum(w)."""
    _no_returned(returned)
    if weights is None:
        return numpy.mean(t, axis=axis, keepdims=keepdims)
    w = _full_weights(weights, a, axis)
    return _weighted_sum(t, w, axis, keepdims) / numpy.sum(w, axis=axis, keepdims=keepdims)


@returns_new_array
def average_weights_tangent(t, z, a, axis=None, weights=None, returned=False,
                            keepdims=False):
    """The tangent of `z = numpy.average(a, axis, weights)` along `t` for `weights`:
    sum((a - z) t) / sum(w)."""
    _no_returned(returned)
    w, tw = _full_weights(weights, a, axis), _full_weights(t, a, axis)
    if not keepdims and numpy.ndim(z):  # (a scalar `z` broadcasts as it is)
        z = numpy.expand_dims(z, _axes(axis, numpy.ndim(a)))
    return _weighted_sum(tw, a - z, axis, keepdims) / numpy.sum(w, axis=axis, keepdims=keepdims)


@returns_new_array
def ptp_tangent(t, a, axis=None, keepdims=False):
    """The tangent of `numpy.ptp(a, axis)` (max - min): tied values share, as in max
    and min (the mean of the tied elements' tangents)."""
    high = numpy.max(a, axis=axis, keepdims=True)
    low = numpy.min(a, axis=axis, keepdims=True)
    mask = chosen_mask(a, high, axis, True) - chosen_mask(a, low, axis, True)
    return _weighted_sum(t, mask, axis, keepdims)


@returns_new_array
def nansum_initial_tangent(t, a, axis=None, keepdims=False):
    """The tangent of `numpy.nansum(a, axis, keepdims=keepdims, initial=initial)`
    along `t` for `initial`: `t` at the result's shape."""
    shape = numpy.shape(a)
    axes = _axes(axis, len(shape))
    kept = tuple(1 if i in axes else n for i, n in enumerate(shape) if keepdims or i not in axes)
    return t + numpy.zeros_like(a, shape=kept)


# -- second order (templates/runtime_reductions.py): tangents of the adjoint
# helpers above, for forward mode over a generated gradient (Hessian-vector products);
# each is linear in `t`, the tangent of one of the helper's arguments ----------------


@returns_new_array
def reciprocal_or_zero(z):
    """1 / z, and 0 where z is 0, in z's dtype: std's adjoint scales by 1 / (2 z) (0 at
    0), and that factor's tangent is its own value times -dz / z (0 at 0 too)."""
    zero = z == 0
    out = numpy.where(zero, 0.0, 1.0 / numpy.where(zero, 1.0, z))
    dtype = getattr(z, "dtype", None)
    return out.astype(dtype, copy=False) if dtype is not None else out


@returns_new_array
def cumprod_adjoint_tangent(g, t, a, axis=None, include_initial=False):
    """The tangent of `cumprod_adjoint(g, a, axis)` along `t` for `a`, exact where `a`
    has zeros.

    cumprod_adjoint(g, a)_k = sum over i >= k of g_i prod(a_j, j <= i, j != k), so its
    tangent is the sum over m != k of t_m times the sum over i >= max(k, m) of
    g_i prod(a_j, j <= i, j not in {k, m}).  A product is not 0 only where the zeros
    among a_0 .. a_i are all in {k, m}: with the first two zeros along the axis (at f1,
    f2) taken as 1 (giving b, its cumulative product q and w = g q), it is q_i / (b_k b_m)
    there.  Split by how many zeros a_0 .. a_i hold: none (every k, m), one (k or m is
    f1), two (k and m are f1 and f2); more gives 0."""
    g = _initial_dropped(g, axis, include_initial)
    if axis is None:
        flat = cumprod_adjoint_tangent(g, numpy.reshape(t, (-1,)), numpy.reshape(a, (-1,)), 0)
        return numpy.reshape(flat, numpy.shape(a))
    zeros_so_far = numpy.cumsum(a == 0, axis=axis)
    first = (a == 0) & (zeros_so_far == 1)
    second = (a == 0) & (zeros_so_far == 2)
    b = numpy.where(first | second, 1, a)
    safe = numpy.where(b == 0, 1, b)  # a third zero on: the terms there are all 0
    w = g * numpy.cumprod(b, axis=axis)
    c = numpy.cumsum(t / safe, axis=axis)  # sum of t_m / b_m over m <= i

    def total(x):
        return numpy.sum(x, axis=axis, keepdims=True)

    w0 = numpy.where(zeros_so_far == 0, w, 0)
    w1 = numpy.where(zeros_so_far == 1, w, 0)
    w2 = total(numpy.where(zeros_so_far == 2, w, 0))
    t1 = total(numpy.where(first, t, 0))
    t2 = total(numpy.where(second, t, 0))
    # no zero up to i: any m <= i but k
    none = _reverse_cumsum(w0 * c, axis) - t / safe * _reverse_cumsum(w0, axis)
    # one: k = f1 and any m <= i but f1, or m = f1
    one = numpy.where(first, total(w1 * c) - t1 * total(w1), t1 * _reverse_cumsum(w1, axis))
    # two: {k, m} = {f1, f2}
    two = numpy.where(first, t2 * w2, 0) + numpy.where(second, t1 * w2, 0)
    return (none + one + two) / safe


@returns_new_array
def average_adjoint_tangent(g, t, a, axis=None, weights=None, keepdims=False):
    """The tangent of `average_adjoint(g, a, axis, weights)` (g w / sum(w)) along `t`
    for `weights`: g (t - w sum(t) / sum(w)) / sum(w)."""
    g = expand_reduced(g, a, axis, keepdims)
    w, tw = _full_weights(weights, a, axis), _full_weights(t, a, axis)
    total = numpy.sum(w, axis=axis, keepdims=True)
    return g * (tw - w * (numpy.sum(tw, axis=axis, keepdims=True) / total)) / total


@returns_new_array
def average_weights_adjoint_tangent(g, t, z, a, axis=None, weights=None, keepdims=False):
    """The tangent of `average_weights_adjoint(g, z, a, axis, weights)` along `t` for
    `weights`: that adjoint divides by sum(w), so its tangent is itself times
    -sum(t) / sum(w), the ratio taken per result (where `g` is)."""
    w, tw = _full_weights(weights, a, axis), _full_weights(t, a, axis)
    ratio = (numpy.sum(tw, axis=axis, keepdims=keepdims)
             / numpy.sum(w, axis=axis, keepdims=keepdims))
    return average_weights_adjoint(-g * ratio, z, a, axis, weights, keepdims)
