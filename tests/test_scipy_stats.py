"""The rules of scipy.stats' distributions (templates/scipy_stats.py), given the
checks every rule gets (rule_table.py: finite differences in float64, float32,
forward mode, Hessian-vector products), on two or more sets of input shapes,
parameters broadcast against x and arrays of them.

Each case is `f(*inputs, w)`: every input is a float array the gradient is taken
with respect to, in the distribution's domain, and `w` a random weight of the shape
of the result.  SciPy computes its distributions in float64 whatever its inputs
(dirichlet's excepted): those cases are `float64_inside`.  Then the derivatives that
are refused (the distribution functions' in their shape parameters, poisson's in its
integers), in both modes, and the same calls with those arguments constant."""

import inspect

import numpy as np
import pytest

pytest.importorskip("scipy")

from scipy import special, stats  # noqa: E402
from scipy.stats import norm  # noqa: E402

import rule_table  # noqa: E402
import s2s  # noqa: E402
from gradcheck import check_gradient, check_hvp  # noqa: E402
from rule_table import rule_checks  # noqa: E402


def symmetric(a):
    return (a + a.T) * 0.5


# constants the cases hold fixed: shape parameters whose derivatives are refused in
# the distribution functions, and poisson's counts
T_DF = np.array([1.5, 3.0, 4.5, 10.0])
GAMMA_A = np.array([0.8, 1.5, 2.5, 4.0])
BETA_A = np.array([0.9, 1.5, 2.5, 4.0])
BETA_B = np.array([3.0, 1.2, 2.0, 0.8])
CHI2_DF = np.array([1.5, 2.0, 3.5, 6.0])
COUNTS = np.array([[0, 1, 2, 5], [3, 0, 7, 1], [2, 2, 0, 4]])


# -- norm ---------------------------------------------------------------------------------


def norm_logpdf(x, mu, sigma, w):
    return np.sum(stats.norm.logpdf(x, mu, sigma) * w)


def norm_pdf(x, mu, sigma, w):
    return np.sum(stats.norm.pdf(x, loc=mu, scale=sigma) * w)


def norm_cdf(x, mu, sigma, w):
    return np.sum(stats.norm.cdf(x, mu, scale=sigma) * w)


def norm_sf(x, mu, sigma, w):
    return np.sum(stats.norm.sf(x, mu, sigma) * w)


def norm_logcdf(x, mu, sigma, w):
    return np.sum(stats.norm.logcdf(x, mu, sigma) * w)


def norm_logsf(x, mu, sigma, w):
    return np.sum(stats.norm.logsf(x, loc=mu, scale=sigma) * w)


# -- t --------------------------------------------------------------------------------------


def t_logpdf(x, df, mu, sigma, w):
    return np.sum(stats.t.logpdf(x, df, mu, sigma) * w)


def t_pdf(x, df, mu, sigma, w):
    return np.sum(stats.t.pdf(x, df, loc=mu, scale=sigma) * w)


def t_cdf(x, mu, sigma, w):
    return np.sum(stats.t.cdf(x, T_DF, mu, sigma) * w)


def t_sf(x, mu, sigma, w):
    return np.sum(stats.t.sf(x, T_DF, loc=mu, scale=sigma) * w)


def t_logcdf(x, mu, sigma, w):
    return np.sum(stats.t.logcdf(x, T_DF, mu, sigma) * w)


def t_logsf(x, mu, sigma, w):
    return np.sum(stats.t.logsf(x, T_DF, mu, sigma) * w)


# -- gamma ------------------------------------------------------------------------------------


def gamma_logpdf(x, a, loc, scale, w):
    return np.sum(stats.gamma.logpdf(x, a, loc, scale) * w)


def gamma_pdf(x, a, loc, scale, w):
    return np.sum(stats.gamma.pdf(x, a, loc=loc, scale=scale) * w)


def gamma_cdf(x, loc, scale, w):
    return np.sum(stats.gamma.cdf(x, GAMMA_A, loc, scale) * w)


