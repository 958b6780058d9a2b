"""The `math` module and the numeric builtins: scalar rules in plain Python arithmetic.

`math` functions take Python floats, so their rules use `math` too: tangents of
Python floats stay Python floats.  The builtins `abs`, `min`, `max` and `pow` also
accept NumPy arrays, so theirs use expressions (or runtime helpers) valid for both.
"""

import math

from s2s import d, tangent
from s2s.runtime import balanced_eq
from s2s.runtime.elementwise import positive_log, sign_of


@tangent(math.sin)
def sin(z, x):
    d[z] = d[x] * math.cos(x)


@tangent(math.cos)
def cos(z, x):
    d[z] = -d[x] * math.sin(x)


@tangent(math.tan)
def tan(z, x):
    d[z] = d[x] * (1.0 + z * z)


@tangent(math.asin)
def asin(z, x):
    d[z] = d[x] / math.sqrt(1.0 - x * x)


@tangent(math.acos)
def acos(z, x):
    d[z] = -d[x] / math.sqrt(1.0 - x * x)


@tangent(math.atan)
def atan(z, x):
    d[z] = d[x] / (1.0 + x * x)


@tangent(math.atan2)
def atan2(z, y, x):
    r = x * x + y * y
    d[z] = d[y] * x / r - d[x] * y / r


@tangent(math.hypot)
def hypot(z, x, y):
    d[z] = (d[x] * x + d[y] * y) / z if z > 0.0 else 0.0 * z


@tangent(math.sinh)
def sinh(z, x):
    d[z] = d[x] * math.cosh(x)


@tangent(math.cosh)
def cosh(z, x):
    d[z] = d[x] * math.sinh(x)


@tangent(math.tanh)
def tanh(z, x):
    d[z] = d[x] * (1.0 - z * z)


@tangent(math.exp)
def exp(z, x):
    d[z] = d[x] * z


@tangent(math.expm1)
def expm1(z, x):
    d[z] = d[x] * (z + 1.0)


@tangent(math.log)
def log(z, x, base=math.e):
    # log(x, base) = ln(x) / ln(base)
    d[z] = d[x] / (x * math.log(base)) - d[base] * z / (base * math.log(base))


@tangent(math.log2)
def log2(z, x):
    d[z] = d[x] / (x * math.log(2.0))


@tangent(math.log10)
def log10(z, x):
    d[z] = d[x] / (x * math.log(10.0))


@tangent(math.log1p)
def log1p(z, x):
    d[z] = d[x] / (1.0 + x)


@tangent(math.sqrt)
def sqrt(z, x):
    d[z] = d[x] / (2.0 * z)


@tangent(math.pow)
def math_pow(z, x, y):
    d[z] = d[x] * y * math.pow(x, y - 1.0) + d[y] * z * math.log(x if x > 0.0 else 1.0)


@tangent(math.erf)
def erf(z, x):
    d[z] = d[x] * (2.0 / math.sqrt(math.pi)) * math.exp(-x * x)


@tangent(math.erfc)
def erfc(z, x):
    d[z] = -d[x] * (2.0 / math.sqrt(math.pi)) * math.exp(-x * x)


@tangent(math.fabs)
def fabs(z, x):
    """Derivative 0 at 0."""
    d[z] = d[x] * ((x > 0.0) - (x < 0.0))


# Builtins: these may also see NumPy arrays (and 0-d arrays for min and max).


@tangent(abs)
def builtin_abs(z, x):
    """Derivative 0 at 0."""
    d[z] = d[x] * sign_of(x)


@tangent(min, max)
def builtin_min_max(z, x, y):
    """Ties take the average of the two tangents, as the adjoint is split evenly."""
    d[z] = d[x] * balanced_eq(x, z, y) + d[y] * balanced_eq(y, z, x)


@tangent(pow)
def builtin_pow(z, x, y):
    d[z] = d[x] * y * x ** (y - 1) + d[y] * z * positive_log(x)


@tangent(float)
def builtin_float(z, x):
    d[z] = float(d[x])
