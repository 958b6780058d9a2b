"""Distributions of scipy.stats: densities, distribution functions, probabilities.

The densities, distribution functions and their logs of norm, t, gamma, beta and
chi2, multivariate_normal's and dirichlet's densities and poisson's probabilities,
called on the distribution (`stats.norm.logpdf(x, mu, sigma)`; a frozen one's,
`stats.norm(mu, sigma).logpdf(x)`, is the same call).

Conventions:
- loc and scale keep SciPy's defaults, 0 and 1, positional or by keyword; each
  density's partial derivatives are its standardized one's in y = (x - loc) / scale.
- The distribution functions (cdf, sf, logcdf, logsf) of t, gamma, beta and chi2 are
  differentiated in x, loc and scale; their derivatives in the shape parameters (t's
  and chi2's df, gamma's a, beta's a and b) have no closed form: refused.
- The densities of gamma, beta and chi2 are 0 outside their supports (x < loc; for
  beta, x > loc + scale too) and jump or have infinite slopes at their edges: their
  partial derivatives are taken as 0 there and at the edges.
- multivariate_normal: x is points along its last axis, (..., k) or (k,), mean (k,),
  cov (k, k), symmetric positive definite, or a number (times the identity) or a
  vector (the diagonal), as SciPy reads them.  cov's adjoint is symmetric: the
  derivative for symmetric changes of cov (as for numpy.linalg.cholesky).  mean left
  out is 0.  A singular cov (allow_singular=True), whose density lives on a subspace,
  is refused when the derivative runs (numpy.linalg.LinAlgError).
- dirichlet: x has the components along its first axis, (k,) or (k, n), as SciPy
  reads it.  Its derivative in x is the density formula's partial derivative in each
  component, as if they were independent (an x made on the simplex, softmax(u,
  axis=0), gets the derivative along it by the chain rule); given k - 1 components,
  SciPy takes the last to be 1 - their sum, and the derivative follows it.
- poisson: the count k and the shift loc are integers: no derivative.
"""

import numpy
from scipy import stats

from s2s import adjoint, d, elementwise, no_derivative, tangent
from s2s.runtime.scipy_stats import (
    beta_logpdf_partials,
    chi2_logpdf_partials,
    dirichlet_alpha_adjoint,
    dirichlet_alpha_tangent,
    dirichlet_x_adjoint,
    dirichlet_x_tangent,
    gamma_logpdf_partials,
    multivariate_normal_cov_adjoint,
    multivariate_normal_cov_tangent,
    multivariate_normal_mean_adjoint,
    multivariate_normal_mean_tangent,
    multivariate_normal_x_adjoint,
    multivariate_normal_x_tangent,
    norm_logpdf_partials,
    poisson_logpmf_partial,
    t_logpdf_partials,
)

# -- norm -------------------------------------------------------------------------------


@elementwise(stats.norm.logpdf)
def norm_logpdf(z, x, loc=0.0, scale=1.0):
    partial_x, partial_loc, partial_scale = norm_logpdf_partials(x, loc, scale)
    return partial_x, partial_loc, partial_scale


@elementwise(stats.norm.pdf)
def norm_pdf(z, x, loc=0.0, scale=1.0):
    """The pdf times logpdf's partial derivatives."""
    partial_x, partial_loc, partial_scale = norm_logpdf_partials(x, loc, scale)
    return z * partial_x, z * partial_loc, z * partial_scale


@elementwise(stats.norm.cdf)
def norm_cdf(z, x, loc=0.0, scale=1.0):
    """The pdf."""
    density = stats.norm.pdf(x, loc, scale)
    return density, -density, -density * (x - loc) / scale


@elementwise(stats.norm.sf)
def norm_sf(z, x, loc=0.0, scale=1.0):
    """Minus the pdf."""
    density = stats.norm.pdf(x, loc, scale)
    return -density, density, density * (x - loc) / scale


