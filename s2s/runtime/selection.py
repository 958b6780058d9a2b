"""Helpers for the rules in templates/selection.py: select, choose, compress, extract,
partition, trim_zeros, bincount, nan_to_num, resize, ediff1d, unwrap, nancumsum,
nancumprod, unstack and rollaxis.

Like the rest of the runtime they dispatch on their inputs, so they run on NumPy, CuPy
and Dask arrays: positions are worked out with functions of the inputs, and an index
made on the host from a Python list is moved next to the adjoint with `like=`.
"""

import operator

import numpy

from . import AdjointList, check, linear_in, returns_new_array, take_adjoint, unbroadcast, zeros_like
from .layout import result_tangent, sort_adjoint
from .reductions import _reverse_cumsum, cumprod_adjoint, cumsum_adjoint


class _Shaped:
    """Something with a shape only, for `unbroadcast` to sum down to."""

    def __init__(self, shape):
        self.shape = tuple(shape)


def _sum_to(g, x):
    """`g` summed down to the shape `x` was broadcast from (a number, a list or an
    array)."""
    return unbroadcast(g, x if hasattr(x, "shape") else _Shaped(numpy.shape(x)))


def _as_array(g, x):
    """`g`, an array of `x`'s dtype where it arrives as a Python number (the seed of a
    0-d result): a Python float would make float32 work silently float64."""
    return g if hasattr(g, "dtype") else g + zeros_like(x)


def _beside(index, g):
    """`index` as an array of `g`'s library (a list, or a NumPy array next to a CuPy
    adjoint, moved there); arrays of that library are left as they are."""
    if type(index).__module__.split(".")[0] == type(g).__module__.split(".")[0]:
        return index
    if hasattr(g, "__array_function__"):
        return numpy.asarray(index, like=g)
    return numpy.asarray(index)


def _parts_like(parts, choices):
    """One adjoint per choice: a list for a list or tuple of choices, an array for
    an array whose first axis enumerates them."""
    if isinstance(choices, (list, tuple)):
        return AdjointList(parts)
    return numpy.stack(parts)


def _size(x):
    """How many elements `x` has, read from an array (`numpy.size` would make Dask
    compute it)."""
    size = getattr(x, "size", None)
    return numpy.size(x) if size is None else size


def _masked(g, mask, x):
    """`g` where `mask`, 0 elsewhere, summed down to `x`'s shape."""
    return _sum_to(numpy.where(mask, g, 0), x)


# -- select and choose --------------------------------------------------------------


def _first_true(condlist):
    """For `numpy.select`: one mask per condition, true where it is the first true
    one (the one whose choice is taken), and where any condition holds."""
    masks, taken = [], False
    for condition in condlist:
        masks.append(numpy.logical_and(condition, numpy.logical_not(taken)))
        taken = numpy.logical_or(taken, condition)
    return masks, taken


@linear_in("g")
def select_adjoints(g, condlist, choicelist):
    """The adjoints of `choicelist` in `numpy.select(condlist, choicelist, default)`:
    each choice gets `g` where its condition is the first true one, summed down to
    its own shape."""
    masks, _ = _first_true(condlist)
    return _parts_like([_masked(g, m, c) for m, c in zip(masks, choicelist)], choicelist)


@returns_new_array
@linear_in("g")
def select_default_adjoint(g, condlist, default=0):
    """The adjoint of `default` in `numpy.select(condlist, choicelist, default)`: `g`
    where no condition holds, summed down to `default`'s shape."""
    _, taken = _first_true(condlist)
    return _sum_to(numpy.where(taken, 0, g), default)


@returns_new_array
@linear_in("a", "values")
def scatter_added(a, index, values):
    """`a` with `values` added at `index`, repeated places adding up: what
    `numpy.add.at(a, index, values)` leaves in `a`, as a new array (the user's
    statement writes it back into `a`: normalize/scatters.py)."""
    out = numpy.array(a, copy=True)
    numpy.add.at(out, index, values)
    return out


