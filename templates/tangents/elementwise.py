"""NumPy's differentiable elementwise functions (ufuncs), `where` and `clip`.

The conventions where a derivative jumps or does not exist are the reverse rules'
(templates/elementwise.py): maximum and minimum take the average of the two tangents
where they tie; abs, and copysign in its first argument, have derivative 0 at 0;
remainder (`%`), fmod and divmod take the slope of the piece they are on (1 in x1,
minus the integer quotient in x2), and none in x2 for copysign; nextafter has slope 1
in x1.  conjugate assumes real arrays.
"""

import builtins
import math
import operator

import numpy

from s2s import d, tangent
from s2s.runtime import balanced_eq, broadcast_like, zeros_like


@tangent(numpy.maximum, numpy.fmax)
def maximum(z, x, y):
    """Ties (x == y) take the average of the two tangents, as the adjoint is split
    evenly between x and y."""
    d[z] = d[x] * balanced_eq(x, z, y) + d[y] * balanced_eq(y, z, x)


@tangent(numpy.minimum, numpy.fmin)
def minimum(z, x, y):
    """Ties (x == y) take the average of the two tangents."""
    d[z] = d[x] * balanced_eq(x, z, y) + d[y] * balanced_eq(y, z, x)


@tangent(numpy.sin)
def sin(z, x):
    d[z] = d[x] * numpy.cos(x)


@tangent(numpy.cos)
def cos(z, x):
    d[z] = -d[x] * numpy.sin(x)


@tangent(numpy.tan)
def tan(z, x):
    d[z] = d[x] * (1.0 + z * z)


@tangent(numpy.arcsin)
def arcsin(z, x):
    d[z] = d[x] / numpy.sqrt(1.0 - x * x)


@tangent(numpy.arccos)
def arccos(z, x):
    d[z] = -d[x] / numpy.sqrt(1.0 - x * x)


@tangent(numpy.arctan)
def arctan(z, x):
    d[z] = d[x] / (1.0 + x * x)


@tangent(numpy.arctan2)
def arctan2(z, y, x):
    r = x * x + y * y
    d[z] = d[y] * x / r - d[x] * y / r


@tangent(numpy.hypot)
def hypot(z, x, y):
    r = numpy.where(z == 0, 1.0, z)  # (0 at (0, 0), as the adjoint)
    d[z] = d[x] * x / r + d[y] * y / r


@tangent(numpy.sinh)
def sinh(z, x):
    d[z] = d[x] * numpy.cosh(x)


@tangent(numpy.cosh)
def cosh(z, x):
    d[z] = d[x] * numpy.sinh(x)


@tangent(numpy.tanh)
def tanh(z, x):
    d[z] = d[x] * (1.0 - z * z)


@tangent(numpy.arcsinh)
def arcsinh(z, x):
    d[z] = d[x] / numpy.sqrt(x * x + 1.0)


@tangent(numpy.arccosh)
def arccosh(z, x):
    d[z] = d[x] / numpy.sqrt(x * x - 1.0)


@tangent(numpy.arctanh)
def arctanh(z, x):
    d[z] = d[x] / (1.0 - x * x)


@tangent(numpy.exp)
def exp(z, x):
    d[z] = d[x] * z


@tangent(numpy.exp2)
def exp2(z, x):
    d[z] = d[x] * z * math.log(2.0)


@tangent(numpy.expm1)
def expm1(z, x):
    d[z] = d[x] * (z + 1.0)


@tangent(numpy.log)
def log(z, x):
    d[z] = d[x] / x


@tangent(numpy.log2)
def log2(z, x):
    d[z] = d[x] / (x * math.log(2.0))


@tangent(numpy.log10)
def log10(z, x):
    d[z] = d[x] / (x * math.log(10.0))


@tangent(numpy.log1p)
def log1p(z, x):
    d[z] = d[x] / (1.0 + x)


@tangent(numpy.logaddexp)
def logaddexp(z, x, y):
    # exp(x - z) = exp(x) / (exp(x) + exp(y)); 1/2 each where x == y
    d[z] = d[x] * numpy.exp(x - z) + d[y] * numpy.exp(y - z)


@tangent(numpy.logaddexp2)
def logaddexp2(z, x, y):
    d[z] = d[x] * numpy.exp2(x - z) + d[y] * numpy.exp2(y - z)


@tangent(numpy.sqrt)
def sqrt(z, x):
    d[z] = d[x] / (2.0 * z)


@tangent(numpy.cbrt)
def cbrt(z, x):
    d[z] = d[x] / (3.0 * z * z)


