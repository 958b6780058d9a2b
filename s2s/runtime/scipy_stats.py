"""Helpers for the rules of scipy.stats' distributions (templates/scipy_stats.py): the
partial derivatives of log densities, and the adjoints and tangents of
multivariate_normal's and dirichlet's, which reduce over a point's components.  They
compute in NumPy's functions and scipy.special's alone, so that forward mode
differentiates them from this source (for Hessian-vector products).  Only generated
code of functions that call scipy.stats imports this module."""

import numpy
from scipy import special

from s2s.runtime import check

# -- log densities of one variable: partial derivatives ---------------------------------


def _location_scale(dy, y, scale):
    """The partial derivatives in x, loc and scale of `logpdf0(y) - log(scale)`, y = (x -
    loc) / scale, from the standardized log density's in y, `dy`."""
    return dy / scale, -dy / scale, -(1.0 + y * dy) / scale


def norm_logpdf_partials(x, loc=0.0, scale=1.0):
    """norm.logpdf's partial derivatives in x, loc and scale."""
    y = (x - loc) / scale
    return _location_scale(-y, y, scale)


def t_logpdf_partials(x, df, loc=0.0, scale=1.0):
    """t.logpdf's partial derivatives in x, df, loc and scale, of gammaln((df + 1) / 2)
    - gammaln(df / 2) - log(df pi) / 2 - (df + 1) / 2 log(1 + y^2 / df)."""
    y = (x - loc) / scale
    spread = df + y * y
    dy = -(df + 1.0) * y / spread
    ddf = 0.5 * (special.digamma(0.5 * (df + 1.0)) - special.digamma(0.5 * df) - 1.0 / df
                 - numpy.log1p(y * y / df) + (df + 1.0) * y * y / (df * spread))
    dx, dloc, dscale = _location_scale(dy, y, scale)
    return dx, ddf, dloc, dscale


def gamma_logpdf_partials(x, a, loc=0.0, scale=1.0):
    """gamma.logpdf's partial derivatives in x, a, loc and scale, of (a - 1) log y - y -
    gammaln(a); 0 where the density is 0 and at its support's edge (x <= loc)."""
    inside = x > loc
    y = numpy.where(inside, (x - loc) / scale, 1.0)
    dy = (a - 1.0) / y - 1.0
    dx, dloc, dscale = _location_scale(dy, y, scale)
    da = numpy.log(y) - special.digamma(a)
    return (numpy.where(inside, dx, 0.0), numpy.where(inside, da, 0.0),
            numpy.where(inside, dloc, 0.0), numpy.where(inside, dscale, 0.0))


def chi2_logpdf_partials(x, df, loc=0.0, scale=1.0):
    """chi2.logpdf's partial derivatives in x, df, loc and scale, of (df / 2 - 1) log y -
    y / 2 - df / 2 log 2 - gammaln(df / 2); 0 where the density is 0 and at its support's
    edge (x <= loc)."""
    inside = x > loc
    y = numpy.where(inside, (x - loc) / scale, 1.0)
    dy = (0.5 * df - 1.0) / y - 0.5
    dx, dloc, dscale = _location_scale(dy, y, scale)
    ddf = 0.5 * (numpy.log(0.5 * y) - special.digamma(0.5 * df))
    return (numpy.where(inside, dx, 0.0), numpy.where(inside, ddf, 0.0),
            numpy.where(inside, dloc, 0.0), numpy.where(inside, dscale, 0.0))


def beta_logpdf_partials(x, a, b, loc=0.0, scale=1.0):
    """beta.logpdf's partial derivatives in x, a, b, loc and scale, of (a - 1) log y +
    (b - 1) log(1 - y) - betaln(a, b); 0 where the density is 0 and at its support's
    edges (y <= 0 or y >= 1)."""
    y = (x - loc) / scale
    inside = (y > 0.0) & (y < 1.0)
    y = numpy.where(inside, y, 0.5)
    dy = (a - 1.0) / y - (b - 1.0) / (1.0 - y)
    dx, dloc, dscale = _location_scale(dy, y, scale)
    both = special.digamma(a + b)
    da = numpy.log(y) - special.digamma(a) + both
    db = numpy.log1p(-y) - special.digamma(b) + both
    return (numpy.where(inside, dx, 0.0), numpy.where(inside, da, 0.0),
            numpy.where(inside, db, 0.0), numpy.where(inside, dloc, 0.0),
            numpy.where(inside, dscale, 0.0))


