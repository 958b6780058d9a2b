"""Helpers for the rules of median, quantile, percentile, nanvar, nanstd, nanprod, cov
and corrcoef (templates/statistics.py).  Like the rest of the runtime they dispatch on
their inputs, so they run on NumPy, CuPy and Dask arrays."""

import math

import numpy

from s2s.runtime import _axes, expand_reduced, others_product, returns_new_array
from s2s.runtime.layout import sort_adjoint


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