def gamma_sf(x, loc, scale, w):
    return np.sum(stats.gamma.sf(x, GAMMA_A, loc, scale) * w)


def gamma_logcdf(x, loc, scale, w):
    return np.sum(stats.gamma.logcdf(x, GAMMA_A, loc=loc, scale=scale) * w)


def gamma_logsf(x, loc, scale, w):
    return np.sum(stats.gamma.logsf(x, GAMMA_A, loc, scale) * w)


# -- beta -------------------------------------------------------------------------------------


def beta_logpdf(x, a, b, loc, scale, w):
    return np.sum(stats.beta.logpdf(x, a, b, loc, scale) * w)


def beta_pdf(x, a, b, loc, scale, w):
    return np.sum(stats.beta.pdf(x, a, b, loc=loc, scale=scale) * w)


def beta_cdf(x, loc, scale, w):
    return np.sum(stats.beta.cdf(x, BETA_A, BETA_B, loc, scale) * w)


def beta_sf(x, loc, scale, w):
    return np.sum(stats.beta.sf(x, BETA_A, BETA_B, loc, scale) * w)


def beta_logcdf(x, loc, scale, w):
    return np.sum(stats.beta.logcdf(x, BETA_A, BETA_B, loc, scale) * w)


def beta_logsf(x, loc, scale, w):
    return np.sum(stats.beta.logsf(x, BETA_A, BETA_B, loc=loc, scale=scale) * w)


# -- chi2 -------------------------------------------------------------------------------------


def chi2_logpdf(x, df, loc, scale, w):
    return np.sum(stats.chi2.logpdf(x, df, loc, scale) * w)


def chi2_pdf(x, df, loc, scale, w):
    return np.sum(stats.chi2.pdf(x, df, loc=loc, scale=scale) * w)


def chi2_cdf(x, loc, scale, w):
    return np.sum(stats.chi2.cdf(x, CHI2_DF, loc, scale) * w)


def chi2_sf(x, loc, scale, w):
    return np.sum(stats.chi2.sf(x, CHI2_DF, loc, scale) * w)


def chi2_logcdf(x, loc, scale, w):
    return np.sum(stats.chi2.logcdf(x, CHI2_DF, loc, scale) * w)


def chi2_logsf(x, loc, scale, w):
    return np.sum(stats.chi2.logsf(x, CHI2_DF, loc, scale=scale) * w)


# -- multivariate_normal -------------------------------------------------------------------


def multivariate_normal_logpdf(x, mean, cov, w):
    return np.sum(stats.multivariate_normal.logpdf(x, mean, symmetric(cov)) * w)


def multivariate_normal_pdf(x, mean, cov, w):
    return np.sum(stats.multivariate_normal.pdf(x, mean=mean, cov=symmetric(cov)) * w)


def multivariate_normal_logpdf_diagonal(x, mean, variances, w):
    # a vector cov is the diagonal; a number times the identity
    return (np.sum(stats.multivariate_normal.logpdf(x, mean, variances) * w)
            + np.sum(stats.multivariate_normal.logpdf(x, mean, cov=variances[0],
                                                      allow_singular=True)))


def multivariate_normal_pdf_one_dimension(x, mean, variance, w):
    # k = 1: a vector x is that many points; mean left out is 0
    return (np.sum(stats.multivariate_normal.pdf(x, mean, variance) * w)
            + np.sum(stats.multivariate_normal.pdf(x - mean, cov=variance)))


# -- dirichlet: components along the first axis -------------------------------------------


def dirichlet_logpdf(u, alpha, w):
    # on the simplex, where SciPy checks x lies
    return np.sum(stats.dirichlet.logpdf(special.softmax(u, axis=0), alpha) * w)


def dirichlet_pdf(u, alpha, w):
    return np.sum(stats.dirichlet.pdf(special.softmax(u, axis=0), alpha) * w)


def dirichlet_logpdf_implied(x, alpha, w):
    # k - 1 components: SciPy takes the last to be 1 - their sum
    return np.sum(stats.dirichlet.logpdf(x, alpha) * w)