@elementwise(stats.norm.logcdf)
def norm_logcdf(z, x, loc=0.0, scale=1.0):
    """The pdf over the cdf, computed in logs (no 0 / 0 far in the tail)."""
    ratio = numpy.exp(stats.norm.logpdf(x, loc, scale) - z)
    return ratio, -ratio, -ratio * (x - loc) / scale


@elementwise(stats.norm.logsf)
def norm_logsf(z, x, loc=0.0, scale=1.0):
    """The pdf over the sf, computed in logs (no 0 / 0 far in the tail)."""
    ratio = numpy.exp(stats.norm.logpdf(x, loc, scale) - z)
    return -ratio, ratio, ratio * (x - loc) / scale


# -- t ----------------------------------------------------------------------------------


@elementwise(stats.t.logpdf)
def t_logpdf(z, x, df, loc=0.0, scale=1.0):
    partial_x, partial_df, partial_loc, partial_scale = t_logpdf_partials(x, df, loc, scale)
    return partial_x, partial_df, partial_loc, partial_scale


@elementwise(stats.t.pdf)
def t_pdf(z, x, df, loc=0.0, scale=1.0):
    """The pdf times logpdf's partial derivatives."""
    partial_x, partial_df, partial_loc, partial_scale = t_logpdf_partials(x, df, loc, scale)
    return z * partial_x, z * partial_df, z * partial_loc, z * partial_scale


@elementwise(stats.t.cdf)
def t_cdf(z, x, df, loc=0.0, scale=1.0):
    """In x: the pdf; no derivative in df (it has no closed form): refused."""
    density = stats.t.pdf(x, df, loc, scale)
    return (
        density,
        no_derivative("the derivative in df is not supported (it has no closed form)"),
        -density,
        -density * (x - loc) / scale,
    )


@elementwise(stats.t.sf)
def t_sf(z, x, df, loc=0.0, scale=1.0):
    """In x: minus the pdf; no derivative in df (it has no closed form): refused."""
    density = stats.t.pdf(x, df, loc, scale)
    return (
        -density,
        no_derivative("the derivative in df is not supported (it has no closed form)"),
        density,
        density * (x - loc) / scale,
    )


@elementwise(stats.t.logcdf)
def t_logcdf(z, x, df, loc=0.0, scale=1.0):
    """In x: the pdf over the cdf, computed in logs (no 0 / 0 far in the tail); no
    derivative in df (it has no closed form): refused."""
    ratio = numpy.exp(stats.t.logpdf(x, df, loc, scale) - z)
    return (
        ratio,
        no_derivative("the derivative in df is not supported (it has no closed form)"),
        -ratio,
        -ratio * (x - loc) / scale,
    )


@elementwise(stats.t.logsf)
def t_logsf(z, x, df, loc=0.0, scale=1.0):
    """In x: the pdf over the sf, computed in logs (no 0 / 0 far in the tail); no
    derivative in df (it has no closed form): refused."""
    ratio = numpy.exp(stats.t.logpdf(x, df, loc, scale) - z)
    return (
        -ratio,
        no_derivative("the derivative in df is not supported (it has no closed form)"),
        ratio,
        ratio * (x - loc) / scale,
    )


# -- gamma ------------------------------------------------------------------------------


@elementwise(stats.gamma.logpdf)
def gamma_logpdf(z, x, a, loc=0.0, scale=1.0):
    """0 where the density is 0 and at its support's edges (x <= loc)."""
    partial_x, partial_a, partial_loc, partial_scale = gamma_logpdf_partials(x, a, loc, scale)
    return partial_x, partial_a, partial_loc, partial_scale


@elementwise(stats.gamma.pdf)
def gamma_pdf(z, x, a, loc=0.0, scale=1.0):
    """The pdf times logpdf's partial derivatives: 0 where the density is 0 and at its
    support's edges (x <= loc)."""
    partial_x, partial_a, partial_loc, partial_scale = gamma_logpdf_partials(x, a, loc, scale)
    return z * partial_x, z * partial_a, z * partial_loc, z * partial_scale


