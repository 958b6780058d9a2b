"""Helpers for the rules of median, quantile, percentile, nanvar, nanstd, nanprod, cov
and corrcoef (templates/statistics.py).  Like the rest of the runtime they dispatch on
their inputs, so they run on NumPy, CuPy and Dask arrays."""

import math

import numpy

from s2s.runtime import _axes, check, expand_reduced, others_product, returns_new_array
from s2s.runtime.layout import sort_adjoint
from s2s.runtime.reductions import cumprod_tangent


def _order_weights(q, n, method, percent):
    """The weights `w[q, k]` with which each quantile combines the k-th smallest of n
    values: for every method NumPy has, a quantile mixes two neighbouring order
    statistics j and j + 1 as (1 - t) x_j + t x_(j+1).  NumPy itself tells j + t: it
    is the quantile of 0, 1, ..., n - 1."""
    at = (numpy.percentile if percent else numpy.quantile)(
        numpy.arange(n, dtype=float), numpy.asarray(q, dtype=float), method=method
    )
    at = numpy.reshape(at, (-1,))
    low = numpy.floor(at).astype(int)
    t = at - low
    high = numpy.minimum(low + 1, n - 1)
    w = numpy.zeros((at.size, n))
    rows = numpy.arange(at.size)
    numpy.add.at(w, (rows, low), 1 - t)
    numpy.add.at(w, (rows, high), t)
    return w


@returns_new_array
def quantile_adjoint(g, a, q, axis=None, method="linear", keepdims=False, weights=None,
                     percent=False):
    """The adjoint of `a` in `numpy.quantile(a, q, axis)` (`numpy.percentile` when
    `percent`; `numpy.median` is q = 0.5): each quantile's adjoint split between the two
    order statistics it interpolates, then sent back to where they came from.  Equal
    values are placed as a stable sort places them (as `sort`'s adjoint does)."""
    if weights is not None:
        raise NotImplementedError("s2s cannot differentiate a quantile with weights=")
    ndim = numpy.ndim(a)
    axes = _axes(axis, ndim)
    rest = tuple(i for i in range(ndim) if i not in axes)
    moved = numpy.transpose(a, rest + axes)
    rest_shape = moved.shape[: len(rest)]
    n = math.prod(moved.shape[len(rest):])
    flat = numpy.reshape(moved, rest_shape + (n,))
    q_shape = numpy.shape(q)
    if keepdims:  # drop the reduced axes, kept as 1s after q's
        g = numpy.reshape(g, q_shape + rest_shape)
    w = numpy.asarray(_order_weights(q, n, method, percent), dtype=a.dtype, like=a)
    g = numpy.reshape(g, (math.prod(q_shape),) + rest_shape)
    ordered = numpy.moveaxis(numpy.tensordot(w, g, axes=([0], [0])), 0, -1)
    out = numpy.reshape(sort_adjoint(ordered, flat, -1), moved.shape)
    return numpy.transpose(out, tuple(numpy.argsort(rest + axes)))


def _nan_count(a, axis):
    return numpy.sum(~numpy.isnan(a), axis=axis, keepdims=True)


@returns_new_array
def nanvar_adjoint(g, a, axis=None, ddof=0, keepdims=False, correction=None):
    """The adjoint of `a` in `numpy.nanvar`: var's over the values that are not NaN,
    2 (a - mean) / (count - ddof), and 0 at the NaNs."""
    ddof = ddof if correction is None else correction
    kept = ~numpy.isnan(a)
    mean = numpy.nanmean(a, axis=axis, keepdims=True)
    scale = 2.0 / (_nan_count(a, axis) - ddof)
    g = expand_reduced(g, a, axis, keepdims)
    return numpy.where(kept, g * ((a - mean) * scale).astype(g.dtype), 0)


@returns_new_array
def nanstd_adjoint(g, z, a, axis=None, ddof=0, keepdims=False, correction=None):
    """The adjoint of `a` in `numpy.nanstd`: nanvar's times 1 / (2 z), 0 where z is 0."""
    zero = z == 0
    half = numpy.where(zero, 0.0, 0.5 / numpy.where(zero, 1.0, z)).astype(z.dtype)
    return nanvar_adjoint(g * half, a, axis, ddof, keepdims, correction)