def dirichlet_pdf_implied(x, alpha, w):
    return np.sum(stats.dirichlet.pdf(x, alpha) * w)


# -- poisson ---------------------------------------------------------------------------------


def poisson_logpmf(mu, w):
    return (np.sum(stats.poisson.logpmf(COUNTS, mu) * w)
            + np.sum(stats.poisson.logpmf(COUNTS + 2, mu, loc=2)))


def poisson_pmf(mu, w):
    return np.sum(stats.poisson.pmf(COUNTS, mu) * w) + np.sum(stats.poisson.pmf(COUNTS, mu, 1))


# -- inputs ---------------------------------------------------------------------------------


def uniform(low, high):
    return lambda rng, shape, position: rng.uniform(low, high, size=shape)


def spd(rng, shape, position):
    """Symmetric positive definite, well-separated eigenvalues (before `symmetric`)."""
    q, _ = np.linalg.qr(rng.normal(size=shape))
    eigenvalues = np.arange(1.0, shape[-1] + 1.0) * 1.5
    return (q * eigenvalues) @ q.T + 0.01 * rng.normal(size=shape)


DOMAINS = {
    "any": uniform(-1.0, 1.0),
    "wide": uniform(-3.0, 3.0),  # the tails of norm's logcdf and logsf
    "positive": uniform(0.5, 2.0),
    "df": uniform(1.5, 6.0),
    "shape": uniform(1.2, 3.0),  # gamma's and beta's a and b
    # gamma's and chi2's x above loc: (x - loc) / scale from 0.35 to 6
    "above": uniform(0.2, 2.0),
    "below": uniform(-1.0, -0.5),
    # beta's x inside (loc, loc + scale): (x - loc) / scale from 0.07 to 0.88
    "inside": uniform(0.1, 2.0),
    "beta_loc": uniform(-0.2, -0.1),
    "beta_scale": uniform(2.5, 3.0),
    "spd": spd,
    "concentration": uniform(0.6, 3.0),  # dirichlet's alpha
    "part": uniform(0.05, 0.3),  # 3 components of 4: their sum under 1
    "mean": uniform(0.5, 4.0),  # poisson's mu
}


def Case(fn, shapes, domain, float64_inside=True, float32=True):
    """A case (rule_table.Case): SciPy computes in float64 whatever its inputs, so the
    float32 checks ask for a float32 gradient without requiring every step in float32;
    `float32=False` where float32 inputs are refused by SciPy itself (dirichlet's
    points are seldom within its 1e-9 of the simplex)."""
    return rule_table.Case(fn, shapes, domain, float64_inside, float32)


def label(name):
    """The method a case checks: `scipy.stats.norm.logpdf` for "norm.logpdf-keywords"."""
    return "scipy.stats." + name.partition("-")[0]


# same shapes; parameters broadcast against x; x broadcast against parameters
THREE = [((3, 4),) * 3, ((3, 4), (), ()), ((), (2, 4), (4,))]
FOUR = [((3, 4),) * 4, ((3, 4), (), (), ()), ((), (4,), (2, 4), ())]
FIVE = [((3, 4),) * 5, ((3, 4), (), (), (), ()), ((), (4,), (2, 4), (), (4,))]
NORM = ("any", "any", "positive")
TAILS = ("wide", "any", "positive")
T = ("any", "df", "any", "positive")
GAMMA = ("above", "shape", "below", "positive")  # (chi2's too)
GAMMA_AT = ("above", "below", "positive")  # (its shape fixed)
BETA = ("inside", "shape", "shape", "beta_loc", "beta_scale")
BETA_AT = ("inside", "beta_loc", "beta_scale")
MATRIX = [((5, 3), (3,), (3, 3)), ((3,), (3,), (3, 3)), ((2, 4, 3), (3,), (3, 3))]
MVN = ("any", "any", "spd")
DIAGONAL = [((5, 3), (3,), (3,)), ((1, 3), (3,), (3,))]  # (one point: SciPy gives a number)
ONE_DIMENSION = [((5,), (), ()), ((), (), ()), ((4, 1), (1,), (1, 1))]
MVN_DIAGONAL = ("any", "any", "positive")
PART = ("part", "concentration")
SIMPLEX = [((4,), (4,)), ((4, 5), (4,))]
IMPLIED = [((3,), (4,)), ((3, 5), (4,))]
MEANS = [((3, 4),), ((4,),), ((),)]