@elementwise(stats.gamma.cdf)
def gamma_cdf(z, x, a, loc=0.0, scale=1.0):
    """In x: the pdf; no derivative in a (it has no closed form): refused."""
    density = stats.gamma.pdf(x, a, loc, scale)
    return (
        density,
        no_derivative("the derivative in a is not supported (it has no closed form)"),
        -density,
        -density * (x - loc) / scale,
    )


@elementwise(stats.gamma.sf)
def gamma_sf(z, x, a, loc=0.0, scale=1.0):
    """In x: minus the pdf; no derivative in a (it has no closed form): refused."""
    density = stats.gamma.pdf(x, a, loc, scale)
    return (
        -density,
        no_derivative("the derivative in a is not supported (it has no closed form)"),
        density,
        density * (x - loc) / scale,
    )


@elementwise(stats.gamma.logcdf)
def gamma_logcdf(z, x, a, loc=0.0, scale=1.0):
    """In x: the pdf over the cdf, computed in logs (no 0 / 0 far in the tail); no
    derivative in a (it has no closed form): refused."""
    ratio = numpy.exp(stats.gamma.logpdf(x, a, loc, scale) - z)
    return (
        ratio,
        no_derivative("the derivative in a is not supported (it has no closed form)"),
        -ratio,
        -ratio * (x - loc) / scale,
    )


@elementwise(stats.gamma.logsf)
def gamma_logsf(z, x, a, loc=0.0, scale=1.0):
    """In x: the pdf over the sf, computed in logs (no 0 / 0 far in the tail); no
    derivative in a (it has no closed form): refused."""
    ratio = numpy.exp(stats.gamma.logpdf(x, a, loc, scale) - z)
    return (
        -ratio,
        no_derivative("the derivative in a is not supported (it has no closed form)"),
        ratio,
        ratio * (x - loc) / scale,
    )


# -- beta -------------------------------------------------------------------------------


@elementwise(stats.beta.logpdf)
def beta_logpdf(z, x, a, b, loc=0.0, scale=1.0):
    """0 where the density is 0 and at its support's edges (y <= 0 or y >= 1)."""
    partial_x, partial_a, partial_b, partial_loc, partial_scale = beta_logpdf_partials(
        x, a, b, loc, scale)
    return partial_x, partial_a, partial_b, partial_loc, partial_scale


@elementwise(stats.beta.pdf)
def beta_pdf(z, x, a, b, loc=0.0, scale=1.0):
    """The pdf times logpdf's partial derivatives: 0 where the density is 0 and at its
    support's edges (y <= 0 or y >= 1)."""
    partial_x, partial_a, partial_b, partial_loc, partial_scale = beta_logpdf_partials(
        x, a, b, loc, scale)
    return z * partial_x, z * partial_a, z * partial_b, z * partial_loc, z * partial_scale


@elementwise(stats.beta.cdf)
def beta_cdf(z, x, a, b, loc=0.0, scale=1.0):
    """In x: the pdf; no derivative in a and b (it has no closed form): refused."""
    density = stats.beta.pdf(x, a, b, loc, scale)
    return (
        density,
        no_derivative("the derivative in a is not supported (it has no closed form)"),
        no_derivative("the derivative in b is not supported (it has no closed form)"),
        -density,
        -density * (x - loc) / scale,
    )


@elementwise(stats.beta.sf)
def beta_sf(z, x, a, b, loc=0.0, scale=1.0):
    """In x: minus the pdf; no derivative in a and b (it has no closed form):
    refused."""
    density = stats.beta.pdf(x, a, b, loc, scale)
    return (
        -density,
        no_derivative("the derivative in a is not supported (it has no closed form)"),
        no_derivative("the derivative in b is not supported (it has no closed form)"),
        density,
        density * (x - loc) / scale,
    )


@elementwise(stats.beta.logcdf)
def beta_logcdf(z, x, a, b, loc=0.0, scale=1.0):
    """In x: the pdf over the cdf, computed in logs (no 0 / 0 far in the tail); no
    derivative in a and b (it has no closed form): refused."""
    ratio = numpy.exp(stats.beta.logpdf(x, a, b, loc, scale) - z)
    return (
        ratio,
        no_derivative("the derivative in a is not supported (it has no closed form)"),
        no_derivative("the derivative in b is not supported (it has no closed form)"),
        -ratio,
        -ratio * (x - loc) / scale,
    )


