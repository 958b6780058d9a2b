"""Arithmetic operators (`+ - * / ** @`, unary minus) and their NumPy ufuncs."""

import operator

import numpy

from s2s import bilinear, d, elementwise
from s2s.runtime import matmul_lhs_adjoint, matmul_rhs_adjoint
from s2s.runtime.elementwise import positive_log


@elementwise(operator.add, numpy.add)
def add(z, x, y):
    return 1.0, 1.0


@elementwise(operator.sub, numpy.subtract)
def subtract(z, x, y):
    return 1.0, -1.0


@elementwise(operator.mul, numpy.multiply)
def multiply(z, x, y):
    return y, x


@elementwise(operator.truediv, numpy.divide)
def divide(z, x, y):
    return 1.0 / y, -z / y


@elementwise(operator.pow, numpy.power)
def power(z, x, y):
    """The derivative in the exponent is taken as 0 where x <= 0 (log x is not real)."""
    return y * x ** (y - 1), z * positive_log(x)


@elementwise(operator.neg, numpy.negative)
def negative(z, x):
    return -1.0


@elementwise(operator.pos, numpy.positive)
def positive(z, x):
    return 1.0


@bilinear(operator.matmul, numpy.matmul)
def matmul(z, x, y):
    d[x] += matmul_lhs_adjoint(d[z], x, y)
    d[y] += matmul_rhs_adjoint(d[z], x, y)