def scatter_places(index):
    """The places `numpy.multiply.at(a, index, values)` writes, one at a time as s2s
    runs it (normalize/scatters.py): one integer array or list, not a tuple of them."""
    if isinstance(index, tuple) or numpy.ndim(index) > 1:
        raise TypeError(
            "s2s runs numpy.multiply.at, divide.at and power.at one place at a time, "
            "with an index of one 1-D integer array or list (not a tuple of them)")
    return numpy.atleast_1d(numpy.asarray(index))


def scatter_extreme(a, index, values, which):
    """`a` with `numpy.maximum.at(a, index, values)` (`which` "maximum") or
    `numpy.minimum.at` applied, as a new array (normalize/scatters.py)."""
    out = numpy.array(a, copy=True)
    getattr(numpy, which).at(out, index, values)
    return out


def _extreme_sources(z, a, index, values):
    """(where `z` holds `a`'s own value, where it holds each of `values`): the one
    element each place of `z = scatter_extreme(a, index, values, ...)` took its value
    from, `a`'s where equal, else the first of the values that equal it."""
    z = numpy.asarray(z)
    from_a = numpy.asarray(a) == z
    places = numpy.arange(z.size).reshape(z.shape)[index]  # where each value lands
    values = numpy.broadcast_to(values, places.shape)
    hit = (values == z.reshape(-1)[places]) & ~from_a.reshape(-1)[places]
    order = numpy.arange(places.size).reshape(places.shape)
    first = numpy.full(z.size, places.size)
    numpy.minimum.at(first, places[hit], order[hit])
    return from_a, hit & (order == first[places])


@linear_in("g")
def extreme_a_part(g, z, a, index, values):
    """The part of `g` (at `z`'s shape) that goes to `a` in `scatter_extreme`."""
    from_a, _ = _extreme_sources(z, a, index, values)
    return numpy.where(from_a, g, 0.0)


@linear_in("g")
def extreme_values_part(g, z, a, index, values):
    """The part of `g` (at `z`'s shape) that goes to `values` in `scatter_extreme`, at
    the values' (broadcast) shape."""
    _, chosen = _extreme_sources(z, a, index, values)
    return numpy.where(chosen, numpy.asarray(g)[index], 0.0)


@linear_in("t")
def extreme_values_tangent(t, z, a, index, values):
    """The tangent `scatter_extreme`'s result gets from the values' tangent `t`."""
    _, chosen = _extreme_sources(z, a, index, values)
    out = numpy.zeros(numpy.shape(z), numpy.result_type(t, 0.0))
    numpy.add.at(out, index, numpy.where(chosen, numpy.broadcast_to(t, chosen.shape), 0.0))
    return out


def _chosen_index(a, n, mode):
    """Which of n choices `numpy.choose(a, choices, mode=mode)` takes at each place."""
    if mode == "wrap":
        return numpy.mod(a, n)
    if mode == "clip":
        return numpy.clip(a, 0, n - 1)
    return a  # "raise": NumPy has checked that 0 <= a < n


@linear_in("g")
def choose_adjoints(g, a, choices, mode="raise"):
    """The adjoints of `choices` in `numpy.choose(a, choices, mode=mode)`: each choice
    gets `g` where `a` picks it, summed down to its own shape.  An array of choices
    gets an array (its first axis enumerates them)."""
    index = _chosen_index(_beside(a, g), len(choices), mode)
    parts = [_masked(g, index == i, choices[i]) for i in range(len(choices))]
    return _parts_like(parts, choices)


# -- compress, extract, partition, trim_zeros -------------------------------------------


@returns_new_array
@linear_in("g")
def compress_adjoint(g, condition, a, axis=None):
    """The adjoint of `a` in `numpy.compress(condition, a, axis)` (and of `arr` in
    `numpy.extract(condition, arr)`, which is compress of both flattened): `g` where
    the kept elements were, zeros elsewhere."""
    kept = _beside(numpy.flatnonzero(condition), g)
    return take_adjoint(g, a, kept, axis)


