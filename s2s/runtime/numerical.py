"""Helpers for the rules of trapezoid, gradient, interp, convolve, correlate and polyval
(templates/numerical.py).  Like the rest of the runtime they dispatch on their inputs,
so they run on NumPy, CuPy and Dask arrays."""

import numpy

from s2s.runtime import add_at, AdjointList, check, linear_in, returns_new_array, unbroadcast, zeros_like
from s2s.runtime.layout import diff_adjoint


def _along(axis, ndim, part):
    """An index selecting `part` (a slice) along `axis` of an `ndim`-d array."""
    return (slice(None),) * (axis % ndim) + (part,)


def _trapezoid_parts(y, x, dx, axis):
    """The widths and the mean heights of `numpy.trapezoid`'s trapezoids."""
    ndim = numpy.ndim(y)
    heights = (y[_along(axis, ndim, slice(1, None))] + y[_along(axis, ndim, slice(None, -1))]) / 2
    if x is None:
        return dx, heights
    if numpy.ndim(x) == 1:
        shape = [1] * ndim
        shape[axis % ndim] = numpy.shape(x)[0] - 1
        return numpy.reshape(numpy.diff(x), shape), heights
    return numpy.diff(x, axis=axis), heights


def _expanded(g, y, axis):
    return numpy.expand_dims(g, axis % numpy.ndim(y)) if numpy.ndim(g) else g


@returns_new_array
def trapezoid_adjoint(g, y, x=None, dx=1.0, axis=-1):
    """The adjoint of `y` in `numpy.trapezoid(y, x, dx, axis)`: each trapezoid sends
    half its width times `g` to each of its two heights."""
    widths, _ = _trapezoid_parts(y, x, dx, axis)
    ndim = numpy.ndim(y)
    half = _expanded(g, y, axis) * widths / 2 + zeros_like(y[_along(axis, ndim, slice(1, None))])
    zero = zeros_like(y[_along(axis, ndim, slice(0, 1))])
    return (numpy.concatenate([half, zero], axis=axis)
            + numpy.concatenate([zero, half], axis=axis))


@returns_new_array
@linear_in("g", "y", each=True)
def trapezoid_x_adjoint(g, y, x, axis=-1):
    """The adjoint of `x` in `numpy.trapezoid(y, x, axis=axis)`: each width gets `g`
    times its mean height, sent to its two ends as `numpy.diff`'s adjoint sends it."""
    _, heights = _trapezoid_parts(y, x, 1.0, axis)
    per_width = _expanded(g, y, axis) * heights
    if numpy.ndim(x) == 1:
        others = tuple(i for i in range(numpy.ndim(y)) if i != axis % numpy.ndim(y))
        return diff_adjoint(numpy.sum(per_width, axis=others), x, 1, 0)
    return diff_adjoint(unbroadcast(per_width, numpy.diff(x, axis=axis)), x, 1, axis)


@returns_new_array
@linear_in("g", "y", each=True)
def trapezoid_dx_adjoint(g, y, dx, axis=-1, x=None):
    """The adjoint of `dx` in `numpy.trapezoid(y, dx=dx, axis=axis)`: `g` times the
    sum of the mean heights; 0 where sample points `x` are given (NumPy then ignores
    `dx`)."""
    if x is not None:
        return zeros_like(dx)
    _, heights = _trapezoid_parts(y, None, dx, axis)
    return unbroadcast(_expanded(g, y, axis) * heights, dx)


def _uniform_spacings(f, spacing, axes):
    """np.gradient's spacing per axis, when every spacing is a number."""
    if len(spacing) == 0:
        spacing = (1.0,) * len(axes)
    elif len(spacing) == 1:
        spacing = tuple(spacing) * len(axes)
    if any(numpy.ndim(h) for h in spacing):
        raise NotImplementedError(
            "s2s differentiates numpy.gradient with scalar spacings only, not coordinates"
        )
    return spacing


