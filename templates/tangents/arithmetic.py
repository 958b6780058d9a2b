"""Arithmetic operators (`+ - * / ** @`, unary minus) and their NumPy ufuncs."""

import operator

import numpy

from s2s import d, tangent
from s2s.runtime.elementwise import positive_log


@tangent(operator.add, numpy.add)
def add(z, x, y):
    d[z] = d[x] + d[y]


@tangent(operator.sub, numpy.subtract)
def subtract(z, x, y):
    d[z] = d[x] - d[y]


@tangent(operator.mul, numpy.multiply)
def multiply(z, x, y):
    d[z] = d[x] * y + x * d[y]


@tangent(operator.truediv, numpy.divide)
def divide(z, x, y):
    d[z] = d[x] / y - d[y] * z / y


@tangent(operator.pow, numpy.power)
def power(z, x, y):
    d[z] = d[x] * y * x ** (y - 1) + d[y] * z * positive_log(x)


@tangent(operator.neg, numpy.negative)
def negative(z, x):
    d[z] = -d[x]


@tangent(operator.pos, numpy.positive)
def positive(z, x):
    d[z] = +d[x]


@tangent(operator.matmul, numpy.matmul)
def matmul(z, x, y):
    d[z] = d[x] @ y + x @ d[y]
