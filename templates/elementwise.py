"""NumPy's differentiable elementwise functions (ufuncs), `where` and `clip`.

Every NumPy ufunc has a rule here (or in arithmetic.py), or is declared to have no
derivative in nondifferentiable.py.  Conventions where a derivative jumps or does not
exist: maximum and minimum split the adjoint evenly between ties; abs, and copysign
in its first argument, have derivative 0 at 0; remainder (`%`), fmod and divmod take
the slope of the piece they are on (1 in x1, minus the integer quotient in x2), and
none in x2 for copysign; nextafter has slope 1 in x1 (it moves x1 by one spacing).
conjugate assumes real arrays.
"""

import builtins
import math
import operator

import numpy

from s2s import adjoint, d
from s2s.runtime import balanced_eq, unbroadcast


@adjoint(numpy.maximum, numpy.fmax)
def maximum(z, x, y):
    """Ties (x == y) split the adjoint evenly between x and y, as PyTorch, JAX and
    autograd do."""
    d[x] += unbroadcast(d[z] * balanced_eq(x, z, y), x)
    d[y] += unbroadcast(d[z] * balanced_eq(y, z, x), y)


@adjoint(numpy.minimum, numpy.fmin)
def minimum(z, x, y):
    """Ties (x == y) split the adjoint evenly between x and y."""
    d[x] += unbroadcast(d[z] * balanced_eq(x, z, y), x)
    d[y] += unbroadcast(d[z] * balanced_eq(y, z, x), y)


@adjoint(numpy.sin)
def sin(z, x):
    d[x] += d[z] * numpy.cos(x)


@adjoint(numpy.cos)
def cos(z, x):
    d[x] -= d[z] * numpy.sin(x)


@adjoint(numpy.tan)
def tan(z, x):
    d[x] += d[z] * (1.0 + z * z)


@adjoint(numpy.arcsin)
def arcsin(z, x):
    d[x] += d[z] / numpy.sqrt(1.0 - x * x)


@adjoint(numpy.arccos)
def arccos(z, x):
    d[x] -= d[z] / numpy.sqrt(1.0 - x * x)


@adjoint(numpy.arctan)
def arctan(z, x):
    d[x] += d[z] / (1.0 + x * x)


@adjoint(numpy.arctan2)
def arctan2(z, y, x):
    r = x * x + y * y
    d[y] += unbroadcast(d[z] * x / r, y)
    d[x] -= unbroadcast(d[z] * y / r, x)


@adjoint(numpy.hypot)
def hypot(z, x, y):
    """At (0, 0), where hypot has no derivative, it is taken as 0 (as abs's at 0)."""
    r = numpy.where(z == 0, 1.0, z)  # (z is 0 only where x and y are: x / r is 0 there)
    d[x] += unbroadcast(d[z] * x / r, x)
    d[y] += unbroadcast(d[z] * y / r, y)


@adjoint(numpy.sinh)
def sinh(z, x):
    d[x] += d[z] * numpy.cosh(x)


@adjoint(numpy.cosh)
def cosh(z, x):
    d[x] += d[z] * numpy.sinh(x)


@adjoint(numpy.tanh)
def tanh(z, x):
    d[x] += d[z] * (1.0 - z * z)


@adjoint(numpy.arcsinh)
def arcsinh(z, x):
    d[x] += d[z] / numpy.sqrt(x * x + 1.0)


@adjoint(numpy.arccosh)
def arccosh(z, x):
    d[x] += d[z] / numpy.sqrt(x * x - 1.0)


@adjoint(numpy.arctanh)
def arctanh(z, x):
    d[x] += d[z] / (1.0 - x * x)


@adjoint(numpy.exp)
def exp(z, x):
    d[x] += d[z] * z


@adjoint(numpy.exp2)
def exp2(z, x):
    d[x] += d[z] * z * math.log(2.0)


@adjoint(numpy.expm1)
def expm1(z, x):
    d[x] += d[z] * (z + 1.0)


@adjoint(numpy.log)
def log(z, x):
    d[x] += d[z] / x


@adjoint(numpy.log2)
def log2(z, x):
    d[x] += d[z] / (x * math.log(2.0))


@adjoint(numpy.log10)
def log10(z, x):
    d[x] += d[z] / (x * math.log(10.0))


@adjoint(numpy.log1p)
def log1p(z, x):
    d[x] += d[z] / (1.0 + x)


@adjoint(numpy.logaddexp)
def logaddexp(z, x, y):
    # exp(x - z) = exp(x) / (exp(x) + exp(y)); 1/2 each where x == y
    d[x] += unbroadcast(d[z] * numpy.exp(x - z), x)
    d[y] += unbroadcast(d[z] * numpy.exp(y - z), y)


@adjoint(numpy.logaddexp2)
def logaddexp2(z, x, y):
    d[x] += unbroadcast(d[z] * numpy.exp2(x - z), x)
    d[y] += unbroadcast(d[z] * numpy.exp2(y - z), y)


@adjoint(numpy.sqrt)
def sqrt(z, x):
    d[x] += d[z] / (2.0 * z)