def _gradient_axes(f, axis):
    ndim = numpy.ndim(f)
    if axis is None:
        return tuple(range(ndim))
    return tuple(a % ndim for a in (axis if isinstance(axis, tuple) else (axis,)))


def _gradient_transposed(g, h, axis, edge_order):
    """The transpose of one axis of `numpy.gradient` with spacing `h`, applied to `g`:
    central differences inside, one-sided differences (of `edge_order`) at the ends."""
    n = numpy.shape(g)[axis]

    def at(i):
        return g[_along(axis, g.ndim, slice(i, i + 1 if i != -1 else None))]

    inner = g[_along(axis, g.ndim, slice(1, -1))] / (2 * h)
    zeros2 = zeros_like(g[_along(axis, g.ndim, slice(0, 2))])
    df = (numpy.concatenate([zeros2, inner], axis=axis)
          - numpy.concatenate([inner, zeros2], axis=axis))
    first, last = at(0) / h, at(-1) / h
    if edge_order == 1:
        start = [-first, first] + [zeros_like(first)] * (n - 2)
        end = [zeros_like(last)] * (n - 2) + [-last, last]
    else:
        start = [-1.5 * first, 2 * first, -0.5 * first] + [zeros_like(first)] * (n - 3)
        end = [zeros_like(last)] * (n - 3) + [0.5 * last, -2 * last, 1.5 * last]
    return df + numpy.concatenate(start, axis=axis) + numpy.concatenate(end, axis=axis)


def _gradient_parts(g, f, axes):
    """`numpy.gradient`'s adjoint `g`, one array per axis it differentiated along."""
    if len(axes) == 1:
        g = (g,)
    return [gi + zeros_like(f) for gi in g]


@returns_new_array
def gradient_adjoint(g, f, *spacing, axis=None, edge_order=1):
    """The adjoint of `f` in `numpy.gradient(f, *spacing, axis, edge_order)` with
    scalar spacings: the sum over axes of each axis's transposed differences."""
    axes = _gradient_axes(f, axis)
    spacing = _uniform_spacings(f, spacing, axes)
    parts = _gradient_parts(g, f, axes)
    return sum(_gradient_transposed(gi, h, a, edge_order)
               for gi, h, a in zip(parts, spacing, axes))


def gradient_spacing_adjoints(g, z, f, *spacing, axis=None, edge_order=1):
    """The adjoints of the scalar spacings in `z = numpy.gradient(f, *spacing)`: each
    axis's result is inversely proportional to its spacing, d/dh = -z / h."""
    axes = _gradient_axes(f, axis)
    every = _uniform_spacings(f, spacing, axes)
    parts = _gradient_parts(g, f, axes)
    results = (z,) if len(axes) == 1 else z
    terms = [-numpy.sum(gi * zi) / h for gi, zi, h in zip(parts, results, every)]
    if len(spacing) == 1:
        return (sum(terms),)
    return tuple(terms)


def _segments(x, xp):
    """For `numpy.interp`: each x's segment j (xp[j] <= x < xp[j+1], the last one for
    x = xp[-1]), its fraction t along it, and masks of x left and right of xp."""
    j = numpy.clip(numpy.searchsorted(xp, x, side="right") - 1, 0, numpy.shape(xp)[0] - 2)
    width = xp[j + 1] - xp[j]
    t = (x - xp[j]) / width
    return j, t, width, x < xp[0], x > xp[-1]


def _like(g, x):
    """`g` in `x`'s dtype: NumPy's interp computes in float64 whatever its inputs."""
    dtype = getattr(x, "dtype", None)
    return g if dtype is None else g.astype(dtype, copy=False)


@check
def _no_period(period):
    if period is not None:
        raise NotImplementedError("s2s cannot differentiate numpy.interp with period=")


