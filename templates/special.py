"""Special functions: error functions, gamma and beta functions, logistic and
information functions, Bessel functions, and logsumexp, softmax and log_softmax, of
`scipy.special` (where SciPy is installed) and of `math`.

Conventions:
- An order or a count (polygamma's n, jn's and yn's n, multigammaln's d) carries no
  derivative: an integer.  iv's and ive's order v is continuous, but its derivative has
  no closed form: where v carries a derivative, the call is refused.
- gammaln is log|gamma(x)|: its derivative is digamma(x) for negative x too.
- xlogy and xlog1py are 0 where x is 0, whatever y: there their derivative in y is 0.
- entr, rel_entr and kl_div are infinite outside their domain, and their derivatives
  at its edge (x = 0) are infinite, as the functions' slopes are.
- i1 and i1e at 0: the limits of their derivatives there, 1/2.
"""

import math

import numpy

from s2s import adjoint, d, elementwise, no_derivative, tangent
from s2s.runtime.special import (
    log_softmax_adjoint,
    log_softmax_tangent,
    logsumexp_a_tangent,
    logsumexp_adjoint,
    logsumexp_b_adjoint,
    logsumexp_b_tangent,
    logsumexp_record,
    softmax_product,
)

try:
    from scipy import special
except ModuleNotFoundError:  # the `math` functions keep their rules without SciPy
    special = None



def of_scipy(*names):
    """scipy.special's functions of `names`, or none without SciPy."""
    return tuple(getattr(special, n) for n in names) if special is not None else ()


# -- error functions and the normal distribution ---------------------------------------


@elementwise(math.erf, *of_scipy("erf"))
def erf(z, x):
    return 2.0 / math.sqrt(math.pi) * numpy.exp(-x * x)


@elementwise(math.erfc, *of_scipy("erfc"))
def erfc(z, x):
    return -2.0 / math.sqrt(math.pi) * numpy.exp(-x * x)


@elementwise(*of_scipy("erfinv"))
def erfinv(z, x):
    return math.sqrt(math.pi) / 2.0 * numpy.exp(z * z)


@elementwise(*of_scipy("erfcinv"))
def erfcinv(z, x):
    return -math.sqrt(math.pi) / 2.0 * numpy.exp(z * z)


@elementwise(*of_scipy("ndtr"))
def ndtr(z, x):
    return numpy.exp(-0.5 * x * x) / math.sqrt(2.0 * math.pi)


@elementwise(*of_scipy("log_ndtr"))
def log_ndtr(z, x):
    # the normal density over ndtr(x), computed in logs: no 0 / 0 far in the left tail
    return numpy.exp(-0.5 * x * x - z) / math.sqrt(2.0 * math.pi)


@elementwise(*of_scipy("ndtri"))
def ndtri(z, p):
    return math.sqrt(2.0 * math.pi) * numpy.exp(0.5 * z * z)


# -- gamma and beta functions ----------------------------------------------------------


@elementwise(*of_scipy("gamma"))
def gamma(z, x):
    return z * special.digamma(x)


@elementwise(*of_scipy("gammaln"))
def gammaln(z, x):
    return special.digamma(x)


@elementwise(*of_scipy("digamma"))
def digamma(z, x):
    return special.zeta(2.0, x)  # trigamma (polygamma(1, x) would compute in float64)


@elementwise(*of_scipy("zeta"))
def zeta(z, x, q=None):
    """Hurwitz's zeta(x, q), differentiated in q; no derivative is taken in x (it has
    no closed form): refused.  Riemann's zeta(x), q omitted, is refused likewise."""
    return no_derivative("the derivative in x is not supported (it has no closed form)"), (
        -x * special.zeta(x + 1.0, q))


@elementwise(*of_scipy("polygamma"))
def polygamma(z, n, x):
    return no_derivative("the order n is an integer: no derivative"), special.polygamma(n + 1, x)


@elementwise(*of_scipy("multigammaln"))
def multigammaln(z, a, dimension):
    # log Gamma_d(a) = const + sum_j gammaln(a - j / 2), j < d
    halves = numpy.arange(dimension) / 2.0
    partial = numpy.sum(special.digamma(numpy.expand_dims(a, -1) - halves), axis=-1)
    return partial, no_derivative("the dimension d is an integer: no derivative")


@elementwise(*of_scipy("beta"))
def beta(z, a, b):
    both = special.digamma(a + b)
    return z * (special.digamma(a) - both), z * (special.digamma(b) - both)


@elementwise(*of_scipy("betaln"))
def betaln(z, a, b):
    both = special.digamma(a + b)
    return special.digamma(a) - both, special.digamma(b) - both


# -- logistic functions ------------------------------------------------------------------


@elementwise(*of_scipy("expit"))
def expit(z, x):
    return z * (1.0 - z)


@elementwise(*of_scipy("logit"))
def logit(z, p):
    return 1.0 / (p * (1.0 - p))


@elementwise(*of_scipy("log_expit"))
def log_expit(z, x):
    return special.expit(-x)


# -- x log y and information measures ---------------------------------------------------


@elementwise(*of_scipy("xlogy"))
def xlogy(z, x, y):
    """0 where x is 0, whatever y: its derivative in y is 0 there."""
    return numpy.log(y), x / numpy.where(x == 0.0, 1.0, y)