@returns_new_array
def nanprod_adjoint(g, a, axis=None, keepdims=False):
    """The adjoint of `a` in `numpy.nanprod`: prod's with the NaNs taken as 1, and 0 at
    the NaNs."""
    nan = numpy.isnan(a)
    others = others_product(numpy.where(nan, 1, a), axis)
    return numpy.where(nan, 0, expand_reduced(g, a, axis, keepdims) * others)


def _variables(m, rowvar):
    """`m` as NumPy's cov reads it: a 2-d array with one variable per row."""
    x = numpy.reshape(m, (1, -1)) if numpy.ndim(m) < 2 else m
    return x.T if not rowvar and numpy.ndim(m) == 2 else x


def _variables_back(dx, m, rowvar):
    """The adjoint of `m` from that of `_variables(m, rowvar)`."""
    if not rowvar and numpy.ndim(m) == 2:
        dx = dx.T
    return numpy.reshape(dx, numpy.shape(m)).astype(m.dtype, copy=False)


@check
def _no_weights(fweights, aweights):
    if fweights is not None or aweights is not None:
        raise NotImplementedError(
            "s2s cannot differentiate numpy.cov with fweights= or aweights="
        )


def _centered(m, y, rowvar):
    x = _variables(m, rowvar)
    if y is not None:
        x = numpy.concatenate([x, _variables(y, rowvar)], axis=0)
    return x - numpy.mean(x, axis=1, keepdims=True)


def _cov_adjoints(g, m, y, rowvar, bias, ddof):
    """The adjoints of `m` and `y` in `c = numpy.cov(m, y, rowvar, bias, ddof)`:
    (G + G^T) X_c / (N - ddof), for the centred variables X_c (one per row)."""
    xc = _centered(m, y, rowvar)
    k, count = xc.shape
    ddof = (0 if bias else 1) if ddof is None else ddof
    g = numpy.reshape(g, (k, k)).astype(xc.dtype, copy=False)
    dx = (g + g.T) @ xc / (count - ddof)
    rows = _variables(m, rowvar).shape[0]
    dm = _variables_back(dx[:rows], m, rowvar)
    return dm, (None if y is None else _variables_back(dx[rows:], y, rowvar))


@returns_new_array
def cov_adjoint(g, m, y=None, rowvar=True, bias=False, ddof=None, fweights=None,
                aweights=None, first=True):
    """The adjoint of `m` (of `y` unless `first`) in `numpy.cov(m, y, ...)`."""
    _no_weights(fweights, aweights)
    return _cov_adjoints(g, m, y, rowvar, bias, ddof)[0 if first else 1]


@returns_new_array
def corrcoef_adjoint(g, m, y=None, rowvar=True, first=True):
    """The adjoint of `m` (of `y` unless `first`) in `r = numpy.corrcoef(m, y)`, through
    r_ij = c_ij / (s_i s_j), s = sqrt(diag c), for c = numpy.cov(m, y)."""
    c = numpy.atleast_2d(numpy.cov(m, y, rowvar))
    s = numpy.sqrt(numpy.diagonal(c))
    r = c / s[:, None] / s[None, :]
    g = numpy.reshape(g, r.shape)
    gr = g * r
    ds = -(numpy.sum(gr, axis=1) + numpy.sum(gr, axis=0)) / s
    dc = g / s[:, None] / s[None, :] + numpy.diag(ds / (2 * s))
    return _cov_adjoints(dc, m, y, rowvar, False, None)[0 if first else 1]


# -- forward mode (the forward rules in templates/statistics.py): each helper is linear in `t`,
# the tangent of one argument, and gives the tangent of the result ----------------