@elementwise(stats.beta.logsf)
def beta_logsf(z, x, a, b, loc=0.0, scale=1.0):
    """In x: the pdf over the sf, computed in logs (no 0 / 0 far in the tail); no
    derivative in a and b (it has no closed form): refused."""
    ratio = numpy.exp(stats.beta.logpdf(x, a, b, loc, scale) - z)
    return (
        -ratio,
        no_derivative("the derivative in a is not supported (it has no closed form)"),
        no_derivative("the derivative in b is not supported (it has no closed form)"),
        ratio,
        ratio * (x - loc) / scale,
    )


# -- chi2 -------------------------------------------------------------------------------


@elementwise(stats.chi2.logpdf)
def chi2_logpdf(z, x, df, loc=0.0, scale=1.0):
    """0 where the density is 0 and at its support's edges (x <= loc)."""
    partial_x, partial_df, partial_loc, partial_scale = chi2_logpdf_partials(x, df, loc, scale)
    return partial_x, partial_df, partial_loc, partial_scale


@elementwise(stats.chi2.pdf)
def chi2_pdf(z, x, df, loc=0.0, scale=1.0):
    """The pdf times logpdf's partial derivatives: 0 where the density is 0 and at its
    support's edges (x <= loc)."""
    partial_x, partial_df, partial_loc, partial_scale = chi2_logpdf_partials(x, df, loc, scale)
    return z * partial_x, z * partial_df, z * partial_loc, z * partial_scale


@elementwise(stats.chi2.cdf)
def chi2_cdf(z, x, df, loc=0.0, scale=1.0):
    """In x: the pdf; no derivative in df (it has no closed form): refused."""
    density = stats.chi2.pdf(x, df, loc, scale)
    return (
        density,
        no_derivative("the derivative in df is not supported (it has no closed form)"),
        -density,
        -density * (x - loc) / scale,
    )


@elementwise(stats.chi2.sf)
def chi2_sf(z, x, df, loc=0.0, scale=1.0):
    """In x: minus the pdf; no derivative in df (it has no closed form): refused."""
    density = stats.chi2.pdf(x, df, loc, scale)
    return (
        -density,
        no_derivative("the derivative in df is not supported (it has no closed form)"),
        density,
        density * (x - loc) / scale,
    )


@elementwise(stats.chi2.logcdf)
def chi2_logcdf(z, x, df, loc=0.0, scale=1.0):
    """In x: the pdf over the cdf, computed in logs (no 0 / 0 far in the tail); no
    derivative in df (it has no closed form): refused."""
    ratio = numpy.exp(stats.chi2.logpdf(x, df, loc, scale) - z)
    return (
        ratio,
        no_derivative("the derivative in df is not supported (it has no closed form)"),
        -ratio,
        -ratio * (x - loc) / scale,
    )


@elementwise(stats.chi2.logsf)
def chi2_logsf(z, x, df, loc=0.0, scale=1.0):
    """In x: the pdf over the sf, computed in logs (no 0 / 0 far in the tail); no
    derivative in df (it has no closed form): refused."""
    ratio = numpy.exp(stats.chi2.logpdf(x, df, loc, scale) - z)
    return (
        -ratio,
        no_derivative("the derivative in df is not supported (it has no closed form)"),
        ratio,
        ratio * (x - loc) / scale,
    )


# -- multivariate_normal ------------------------------------------------------------------


@adjoint(stats.multivariate_normal.logpdf)
def multivariate_normal_logpdf(z, x, mean=None, cov=1, allow_singular=False):
    """cov's adjoint is symmetric (the derivative for symmetric changes of cov); a
    number's is its trace, a vector's its diagonal.  A singular cov (allow_singular=True)
    is refused when the derivative runs (numpy.linalg.LinAlgError), as is a
    scipy.stats.Covariance object (TypeError)."""
    d[x] += multivariate_normal_x_adjoint(d[z], x, mean, cov, allow_singular)
    d[mean] += multivariate_normal_mean_adjoint(d[z], x, mean, cov, allow_singular)
    d[cov] += multivariate_normal_cov_adjoint(d[z], x, mean, cov, allow_singular)


