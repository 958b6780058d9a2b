"""Helpers for the rules of functions that make arrays from values (templates/creation.py):
linspace, logspace, geomspace, arange, full, meshgrid, broadcast_arrays, vander.  Like the
rest of the runtime they dispatch on their inputs, so they run on NumPy, CuPy and Dask."""

import math

import numpy

from s2s.runtime import returns_new_array, unbroadcast, zeros_like


def _fractions(g, num, endpoint):
    """t_i = i / (num - 1) (i / num without the endpoint): how far along from start to
    stop each of linspace's samples is, in `g`'s float dtype."""
    div = (num - 1) if endpoint else num
    return numpy.arange(num, like=g).astype(g.dtype) / max(div, 1)


def _sampled(g, num, axis, ends_shape):
    """`g` with the samples' axis first, against the broadcast shape of start and stop."""
    g = numpy.moveaxis(g, axis, 0) if numpy.ndim(g) > 1 else g
    return numpy.reshape(g, (num,) + tuple(ends_shape))


def _ends_shape(start, stop):
    return numpy.broadcast_shapes(numpy.shape(start), numpy.shape(stop))


@returns_new_array
def linspace_adjoint(g, start, stop, num=50, endpoint=True, retstep=False, axis=0, end=0):
    """The adjoint of `start` (`stop` when `end` is 1) in `numpy.linspace(start, stop,
    num, ...)`: sample i is start (1 - t_i) + stop t_i, so start gets the sum of
    g_i (1 - t_i) and stop that of g_i t_i; with `retstep`, the step (stop - start) /
    div adds its own adjoint."""
    g_step = None
    if retstep:
        g, g_step = g[0], g[1]
    shape = _ends_shape(start, stop)
    g = _sampled(g, num, axis, shape)
    t = numpy.reshape(_fractions(g, num, endpoint), (num,) + (1,) * len(shape))
    out = numpy.sum(g * (t if end else 1 - t), axis=0)
    if g_step is not None:
        div = max((num - 1) if endpoint else num, 1)
        out = out + (g_step / div if end else -g_step / div)
    return unbroadcast(out, stop if end else start)


@returns_new_array
def logspace_adjoint(g, z, start, stop, num=50, endpoint=True, base=10.0, axis=0, end=0):
    """The adjoint of `start` (`stop` when `end` is 1) in `z = numpy.logspace(...)` =
    base ** linspace(start, stop): linspace's, of g z log(base)."""
    return linspace_adjoint(g * z * _log(base), start, stop, num, endpoint, False, axis, end)


def _log(base):
    """log(base), a Python float for a Python number (numpy.log would make a float64
    scalar, and float32 work float64)."""
    return math.log(base) if isinstance(base, (int, float)) else numpy.log(base)


@returns_new_array
def logspace_base_adjoint(g, z, start, stop, num=50, endpoint=True, base=10.0, axis=0):
    """The adjoint of `base` in `z = numpy.logspace(start, stop, num, base=base)`:
    d base**y / d base = y base**(y - 1) = z y / base."""
    shape = _ends_shape(start, stop)
    zs = _sampled(z, num, axis, shape)
    t = numpy.reshape(_fractions(zs, num, endpoint), (num,) + (1,) * len(shape))
    y = start + (stop - start) * t
    return unbroadcast(numpy.sum(_sampled(g, num, axis, shape) * zs * y / base, axis=0),
                       base)


@returns_new_array
def geomspace_adjoint(g, z, start, stop, num=50, endpoint=True, axis=0, end=0):
    """The adjoint of `start` (`stop` when `end` is 1) in `z = numpy.geomspace(start,
    stop, num)`, z_i = start (stop / start) ** t_i: dz_i / dstart = z_i (1 - t_i) / start,
    dz_i / dstop = z_i t_i / stop."""
    shape = _ends_shape(start, stop)
    zs = _sampled(z, num, axis, shape)
    t = numpy.reshape(_fractions(zs, num, endpoint), (num,) + (1,) * len(shape))
    part = _sampled(g, num, axis, shape) * zs * (t if end else 1 - t)
    end_value = stop if end else start
    return _in_dtype_of(unbroadcast(numpy.sum(part, axis=0) / end_value, end_value), end_value)


def _in_dtype_of(g, x):
    """`g` in `x`'s dtype: NumPy's geomspace, vander and arange compute in float64
    whatever their inputs, so their adjoints arrive in float64."""
    dtype = getattr(x, "dtype", None)
    return g if dtype is None else g.astype(dtype, copy=False)


def arange_adjoints(g, start_or_stop, stop=None, step=1):
    """The adjoints of `start` and `step` in `numpy.arange(start, stop, step)`: value i is
    start + i step.  The stop (and a lone argument, which is the stop) only sets how
    many values there are: no derivative."""
    if stop is None:
        return 0.0, 0.0
    i = numpy.arange(numpy.shape(g)[0], like=g).astype(g.dtype)
    # (NumPy's arange makes float64 values from float32 arguments)
    return (_in_dtype_of(unbroadcast(numpy.sum(g), start_or_stop), start_or_stop),
            _in_dtype_of(unbroadcast(numpy.sum(g * i), step), step))


def meshgrid_parts(g, *xi, sparse=False, indexing="xy"):
    """The adjoints of the vectors in `numpy.meshgrid(*xi, sparse, indexing)`: grid k
    repeats x_k along every axis but its own, so x_k gets g_k summed over those.
    With indexing 'xy' the first two axes are swapped."""
    n = len(xi)
    parts = []
    for k, (gk, x) in enumerate(zip(g, xi)):
        own = k
        if indexing == "xy" and n > 1 and k < 2:
            own = 1 - k
        others = tuple(a for a in range(numpy.ndim(gk)) if a != own)
        total = numpy.sum(gk, axis=others) if others else gk
        if numpy.shape(total) != (numpy.size(x),):  # sparse grids, or an unused one
            total = total + numpy.zeros(numpy.size(x), dtype=total.dtype, like=total)
        parts.append(numpy.reshape(total, numpy.shape(x)))
    return tuple(parts)


def broadcast_parts(g, *args):
    """The adjoints of the arrays in `numpy.broadcast_arrays(*args)`: each result's
    adjoint summed back to its array's shape."""
    return tuple(unbroadcast(gk, x) if numpy.ndim(gk) else gk + zeros_like(x)
                 for gk, x in zip(g, args))


@returns_new_array
def vander_adjoint(g, x, N=None, increasing=False):
    """The adjoint of `x` in `z = numpy.vander(x, N, increasing)`, z_ij = x_i ** p_j:
    the sum over j of g_ij p_j x_i ** (p_j - 1) (the p = 0 column has derivative 0)."""
    n = numpy.shape(x)[0] if N is None else N
    p = numpy.arange(n, like=g).astype(g.dtype)
    if not increasing:
        p = p[::-1]
    lower = numpy.maximum(p - 1, 0)
    return _in_dtype_of(numpy.sum(g * p * x[:, None] ** lower, axis=1), x)


def fill_value_adjoint(g, fill_value):
    """The adjoint of `fill_value` in `numpy.full(shape, fill_value)` (or full_like):
    `g` summed back to the fill value's shape."""
    return unbroadcast(g, fill_value)
