"""NumPy's differentiable elementwise functions (ufuncs), `where` and `clip`."""

import math

import numpy

from s2s import adjoint, d
from s2s.runtime import balanced_eq, unbroadcast


@adjoint(numpy.maximum, numpy.fmax)
def maximum(z, x, y):
    d[x] += unbroadcast(d[z] * balanced_eq(x, z, y), x)
    d[y] += unbroadcast(d[z] * balanced_eq(y, z, x), y)


@adjoint(numpy.minimum, numpy.fmin)
def minimum(z, x, y):
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
    d[x] += unbroadcast(d[z] * x / z, x)
    d[y] += unbroadcast(d[z] * y / z, y)


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
    d[x] += d[z] * numpy.sign(x)  # 0 at 0


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
    d[x] += unbroadcast(numpy.where(condition, d[z], 0.0), x)
    d[y] += unbroadcast(numpy.where(condition, 0.0, d[z]), y)


@adjoint(numpy.clip, numpy.ndarray.clip)
def clip(z, x, a_min=None, a_max=None, min=None, max=None):
    # numpy.clip(x, a_min, a_max), or with min=/max=; x.clip(min, max).  x keeps the
    # adjoint where a_min <= x <= a_max, ties included; the bounds get it where chosen.
    d[x] += unbroadcast(d[z] * (x == z), x)
    d[a_min] += unbroadcast(d[z] * (x < z), a_min)
    d[min] += unbroadcast(d[z] * (x < z), min)
    d[a_max] += unbroadcast(d[z] * (x > z), a_max)
    d[max] += unbroadcast(d[z] * (x > z), max)
