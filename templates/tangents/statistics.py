"""Statistics: median, quantile and percentile (every `method` NumPy has), nanvar,
nanstd, nanprod, cov and corrcoef.

Conventions, as in the reverse rules: a quantile interpolates two order statistics,
and so their tangents; equal values are placed as a stable sort places them (as
`sort` does).  nanstd has derivative 0 where it is 0; the NaNs the nan- functions
skip contribute no tangent.  cov and corrcoef compute in float64 as NumPy does, and
so do their tangents.  cov's `fweights=` and `aweights=` are refused when the
tangent is computed.
"""

import numpy

from s2s import d, tangent
from s2s.runtime.statistics import (
    corrcoef_tangent,
    cov_tangent,
    nanprod_tangent,
    nanstd_tangent,
    nanvar_tangent,
    quantile_q_tangent,
    quantile_tangent,
)


@tangent(numpy.median)
def median(z, a, axis=None, out=None, overwrite_input=False, keepdims=False):
    """Equal values: placed as a stable sort places them."""
    d[z] = quantile_tangent(d[a], z, a, 0.5, axis, "linear", keepdims)


@tangent(numpy.quantile)
def quantile(z, a, q, axis=None, out=None, overwrite_input=False, method="linear",
             keepdims=False, *, weights=None):
    """Equal values: placed as a stable sort places them; `weights=` is refused."""
    d[z] = (quantile_tangent(d[a], z, a, q, axis, method, keepdims, weights)
            + quantile_q_tangent(d[q], z, a, q, axis, method, keepdims))


@tangent(numpy.percentile)
def percentile(z, a, q, axis=None, out=None, overwrite_input=False, method="linear",
               keepdims=False, *, weights=None):
    """As quantile, with q in percent."""
    d[z] = (quantile_tangent(d[a], z, a, q, axis, method, keepdims, weights, True)
            + quantile_q_tangent(d[q], z, a, q, axis, method, keepdims, True))


@tangent(numpy.nanvar)
def nanvar(z, a, axis=None, dtype=None, out=None, ddof=0, keepdims=False, *,
           correction=None):
    """The NaNs it skips contribute no tangent."""
    d[z] = nanvar_tangent(d[a], a, axis, ddof, keepdims, correction)


@tangent(numpy.nanstd)
def nanstd(z, a, axis=None, dtype=None, out=None, ddof=0, keepdims=False, *,
           correction=None):
    """0 where the result is 0; the NaNs it skips contribute no tangent."""
    d[z] = nanstd_tangent(d[a], z, a, axis, ddof, keepdims, correction)


@tangent(numpy.nanprod)
def nanprod(z, a, axis=None, dtype=None, out=None, keepdims=False):
    """The NaNs it skips (taken as 1) contribute no tangent."""
    d[z] = nanprod_tangent(d[a], a, axis, keepdims)


@tangent(numpy.cov)
def cov(z, m, y=None, rowvar=True, bias=False, ddof=None, fweights=None, aweights=None,
        *, dtype=None):
    """`fweights=` and `aweights=` are refused."""
    d[z] = (cov_tangent(d[m], z, m, y, rowvar, bias, ddof, fweights, aweights)
            + cov_tangent(d[y], z, m, y, rowvar, bias, ddof, fweights, aweights, False))


@tangent(numpy.corrcoef)
def corrcoef(z, x, y=None, rowvar=True, *, dtype=None):
    d[z] = corrcoef_tangent(d[x], z, x, y, rowvar) + corrcoef_tangent(d[y], z, x, y, rowvar, False)