CASES = {
    "norm.logpdf": Case(norm_logpdf, THREE, NORM),
    "norm.pdf": Case(norm_pdf, THREE, NORM),
    "norm.cdf": Case(norm_cdf, THREE, NORM),
    "norm.sf": Case(norm_sf, THREE, NORM),
    "norm.logcdf": Case(norm_logcdf, THREE, TAILS),
    "norm.logsf": Case(norm_logsf, THREE, TAILS),
    "t.logpdf": Case(t_logpdf, FOUR, T),
    "t.pdf": Case(t_pdf, FOUR, T),
    "t.cdf": Case(t_cdf, THREE, NORM),
    "t.sf": Case(t_sf, THREE, NORM),
    "t.logcdf": Case(t_logcdf, THREE, TAILS),
    "t.logsf": Case(t_logsf, THREE, TAILS),
    "gamma.logpdf": Case(gamma_logpdf, FOUR, GAMMA),
    "gamma.pdf": Case(gamma_pdf, FOUR, GAMMA),
    "gamma.cdf": Case(gamma_cdf, THREE, GAMMA_AT),
    "gamma.sf": Case(gamma_sf, THREE, GAMMA_AT),
    "gamma.logcdf": Case(gamma_logcdf, THREE, GAMMA_AT),
    "gamma.logsf": Case(gamma_logsf, THREE, GAMMA_AT),
    "beta.logpdf": Case(beta_logpdf, FIVE, BETA),
    "beta.pdf": Case(beta_pdf, FIVE, BETA),
    "beta.cdf": Case(beta_cdf, THREE, BETA_AT),
    "beta.sf": Case(beta_sf, THREE, BETA_AT),
    "beta.logcdf": Case(beta_logcdf, THREE, BETA_AT),
    "beta.logsf": Case(beta_logsf, THREE, BETA_AT),
    "chi2.logpdf": Case(chi2_logpdf, FOUR, GAMMA),
    "chi2.pdf": Case(chi2_pdf, FOUR, GAMMA),
    "chi2.cdf": Case(chi2_cdf, THREE, GAMMA_AT),
    "chi2.sf": Case(chi2_sf, THREE, GAMMA_AT),
    "chi2.logcdf": Case(chi2_logcdf, THREE, GAMMA_AT),
    "chi2.logsf": Case(chi2_logsf, THREE, GAMMA_AT),
    "multivariate_normal.logpdf": Case(multivariate_normal_logpdf, MATRIX, MVN),
    "multivariate_normal.pdf": Case(multivariate_normal_pdf, MATRIX, MVN),
    "multivariate_normal.logpdf-diagonal": Case(multivariate_normal_logpdf_diagonal, DIAGONAL,
                                                MVN_DIAGONAL),
    "multivariate_normal.pdf-one-dimension": Case(multivariate_normal_pdf_one_dimension,
                                                  ONE_DIMENSION, MVN_DIAGONAL),
    "dirichlet.logpdf": Case(dirichlet_logpdf, SIMPLEX, ("any", "concentration"), False, False),
    "dirichlet.pdf": Case(dirichlet_pdf, SIMPLEX, ("any", "concentration"), False, False),
    "dirichlet.logpdf-implied": Case(dirichlet_logpdf_implied, IMPLIED, PART, False),
    "dirichlet.pdf-implied": Case(dirichlet_pdf_implied, IMPLIED, PART, False),
    "poisson.logpmf": Case(poisson_logpmf, MEANS, ("mean",)),
    "poisson.pmf": Case(poisson_pmf, MEANS, ("mean",)),
}


globals().update(rule_checks(CASES, DOMAINS))