@returns_new_array
def interp_x_adjoint(g, x, xp, fp, left=None, right=None, period=None):
    """The adjoint of `x` in `numpy.interp(x, xp, fp)`: `g` times the slope of x's
    segment (at a knot, the segment to its right; at the last knot, to its left),
    0 outside xp."""
    _no_period(period)
    j, _, width, below, above = _segments(x, xp)
    slope = (fp[j + 1] - fp[j]) / width
    return _like(numpy.where(below | above, 0, g * slope), x)


@returns_new_array
def interp_fp_adjoint(g, x, xp, fp, left=None, right=None, period=None):
    """The adjoint of `fp` in `numpy.interp(x, xp, fp, left, right)`: `g` split between
    the two ends of x's segment as 1 - t and t; outside xp, to fp[0] (fp[-1]) unless
    `left` (`right`) was given."""
    _no_period(period)
    j, t, _, below, above = _segments(x, xp)
    inside = ~(below | above)
    low = numpy.where(inside, g * (1 - t), 0)
    high = numpy.where(inside, g * t, 0)
    if left is None:
        low = low + numpy.where(below, g, 0)
    if right is None:
        high = high + numpy.where(above, g, 0)
    out = add_at(numpy.zeros_like(fp, dtype=low.dtype), j, low)
    return _like(add_at(out, j + 1, high), fp)


@returns_new_array
def interp_xp_adjoint(g, x, xp, fp, left=None, right=None, period=None):
    """The adjoint of `xp` in `numpy.interp(x, xp, fp)`: with s the slope of x's
    segment, -s (1 - t) to its left knot and -s t to its right one; 0 outside xp."""
    _no_period(period)
    j, t, width, below, above = _segments(x, xp)
    gs = numpy.where(below | above, 0, -g * (fp[j + 1] - fp[j]) / width)
    out = add_at(numpy.zeros_like(xp, dtype=gs.dtype), j, gs * (1 - t))
    return _like(add_at(out, j + 1, gs * t), xp)


@returns_new_array
@linear_in("g")
def interp_end_adjoint(g, x, xp, right=False):
    """The adjoint of `left` (`right` when `right`) in `numpy.interp`: `g` summed
    where x is left (right) of xp."""
    outside = x > xp[-1] if right else x < xp[0]
    return numpy.sum(numpy.where(outside, g, 0))


def _full_offset(n, m, mode, correlate):
    """Where `mode`'s result starts in the full convolution (correlation) of lengths
    n and m, as NumPy places it."""
    if mode == "full":
        return 0
    if mode == "valid":
        return min(n, m) - 1
    if correlate and n < m:
        return n // 2
    return (min(n, m) - 1) // 2


def _full(g, n, m, mode, correlate):
    """`g` placed in zeros of the full result's length."""
    offset = _full_offset(n, m, mode, correlate)
    length = n + m - 1
    before = numpy.zeros(offset, dtype=g.dtype, like=g)
    after = numpy.zeros(length - offset - numpy.shape(g)[0], dtype=g.dtype, like=g)
    return numpy.concatenate([before, g, after])


@returns_new_array
def convolve_adjoint(g, a, v, mode="full", first=True):
    """The adjoint of `a` (of `v` unless `first`) in `numpy.convolve(a, v, mode)`: the
    full result's adjoint correlated with the other operand."""
    n, m = numpy.shape(a)[0], numpy.shape(v)[0]
    full = _full(g, n, m, mode, False)
    return numpy.correlate(full, v if first else a, "valid")


@returns_new_array
def correlate_adjoint(g, a, v, mode="valid", first=True):
    """The adjoint of `a` (of `v` unless `first`) in `numpy.correlate(a, v, mode)`, a
    convolution of `a` with `v` reversed."""
    n, m = numpy.shape(a)[0], numpy.shape(v)[0]
    full = _full(g, n, m, mode, True)
    if first:
        return numpy.correlate(full, v[::-1], "valid")
    return numpy.correlate(full, a, "valid")[::-1]


def _exponents(p, degree):
    """degree, ..., 1, 0 in `p`'s float dtype (int64 exponents would make float32
    work float64)."""
    p = p if hasattr(p, "dtype") else numpy.asarray(p)
    return numpy.arange(degree, -1, -1).astype(numpy.result_type(p, 1.0))


