"""Helpers for the rules of scipy.special's logsumexp, softmax and log_softmax
(templates/special.py).  Like the rest of the runtime they dispatch on their inputs;
they compute in NumPy's functions alone, so that forward mode differentiates them
from this source (for Hessian-vector products)."""

import numpy

from s2s.runtime import unbroadcast


def _expanded(x, a, axis, keepdims):
    """A result of logsumexp over `axis` of `a`, broadcast back against `a`."""
    if keepdims or not numpy.ndim(a) or not numpy.ndim(x):
        return x  # (a number broadcasts as it is, and keeps a float32 sum float32)
    return numpy.expand_dims(x, tuple(range(numpy.ndim(a))) if axis is None else axis)


def _share(z, a, axis, keepdims, return_sign):
    """exp(a - z) times the sum's sign: each term's share of the sum."""
    if return_sign:
        lse, sign = _expanded(z[0], a, axis, keepdims), _expanded(z[1], a, axis, keepdims)
        return numpy.exp(a - lse) * sign
    return numpy.exp(a - _expanded(z, a, axis, keepdims))


def logsumexp_adjoint(g, z, a, axis=None, b=None, keepdims=False, return_sign=False):
    """The adjoint of `a` in `z = logsumexp(a, axis, b)`: g b exp(a - z), times the sum's
    sign (with `return_sign`, whose sign carries no derivative)."""
    g = _expanded(g[0] if return_sign else g, a, axis, keepdims)
    share = _share(z, a, axis, keepdims, return_sign)
    return unbroadcast(g * (share if b is None else b * share), a)


def logsumexp_b_adjoint(g, z, a, axis=None, b=None, keepdims=False, return_sign=False):
    """The adjoint of the weights `b`: g exp(a - z), times the sum's sign."""
    g = _expanded(g[0] if return_sign else g, a, axis, keepdims)
    return unbroadcast(g * _share(z, a, axis, keepdims, return_sign), b)


def logsumexp_a_tangent(t, z, a, axis=None, b=None, keepdims=False, return_sign=False):
    """The part of `z = logsumexp(a, axis, b)`'s tangent from a's tangent `t`:
    sum(b exp(a - z) t), times the sum's sign."""
    share = _share(z, a, axis, keepdims, return_sign)
    return numpy.sum((share if b is None else b * share) * t, axis=axis, keepdims=keepdims)


def logsumexp_b_tangent(t, z, a, axis=None, b=None, keepdims=False, return_sign=False):
    """The part from the weights' tangent `t`: sum(exp(a - z) t), times the sum's sign."""
    share = _share(z, a, axis, keepdims, return_sign)
    return numpy.sum(share * t, axis=axis, keepdims=keepdims)


def logsumexp_record(z, t, return_sign=False):
    """The tangent of logsumexp's result from its value's: with `return_sign`, paired
    with the sign's, 0."""
    return (t, numpy.zeros_like(z[1])) if return_sign else t


def softmax_product(v, z, axis=None):
    """softmax's Jacobian at `z = softmax(x, axis)` times `v`, z (v - sum(z v)): the
    Jacobian is symmetric, so this is the adjoint of `g` and the tangent of `t` both."""
    return z * (v - numpy.sum(z * v, axis=axis, keepdims=True))


def log_softmax_adjoint(g, z, axis=None):
    """The adjoint of `x` in `z = log_softmax(x, axis)`: g - softmax(x) sum(g)."""
    return g - numpy.exp(z) * numpy.sum(g, axis=axis, keepdims=True)


def log_softmax_tangent(t, z, axis=None):
    """The tangent of `z = log_softmax(x, axis)`: t - sum(softmax(x) t)."""
    return t - numpy.sum(numpy.exp(z) * t, axis=axis, keepdims=True)