# -- every rule has a case ----------------------------------------------------------------


def test_every_rule_has_a_case():
    from s2s import coverage, templating

    templating.load_builtin_templates(everything=True)
    names = coverage._names()
    rules = {coverage._label(key, names).strip("`") for key, template
             in templating._ADJOINTS.items()
             if template.fn.__module__ == "s2s.templates.scipy_stats"}
    assert len(rules) == 36
    cases = {label(name) for name in CASES}
    assert rules - cases == set(), "rules without a case"
    assert cases - rules == set(), "cases of no rule"


@pytest.mark.parametrize("name", list(CASES))
def test_case_calls_its_method(name):
    spelling = label(name).removeprefix("scipy.") + "("
    assert spelling in inspect.getsource(CASES[name].fn), f"{name} does not call {spelling!r}"


# -- as users write them ----------------------------------------------------------------------


def negative_log_likelihood(x, mu, sigma):
    return -np.sum(stats.norm.logpdf(x, mu, sigma))


def imported_by_name(x, mu, sigma):
    # `from scipy.stats import norm`, keywords, and loc and scale left to their defaults
    return np.sum(norm.logpdf(x, loc=mu, scale=sigma)) + np.sum(norm.logcdf(x) * norm.sf(x))


def mixture(x, mu, sigma):
    return np.sum(np.log(0.3 * stats.norm.pdf(x, mu, sigma) + 0.7 * stats.t.pdf(x, 4.0)))


@pytest.mark.parametrize("f", [negative_log_likelihood, imported_by_name, mixture])
def test_numbers_for_parameters(f):
    """Python floats for loc and scale: their gradients are floats."""
    x = np.linspace(-1.5, 2.0, 7)
    grads = check_gradient(f, (x, 0.3, 1.7), wrt=(0, 1, 2))
    assert type(grads[1]) is float and type(grads[2]) is float
    check_hvp(f, (x, 0.3, 1.7), (0, 1, 2), np.random.default_rng(0))


def test_the_generated_module_imports_what_it_calls():
    """cdf's rule calls stats.norm.pdf, its helpers come from s2s.runtime.scipy_stats:
    the source runs in a namespace of its own."""
    namespace = {}
    source = s2s.source(norm_cdf, wrt=(0, 1, 2))
    exec(compile(source, "<norm_cdf>", "exec"), namespace)
    rng = np.random.default_rng(5)
    xs = [rng.uniform(-1.0, 1.0, (3, 4)), rng.uniform(-1.0, 1.0, (3, 4)),
          rng.uniform(0.5, 2.0, (3, 4))]
    w = rng.normal(size=(3, 4))
    got = namespace["grad_norm_cdf"](*xs, w)
    expected = s2s.grad(norm_cdf, wrt=(0, 1, 2))(*xs, w)
    for g, e in zip(got, expected):
        np.testing.assert_allclose(g, e)


POINTS = np.array([[0.3, -1.0, 0.5], [1.2, 0.1, -0.4]])


def log_likelihood_of_cov(cov, mean):
    return np.sum(stats.multivariate_normal.logpdf(POINTS, mean, cov))


def test_the_adjoint_of_cov_is_symmetric():
    """SciPy reads one triangle of cov; the derivative given is the one for symmetric
    changes of cov, in both modes, as numpy.linalg.cholesky's."""
    rng = np.random.default_rng(2)
    cov, mean = symmetric(spd(rng, (3, 3), 0)), np.array([0.1, -0.2, 0.3])
    grad = s2s.grad(log_likelihood_of_cov)(cov, mean)
    np.testing.assert_allclose(grad, grad.T, rtol=0, atol=1e-15)
    along = symmetric(rng.normal(size=(3, 3)))
    eps = 1e-6
    slope = (log_likelihood_of_cov(cov + eps * along, mean)
             - log_likelihood_of_cov(cov - eps * along, mean)) / (2 * eps)
    np.testing.assert_allclose(np.sum(grad * along), slope, rtol=1e-6)
    skew = rng.normal(size=(3, 3))
    lopsided = along + skew - skew.T  # (its symmetric part is `along`)
    _, tangent = s2s.jvp(log_likelihood_of_cov)(cov, mean, lopsided)
    np.testing.assert_allclose(tangent, slope, rtol=1e-6)