@returns_new_array
def quantile_tangent(t, z, a, q, axis=None, method="linear", keepdims=False, weights=None,
                     percent=False):
    """The tangent of `z = numpy.quantile(a, q, axis)` along `t` (`numpy.percentile`
    when `percent`; `numpy.median` is q = 0.5): each quantile mixes two order
    statistics, and so mixes their tangents.  Equal values are placed as a stable sort
    places them (as `sort` does, and the reverse rule).  In z's dtype: float64 for
    float32 `a` where `q` is an array of float64."""
    if weights is not None:
        raise NotImplementedError("s2s cannot differentiate a quantile with weights=")
    shape = numpy.shape(a)
    axes = _axes(axis, len(shape))
    rest = tuple(i for i in range(len(shape)) if i not in axes)
    rest_shape = tuple(shape[i] for i in rest)
    n = math.prod(shape[i] for i in axes)
    flat_a = numpy.reshape(numpy.transpose(a, rest + axes), rest_shape + (n,))
    flat_t = numpy.reshape(numpy.transpose(t, rest + axes), rest_shape + (n,))
    order = numpy.argsort(flat_a, axis=-1, kind="stable")
    ordered = numpy.take_along_axis(flat_t, order, axis=-1)
    dtype = getattr(z, "dtype", ordered.dtype)
    ordered = ordered.astype(dtype, copy=False)
    w = numpy.asarray(_order_weights(q, n, method, percent), dtype=dtype, like=ordered)
    out = numpy.moveaxis(numpy.tensordot(ordered, w, axes=([-1], [1])), -1, 0)
    if keepdims:  # the reduced axes kept as 1s, after q's
        rest_shape = tuple(1 if i in axes else s for i, s in enumerate(shape))
    return numpy.reshape(out, numpy.shape(q) + rest_shape)


def _nanvar_weights(a, axis, ddof, correction, dtype):
    """d nanvar / d a: 2 (a - mean) / (count - ddof) over the values that are not NaN
    (NaN at the NaNs), in `dtype`."""
    ddof = ddof if correction is None else correction
    mean = numpy.nanmean(a, axis=axis, keepdims=True)
    scale = 2.0 / (_nan_count(a, axis) - ddof)
    return ((a - mean) * scale).astype(dtype, copy=False)


@returns_new_array
def nanvar_tangent(t, a, axis=None, ddof=0, keepdims=False, correction=None):
    """The tangent of `numpy.nanvar(a, axis, ddof=ddof)`: var's over the values that
    are not NaN; the NaNs it skips contribute nothing."""
    weights = _nanvar_weights(a, axis, ddof, correction, numpy.result_type(t))
    return numpy.sum(numpy.where(numpy.isnan(a), 0, t * weights), axis=axis,
                     keepdims=keepdims)


@returns_new_array
def nanstd_tangent(t, z, a, axis=None, ddof=0, keepdims=False, correction=None):
    """The tangent of `z = numpy.nanstd(a, ...)`: nanvar's over 2 z, 0 where z is 0."""
    zero = z == 0
    half = numpy.where(zero, 0.0, 0.5 / numpy.where(zero, 1.0, z)).astype(z.dtype)
    return nanvar_tangent(t, a, axis, ddof, keepdims, correction) * half


@returns_new_array
def nanprod_tangent(t, a, axis=None, keepdims=False):
    """The tangent of `numpy.nanprod(a, axis)`: prod's with the NaNs taken as 1; the
    NaNs contribute nothing."""
    nan = numpy.isnan(a)
    others = others_product(numpy.where(nan, 1, a), axis)
    return numpy.sum(numpy.where(nan, 0, t * others), axis=axis, keepdims=keepdims)


def _cov_tangent(dx, x, count_ddof, shape, dtype):
    """The tangent of `c = X_c X_c^T / (N - ddof)` along `dx`, for the centred
    variables `x` (one per row), shaped and typed as the result."""
    x = x.astype(dtype, copy=False)
    dx = dx.astype(dtype, copy=False)
    xc = x - numpy.mean(x, axis=1, keepdims=True)
    dxc = dx - numpy.mean(dx, axis=1, keepdims=True)
    product = dxc @ xc.T
    return numpy.reshape((product + product.T) / count_ddof, shape)


def _cov_parts(t, m, y, rowvar, first):
    """The variables of `numpy.cov(m, y)` (one per row, `y`'s after `m`'s), and the
    tangent `t` of `m` (of `y` unless `first`) placed among zeros for the others."""
    xm = _variables(m, rowvar)
    xy = None if y is None else _variables(y, rowvar)
    tt = _variables(t, rowvar)
    if y is None:
        return xm, tt
    x = numpy.concatenate([xm, xy], axis=0)
    zeros = numpy.zeros_like(xy if first else xm, dtype=tt.dtype)
    return x, numpy.concatenate([tt, zeros] if first else [zeros, tt], axis=0)