@returns_new_array
def polyval_x_adjoint(g, p, x):
    """The adjoint of `x` in `numpy.polyval(p, x)`: `g` times the derivative p'(x)."""
    degree = numpy.shape(p)[0] - 1
    return g * numpy.polyval(p[:-1] * _exponents(p, degree)[:-1], x)


@returns_new_array
def polyval_p_adjoint(g, p, x):
    """The adjoint of `p` in `numpy.polyval(p, x)`: coefficient i multiplies x**(n-1-i),
    so it gets `g` times that, summed over x."""
    degree = numpy.shape(p)[0] - 1
    powers = numpy.expand_dims(x, -1) ** _exponents(x, degree)
    return numpy.tensordot(g + zeros_like(x), powers, axes=numpy.ndim(x))


# -- forward mode (the forward rules in templates/numerical.py): each helper is linear in `t`,
# the tangent of one argument, and gives the tangent of the result ----------------


@returns_new_array
def trapezoid_dx_tangent(t, y, x=None, axis=-1):
    """The tangent of `numpy.trapezoid(y, x, dx, axis)` along `t` for `dx`: `t` times
    the sum of the mean heights (0 when `x` is given: NumPy then ignores `dx`)."""
    out = numpy.trapezoid(y, dx=t, axis=axis)
    return out if x is None else zeros_like(out)


def _tangent_parts(parts, one):
    """One tangent per axis of `numpy.gradient`: the array itself for one axis, else
    a list whose `+` adds axis by axis (as tuples would not)."""
    return parts[0] if one else AdjointList(parts)


@returns_new_array
def gradient_tangent(t, spacing=(), axis=None, edge_order=1):
    """The tangent of `numpy.gradient(f, *spacing, axis, edge_order)` along `t` for
    `f`: the same differences of `t` (`numpy.gradient` is linear in `f`)."""
    out = numpy.gradient(t, *spacing, axis=axis, edge_order=edge_order)
    if isinstance(out, (tuple, list)):
        return _tangent_parts(list(out), False)
    return out


@returns_new_array
def gradient_spacing_tangent(ts, z, f, spacing, axis=None, edge_order=1):
    """The tangent of `z = numpy.gradient(f, *spacing)` along `ts`, the tangents of
    the scalar spacings: each axis's result is inversely proportional to its spacing,
    so its tangent is -z dh / h."""
    axes = _gradient_axes(f, axis)
    every = _uniform_spacings(f, spacing, axes)
    tangents = tuple(ts) * len(axes) if len(spacing) == 1 else tuple(ts)
    results = (z,) if len(axes) == 1 else z
    parts = []
    for zi, dh, h in zip(results, tangents, every):
        part = zi * (-dh / h)
        dtype = getattr(zi, "dtype", None)
        parts.append(part.astype(dtype, copy=False) if dtype is not None else part)
    return _tangent_parts(parts, len(axes) == 1)


@returns_new_array
def interp_x_tangent(t, x, xp, fp, left=None, right=None, period=None):
    """The tangent of `numpy.interp(x, xp, fp)` along `t` for `x`: `t` times the slope
    of x's segment (at a knot, the segment to its right; at the last knot, to its
    left), 0 outside xp."""
    _no_period(period)
    j, _, width, below, above = _segments(x, xp)
    slope = (fp[j + 1] - fp[j]) / width
    return _interp_dtype(numpy.where(below | above, 0, t * slope))


@returns_new_array
def interp_fp_tangent(t, x, xp, fp, left=None, right=None, period=None):
    """The tangent of `numpy.interp(x, xp, fp, left, right)` along `t` for `fp`: the
    tangents at the two ends of x's segment mixed as 1 - t and t; outside xp, that
    of fp[0] (fp[-1]) unless `left` (`right`) was given."""
    _no_period(period)
    j, frac, _, below, above = _segments(x, xp)
    out = numpy.where(below | above, 0, t[j] * (1 - frac) + t[j + 1] * frac)
    if left is None:
        out = out + numpy.where(below, t[0], 0)
    if right is None:
        out = out + numpy.where(above, t[-1], 0)
    return _interp_dtype(out)