@adjoint(numpy.cbrt)
def cbrt(z, x):
    d[x] += d[z] / (3.0 * z * z)


@adjoint(numpy.square)
def square(z, x):
    d[x] += d[z] * 2.0 * x


@adjoint(numpy.reciprocal)
def reciprocal(z, x):
    d[x] -= d[z] * z * z


@adjoint(numpy.absolute, numpy.fabs)
def absolute(z, x):
    """Derivative 0 at 0."""
    d[x] += d[z] * numpy.sign(x)


@adjoint(numpy.deg2rad, numpy.radians)
def deg2rad(z, x):
    d[x] += d[z] * (math.pi / 180.0)


@adjoint(numpy.rad2deg, numpy.degrees)
def rad2deg(z, x):
    d[x] += d[z] * (180.0 / math.pi)


@adjoint(numpy.sinc)
def sinc(z, x):
    # d/dx sin(pi x) / (pi x) = (cos(pi x) - sinc(x)) / x, which is 0 at 0
    nonzero = numpy.where(x == 0.0, 1.0, x)
    d[x] += d[z] * numpy.where(x == 0.0, 0.0, (numpy.cos(math.pi * x) - z) / nonzero)


@adjoint(numpy.where)
def where(z, condition, x, y):
    """The condition carries no derivative."""
    d[x] += unbroadcast(numpy.where(condition, d[z], 0.0), x)
    d[y] += unbroadcast(numpy.where(condition, 0.0, d[z]), y)


@adjoint(numpy.clip, numpy.ndarray.clip)
def clip(z, x, a_min=None, a_max=None, min=None, max=None):
    """x keeps the adjoint where a_min <= x <= a_max, equal to a bound included; a
    bound gets it where it was chosen instead of x."""
    # numpy.clip(x, a_min, a_max), or with min=/max=; x.clip(min, max)
    d[x] += unbroadcast(d[z] * (x == z), x)
    d[a_min] += unbroadcast(d[z] * (x < z), a_min)
    d[min] += unbroadcast(d[z] * (x < z), min)
    d[a_max] += unbroadcast(d[z] * (x > z), a_max)
    d[max] += unbroadcast(d[z] * (x > z), max)


@adjoint(numpy.float_power)
def float_power(z, x1, x2):
    """Computed in float64, as NumPy does; gradients come back in x1's and x2's dtype."""
    d[x1] += unbroadcast(d[z] * x2 * numpy.float_power(x1, x2 - 1), x1)
    d[x2] += unbroadcast(d[z] * z * numpy.log(numpy.where(x1 > 0, x1, 1)), x2)


@adjoint(numpy.remainder, operator.mod)
def remainder(z, x1, x2):
    """z = x1 - floor(x1 / x2) x2: the slope of the piece (1, and -floor(x1 / x2));
    at a jump, that of the piece NumPy's result is on."""
    d[x1] += unbroadcast(d[z], x1)
    d[x2] -= unbroadcast(d[z] * numpy.floor_divide(x1, x2), x2)


@adjoint(numpy.fmod)
def fmod(z, x1, x2):
    """z = x1 - trunc(x1 / x2) x2: the slope of the piece (1, and -trunc(x1 / x2))."""
    # (x1 - z) / x2 is that integer, rounded to the piece NumPy's result is on
    d[x1] += unbroadcast(d[z], x1)
    d[x2] -= unbroadcast(d[z] * numpy.rint((x1 - z) / x2), x2)


@adjoint(numpy.modf)
def modf(z, x):
    """The integral part is piecewise constant: only the fractional part has slope 1."""
    d[x] += d[z][0]


@adjoint(numpy.divmod, builtins.divmod)
def divmod_(z, x1, x2):
    """The quotient is piecewise constant; the remainder is differentiated as remainder."""
    d[x1] += unbroadcast(d[z][1], x1)
    d[x2] -= unbroadcast(d[z][1] * z[0], x2)


@adjoint(numpy.frexp)
def frexp(z, x):
    """The exponent is piecewise constant; the mantissa has slope 2**-exponent."""
    d[x] += numpy.ldexp(d[z][0], -z[1])


@adjoint(numpy.ldexp)
def ldexp(z, x1, x2):
    # z = x1 2**x2, x2 an integer array
    d[x1] += unbroadcast(numpy.ldexp(d[z], x2), x1)


@adjoint(numpy.copysign)
def copysign(z, x1, x2):
    """Derivative 0 at x1 = 0, as abs has; none with respect to x2 (only its sign counts)."""
    # z = |x1| with x2's sign: slope sign(x1) sign(z)
    d[x1] += unbroadcast(d[z] * numpy.sign(x1) * numpy.sign(z), x1)


@adjoint(numpy.nextafter)
def nextafter(z, x1, x2):
    """Slope 1 in x1 (it moves x1 by one spacing), none in x2."""
    d[x1] += unbroadcast(d[z], x1)


@adjoint(numpy.conjugate, numpy.ndarray.conjugate, numpy.ndarray.conj)
def conjugate(z, x):
    """For real arrays, the identity."""
    d[x] += numpy.conjugate(d[z])
