"""Reductions: sum, mean, prod, max and min, over all axes or some, with keepdims."""

import builtins

import numpy

from s2s import adjoint, d
from s2s.runtime import chosen_mask, expand_reduced, others_product, sum_adjoint, unbroadcast


@adjoint(numpy.sum, numpy.ndarray.sum)
def sum(z, x, axis=None, keepdims=False):
    d[x] += expand_reduced(d[z], x, axis, keepdims)


@adjoint(numpy.mean, numpy.ndarray.mean)
def mean(z, x, axis=None, keepdims=False):
    d[x] += expand_reduced(d[z], x, axis, keepdims) * (numpy.size(z) / numpy.size(x))


@adjoint(numpy.prod, numpy.ndarray.prod)
def prod(z, x, axis=None, keepdims=False):
    d[x] += expand_reduced(d[z], x, axis, keepdims) * others_product(x, axis)


@adjoint(numpy.max, numpy.amax, numpy.ndarray.max, numpy.min, numpy.amin, numpy.ndarray.min)
def max(z, x, axis=None, keepdims=False):
    d[x] += expand_reduced(d[z], x, axis, keepdims) * chosen_mask(x, z, axis, keepdims)


@adjoint(builtins.sum)
def builtin_sum(z, x, start=0):
    d[x] += sum_adjoint(d[z], x)
    d[start] += unbroadcast(d[z], start)