@returns_new_array
def interp_xp_tangent(t, x, xp, fp, left=None, right=None, period=None):
    """The tangent of `numpy.interp(x, xp, fp)` along `t` for `xp`: with s the slope
    of x's segment, -s ((1 - t) dxp_j + t dxp_(j+1)); 0 outside xp."""
    _no_period(period)
    j, frac, width, below, above = _segments(x, xp)
    slope = (fp[j + 1] - fp[j]) / width
    return _interp_dtype(
        numpy.where(below | above, 0, -slope * (t[j] * (1 - frac) + t[j + 1] * frac))
    )


def _end_tangent(t, x, xp, right):
    outside = x > xp[-1] if right else x < xp[0]
    return _interp_dtype(numpy.where(outside, t, 0.0))


@returns_new_array
def interp_left_tangent(t, x, xp, fp, left=None, right=None, period=None):
    """The tangent of `numpy.interp(x, xp, fp, left, right)` along `t` for `left`:
    `t` where x is left of xp, 0 elsewhere."""
    _no_period(period)
    return _end_tangent(t, x, xp, False)


@returns_new_array
def interp_right_tangent(t, x, xp, fp, left=None, right=None, period=None):
    """The tangent of `numpy.interp(x, xp, fp, left, right)` along `t` for `right`:
    `t` where x is right of xp, 0 elsewhere."""
    _no_period(period)
    return _end_tangent(t, x, xp, True)


def _interp_dtype(t):
    """A tangent of `numpy.interp` in its result's dtype: float64 (complex128 for a
    complex fp) whatever the inputs, as NumPy computes it."""
    return t.astype(numpy.result_type(t, numpy.float64), copy=False)


@returns_new_array
def polyval_slope(p, x):
    """The derivative p'(x) of the polynomial `numpy.polyval(p, x)` in x."""
    degree = numpy.shape(p)[0] - 1
    return numpy.polyval(p[:-1] * _exponents(p, degree)[:-1], x)


# -- second order (templates/runtime_reductions.py): tangents of the adjoint
# helpers above, for forward mode over a generated gradient (Hessian-vector products);
# each is linear in the tangents it is given ------------------------------------------


def _spacing_tangents(ts, spacing, axes):
    """The tangent of each axis's spacing (one spacing given: the same for every axis;
    a number: a zero for every spacing, as forward mode passes where none has one)."""
    if not isinstance(ts, (tuple, list)):
        ts = (ts,) * len(spacing)
    return tuple(ts) * len(axes) if len(spacing) == 1 else tuple(ts)


def _scaled(part, factor):
    """`part` times a number, in part's dtype (a NumPy float64 number would widen a
    float32 array)."""
    out = part * factor
    dtype = getattr(part, "dtype", None)
    return out.astype(dtype, copy=False) if dtype is not None else out


@returns_new_array
def gradient_adjoint_spacing_tangent(g, ts, f, spacing, axis=None, edge_order=1):
    """The tangent of `gradient_adjoint(g, f, *spacing, ...)` along `ts`, the tangents
    of the scalar spacings: each axis's part is inversely proportional to its spacing
    h, so its tangent is itself times -dh / h."""
    axes = _gradient_axes(f, axis)
    every = _uniform_spacings(f, spacing, axes)
    tangents = _spacing_tangents(ts, spacing, axes)
    parts = _gradient_parts(g, f, axes)
    out = zeros_like(f)
    for gi, dh, h, a in zip(parts, tangents, every, axes):
        out = out + _gradient_transposed(_scaled(gi, -dh / h), h, a, edge_order)
    return out


