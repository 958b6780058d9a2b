"""Statistics: median, quantile and percentile (every `method` NumPy has), nanvar,
nanstd, nanprod, cov and corrcoef.  None is linear: each has an adjoint rule and a
tangent rule beside it.

Conventions: a quantile interpolates two order statistics, whose adjoints are sent
back to where they came from (and whose tangents it interpolates); equal values are
placed as a stable sort places them (as `sort` does, and as JAX's sort-based quantile
does).  `q` gets the gap between the two times how fast the position moves with q
(at an order statistic itself, the gap to the next one); the methods that jump
(lower, nearest, inverted_cdf, ...) have derivative 0 in q.  nanstd has derivative 0
where it is 0; the nan- functions give the NaNs they skip a zero adjoint (and leave
out their tangents).  cov and corrcoef compute in float64 as NumPy does, and so do
their tangents; the gradient comes back in the input's dtype.  cov's `fweights=` and
`aweights=` are refused when the gradient or tangent is computed.
"""

import numpy

from s2s import adjoint, d, tangent
from s2s.runtime.statistics import (
    corrcoef_adjoint,
    corrcoef_tangent,
    cov_adjoint,
    cov_tangent,
    nanprod_adjoint,
    nanprod_tangent,
    nanstd_adjoint,
    nanstd_tangent,
    nanvar_adjoint,
    nanvar_tangent,
    quantile_adjoint,
    quantile_q_adjoint,
    quantile_q_tangent,
    quantile_tangent,
)

@adjoint(numpy.median)
def median(z, a, axis=None, out=None, overwrite_input=False, keepdims=False):
    """Equal values: placed as a stable sort places them."""
    d[a] += quantile_adjoint(d[z], a, 0.5, axis, "linear", keepdims)


@tangent(numpy.median)
def median_forward(z, a, axis=None, out=None, overwrite_input=False, keepdims=False):
    d[z] = quantile_tangent(d[a], z, a, 0.5, axis, "linear", keepdims)


@adjoint(numpy.quantile)
def quantile(z, a, q, axis=None, out=None, overwrite_input=False, method="linear",
             keepdims=False, *, weights=None):
    """Equal values: placed as a stable sort places them; `weights=` is refused."""
    d[a] += quantile_adjoint(d[z], a, q, axis, method, keepdims, weights)
    d[q] += quantile_q_adjoint(d[z], a, q, axis, method, keepdims)


@tangent(numpy.quantile)
def quantile_forward(z, a, q, axis=None, out=None, overwrite_input=False,
                      method="linear", keepdims=False, *, weights=None):
    d[z] = (quantile_tangent(d[a], z, a, q, axis, method, keepdims, weights)
            + quantile_q_tangent(d[q], z, a, q, axis, method, keepdims))


@adjoint(numpy.percentile)
def percentile(z, a, q, axis=None, out=None, overwrite_input=False, method="linear",
               keepdims=False, *, weights=None):
    """As quantile, with q in percent."""
    d[a] += quantile_adjoint(d[z], a, q, axis, method, keepdims, weights, True)
    d[q] += quantile_q_adjoint(d[z], a, q, axis, method, keepdims, True)


@tangent(numpy.percentile)
def percentile_forward(z, a, q, axis=None, out=None, overwrite_input=False,
                       method="linear", keepdims=False, *, weights=None):
    d[z] = (quantile_tangent(d[a], z, a, q, axis, method, keepdims, weights, True)
            + quantile_q_tangent(d[q], z, a, q, axis, method, keepdims, True))


@adjoint(numpy.nanvar)
def nanvar(z, a, axis=None, dtype=None, out=None, ddof=0, keepdims=False, *,
           correction=None):
    """The NaNs it skips get a zero adjoint."""
    d[a] += nanvar_adjoint(d[z], a, axis, ddof, keepdims, correction)


@tangent(numpy.nanvar)
def nanvar_forward(z, a, axis=None, dtype=None, out=None, ddof=0, keepdims=False, *,
                    correction=None):
    d[z] = nanvar_tangent(d[a], a, axis, ddof, keepdims, correction)


@adjoint(numpy.nanstd)
def nanstd(z, a, axis=None, dtype=None, out=None, ddof=0, keepdims=False, *,
           correction=None):
    """0 where the result is 0; the NaNs it skips get a zero adjoint."""
    d[a] += nanstd_adjoint(d[z], z, a, axis, ddof, keepdims, correction)


@tangent(numpy.nanstd)
def nanstd_forward(z, a, axis=None, dtype=None, out=None, ddof=0, keepdims=False, *,
                    correction=None):
    d[z] = nanstd_tangent(d[a], z, a, axis, ddof, keepdims, correction)


@adjoint(numpy.nanprod)
def nanprod(z, a, axis=None, dtype=None, out=None, keepdims=False):
    """The NaNs it skips (taken as 1) get a zero adjoint."""
    d[a] += nanprod_adjoint(d[z], a, axis, keepdims)


@tangent(numpy.nanprod)
def nanprod_forward(z, a, axis=None, dtype=None, out=None, keepdims=False):
    d[z] = nanprod_tangent(d[a], a, axis, keepdims)


@adjoint(numpy.cov)
def cov(z, m, y=None, rowvar=True, bias=False, ddof=None, fweights=None, aweights=None,
        *, dtype=None):
    """`fweights=` and `aweights=` are refused."""
    d[m] += cov_adjoint(d[z], m, y, rowvar, bias, ddof, fweights, aweights)
    d[y] += cov_adjoint(d[z], m, y, rowvar, bias, ddof, fweights, aweights, False)


# quadratic in m and y together (they are stacked as rows): not bilinear
@tangent(numpy.cov)
def cov_forward(z, m, y=None, rowvar=True, bias=False, ddof=None, fweights=None,
                 aweights=None, *, dtype=None):
    d[z] = (cov_tangent(d[m], z, m, y, rowvar, bias, ddof, fweights, aweights)
            + cov_tangent(d[y], z, m, y, rowvar, bias, ddof, fweights, aweights, False))


@adjoint(numpy.corrcoef)
def corrcoef(z, x, y=None, rowvar=True, *, dtype=None):
    d[x] += corrcoef_adjoint(d[z], x, y, rowvar)
    d[y] += corrcoef_adjoint(d[z], x, y, rowvar, False)


@tangent(numpy.corrcoef)
def corrcoef_forward(z, x, y=None, rowvar=True, *, dtype=None):
    d[z] = (corrcoef_tangent(d[x], z, x, y, rowvar)
            + corrcoef_tangent(d[y], z, x, y, rowvar, False))