def poisson_logpmf_partial(k, mu, loc=0):
    """poisson.logpmf's partial derivative in mu, of k log mu - mu - gammaln(k + 1), k
    counted from loc: -1 at k = 0 (mu = 0 too, as SciPy's xlogy reads 0 log 0 as 0);
    0 where the probability is 0 (k below loc, or not an integer)."""
    count = k - loc
    inside = (count >= 0) & (numpy.floor(count) == count)
    return numpy.where(inside, count / numpy.where(count == 0, 1.0, mu) - 1.0, 0.0)


# -- multivariate_normal ------------------------------------------------------------------


def _multivariate_normal_parts(x, mean, cov, allow_singular):
    """(x as points along its last axis, (..., k); the inverse of cov as a (k, k)
    matrix; each point's deviation from the mean times it, (..., k)), reading x, mean
    and cov as SciPy does: k from mean (or cov), a scalar cov times the identity, a
    vector cov the diagonal, a 1-D x n points where k is 1.  A singular cov, which
    SciPy takes with allow_singular, is refused."""
    if hasattr(cov, "whiten"):
        raise TypeError("s2s cannot differentiate multivariate_normal with a "
                        "scipy.stats.Covariance object: pass cov as an array")
    if mean is None:
        dim = 1 if numpy.ndim(cov) < 2 else numpy.shape(cov)[0]
    else:
        dim = numpy.size(mean)
    points = x
    if numpy.ndim(x) == 0 or (numpy.ndim(x) == 1 and dim == 1):
        points = numpy.reshape(x, numpy.shape(x) + (1,))
    matrix = _covariance_matrix(cov, dim)
    if allow_singular:  # (otherwise SciPy has refused a singular cov)
        _require_nonsingular(matrix)
    precision = numpy.linalg.inv(matrix)
    deviation = points if mean is None else points - numpy.reshape(mean, (dim,))
    return points, precision, deviation @ precision


def _covariance_matrix(cov, dim):
    """cov as a (dim, dim) matrix, as SciPy reads it."""
    if dim == 1:
        return numpy.reshape(cov, (1, 1))
    if numpy.ndim(cov) == 0:
        return cov * numpy.eye(dim)
    if numpy.ndim(cov) == 1:
        return numpy.diag(cov)
    return cov


@check
def _require_nonsingular(matrix):
    """Raise where SciPy deems cov singular (an eigenvalue under its cutoff): its density
    lives on a subspace then, off which it is 0."""
    eigenvalues = numpy.linalg.eigvalsh(matrix)
    cutoff = 1e6 * numpy.finfo(float).eps * numpy.max(numpy.abs(eigenvalues))
    if numpy.min(eigenvalues) <= cutoff:
        raise numpy.linalg.LinAlgError(
            "s2s cannot differentiate multivariate_normal with a singular cov "
            "(allow_singular=True): its density lives on a subspace")


def _weighted(g, points, whitened):
    """Each point's P (x - mean) times its result's adjoint in `g`, as rows: (n, k)."""
    weights = numpy.reshape(g, numpy.shape(points)[:-1])
    rows = numpy.expand_dims(weights, -1) * whitened
    return numpy.reshape(rows, (-1, numpy.shape(points)[-1]))


def multivariate_normal_x_adjoint(g, x, mean=None, cov=1, allow_singular=False):
    """The adjoint of x in `z = multivariate_normal.logpdf(x, mean, cov)` from z's, `g`
    (the pdf's: g times the pdf): -g P (x - mean) for each point, P the inverse of
    cov."""
    points, _, whitened = _multivariate_normal_parts(x, mean, cov, allow_singular)
    return numpy.reshape(-_weighted(g, points, whitened), numpy.shape(x))


def multivariate_normal_mean_adjoint(g, x, mean=None, cov=1, allow_singular=False):
    """The adjoint of mean: the sum over the points of g P (x - mean)."""
    points, _, whitened = _multivariate_normal_parts(x, mean, cov, allow_singular)
    return numpy.reshape(numpy.sum(_weighted(g, points, whitened), axis=0), numpy.shape(mean))


def multivariate_normal_cov_adjoint(g, x, mean=None, cov=1, allow_singular=False):
    """The adjoint of cov: (sum g P (x - mean) (x - mean)^T P - sum(g) P) / 2 over the
    points, symmetric (the derivative for symmetric changes of cov); its trace for a
    scalar cov, its diagonal for a vector."""
    points, precision, whitened = _multivariate_normal_parts(x, mean, cov, allow_singular)
    dim = numpy.shape(precision)[0]
    spread = _weighted(g, points, whitened).T @ numpy.reshape(whitened, (-1, dim))
    dmatrix = 0.5 * (spread - numpy.sum(g) * precision)
    dmatrix = 0.5 * (dmatrix + dmatrix.T)
    if dim > 1 and numpy.ndim(cov) == 0:
        return numpy.trace(dmatrix)
    if dim > 1 and numpy.ndim(cov) == 1:
        return numpy.diagonal(dmatrix)
    return numpy.reshape(dmatrix, numpy.shape(cov))