def gradient_spacing_adjoints_tangent(g, tg, z, tz, ts, f, spacing, axis=None, edge_order=1):
    """The tangent of `gradient_spacing_adjoints(g, z, f, *spacing, ...)` along `tg`,
    `tz` and `ts` (the tangents of `g`, `z` and the spacings): each term
    -sum(g z) / h has the tangent -(sum(tg z) + sum(g tz)) / h + sum(g z) dh / h^2.
    A tuple, as the adjoints are."""
    axes = _gradient_axes(f, axis)
    every = _uniform_spacings(f, spacing, axes)
    tangents = _spacing_tangents(ts, spacing, axes)
    parts, t_parts = _gradient_parts(g, f, axes), _gradient_parts(tg, f, axes)
    results, t_results = ((z,), (tz,)) if len(axes) == 1 else (z, tz)
    terms = [
        (numpy.sum(gi * zi) * (dh / h) - numpy.sum(tgi * zi) - numpy.sum(gi * tzi)) / h
        for gi, tgi, zi, tzi, dh, h in zip(parts, t_parts, results, t_results, tangents, every)
    ]
    if len(spacing) == 1:
        return (sum(terms),)
    return tuple(terms)


def _segment_tangents(tx, txp, x, xp):
    """For `numpy.interp`: x's segment j, fraction t along it, width and outside mask
    (as `_segments` gives them), with the tangents of the width and of t along those
    of x and xp."""
    j, t, width, below, above = _segments(x, xp)
    t_width = txp[j + 1] - txp[j]
    t_t = (tx - txp[j] - t * t_width) / width
    return j, t, width, t_width, t_t, below | above


def _slope_tangent(tfp, fp, j, width, t_width):
    """The slope of x's segment and its tangent, along `tfp` and the width's tangent."""
    slope = (fp[j + 1] - fp[j]) / width
    return slope, (tfp[j + 1] - tfp[j] - slope * t_width) / width


@returns_new_array
def interp_x_adjoint_tangent(g, txp, tfp, x, xp, fp, left=None, right=None, period=None):
    """The tangent of `interp_x_adjoint(g, x, xp, fp)` along `txp` and `tfp`: `g`
    times the slope's tangent (x only picks the segment: no tangent along it)."""
    _no_period(period)
    j, _, width, t_width, _, outside = _segment_tangents(0.0, txp, x, xp)
    _, t_slope = _slope_tangent(tfp, fp, j, width, t_width)
    return _like(numpy.where(outside, 0, g * t_slope), x)


@returns_new_array
def interp_fp_adjoint_tangent(g, tx, txp, x, xp, fp, left=None, right=None, period=None):
    """The tangent of `interp_fp_adjoint(g, x, xp, fp, ...)` along `tx` and `txp`:
    inside xp, g (1 - t) and g t move with the fraction t; outside, nothing moves."""
    _no_period(period)
    j, _, _, _, t_t, outside = _segment_tangents(tx, txp, x, xp)
    moved = numpy.where(outside, 0, g * t_t)
    out = add_at(numpy.zeros_like(fp, dtype=moved.dtype), j, -moved)
    return _like(add_at(out, j + 1, moved), fp)


@returns_new_array
def interp_xp_adjoint_tangent(g, tx, txp, tfp, x, xp, fp, left=None, right=None,
                              period=None):
    """The tangent of `interp_xp_adjoint(g, x, xp, fp)` along `tx`, `txp` and `tfp`:
    -g s (1 - t) and -g s t, differentiated in the slope s and the fraction t."""
    _no_period(period)
    j, t, width, t_width, t_t, outside = _segment_tangents(tx, txp, x, xp)
    slope, t_slope = _slope_tangent(tfp, fp, j, width, t_width)
    gs = numpy.where(outside, 0, -g * slope)
    t_gs = numpy.where(outside, 0, -g * t_slope)
    out = add_at(numpy.zeros_like(xp, dtype=gs.dtype), j, t_gs * (1 - t) - gs * t_t)
    return _like(add_at(out, j + 1, t_gs * t + gs * t_t), xp)


