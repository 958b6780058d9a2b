"""Helpers for the rules of functions that make arrays from values (templates/creation.py):
linspace, logspace, geomspace, arange, full, meshgrid, broadcast_arrays, vander.  Like the
rest of the runtime they dispatch on their inputs, so they run on NumPy, CuPy and Dask."""

import math

import numpy

from s2s.runtime import linear_in, returns_new_array, unbroadcast, zeros_like
from s2s.runtime.layout import result_tangent


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
@linear_in("g")
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


@linear_in("g")
def arange_adjoints(g, start_or_stop, stop=None, step=1):
    """The adjoints of `start` and `step` in `numpy.arange(start, stop, step)`: value i is
    start + i step.  The stop (and a first argument alone, `arange(stop, step=h)`,
    which is the stop) only sets how many values there are: no derivative."""
    i = numpy.arange(numpy.shape(g)[0], like=g).astype(g.dtype)
    # (NumPy's arange makes float64 values from float32 arguments)
    d_step = _in_dtype_of(unbroadcast(numpy.sum(g * i), step), step)
    if stop is None:
        return 0.0, d_step
    return _in_dtype_of(unbroadcast(numpy.sum(g), start_or_stop), start_or_stop), d_step


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


@linear_in("g")
def fill_value_adjoint(g, fill_value):
    """The adjoint of `fill_value` in `numpy.full(shape, fill_value)` (or full_like):
    `g` summed back to the fill value's shape."""
    return unbroadcast(g, fill_value)


# -- forward mode: tangents ----------------------------------------------------------
# Helpers for the rules in templates/creation.py, each linear in the tangents
# it is given; each tangent comes in the dtype of the value it is the tangent of.


def _logspace_operands(start, stop, base, axis=0):
    """`start`, `stop` and `base` as `numpy.logspace` uses them: where `base` is an
    array, all three with as many dimensions as their broadcast shape (leading 1s),
    and `base` with an axis for the samples at `axis`."""
    if isinstance(base, (float, int)) or not numpy.ndim(base):
        return start, stop, base
    n = len(numpy.broadcast_shapes(numpy.shape(start), numpy.shape(stop), numpy.shape(base)))

    def lifted(a):
        shape = numpy.shape(a)
        return a if len(shape) == n else numpy.reshape(a, (1,) * (n - len(shape)) + shape)

    return lifted(start), lifted(stop), numpy.expand_dims(lifted(base), axis)


@returns_new_array
def logspace_tangent(t_start, t_stop, z, base=10.0, num=50, endpoint=True, axis=0):
    """The tangent of `z = numpy.logspace(start, stop, num, endpoint, base, axis=axis)`
    = base ** linspace(start, stop) along the tangents of `start` and `stop`:
    z log(base) times linspace of the tangents."""
    t_start, t_stop, base = _logspace_operands(t_start, t_stop, base, axis)
    t = numpy.linspace(t_start, t_stop, num, endpoint, axis=axis)
    return result_tangent(z * _log(base) * t, z)


@returns_new_array
def logspace_base_tangent(t, z, start, stop, num=50, endpoint=True, base=10.0, axis=0):
    """The tangent of `z = numpy.logspace(start, stop, num, base=base)` along the
    tangent `t` of `base`: d base**y / d base = z y / base."""
    t = _logspace_operands(start, stop, t, axis)[2]
    start, stop, base = _logspace_operands(start, stop, base, axis)
    y = numpy.linspace(start, stop, num, endpoint, axis=axis)
    return result_tangent(z * y / base * t, z)


@returns_new_array
def geomspace_tangent(t, z, start, stop, num=50, endpoint=True, axis=0, end=0):
    """The tangent of `z = numpy.geomspace(start, stop, num)`, z_i = start (stop /
    start) ** t_i, along the tangent `t` of `start` (of `stop` when `end` is 1):
    z_i (1 - t_i) t / start (z_i t_i t / stop)."""
    shape = _ends_shape(start, stop)
    zs = numpy.moveaxis(z, axis, 0) if numpy.ndim(z) > 1 else z
    fractions = numpy.reshape(_fractions(zs, num, endpoint), (num,) + (1,) * len(shape))
    part = zs * (fractions if end else 1 - fractions) * (t / (stop if end else start))
    part = numpy.moveaxis(part, 0, axis) if numpy.ndim(part) > 1 else part
    return result_tangent(part, z)


@returns_new_array
def arange_tangent(t_start, t_step, z, stop=None):
    """The tangent of `z = numpy.arange(start, stop, step)`, value i start + i step,
    along the tangents of `start` and `step`: t_start + i t_step.  The stop only sets
    how many values there are, and a lone argument is the stop: its tangent is not
    read (value i is then i step)."""
    dtype = getattr(z, "dtype", None)
    if dtype is not None and dtype.kind in "biu":
        return zeros_like(z)
    i = numpy.arange(numpy.shape(z)[0], like=z).astype(z.dtype)
    if stop is None:
        return result_tangent(i * t_step, z)
    return result_tangent(t_start + i * t_step, z)


@returns_new_array
def full_tangent(t, z):
    """The tangent of `z = numpy.full(shape, fill_value)` (or full_like) along the
    tangent `t` of `fill_value`: `t` broadcast to z's shape, in its dtype."""
    dtype = getattr(z, "dtype", None)
    if dtype is not None and dtype.kind in "biu":
        return zeros_like(z)
    return result_tangent(t + numpy.zeros_like(z), z)


@returns_new_array
def vander_tangent(t, z, x, N=None, increasing=False):
    """The tangent of `z = numpy.vander(x, N, increasing)`, z_ij = x_i ** p_j, along
    the tangent `t` of `x`: t_i p_j x_i ** (p_j - 1) (0 in the p = 0 column)."""
    n = numpy.shape(x)[0] if N is None else N
    dtype = getattr(z, "dtype", None)
    if dtype is not None and dtype.kind in "biu":
        return zeros_like(z)
    p = numpy.arange(n, like=z).astype(z.dtype)
    if not increasing:
        p = p[::-1]
    lower = numpy.maximum(p - 1, 0)
    return result_tangent(t[:, None] * p * x[:, None] ** lower, z)
