"""NumPy's differentiable elementwise functions (ufuncs), `where` and `clip`, and the
`math` functions that compute the same on numbers: one rule serves both (`math`'s
reads math's functions where NumPy's reads NumPy's, so code on numbers stays plain
float arithmetic).

Every NumPy ufunc has a rule here (or in arithmetic.py), or is declared to have no
derivative in nondifferentiable.py.  Conventions where a derivative jumps or does not
exist: maximum and minimum split the adjoint evenly between ties (the tangent is the
average of the two); abs, and copysign in its first argument, have derivative 0 at 0;
remainder (`%`), fmod and divmod take the slope of the piece they are on (1 in x1,
minus the integer quotient in x2), and none in x2 for copysign; nextafter has slope 1
in x1 (it moves x1 by one spacing).  abs, real, imag, angle and conj, which complex
values need rules of their own for, are in complex.py.
"""

import builtins
import math
import operator

import numpy

from s2s import adjoint, d, elementwise, linear, tangent
from s2s.runtime import balanced_eq, broadcast_like, unbroadcast, zeros_like
from s2s.runtime.elementwise import one_over_one_plus_exp


@elementwise(numpy.maximum, numpy.fmax, numpy.minimum, numpy.fmin)
def maximum(z, x, y):
    """Ties (x == y) split the adjoint evenly between x and y, as PyTorch, JAX and
    autograd do."""
    return balanced_eq(x, z, y), balanced_eq(y, z, x)


@elementwise(numpy.sin, math.sin)
def sin(z, x):
    return numpy.cos(x)


@elementwise(numpy.cos, math.cos)
def cos(z, x):
    return -numpy.sin(x)


@elementwise(numpy.tan, math.tan)
def tan(z, x):
    return 1.0 + z * z


@elementwise(numpy.arcsin, math.asin)
def arcsin(z, x):
    return 1.0 / numpy.sqrt(1.0 - x * x)


@elementwise(numpy.arccos, math.acos)
def arccos(z, x):
    return -1.0 / numpy.sqrt(1.0 - x * x)


@elementwise(numpy.arctan, math.atan)
def arctan(z, x):
    return 1.0 / (1.0 + x * x)


@elementwise(numpy.arctan2, math.atan2)
def arctan2(z, y, x):
    r = x * x + y * y
    return x / r, -y / r


@elementwise(numpy.hypot)
def hypot(z, x, y):
    """At (0, 0), where hypot has no derivative, it is taken as 0 (as abs's at 0)."""
    r = numpy.where(z == 0, 1.0, z)  # (z is 0 only where x and y are: x / r is 0 there)
    return x / r, y / r


@elementwise(numpy.sinh, math.sinh)
def sinh(z, x):
    return numpy.cosh(x)


@elementwise(numpy.cosh, math.cosh)
def cosh(z, x):
    return numpy.sinh(x)


@elementwise(numpy.tanh, math.tanh)
def tanh(z, x):
    return 1.0 - z * z


@elementwise(one_over_one_plus_exp)  # (`1.0 / (1.0 + np.exp(-x))`: normalize/logistic.py)
def one_over_one_plus_exp_(z, e):
    return -z * (1.0 - z)


@elementwise(numpy.arcsinh, math.asinh)
def arcsinh(z, x):
    return 1.0 / numpy.sqrt(x * x + 1.0)


@elementwise(numpy.arccosh, math.acosh)
def arccosh(z, x):
    return 1.0 / numpy.sqrt(x * x - 1.0)


@elementwise(numpy.arctanh, math.atanh)
def arctanh(z, x):
    return 1.0 / (1.0 - x * x)


@elementwise(numpy.exp, math.exp)
def exp(z, x):
    return z


@elementwise(numpy.exp2)
def exp2(z, x):
    return z * math.log(2.0)


@elementwise(numpy.expm1, math.expm1)
def expm1(z, x):
    return z + 1.0


@elementwise(numpy.log)
def log(z, x):
    return 1.0 / x


@elementwise(numpy.log2, math.log2)
def log2(z, x):
    return 1.0 / (x * math.log(2.0))


@elementwise(numpy.log10, math.log10)
def log10(z, x):
    return 1.0 / (x * math.log(10.0))


@elementwise(numpy.log1p, math.log1p)
def log1p(z, x):
    return 1.0 / (1.0 + x)


@elementwise(numpy.logaddexp)
def logaddexp(z, x, y):
    # exp(x - z) = exp(x) / (exp(x) + exp(y)); 1/2 each where x == y
    return numpy.exp(x - z), numpy.exp(y - z)


@elementwise(numpy.logaddexp2)
def logaddexp2(z, x, y):
    return numpy.exp2(x - z), numpy.exp2(y - z)