@returns_new_array
def cov_tangent(t, z, m, y=None, rowvar=True, bias=False, ddof=None, fweights=None,
                aweights=None, first=True):
    """The tangent of `z = numpy.cov(m, y, ...)` along `t` for `m` (for `y` unless
    `first`): (dX_c X_c^T + X_c dX_c^T) / (N - ddof), in z's dtype (float64, as
    NumPy computes it, for float32 inputs too)."""
    _no_weights(fweights, aweights)
    x, dx = _cov_parts(t, m, y, rowvar, first)
    ddof = (0 if bias else 1) if ddof is None else ddof
    dtype = getattr(z, "dtype", numpy.result_type(x, 1.0))
    return _cov_tangent(dx, x, numpy.shape(x)[1] - ddof, numpy.shape(z), dtype)


@returns_new_array
def corrcoef_tangent(t, z, m, y=None, rowvar=True, first=True):
    """The tangent of `r = numpy.corrcoef(m, y)` along `t` for `m` (for `y` unless
    `first`), through r_ij = c_ij / (s_i s_j), s = sqrt(diag c), c = numpy.cov(m, y):
    dr_ij = dc_ij / (s_i s_j) - r_ij (ds_i / s_i + ds_j / s_j), ds = d(diag c) / (2 s)."""
    c = numpy.atleast_2d(numpy.cov(m, y, rowvar))
    x, dx = _cov_parts(t, m, y, rowvar, first)
    dc = _cov_tangent(dx, x, numpy.shape(x)[1] - 1, c.shape, c.dtype)
    s = numpy.sqrt(numpy.diagonal(c))
    r = c / s[:, None] / s[None, :]
    rel = numpy.diagonal(dc) / (2 * s * s)  # ds / s
    dr = dc / s[:, None] / s[None, :] - r * rel[:, None] - r * rel[None, :]
    return numpy.reshape(dr, numpy.shape(z)).astype(getattr(z, "dtype", dr.dtype), copy=False)


# -- second order (templates/runtime_reductions.py): tangents of the adjoint
# helpers above, for forward mode over a generated gradient (Hessian-vector products);
# each is linear in `t`, the tangent of one of the helper's arguments ----------------


def _others_product_tangent(t, x, axis):
    """The tangent of `others_product(x, axis)` along `t`, exact where `x` has zeros:
    the products before and after each element are cumulative products, whose
    tangents `cumprod_tangent` gives exactly."""
    if axis is None:
        flat = _others_product_tangent(numpy.reshape(t, (-1,)), numpy.reshape(x, (-1,)), 0)
        return numpy.reshape(flat, numpy.shape(x))
    if isinstance(axis, tuple):
        moved = numpy.moveaxis(x, axis, tuple(range(-len(axis), 0)))
        moved_t = numpy.moveaxis(t, axis, tuple(range(-len(axis), 0)))
        kept = moved.shape[: moved.ndim - len(axis)] + (-1,)
        out = _others_product_tangent(numpy.reshape(moved_t, kept), numpy.reshape(moved, kept), -1)
        return numpy.moveaxis(numpy.reshape(out, moved.shape), tuple(range(-len(axis), 0)), axis)

    def shifted(v, start):  # `start`, then v but its last element, along the axis
        return numpy.concatenate([start, numpy.delete(v, -1, axis=axis)], axis=axis)

    ones = numpy.ones_like(numpy.take(x, [0], axis=axis))
    zeros = numpy.zeros_like(numpy.take(t, [0], axis=axis))
    xb, tb = shifted(x, ones), shifted(t, zeros)
    xa = shifted(numpy.flip(x, axis=axis), ones)
    ta = shifted(numpy.flip(t, axis=axis), zeros)
    before, after = numpy.cumprod(xb, axis=axis), numpy.flip(numpy.cumprod(xa, axis=axis), axis=axis)
    d_before = cumprod_tangent(tb, xb, axis)
    d_after = numpy.flip(cumprod_tangent(ta, xa, axis), axis=axis)
    return d_before * after + before * d_after


# -- a quantile's derivative in q --------------------------------------------------------

