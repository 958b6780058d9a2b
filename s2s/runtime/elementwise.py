"""Helpers for the forward-mode rules of elementwise functions and of the `math`
module and numeric builtins (templates/elementwise.py and scalar_math.py).
Like the rest of the runtime they dispatch on their inputs, so they run on NumPy,
CuPy and Dask arrays, and keep Python numbers Python floats."""

import math

import numpy

from s2s.runtime import returns_new_array


@returns_new_array
def sign_of(x):
    """numpy.sign(x), but a Python float for a Python number (where numpy.sign would
    give a NumPy scalar)."""
    if type(x) in (int, float):  # (not NumPy's scalars, whose comparisons give bool_)
        return float((x > 0) - (x < 0))
    return numpy.sign(x)


@returns_new_array
def positive_log(x):
    """log(x) where x > 0, 0 elsewhere: the factor of the exponent's tangent in
    `x ** y` (whose derivative in y is taken as 0 where x <= 0).  A Python float for
    a Python number."""
    if isinstance(x, (int, float)):
        return math.log(x) if x > 0 else 0.0
    return numpy.log(numpy.where(x > 0, x, 1))