@elementwise(numpy.sqrt, math.sqrt)
def sqrt(z, x):
    return 1.0 / (2.0 * z)


@elementwise(numpy.cbrt)
def cbrt(z, x):
    return 1.0 / (3.0 * z * z)


@elementwise(numpy.square)
def square(z, x):
    return 2.0 * x


@elementwise(numpy.reciprocal)
def reciprocal(z, x):
    return -(z * z)


@elementwise(numpy.fabs)
def fabs(z, x):
    """Derivative 0 at 0."""
    return numpy.sign(x)


@elementwise(numpy.deg2rad, numpy.radians)
def deg2rad(z, x):
    return math.pi / 180.0


@elementwise(numpy.rad2deg, numpy.degrees)
def rad2deg(z, x):
    return 180.0 / math.pi


@elementwise(numpy.sinc)
def sinc(z, x):
    # d/dx sin(pi x) / (pi x) = (cos(pi x) - sinc(x)) / x, which is 0 at 0
    nonzero = numpy.where(x == 0.0, 1.0, x)
    return numpy.where(x == 0.0, 0.0, (numpy.cos(math.pi * x) - z) / nonzero)


@linear(numpy.where)
def where(z, condition, x, y):
    """The condition carries no derivative."""
    d[x] += unbroadcast(numpy.where(condition, d[z], 0.0), x)
    d[y] += unbroadcast(numpy.where(condition, 0.0, d[z]), y)


@elementwise(numpy.clip, numpy.ndarray.clip)
def clip(z, x, a_min=None, a_max=None, min=None, max=None):
    """x keeps the adjoint where a_min <= x <= a_max, equal to a bound included; a
    bound gets it where it was chosen instead of x."""
    # numpy.clip(x, a_min, a_max), or with min=/max=; x.clip(min, max)
    return x == z, x < z, x > z, x < z, x > z


@elementwise(numpy.float_power)
def float_power(z, x1, x2):
    """Computed in float64, as NumPy does; gradients come back in x1's and x2's dtype."""
    return x2 * numpy.float_power(x1, x2 - 1), z * numpy.log(numpy.where(x1 > 0, x1, 1))


@elementwise(numpy.remainder, operator.mod)
def remainder(z, x1, x2):
    """z = x1 - floor(x1 / x2) x2: the slope of the piece (1, and -floor(x1 / x2));
    at a jump, that of the piece NumPy's result is on."""
    # `//` is numpy.floor_divide on arrays, and keeps Python floats Python floats
    return 1.0, -(x1 // x2)


@elementwise(numpy.fmod)
def fmod(z, x1, x2):
    """z = x1 - trunc(x1 / x2) x2: the slope of the piece (1, and -trunc(x1 / x2))."""
    # (x1 - z) / x2 is that integer, rounded to the piece NumPy's result is on
    return 1.0, -numpy.rint((x1 - z) / x2)


@adjoint(numpy.modf)
def modf(z, x):
    """The integral part is piecewise constant: only the fractional part has slope 1."""
    d[x] += d[z][0]


@tangent(numpy.modf)
def modf_forward(z, x):
    d[z] = (d[x], zeros_like(z[1]))


@adjoint(numpy.divmod, builtins.divmod)
def divmod_(z, x1, x2):
    """The quotient is piecewise constant; the remainder is differentiated as remainder."""
    d[x1] += unbroadcast(d[z][1], x1)
    d[x2] -= unbroadcast(d[z][1] * z[0], x2)


@tangent(numpy.divmod, builtins.divmod)
def divmod_forward(z, x1, x2):
    # (broadcast_like: the result z is a pair, which s2s cannot broadcast a sum to)
    d[z] = (zeros_like(z[0]), broadcast_like(d[x1], z[1]) - d[x2] * z[0])


@adjoint(numpy.frexp)
def frexp(z, x):
    """The exponent is piecewise constant; the mantissa has slope 2**-exponent."""
    d[x] += numpy.ldexp(d[z][0], -z[1])


@tangent(numpy.frexp)
def frexp_forward(z, x):
    d[z] = (numpy.ldexp(d[x], -z[1]), zeros_like(z[1]))


@linear(numpy.ldexp)
def ldexp(z, x1, x2):
    # z = x1 2**x2, x2 an integer array
    d[x1] += unbroadcast(numpy.ldexp(d[z], x2), x1)


@elementwise(numpy.copysign)
def copysign(z, x1, x2):
    """Derivative 0 at x1 = 0, as abs has; none with respect to x2 (only its sign counts)."""
    # z = |x1| with x2's sign: slope sign(x1) sign(z)
    return numpy.sign(x1) * numpy.sign(z), None


@elementwise(numpy.nextafter)
def nextafter(z, x1, x2):
    """Slope 1 in x1 (it moves x1 by one spacing), none in x2."""
    return 1.0, None