# d(virtual index)/dq for the methods whose quantile moves continuously with q: NumPy's
# index is n q + alpha + q (1 - alpha - beta) - 1, so the slope is n + 1 - alpha - beta
# (then clipped to [0, n - 1]); the other methods are piecewise constant in q
_INDEX_SLOPE = {
    "linear": -1.0, "hazen": 0.0, "weibull": 1.0, "median_unbiased": 1.0 / 3.0,
    "normal_unbiased": 0.25, "interpolated_inverted_cdf": 0.0,
}


def _quantile_slopes(a, q, axis, method, keepdims, percent, values=None):
    """d quantile / d q, shaped like the quantiles: the gap between the two order
    statistics a quantile mixes, times how fast its position moves with q (at an
    order statistic itself, the gap to the next one; 0 where the position is clipped,
    and for the methods that jump).  `values`: gaps of these instead (tangents),
    ordered as `a` is."""
    values = a if values is None else values
    shape = numpy.shape(a)
    axes = _axes(axis, len(shape))
    rest = tuple(i for i in range(len(shape)) if i not in axes)
    rest_shape = tuple(shape[i] for i in rest)
    n = math.prod(shape[i] for i in axes)
    flat_a = numpy.reshape(numpy.transpose(a, rest + axes), rest_shape + (n,))
    flat_v = numpy.reshape(numpy.transpose(values, rest + axes), rest_shape + (n,))
    ordered = numpy.take_along_axis(flat_v, numpy.argsort(flat_a, axis=-1, kind="stable"), -1)
    at = numpy.reshape((numpy.percentile if percent else numpy.quantile)(
        numpy.arange(n, dtype=float), numpy.asarray(q, dtype=float), method=method), (-1,))
    low = numpy.minimum(numpy.floor(at).astype(int), max(n - 2, 0))
    high = numpy.minimum(low + 1, n - 1)
    speed = (n + _INDEX_SLOPE[method]) if method in _INDEX_SLOPE else 0.0
    if percent:
        speed = speed / 100.0
    moving = (at > 0) & (at < n - 1) if speed else numpy.zeros(at.shape, bool)
    gaps = numpy.take(ordered, high, axis=-1) - numpy.take(ordered, low, axis=-1)
    slopes = numpy.moveaxis(gaps * numpy.where(moving, speed, 0.0).astype(gaps.dtype), -1, 0)
    if keepdims:
        rest_shape = tuple(1 if i in axes else s for i, s in enumerate(shape))
    return numpy.reshape(slopes, numpy.shape(q) + rest_shape)


@returns_new_array
def quantile_q_adjoint(g, a, q, axis=None, method="linear", keepdims=False, percent=False):
    """The adjoint of `q` in `z = numpy.quantile(a, q, axis)`: `g` times dz/dq, summed
    over the quantiles each q gives (one per slice of `a`)."""
    part = g * _quantile_slopes(a, q, axis, method, keepdims, percent)
    total = numpy.sum(numpy.reshape(part, numpy.shape(q) + (-1,)), axis=-1)
    return float(total) if isinstance(q, (int, float)) else total.astype(
        getattr(q, "dtype", total.dtype), copy=False)


@returns_new_array
def quantile_q_tangent(t, z, a, q, axis=None, method="linear", keepdims=False,
                       percent=False):
    """The tangent of `z = numpy.quantile(a, q, axis)` along a tangent `t` of `q`."""
    slopes = _quantile_slopes(a, q, axis, method, keepdims, percent)
    t = numpy.reshape(t, numpy.shape(q) + (1,) * (numpy.ndim(slopes) - numpy.ndim(q)))
    return (t * slopes).astype(getattr(z, "dtype", slopes.dtype), copy=False)


@returns_new_array
def quantile_q_adjoint_tangent(t, g, a, q, axis=None, method="linear", keepdims=False,
                               percent=False):
    """quantile_q_adjoint's tangent along a tangent `t` of `a` (the gaps move with the
    values; which values a quantile mixes does not)."""
    part = g * _quantile_slopes(a, q, axis, method, keepdims, percent, values=t)
    return numpy.sum(numpy.reshape(part, numpy.shape(q) + (-1,)), axis=-1)


@check
def no_second_derivative_in_q(t):
    """Refuse a quantile's second derivatives through `q` (its gradient's tangent in q)."""
    raise NotImplementedError(
        "s2s does not differentiate a quantile's gradient with respect to q (second "
        "derivatives through q)"
    )