def densities_about_their_support(x, a, b):
    return (np.sum(stats.gamma.pdf(x, a, scale=b)) + np.sum(stats.chi2.pdf(x, a, 0.1))
            + np.sum(stats.beta.pdf(x, a, b)) + np.sum(stats.beta.pdf(x, a, b, -0.2, 0.5)))


def test_outside_the_support_the_densities_have_no_slope():
    """0 there, and so are their derivatives (their logs are -inf)."""
    x = np.array([-0.5, -0.3, 0.05, 0.4, 0.8, 1.7])
    check_gradient(densities_about_their_support, (x, 2.5, 1.5), wrt=(0, 1, 2))
    outside = s2s.grad(lambda x: np.sum(stats.gamma.logpdf(x, 2.5)))(x)
    np.testing.assert_array_equal(outside[:2], 0.0)


def dirichlet_log_density(x, alpha):
    return stats.dirichlet.logpdf(x, alpha)


def test_a_zero_component_where_alpha_is_1():
    """SciPy reads (alpha - 1) log x as 0 there, whatever x: its slope in x is 0."""
    x, alpha = np.array([0.0, 0.3]), np.array([1.0, 2.0, 3.0])  # the last, 0.7, implied
    grad = s2s.grad(dirichlet_log_density)(x, alpha)
    np.testing.assert_allclose(grad, [0.0 - 2.0 / 0.7, 1.0 / 0.3 - 2.0 / 0.7])


def test_a_covariance_object_is_refused_when_the_gradient_runs():
    cov = stats.Covariance.from_diagonal(np.array([1.0, 2.0, 0.5]))
    with pytest.raises(TypeError, match="scipy.stats.Covariance"):
        s2s.grad(log_likelihood_of_points)(POINTS, cov)


def log_likelihood_of_points(x, cov):
    return np.sum(stats.multivariate_normal.logpdf(x, cov=cov))


def log_likelihood_allowing_singular(x, cov):
    return np.sum(stats.multivariate_normal.logpdf(x, cov=cov, allow_singular=True))


def test_a_singular_cov_is_refused_when_the_derivative_runs():
    """SciPy takes it with allow_singular=True; the density lives on a subspace."""
    direction = np.array([1.0, 2.0, -1.0])
    cov, x = np.outer(direction, direction), np.outer([0.5, -0.2], direction)
    assert np.all(np.isfinite(stats.multivariate_normal.logpdf(x, cov=cov,
                                                               allow_singular=True)))
    for wrt in (0, 1):
        with pytest.raises(np.linalg.LinAlgError, match="singular cov"):
            s2s.grad(log_likelihood_allowing_singular, wrt=wrt)(x, cov)
        with pytest.raises(np.linalg.LinAlgError, match="singular cov"):
            along = np.ones_like((x, cov)[wrt])
            s2s.jvp(log_likelihood_allowing_singular, wrt=wrt)(x, cov, along)


# -- refused: no derivative in a shape parameter of a distribution function, nor in
# poisson's integers ---------------------------------------------------------------------


def t_cdf_in_df(x, df):
    return np.sum(stats.t.cdf(x, df))


def t_logsf_in_df(x, df):
    return np.sum(stats.t.logsf(x, df=df, scale=2.0))


def gamma_sf_in_a(x, a):
    return np.sum(stats.gamma.sf(x, a))


def beta_cdf_in_a(x, a):
    return np.sum(stats.beta.cdf(x, a, 2.0))


def beta_logcdf_in_b(x, b):
    return np.sum(stats.beta.logcdf(x, 2.0, b))


def chi2_logsf_in_df(x, df):
    return np.sum(stats.chi2.logsf(x, df))


def poisson_logpmf_in_k(mu, k):
    return np.sum(stats.poisson.logpmf(k, mu))