@returns_new_array
@linear_in("g")
def permuted_adjoint(g, z, a, axis=-1):
    """The adjoint of `a` in a `z` that holds `a`'s elements in another order along
    `axis` (`numpy.partition`; `a` flattened when `axis` is None).  A stable sort of
    `z` and one of `a` put the same values in the same places, so position i of
    `z`'s sort came from position i of `a`'s: equal values are matched in the order
    stable sorts give them, as `sort`'s adjoint places them."""
    g = _as_array(g, z)
    if axis is None:
        flat = permuted_adjoint(g, z, numpy.reshape(a, (-1,)), 0)
        return numpy.reshape(flat, numpy.shape(a))
    order = numpy.argsort(z, axis=axis, kind="stable")
    return sort_adjoint(numpy.take_along_axis(g, order, axis=axis), a, axis)


def _axis_tuple(axis, ndim):
    if axis is None:
        return tuple(range(ndim))
    axes = tuple(axis) if isinstance(axis, (tuple, list)) else (axis,)
    return tuple(operator.index(i) % ndim for i in axes)


@returns_new_array
@linear_in("g")
def trim_zeros_adjoint(g, filt, trim="fb", axis=None):
    """The adjoint of `filt` in `numpy.trim_zeros(filt, trim, axis)`: `g` in the box
    the result was cut from, zeros on the trimmed ends.  The box starts, along each
    trimmed axis, at the first element that is not zero (from the front) or at 0."""
    shape = numpy.shape(filt)
    g = _as_array(g, filt)
    if numpy.shape(g) == shape:  # nothing trimmed
        return g + zeros_like(filt)
    axes = _axis_tuple(axis, len(shape)) if "f" in trim.lower() else ()
    starts = [0] * len(shape)
    for i in axes:  # the first place along axis i where anything is not zero (else 0)
        line = numpy.any(filt, axis=tuple(j for j in range(len(shape)) if j != i))
        starts[i] = int(numpy.argmax(line))
    pads = [(s, n - s - m) for s, n, m in zip(starts, shape, numpy.shape(g))]
    return numpy.pad(g, pads)


# -- bincount, nan_to_num, resize, ediff1d, unwrap ---------------------------------------


@returns_new_array
@linear_in("g")
def bincount_weights_adjoint(g, x, weights):
    """The adjoint of `weights` in `numpy.bincount(x, weights)`: `g` at each one's bin,
    `g[x]`.  NumPy adds the weights in float64; the adjoint comes back in their own
    float dtype."""
    out = numpy.take(g, _beside(x, g))
    dtype = getattr(weights, "dtype", None)
    if dtype is not None and dtype.kind == "f" and out.dtype != dtype:
        out = out.astype(dtype)
    return out


@check
def _refuse_in_place(copy):
    if not copy:
        raise NotImplementedError(
            "s2s cannot differentiate numpy.nan_to_num(..., copy=False), which changes "
            "its argument in place; leave copy=True"
        )


@returns_new_array
@linear_in("g")
def nan_to_num_adjoint(g, x, copy=True):
    """The adjoint of `x` in `numpy.nan_to_num(x, ...)`: `g` where `x` is finite, 0
    where a NaN or an infinity was replaced."""
    _refuse_in_place(copy)
    return numpy.where(numpy.isfinite(x), _as_array(g, x), 0)


_REPLACED = {"nan": numpy.isnan, "posinf": numpy.isposinf, "neginf": numpy.isneginf}


@returns_new_array
@linear_in("g")
def replaced_adjoint(g, x, value, which, copy=True):
    """The adjoint of `value`, nan_to_num's `nan`, `posinf` or `neginf` (`which`):
    the sum of `g` where it replaced an element of `x`."""
    _refuse_in_place(copy)
    return _masked(_as_array(g, x), _REPLACED[which](x), value)


