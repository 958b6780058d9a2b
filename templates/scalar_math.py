"""The `math` functions without a NumPy counterpart of the same derivative (the others
share NumPy's rules, in elementwise.py), and the numeric builtins.

`math` functions take Python floats, so their rules use `math` too and generated code
stays fast float arithmetic.  The builtins `abs`, `min`, `max` and `pow` also accept
NumPy arrays, so theirs use expressions (or runtime helpers) valid for both.
"""

import math

from s2s import d, elementwise, linear
from s2s.runtime import balanced_eq
from s2s.runtime.elementwise import positive_log


@elementwise(math.hypot)
def hypot(z, x, y):
    """At (0, 0), where hypot has no derivative, it is taken as 0 (as abs's at 0)."""
    return (x / z if z > 0.0 else 0.0), (y / z if z > 0.0 else 0.0)


@elementwise(math.log)
def log(z, x, base=math.e):
    # log(x, base) = ln(x) / ln(base)
    return 1.0 / (x * math.log(base)), -z / (base * math.log(base))


@elementwise(math.pow)
def math_pow(z, x, y):
    return y * math.pow(x, y - 1.0), z * math.log(x if x > 0.0 else 1.0)


@elementwise(math.fabs)
def fabs(z, x):
    """Derivative 0 at 0."""
    return (x > 0.0) - (x < 0.0)


# Builtins: these may also see NumPy arrays (and 0-d arrays for min and max).


@elementwise(min, max)
def builtin_min_max(z, x, y):
    """Ties split the adjoint evenly (the tangent is the average of the two)."""
    return balanced_eq(x, z, y), balanced_eq(y, z, x)


@elementwise(pow)
def builtin_pow(z, x, y):
    return y * x ** (y - 1), z * positive_log(x)


@linear(float)
def builtin_float(z, x):
    d[x] += d[z]
