"""Helpers for the forward-mode rules of elementwise functions and of the `math`
module and numeric builtins (templates/elementwise.py and scalar_math.py).
Like the rest of the runtime they dispatch on their inputs, so they run on NumPy,
CuPy and Dask arrays, and keep Python numbers Python floats."""

import cmath
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
    a Python number.  For complex x, log(x) where x is not 0."""
    if isinstance(x, (int, float)):
        return math.log(x) if x > 0 else 0.0
    if isinstance(x, complex):
        return complex(cmath.log(x)) if x != 0 else 0j
    if numpy.iscomplexobj(x):  # (complex bases have logarithms: but not 0)
        return numpy.log(numpy.where(x == 0, 1, x))
    return numpy.log(numpy.where(x > 0, x, 1))


def abs_adjoint(g, x, z):
    """The adjoint of `x` in `z = abs(x)`: g sign(x) (0 at 0); for complex x, the real
    part of g (z is real) times conj(x) / |x| (0 at 0)."""
    if isinstance(x, complex) or numpy.iscomplexobj(x):
        return numpy.real(g) * numpy.conjugate(x) / numpy.where(z == 0, 1, z)
    return g * sign_of(x)


def abs_tangent(t, x, z):
    """The tangent of `z = abs(x)`: sign(x) t; for complex x, Re(conj(x) t) / |x|."""
    if isinstance(x, complex) or numpy.iscomplexobj(x):
        return numpy.real(numpy.conjugate(x) * t) / numpy.where(z == 0, 1, z)
    return sign_of(x) * t


def angle_adjoint(g, x, z, deg=False):
    """The adjoint of `x` in `z = angle(x)`: the real part of g times
    conj(i x) / |x|^2 (0 at 0; its real part is 0 for real x)."""
    r2 = numpy.real(x * numpy.conjugate(x))
    scale = 180.0 / math.pi if deg else 1.0
    return numpy.real(g) * scale * -1j * numpy.conjugate(x) / numpy.where(r2 == 0, 1, r2)


def angle_tangent(t, x, z, deg=False):
    """The tangent of `z = angle(x)`: Im(conj(x) t) / |x|^2 (0 at 0)."""
    r2 = numpy.real(x * numpy.conjugate(x))
    scale = 180.0 / math.pi if deg else 1.0
    return scale * numpy.imag(numpy.conjugate(x) * t) / numpy.where(r2 == 0, 1, r2)


@returns_new_array
def one_over_one_plus_exp(e):
    """1 / (1 + exp(e)), computed as that: what the user's `1.0 / (1.0 + np.exp(-x))`,
    the logistic function of x, is read as (normalize/logistic.py), whose derivative
    is read from its result."""
    return 1.0 / (1.0 + numpy.exp(e))