def multivariate_normal_x_tangent(t, z, x, mean=None, cov=1, allow_singular=False):
    """The part of `z = multivariate_normal.logpdf(x, mean, cov)`'s tangent from x's,
    `t`: -(x - mean)^T P t for each point, P the inverse of cov."""
    points, _, whitened = _multivariate_normal_parts(x, mean, cov, allow_singular)
    moved = numpy.reshape(t, numpy.shape(points))
    return numpy.reshape(-numpy.sum(whitened * moved, axis=-1), numpy.shape(z))


def multivariate_normal_mean_tangent(t, z, x, mean=None, cov=1, allow_singular=False):
    """The part from mean's tangent `t`: (x - mean)^T P t for each point."""
    _, precision, whitened = _multivariate_normal_parts(x, mean, cov, allow_singular)
    moved = numpy.reshape(t, (numpy.shape(precision)[0],))
    return numpy.reshape(numpy.sum(whitened * moved, axis=-1), numpy.shape(z))


def multivariate_normal_cov_tangent(t, z, x, mean=None, cov=1, allow_singular=False):
    """The part from cov's tangent `t` (a matrix's, a scalar's or a diagonal's, as cov
    is given): ((x - mean)^T P T P (x - mean) - trace(P T)) / 2 for each point, which
    only T's symmetric part changes."""
    _, precision, whitened = _multivariate_normal_parts(x, mean, cov, allow_singular)
    moved = _covariance_matrix(t, numpy.shape(precision)[0])
    spread = numpy.sum((whitened @ moved) * whitened, axis=-1)
    return numpy.reshape(0.5 * (spread - numpy.sum(precision * moved.T)), numpy.shape(z))


# -- dirichlet: components along the first axis -------------------------------------------


def _dirichlet_components(x, alpha):
    """x with every component, (k, ...): SciPy implies the last, 1 - the others' sum,
    where x has k - 1."""
    if numpy.shape(x)[0] == numpy.shape(alpha)[0]:
        return x
    return numpy.concatenate([x, 1.0 - numpy.sum(x, axis=0, keepdims=True)])


def _dirichlet_x_partials(full, alpha):
    """The log density's partial derivatives in every component, (alpha - 1) / x: 0
    where alpha is 1, as SciPy's xlogy reads (alpha - 1) log x there whatever x."""
    column = numpy.reshape(alpha, numpy.shape(alpha) + (1,) * (numpy.ndim(full) - 1))
    return (column - 1.0) / numpy.where(column == 1.0, 1.0, full)


def _dirichlet_alpha_partials(full, alpha):
    """The log density's partial derivatives in alpha, log x - digamma(alpha) +
    digamma(sum(alpha)), one column per point: (k, points)."""
    flat = numpy.reshape(full, (numpy.shape(alpha)[0], -1))
    normalizer = special.digamma(alpha) - special.digamma(numpy.sum(alpha))
    return numpy.log(flat) - numpy.expand_dims(normalizer, -1)


def dirichlet_x_adjoint(g, x, alpha):
    """The adjoint of x in `z = dirichlet.logpdf(x, alpha)` from z's, `g` (the pdf's: g
    times the pdf).  Given k - 1 components, it follows the last, 1 - their sum."""
    full = _dirichlet_components(x, alpha)
    dfull = _dirichlet_x_partials(full, alpha) * numpy.reshape(g, numpy.shape(full)[1:])
    if numpy.shape(x)[0] != numpy.shape(alpha)[0]:
        return dfull[:-1] - dfull[-1:]
    return dfull


def dirichlet_alpha_adjoint(g, x, alpha):
    """The adjoint of alpha."""
    full = _dirichlet_components(x, alpha)
    return _dirichlet_alpha_partials(full, alpha) @ numpy.reshape(g, (-1,))


def dirichlet_x_tangent(t, z, x, alpha):
    """The part of `z = dirichlet.logpdf(x, alpha)`'s tangent from x's, `t`."""
    full = _dirichlet_components(x, alpha)
    if numpy.shape(x)[0] != numpy.shape(alpha)[0]:
        t = numpy.concatenate([t, -numpy.sum(t, axis=0, keepdims=True)])
    return numpy.reshape(numpy.sum(_dirichlet_x_partials(full, alpha) * t, axis=0),
                         numpy.shape(z))


def dirichlet_alpha_tangent(t, z, x, alpha):
    """The part from alpha's tangent `t`."""
    full = _dirichlet_components(x, alpha)
    return numpy.reshape(t @ _dirichlet_alpha_partials(full, alpha), numpy.shape(z))
