"""NumPy's differentiable elementwise functions (ufuncs)."""

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