@returns_new_array
@linear_in("g")
def resize_adjoint(g, a):
    """The adjoint of `a` in `numpy.resize(a, new_shape)`, which repeats `a`'s elements
    cyclically (flattened) to fill the new shape: each element gets the sum of the
    adjoints of its copies."""
    n = _size(a)
    if n == 0:
        return zeros_like(a)
    flat = numpy.reshape(_as_array(g, a), (-1,))
    total = flat.shape[0]
    copies = -(-total // n)
    flat = numpy.pad(flat, (0, copies * n - total))
    return numpy.reshape(numpy.sum(numpy.reshape(flat, (copies, n)), axis=0), numpy.shape(a))


@linear_in("g")
def ediff1d_adjoints(g, ary, to_end=None, to_begin=None):
    """The adjoints of `ary`, `to_end` and `to_begin` in `numpy.ediff1d(ary, to_end,
    to_begin)`, the differences of `ary` flattened between `to_begin` and `to_end`
    (each flattened): the middle of `g` through diff's adjoint, its ends reshaped."""
    before = 0 if to_begin is None else _size(to_begin)
    after = 0 if to_end is None else _size(to_end)
    total = numpy.shape(g)[0]
    middle = g[before:total - after]
    if _size(ary) == 0:
        d_ary = numpy.reshape(middle, numpy.shape(ary))
    else:  # element i is in differences i (+) and i - 1 (-)
        d_ary = numpy.reshape(-numpy.diff(numpy.pad(middle, 1)), numpy.shape(ary))
    d_end = None if to_end is None else numpy.reshape(g[total - after:], numpy.shape(to_end))
    d_begin = None if to_begin is None else numpy.reshape(g[:before], numpy.shape(to_begin))
    return d_ary, d_end, d_begin


@returns_new_array
@linear_in("g")
def unwrap_period_adjoint(g, z, p, period):
    """The adjoint of `period` in `z = numpy.unwrap(p, period=period)`: z - p is a
    whole number of periods at each place, which moves with `period` (the number
    itself changes only at the jumps)."""
    turns = numpy.round((z - p) / period)
    return _sum_to(_as_array(g, z) * turns, period)


# -- nancumsum, nancumprod, unstack, rollaxis -------------------------------------------


@returns_new_array
@linear_in("g")
def nancumsum_adjoint(g, a, axis=None):
    """The adjoint of `a` in `numpy.nancumsum(a, axis)`: cumsum's, with the NaNs taken
    as 0, and 0 at the NaNs."""
    return numpy.where(numpy.isnan(a), 0, cumsum_adjoint(g, a, axis))


@returns_new_array
def nancumprod_adjoint(g, a, axis=None):
    """The adjoint of `a` in `numpy.nancumprod(a, axis)`: cumprod's, with the NaNs
    taken as 1, and 0 at the NaNs."""
    nan = numpy.isnan(a)
    return numpy.where(nan, 0, cumprod_adjoint(g, numpy.where(nan, 1, a), axis))


@returns_new_array
def nancumprod_adjoint_tangent(t, g, a, axis=None):
    """The tangent of `nancumprod_adjoint(g, a, axis)` along the tangent `t` of `a`,
    `g` held (NaNs taken as 1, with tangent 0; 0 at the NaNs); exact where `a` has
    zeros.  See `cumprod_adjoint_tangent`."""
    if axis is None:
        flat = nancumprod_adjoint_tangent(numpy.reshape(t, (-1,)), g, numpy.reshape(a, (-1,)), 0)
        return numpy.reshape(flat, numpy.shape(a))
    nan = numpy.isnan(a)
    t = numpy.where(nan, 0, _as_array(t, a))
    return numpy.where(nan, 0, cumprod_adjoint_tangent(t, g, numpy.where(nan, 1, a), axis))


@returns_new_array
def cumprod_adjoint_tangent(t, g, b, axis):
    """The tangent of `cumprod_adjoint(g, b, axis)` (the adjoint of `b` in `z =
    numpy.cumprod(b, axis)`) along the tangent `t` of `b`, `g` held; exact where `b`
    has zeros.

    Along the axis, the adjoint is A_k = sum over i >= k of g_i times the product of
    b_j over j <= i, j != k; its tangent is the sum over m != k of t_m H_km, with
    H_km = sum over i >= max(k, m) of g_i times the product of b_j over j <= i, j not
    k or m.  That product is 0 unless the zeros up to i are among k and m: with the
    first two zeros z1 < z2 replaced by 1 (c, its cumulative product P, S = g P),
    it is P_i / (c_k c_m) before z1, P_i / c_(the other one) from z1 to z2 where z1
    is one of k and m, and P_i from z2 to the third zero where k, m are z1, z2."""
    t = _as_array(t, b)
    zero = b == 0
    count = numpy.cumsum(zero, axis=axis)  # zeros up to here
    before, one, two = count == 0, count == 1, count == 2  # i < z1, z1 <= i < z2, ...
    first, second = numpy.logical_and(zero, one), numpy.logical_and(zero, two)
    c = numpy.where(numpy.logical_and(zero, count <= 2), 1, b)
    inv = numpy.where(count <= 2, 1 / numpy.where(count <= 2, c, 1), 0)
    s = g * numpy.cumprod(c, axis=axis)
    r0 = _reverse_cumsum(numpy.where(before, s, 0), axis)
    r1 = _reverse_cumsum(numpy.where(one, s, 0), axis)
    r1_total = numpy.sum(numpy.where(one, s, 0), axis=axis, keepdims=True)
    r2_total = numpy.sum(numpy.where(two, s, 0), axis=axis, keepdims=True)

    # k and m before z1
    u = numpy.where(before, t * inv, 0)
    earlier = numpy.cumsum(u, axis=axis) - u
    later = _reverse_cumsum(u * r0, axis) - u * r0
    out = numpy.where(before, inv * (r0 * earlier + later), 0)
    # k or m at z1, the other before z2
    after_first = numpy.logical_and(one, numpy.logical_not(first))
    at_first = (r1_total * numpy.sum(u, axis=axis, keepdims=True)
                + numpy.sum(numpy.where(after_first, t * inv * r1, 0), axis=axis, keepdims=True))
    t_first = numpy.sum(numpy.where(first, t, 0), axis=axis, keepdims=True)
    t_second = numpy.sum(numpy.where(second, t, 0), axis=axis, keepdims=True)
    out = out + numpy.where(first, at_first + t_second * r2_total, 0)
    out = out + t_first * inv * numpy.where(before, r1_total, numpy.where(after_first, r1, 0))
    # k and m at z1 and z2
    return out + numpy.where(second, t_first * r2_total, 0)


@returns_new_array
@linear_in("g")
def unstack_adjoint(g, parts, axis=0):
    """The adjoint of `x` in `parts = numpy.unstack(x, axis=axis)`: the parts'
    adjoints stacked again (zeros for a part nothing used)."""
    g = [
        gi if numpy.shape(gi) == numpy.shape(p) and hasattr(gi, "dtype") else gi + zeros_like(p)
        for gi, p in zip(g, parts)
    ]
    return numpy.stack(g, axis=axis)


@linear_in("g")
def rollaxis_adjoint(g, a, axis, start=0):
    """The adjoint of `a` in `numpy.rollaxis(a, axis, start)`: `g` with the axis moved
    back.  rollaxis is moveaxis to `start`, less one when `axis` came before it."""
    n = numpy.ndim(a)
    axis = operator.index(axis) % n
    start = operator.index(start)
    start = start + n if start < 0 else start
    if axis < start:
        start -= 1
    return g if axis == start else numpy.moveaxis(g, start, axis)


# -- forward mode: tangents ----------------------------------------------------------
# Helpers for the rules in templates/selection.py, each linear in the
# tangents it is given; each tangent comes in the dtype of the value it is the
# tangent of.


def array_tangent(t, z):
    """The tangent `t` (an array, a number, or nested lists of them) as the tangent of
    the array `z` made from its value (`numpy.asanyarray(x)` and kin): an array of
    z's dtype."""
    if isinstance(t, (list, tuple)):
        t = numpy.asarray(t, like=z) if hasattr(z, "__array_function__") else numpy.asarray(t)
    return result_tangent(t, z)


@returns_new_array
def partition_tangent(t, z, a, axis=-1):
    """The tangent of `z = numpy.partition(a, kth, axis)` (`a` flattened when `axis` is
    None) along the tangent `t` of `a`: position i of a stable sort of `z` holds the
    element at position i of a stable sort of `a`, so equal values are matched in the
    order stable sorts give them, as `permuted_adjoint` matches them."""
    if axis is None:
        return partition_tangent(numpy.reshape(t, (-1,)), z, numpy.reshape(a, (-1,)), 0)
    t = _as_array(t, a)
    in_order = numpy.take_along_axis(t, numpy.argsort(a, axis=axis, kind="stable"), axis=axis)
    order = numpy.argsort(z, axis=axis, kind="stable")
    return numpy.take_along_axis(in_order, numpy.argsort(order, axis=axis), axis=axis)


def trim_zeros_tangent(t, z, filt, trim="fb", axis=None):
    """The tangent of `z = numpy.trim_zeros(filt, trim, axis)` along the tangent `t`
    of `filt`: the part of `t` in the box `z` was cut from (which starts, along each
    trimmed axis, at the first element that is not zero (from the front) or at 0),
    a list where `filt` is one."""
    shape = numpy.shape(filt)
    if numpy.shape(z) == shape:  # nothing trimmed
        return t
    axes = _axis_tuple(axis, len(shape)) if "f" in trim.lower() else ()
    starts = [0] * len(shape)
    for i in axes:  # the first place along axis i where anything is not zero (else 0)
        line = numpy.any(filt, axis=tuple(j for j in range(len(shape)) if j != i))
        starts[i] = int(numpy.argmax(line))
    box = tuple(slice(s, s + m) for s, m in zip(starts, numpy.shape(z)))
    return t[box[0]] if len(box) == 1 else t[box]


@returns_new_array
def nan_to_num_tangent(t, x, copy=True):
    """The tangent of `numpy.nan_to_num(x, ...)` along the tangent `t` of `x`: `t`
    where `x` is finite, 0 where a NaN or an infinity was replaced."""
    _refuse_in_place(copy)
    return numpy.where(numpy.isfinite(x), _as_array(t, x), 0)


@returns_new_array
def replaced_tangent(t, x, which, copy=True):
    """The tangent of `numpy.nan_to_num(x, ...)` along the tangent `t` of the value
    `which` names ("nan", "posinf" or "neginf"): `t` where it replaced an element of
    `x`, 0 elsewhere; in the float dtype of the result."""
    _refuse_in_place(copy)
    out = numpy.where(_REPLACED[which](x), t, 0)
    dtype = getattr(x, "dtype", None)
    if dtype is not None and dtype.kind == "f" and out.dtype != dtype:
        out = out.astype(dtype)
    return out


@returns_new_array
def unwrap_period_tangent(t, z, p, period):
    """The tangent of `z = numpy.unwrap(p, period=period)` along the tangent `t` of
    `period`: z - p is a whole number of periods at each place (which changes only
    at the jumps), so `t` times that number."""
    turns = numpy.round((z - p) / period)
    return result_tangent(turns * t, z)


@returns_new_array
def nancumsum_tangent(t, z, a, axis=None):
    """The tangent of `z = numpy.nancumsum(a, axis)` along the tangent `t` of `a`:
    cumsum's, with the NaNs' tangents taken as 0."""
    t = numpy.where(numpy.isnan(a), 0, _as_array(t, a))
    return result_tangent(numpy.cumsum(t, axis=axis), z)


@returns_new_array
def nancumprod_tangent(t, z, a, axis=None):
    """The tangent of `z = numpy.nancumprod(a, axis)` along the tangent `t` of `a`,
    with the NaNs taken as 1 (their tangents as 0); exact where `a` has zeros.

    Along the axis, with b the factors: before the first zero f, z_k (the sum of t_j /
    b_j up to k); from f on, t_f times the product of the factors up to k but f
    (0 from a second zero on)."""
    if axis is None:
        return nancumprod_tangent(numpy.reshape(t, (-1,)), z, numpy.reshape(a, (-1,)), 0)
    nan = numpy.isnan(a)
    b = numpy.where(nan, 1, a)
    t = numpy.where(nan, 0, _as_array(t, a))
    zero = b == 0
    seen = numpy.cumsum(zero, axis=axis)  # how many zeros up to here
    first = numpy.logical_and(zero, seen == 1)
    others = numpy.cumprod(numpy.where(first, 1, b), axis=axis)
    ratios = numpy.where(zero, 0, t / numpy.where(zero, 1, b))
    at_first = numpy.sum(numpy.where(first, t, 0), axis=axis, keepdims=True)
    out = numpy.where(seen == 0, others * numpy.cumsum(ratios, axis=axis), at_first * others)
    return result_tangent(out, z)
