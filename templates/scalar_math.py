"""The `math` module and the numeric builtins: scalar rules in plain Python arithmetic.

`math` functions take Python floats, so their rules use `math` too and generated code
stays fast float arithmetic.  The builtins `abs`, `min`, `max` and `pow` also accept
NumPy arrays, so theirs use expressions valid for both.
"""

import math

import numpy

from s2s import adjoint, d
from s2s.runtime import balanced_eq, unbroadcast


@adjoint(math.sin)
def sin(z, x):
    d[x] += d[z] * math.cos(x)


@adjoint(math.cos)
def cos(z, x):
    d[x] -= d[z] * math.sin(x)


@adjoint(math.tan)
def tan(z, x):
    d[x] += d[z] * (1.0 + z * z)


@adjoint(math.asin)
def asin(z, x):
    d[x] += d[z] / math.sqrt(1.0 - x * x)


@adjoint(math.acos)
def acos(z, x):
    d[x] -= d[z] / math.sqrt(1.0 - x * x)


@adjoint(math.atan)
def atan(z, x):
    d[x] += d[z] / (1.0 + x * x)


@adjoint(math.atan2)
def atan2(z, y, x):
    r = x * x + y * y
    d[y] += d[z] * x / r
    d[x] -= d[z] * y / r


@adjoint(math.hypot)
def hypot(z, x, y):
    """At (0, 0), where hypot has no derivative, it is taken as 0 (as abs's at 0)."""
    d[x] += d[z] * (x / z if z > 0.0 else 0.0)
    d[y] += d[z] * (y / z if z > 0.0 else 0.0)


@adjoint(math.sinh)
def sinh(z, x):
    d[x] += d[z] * math.cosh(x)


@adjoint(math.cosh)
def cosh(z, x):
    d[x] += d[z] * math.sinh(x)


@adjoint(math.tanh)
def tanh(z, x):
    d[x] += d[z] * (1.0 - z * z)


@adjoint(math.exp)
def exp(z, x):
    d[x] += d[z] * z


@adjoint(math.expm1)
def expm1(z, x):
    d[x] += d[z] * (z + 1.0)


@adjoint(math.log)
def log(z, x, base=math.e):
    # log(x, base) = ln(x) / ln(base)
    d[x] += d[z] / (x * math.log(base))
    d[base] -= d[z] * z / (base * math.log(base))


@adjoint(math.log2)
def log2(z, x):
    d[x] += d[z] / (x * math.log(2.0))


@adjoint(math.log10)
def log10(z, x):
    d[x] += d[z] / (x * math.log(10.0))


@adjoint(math.log1p)
def log1p(z, x):
    d[x] += d[z] / (1.0 + x)


@adjoint(math.sqrt)
def sqrt(z, x):
    d[x] += d[z] / (2.0 * z)


@adjoint(math.pow)
def math_pow(z, x, y):
    d[x] += d[z] * y * math.pow(x, y - 1.0)
    d[y] += d[z] * z * math.log(x if x > 0.0 else 1.0)


@adjoint(math.erf)
def erf(z, x):
    d[x] += d[z] * (2.0 / math.sqrt(math.pi)) * math.exp(-x * x)


@adjoint(math.erfc)
def erfc(z, x):
    d[x] -= d[z] * (2.0 / math.sqrt(math.pi)) * math.exp(-x * x)


@adjoint(math.fabs)
def fabs(z, x):
    """Derivative 0 at 0."""
    d[x] += d[z] * ((x > 0.0) - (x < 0.0))


# Builtins: these may also see NumPy arrays (and 0-d arrays for min and max).


@adjoint(abs)
def builtin_abs(z, x):
    """Derivative 0 at 0."""
    d[x] += d[z] * numpy.sign(x)


@adjoint(min, max)
def builtin_min_max(z, x, y):
    """Ties split the adjoint evenly."""
    d[x] += d[z] * balanced_eq(x, z, y)
    d[y] += d[z] * balanced_eq(y, z, x)


@adjoint(pow)
def builtin_pow(z, x, y):
    d[x] += unbroadcast(d[z] * y * x ** (y - 1), x)
    d[y] += unbroadcast(d[z] * z * numpy.log(numpy.where(x > 0, x, 1)), y)


@adjoint(float)
def builtin_float(z, x):
    d[x] += d[z]
