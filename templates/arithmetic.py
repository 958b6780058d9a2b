"""Arithmetic operators (`+ - * / ** @`, unary minus) and their NumPy ufuncs."""

import operator

import numpy

from s2s import adjoint, d
from s2s.runtime import matmul_lhs_adjoint, matmul_rhs_adjoint, unbroadcast


@adjoint(operator.add, numpy.add)
def add(z, x, y):
    d[x] += unbroadcast(d[z], x)
    d[y] += unbroadcast(d[z], y)


@adjoint(operator.sub, numpy.subtract)
def subtract(z, x, y):
    d[x] += unbroadcast(d[z], x)
    d[y] -= unbroadcast(d[z], y)


@adjoint(operator.mul, numpy.multiply)
def multiply(z, x, y):
    d[x] += unbroadcast(d[z] * y, x)
    d[y] += unbroadcast(d[z] * x, y)


@adjoint(operator.truediv, numpy.divide)
def divide(z, x, y):
    d[x] += unbroadcast(d[z] / y, x)
    d[y] -= unbroadcast(d[z] * z / y, y)


@adjoint(operator.pow, numpy.power)
def power(z, x, y):
    d[x] += unbroadcast(d[z] * y * x ** (y - 1), x)
    d[y] += unbroadcast(d[z] * z * numpy.log(numpy.where(x > 0, x, 1)), y)


@adjoint(operator.neg, numpy.negative)
def negative(z, x):
    d[x] -= d[z]


@adjoint(operator.pos, numpy.positive)
def positive(z, x):
    d[x] += d[z]


@adjoint(operator.matmul, numpy.matmul)
def matmul(z, x, y):
    d[x] += matmul_lhs_adjoint(d[z], x, y)
    d[y] += matmul_rhs_adjoint(d[z], x, y)