@tangent(numpy.square)
def square(z, x):
    d[z] = d[x] * 2.0 * x


@tangent(numpy.reciprocal)
def reciprocal(z, x):
    d[z] = -d[x] * z * z


@tangent(numpy.absolute, numpy.fabs)
def absolute(z, x):
    """Derivative 0 at 0."""
    d[z] = d[x] * numpy.sign(x)


@tangent(numpy.deg2rad, numpy.radians)
def deg2rad(z, x):
    d[z] = d[x] * (math.pi / 180.0)


@tangent(numpy.rad2deg, numpy.degrees)
def rad2deg(z, x):
    d[z] = d[x] * (180.0 / math.pi)


@tangent(numpy.sinc)
def sinc(z, x):
    # d/dx sin(pi x) / (pi x) = (cos(pi x) - sinc(x)) / x, which is 0 at 0
    nonzero = numpy.where(x == 0.0, 1.0, x)
    slope = numpy.where(x == 0.0, 0.0, (numpy.cos(math.pi * x) - z) / nonzero)
    d[z] = d[x] * slope


@tangent(numpy.where)
def where(z, condition, x, y):
    """The condition carries no derivative."""
    d[z] = numpy.where(condition, d[x], d[y])


@tangent(numpy.clip, numpy.ndarray.clip)
def clip(z, x, a_min=None, a_max=None, min=None, max=None):
    """x's tangent where a_min <= x <= a_max, equal to a bound included; a bound's
    where it was chosen instead of x."""
    # numpy.clip(x, a_min, a_max), or with min=/max=; x.clip(min, max)
    d[z] = (
        d[x] * (x == z) + d[a_min] * (x < z) + d[min] * (x < z)
        + d[a_max] * (x > z) + d[max] * (x > z)
    )


@tangent(numpy.float_power)
def float_power(z, x1, x2):
    """Computed in float64, as NumPy does, and so is the tangent."""
    d[z] = (d[x1] * x2 * numpy.float_power(x1, x2 - 1)
            + d[x2] * z * numpy.log(numpy.where(x1 > 0, x1, 1)))


@tangent(numpy.remainder, operator.mod)
def remainder(z, x1, x2):
    """z = x1 - floor(x1 / x2) x2: the slope of the piece (1, and -floor(x1 / x2));
    at a jump, that of the piece NumPy's result is on."""
    # `//` is numpy.floor_divide on arrays, and keeps Python floats Python floats
    d[z] = d[x1] - d[x2] * (x1 // x2)


@tangent(numpy.fmod)
def fmod(z, x1, x2):
    """z = x1 - trunc(x1 / x2) x2: the slope of the piece (1, and -trunc(x1 / x2))."""
    # (x1 - z) / x2 is that integer, rounded to the piece NumPy's result is on
    d[z] = d[x1] - d[x2] * numpy.rint((x1 - z) / x2)


@tangent(numpy.modf)
def modf(z, x):
    """The integral part is piecewise constant: only the fractional part has slope 1."""
    d[z] = (d[x], zeros_like(z[1]))


@tangent(numpy.divmod, builtins.divmod)
def divmod_(z, x1, x2):
    """The quotient is piecewise constant; the remainder is differentiated as remainder."""
    # (broadcast_like: the result z is a pair, which s2s cannot broadcast a sum to)
    d[z] = (zeros_like(z[0]), broadcast_like(d[x1], z[1]) - d[x2] * z[0])


@tangent(numpy.frexp)
def frexp(z, x):
    """The exponent is piecewise constant; the mantissa has slope 2**-exponent."""
    d[z] = (numpy.ldexp(d[x], -z[1]), zeros_like(z[1]))


@tangent(numpy.ldexp)
def ldexp(z, x1, x2):
    # z = x1 2**x2, x2 an integer array
    d[z] = numpy.ldexp(d[x1], x2)


@tangent(numpy.copysign)
def copysign(z, x1, x2):
    """Derivative 0 at x1 = 0, as abs has; none with respect to x2 (only its sign counts)."""
    # z = |x1| with x2's sign: slope sign(x1) sign(z)
    d[z] = d[x1] * numpy.sign(x1) * numpy.sign(z)


@tangent(numpy.nextafter)
def nextafter(z, x1, x2):
    """Slope 1 in x1 (it moves x1 by one spacing), none in x2."""
    d[z] = broadcast_like(d[x1], z)


@tangent(numpy.conjugate, numpy.ndarray.conjugate, numpy.ndarray.conj)
def conjugate(z, x):
    """For real arrays, the identity."""
    d[z] = numpy.conjugate(d[x])