@tangent(stats.multivariate_normal.logpdf)
def multivariate_normal_logpdf_forward(z, x, mean=None, cov=1, allow_singular=False):
    """Along the symmetric part of d[cov]."""
    d[z] = (multivariate_normal_x_tangent(d[x], z, x, mean, cov, allow_singular)
            + multivariate_normal_mean_tangent(d[mean], z, x, mean, cov, allow_singular)
            + multivariate_normal_cov_tangent(d[cov], z, x, mean, cov, allow_singular))


@adjoint(stats.multivariate_normal.pdf)
def multivariate_normal_pdf(z, x, mean=None, cov=1, allow_singular=False):
    """The pdf times logpdf's adjoints (whose conventions hold)."""
    d[x] += multivariate_normal_x_adjoint(d[z] * z, x, mean, cov, allow_singular)
    d[mean] += multivariate_normal_mean_adjoint(d[z] * z, x, mean, cov, allow_singular)
    d[cov] += multivariate_normal_cov_adjoint(d[z] * z, x, mean, cov, allow_singular)


@tangent(stats.multivariate_normal.pdf)
def multivariate_normal_pdf_forward(z, x, mean=None, cov=1, allow_singular=False):
    """The pdf times logpdf's tangent."""
    d[z] = z * (multivariate_normal_x_tangent(d[x], z, x, mean, cov, allow_singular)
                + multivariate_normal_mean_tangent(d[mean], z, x, mean, cov, allow_singular)
                + multivariate_normal_cov_tangent(d[cov], z, x, mean, cov, allow_singular))


# -- dirichlet ----------------------------------------------------------------------------


@adjoint(stats.dirichlet.logpdf)
def dirichlet_logpdf(z, x, alpha):
    """x's: the formula's partial derivatives, each component apart; given k - 1
    components, through the last, 1 - their sum."""
    d[x] += dirichlet_x_adjoint(d[z], x, alpha)
    d[alpha] += dirichlet_alpha_adjoint(d[z], x, alpha)


@tangent(stats.dirichlet.logpdf)
def dirichlet_logpdf_forward(z, x, alpha):
    d[z] = (dirichlet_x_tangent(d[x], z, x, alpha)
            + dirichlet_alpha_tangent(d[alpha], z, x, alpha))


@adjoint(stats.dirichlet.pdf)
def dirichlet_pdf(z, x, alpha):
    """The pdf times logpdf's adjoints (whose conventions hold)."""
    d[x] += dirichlet_x_adjoint(d[z] * z, x, alpha)
    d[alpha] += dirichlet_alpha_adjoint(d[z] * z, x, alpha)


@tangent(stats.dirichlet.pdf)
def dirichlet_pdf_forward(z, x, alpha):
    """The pdf times logpdf's tangent."""
    d[z] = z * (dirichlet_x_tangent(d[x], z, x, alpha)
                + dirichlet_alpha_tangent(d[alpha], z, x, alpha))


# -- poisson ------------------------------------------------------------------------------


@elementwise(stats.poisson.logpmf)
def poisson_logpmf(z, k, mu, loc=0):
    """In mu only: the count k and the shift loc are integers (refused where they carry
    a derivative).  0 where the probability is 0."""
    return (
        no_derivative("the count k is an integer: no derivative"),
        poisson_logpmf_partial(k, mu, loc),
        no_derivative("the shift loc of a discrete distribution is an integer: no derivative"),
    )


@elementwise(stats.poisson.pmf)
def poisson_pmf(z, k, mu, loc=0):
    """The pmf times logpmf's partial derivative in mu; none in k and loc, integers."""
    return (
        no_derivative("the count k is an integer: no derivative"),
        z * poisson_logpmf_partial(k, mu, loc),
        no_derivative("the shift loc of a discrete distribution is an integer: no derivative"),
    )