@elementwise(*of_scipy("xlog1py"))
def xlog1py(z, x, y):
    """0 where x is 0, whatever y: its derivative in y is 0 there."""
    return numpy.log1p(y), x / numpy.where(x == 0.0, 1.0, 1.0 + y)


@elementwise(*of_scipy("entr"))
def entr(z, x):
    """-x log x: infinite slope at 0."""
    return -(numpy.log(x) + 1.0)


@elementwise(*of_scipy("rel_entr"))
def rel_entr(z, x, y):
    """x log(x / y): infinite slope in x at x = 0."""
    return numpy.log(x / y) + 1.0, -x / y


@elementwise(*of_scipy("kl_div"))
def kl_div(z, x, y):
    """x log(x / y) - x + y: infinite slope in x at x = 0."""
    return numpy.log(x / y), 1.0 - x / y


# -- Bessel functions ----------------------------------------------------------------------


@elementwise(*of_scipy("i0"))
def i0(z, x):
    return special.i1(x)


@elementwise(*of_scipy("i1"))
def i1(z, x):
    """At 0, the limit of the derivative, 1/2."""
    return numpy.where(x == 0.0, 0.5, special.i0(x) - z / numpy.where(x == 0.0, 1.0, x))


@elementwise(*of_scipy("i0e"))
def i0e(z, x):
    # i0e(x) = i0(x) exp(-|x|)
    return special.i1e(x) - numpy.sign(x) * z


@elementwise(*of_scipy("i1e"))
def i1e(z, x):
    """At 0, the limit of the derivative, 1/2."""
    return numpy.where(
        x == 0.0, 0.5, special.i0e(x) - z * (numpy.sign(x) + 1.0 / numpy.where(x == 0.0, 1.0, x)))


@elementwise(*of_scipy("iv"))
def iv(z, v, x):
    """No derivative is taken in the order v (it has no closed form): refused."""
    partial = 0.5 * (special.iv(v - 1.0, x) + special.iv(v + 1.0, x))
    return no_derivative("the derivative in the order v is not supported (it has no closed form)"), partial


@elementwise(*of_scipy("ive"))
def ive(z, v, x):
    """No derivative is taken in the order v (it has no closed form): refused."""
    partial = 0.5 * (special.ive(v - 1.0, x) + special.ive(v + 1.0, x)) - numpy.sign(x) * z
    return no_derivative("the derivative in the order v is not supported (it has no closed form)"), partial


@elementwise(*of_scipy("j0"))
def j0(z, x):
    return -special.j1(x)


@elementwise(*of_scipy("j1"))
def j1(z, x):
    return 0.5 * (special.j0(x) - special.jv(2, x))


@elementwise(*of_scipy("jv"))
def jv(z, v, x):
    """No derivative is taken in the order v (it has no closed form): refused."""
    partial = 0.5 * (special.jv(v - 1.0, x) - special.jv(v + 1.0, x))
    return no_derivative("the derivative in the order v is not supported (it has no closed form)"), partial


@elementwise(*of_scipy("yv"))
def yv(z, v, x):
    """No derivative is taken in the order v (it has no closed form): refused."""
    partial = 0.5 * (special.yv(v - 1.0, x) - special.yv(v + 1.0, x))
    return no_derivative("the derivative in the order v is not supported (it has no closed form)"), partial


@elementwise(*of_scipy("y0"))
def y0(z, x):
    return -special.y1(x)


@elementwise(*of_scipy("y1"))
def y1(z, x):
    return 0.5 * (special.y0(x) - special.yv(2.0, x))


@elementwise(*of_scipy("yn"))
def yn(z, n, x):
    partial = 0.5 * (special.yn(n - 1, x) - special.yn(n + 1, x))
    return no_derivative("the order n is an integer: no derivative"), partial


# -- logsumexp, softmax, log_softmax ---------------------------------------------------------


@adjoint(*of_scipy("logsumexp"))
def logsumexp(z, a, axis=None, b=None, keepdims=False, return_sign=False):
    """With `return_sign`, the sign carries no derivative."""
    d[a] += logsumexp_adjoint(d[z], z, a, axis, b, keepdims, return_sign)
    d[b] += logsumexp_b_adjoint(d[z], z, a, axis, b, keepdims, return_sign)


@tangent(*of_scipy("logsumexp"))
def logsumexp_forward(z, a, axis=None, b=None, keepdims=False, return_sign=False):
    """With `return_sign`, the sign has tangent 0."""
    d[z] = logsumexp_record(z, logsumexp_a_tangent(d[a], z, a, axis, b, keepdims, return_sign)
                            + logsumexp_b_tangent(d[b], z, a, axis, b, keepdims, return_sign),
                            return_sign)


@adjoint(*of_scipy("softmax"))
def softmax(z, x, axis=None):
    d[x] += softmax_product(d[z], z, axis)  # (its Jacobian is symmetric)


@tangent(*of_scipy("softmax"))
def softmax_forward(z, x, axis=None):
    d[z] = softmax_product(d[x], z, axis)


@adjoint(*of_scipy("log_softmax"))
def log_softmax(z, x, axis=None):
    d[x] += log_softmax_adjoint(d[z], z, axis)


@tangent(*of_scipy("log_softmax"))
def log_softmax_forward(z, x, axis=None):
    d[z] = log_softmax_tangent(d[x], z, axis)