def poisson_pmf_in_loc(mu, loc):
    return np.sum(stats.poisson.pmf(COUNTS[0] + 1.0, mu, loc))


IN_DF = "the derivative in df is not supported (it has no closed form)"
IN_A = "the derivative in a is not supported (it has no closed form)"
REFUSED = [
    (t_cdf_in_df, IN_DF), (t_logsf_in_df, IN_DF), (gamma_sf_in_a, IN_A),
    (beta_cdf_in_a, IN_A),
    (beta_logcdf_in_b, "the derivative in b is not supported (it has no closed form)"),
    (chi2_logsf_in_df, IN_DF),
    (poisson_logpmf_in_k, "the count k is an integer: no derivative"),
    (poisson_pmf_in_loc, "the shift loc of a discrete distribution is an integer"),
]
# (x in every distribution's support; the refused argument a float)
REFUSED_INPUTS = (np.array([0.2, 0.5, 0.7, 1.5]), np.array([1.5, 2.0, 3.0, 1.0]))


def call_site(f):
    """test_scipy_stats.py:LINE:COL of the call of scipy.stats in `f`."""
    lines, first = inspect.getsourcelines(f)
    for offset, line in enumerate(lines):
        if "stats." in line:
            return f"test_scipy_stats.py:{first + offset}:{line.index('stats.') + 1}"
    raise AssertionError(f"{f.__name__} calls no scipy.stats method")


@pytest.mark.parametrize("f, reason", REFUSED, ids=[f.__name__ for f, _ in REFUSED])
@pytest.mark.parametrize("mode", ["reverse", "forward"])
def test_refused_where_the_argument_carries_a_derivative(f, reason, mode):
    x, refused = REFUSED_INPUTS
    with pytest.raises(s2s.Unsupported) as caught:
        if mode == "reverse":
            s2s.grad(f, wrt=1)(x, refused)
        else:
            s2s.jvp(f, wrt=1)(x, refused, np.ones_like(refused))
    message = str(caught.value)
    assert call_site(f) in message
    assert reason in message


@pytest.mark.parametrize("f, reason", REFUSED, ids=[f.__name__ for f, _ in REFUSED])
def test_the_same_call_with_that_argument_constant(f, reason):
    x, refused = REFUSED_INPUTS
    if f is poisson_logpmf_in_k:
        refused = COUNTS[0]
    check_gradient(f, (x, refused), wrt=0)
    check_hvp(f, (x, refused), (0,), np.random.default_rng(1))


# -- frozen distributions (normalize/frozen.py) ------------------------------------------


def frozen_inline(x, mu, sigma):
    return np.sum(norm(mu, sigma).logpdf(x))


def frozen_named(x, mu, sigma):
    model = stats.norm(loc=mu, scale=sigma)
    return np.sum(model.logpdf(x)) + np.sum(model.cdf(x))


def frozen_then_rebound(x, mu):
    model = norm(mu, 1.0)
    mu = mu * 2.0  # the frozen distribution keeps the old mu: s2s does not follow it
    return np.sum(model.logpdf(x)) + mu


def test_a_frozen_distribution_is_its_distribution_called_with_the_frozen_arguments():
    x = np.array([0.3, -1.0, 2.0])
    for f in (frozen_inline, frozen_named):
        check_gradient(f, (x, 0.2, 1.3), wrt=(0, 1, 2))
        check_hvp(f, (x, 0.2, 1.3), (0, 1, 2), np.random.default_rng(2))
    text = s2s.source(frozen_named, wrt=(1, 2))
    assert "stats.norm.logpdf(x, loc=mu, scale=sigma)" in text.replace("\n", " ")
    assert "model = " not in text  # (the frozen distribution itself is not made)


def test_a_frozen_distribution_whose_arguments_change_is_refused():
    with pytest.raises(s2s.Unsupported, match=r"test_scipy_stats\.py:\d+:\d+: calling "
                       r"\.logpdf\(\)"):
        s2s.grad(frozen_then_rebound, wrt=1)(np.array([0.3]), 0.2)
