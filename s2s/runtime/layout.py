"""Helpers for the rules in templates/layout.py: einsum, and operations that tile,
repeat, roll, pad, join, split, sort or select parts of arrays.

Shapes, axes and labels are worked out in Python; arrays are only made with
`*_like`, `like=` or from the inputs, so the results stay NumPy, CuPy or Dask arrays.
"""

import itertools
import string

import numpy

from . import (
    AdjointList,
    add_at,
    cast_like,
    items_like,
    linear_in,
    returns_new_array,
    snapshot,
    take_adjoint,
    unbroadcast,
    zeros_like,
)

_LETTERS = string.ascii_uppercase + string.ascii_lowercase  # ASCII order, as NumPy sorts


# -- einsum -------------------------------------------------------------------------


def _einsum_spec(args):
    """An einsum call's positional arguments, in the string form
    `("ij,jk->ik", x, y)` or the sublist form `(x, [0, 1], y, [1, 2], [0, 2])`, as
    (operand positions in `args`, one label string per operand, output labels).
    Each dimension that `...` stands for gets a letter of its own, right-aligned
    across operands as broadcasting aligns them."""
    if isinstance(args[0], str):
        positions = list(range(1, len(args)))
        text = args[0].replace(" ", "")
        inputs, arrow, output = text.partition("->")
        inputs = inputs.split(",")
        output = output if arrow else None
    else:
        positions = list(range(0, len(args) - 1, 2))
        inputs = ["".join(_label(i) for i in args[p + 1]) for p in positions]
        output = "".join(_label(i) for i in args[-1]) if len(args) % 2 else None
    if len(inputs) != len(positions):
        raise ValueError("einsum: the subscripts do not match the number of operands")
    named = "".join(inputs).replace(".", "")
    free = [c for c in _LETTERS if c not in named]
    labels, widest = [], 0
    for text, p in zip(inputs, positions):
        if "..." in text:
            n = numpy.ndim(args[p]) - len(text) + 3
            widest = max(widest, n)
            text = text.replace("...", "".join(free[:n][::-1]))
        labels.append(text)
    dots = "".join(free[:widest][::-1])
    if output is None:  # implicit: broadcast axes, then labels seen once, sorted
        once = [c for c in named if named.count(c) == 1]
        output = dots + "".join(sorted(once))
    return positions, labels, output.replace("...", dots)


def _label(i):
    return "..." if i is Ellipsis else _LETTERS[i]


def einsum_operand_adjoints(g, *args, optimize=False):
    """The adjoints of the operands after the first argument of `numpy.einsum(*args)`,
    in order (the first argument is the subscripts, or an operand in the sublist
    form)."""
    return tuple(einsum_adjoint(g, k, *args, optimize=optimize) for k in range(1, len(args)))


@returns_new_array
def einsum_adjoint(g, position, *args, optimize=False):
    """The adjoint of positional argument `position` of `numpy.einsum(*args)`:
    `g` contracted with the other operands, summed where this operand was
    broadcast, broadcast along labels only it has, and put on the diagonal where it
    repeats a label (`"ii->i"`).  `args` may end in a None for an absent operand."""
    args = [a for a in args if a is not None]
    positions, labels, output = _einsum_spec(args)
    if position not in positions:
        return 0.0  # a list of labels: no derivative
    k = positions.index(position)
    x, mine = args[position], labels[k]
    terms = [(args[p], ls) for j, (p, ls) in enumerate(zip(positions, labels)) if j != k]
    number = not hasattr(g, "dtype")  # a Python number: every element's adjoint
    if not number:
        terms.append((g, output))
    kept = "".join(c for c in dict.fromkeys(mine) if any(c in ls for _, ls in terms))
    r = g
    if terms:
        subscripts = ",".join(ls for _, ls in terms) + "->" + kept
        r = numpy.einsum(subscripts, *(a for a, _ in terms), optimize=optimize)
        r = r * g if number else r
    if kept:
        size = dict(zip(mine, numpy.shape(x)))
        summed = tuple(i for i, c in enumerate(kept) if size[c] == 1 and r.shape[i] != 1)
        if summed:  # x was broadcast along these
            r = r.sum(axis=summed, keepdims=True)
        # r's axes where their labels first occur in x; size 1 at repeated labels
        # and at labels only x has, along which the adjoint is broadcast
        r = numpy.reshape(r, tuple(
            r.shape[kept.index(c)] if c in kept and mine.index(c) == i else 1
            for i, c in enumerate(mine)
        ))
    # one operand's einsum may be a view of `g`; two or more make new memory
    new = len(terms) > 1 and numpy.shape(r) == numpy.shape(x)
    out = r if new else r + zeros_like(x)
    for i, c in enumerate(mine):  # a repeated label: only x's diagonal there
        if mine.index(c) != i:
            out = out * _diagonal_mask(x, mine.index(c), i)
    return out


def einsum_adjoint_tangent(g, tangents, position, *args, optimize=False):
    """The tangent of `einsum_adjoint(g, position, *args)` along the `tangents` of
    `args` (one per argument; anything else, such as a single zero, for none): the
    adjoint is linear in each operand other than the one at `position` (which gives
    only its shape), so the sum over those of the adjoint with that operand replaced
    by its tangent."""
    pairs = [(a, t) for a, t in zip(args, _tangent_list(tangents, len(args))) if a is not None]
    args = [a for a, _ in pairs]
    positions, _, _ = _einsum_spec(args)
    if position not in positions:
        return 0.0  # a list of labels, as einsum_adjoint
    out = None
    for p in positions:
        t = pairs[p][1]
        if p == position or t is None:
            continue  # the operand differentiated, or one without a tangent
        replaced = list(args)
        replaced[p] = t
        term = einsum_adjoint(g, position, *replaced, optimize=optimize)
        out = term if out is None else out + term
    return zeros_like(args[position]) if out is None else out


def _tangent_list(tangents, n):
    """The tangents of n `*args` as a list (None for each where the rule got a single
    zero in their place: none of them had a tangent)."""
    if isinstance(tangents, (tuple, list)) and len(tangents) == n:
        return list(tangents)
    return [None] * n


def einsum_operand_adjoints_tangent(t_g, tangents, g, *args, optimize=False):
    """The tangent of `einsum_operand_adjoints(g, *args)` along the tangent `t_g` of
    `g` and the `tangents` of `args`: one per operand's adjoint, `einsum_adjoint` of
    `t_g` and `einsum_adjoint_tangent`."""
    return tuple(
        einsum_adjoint(t_g, k, *args, optimize=optimize)
        + einsum_adjoint_tangent(g, tangents, k, *args, optimize=optimize)
        for k in range(1, len(args))
    )


def _diagonal_mask(x, i, j):
    """True where index i equals index j, shaped to broadcast against `x`."""
    n, ndim = numpy.shape(x)[i], numpy.ndim(x)
    index = numpy.arange(n, like=x)
    rows = numpy.reshape(index, (1,) * i + (n,) + (1,) * (ndim - i - 1))
    columns = numpy.reshape(index, (1,) * j + (n,) + (1,) * (ndim - j - 1))
    return rows == columns


# -- tile, repeat, roll, pad ----------------------------------------------------------


@linear_in("g")
def tile_adjoint(g, x, reps):
    """The adjoint of `x` in `numpy.tile(x, reps)`: the sum of `g`'s tiles."""
    reps = tuple(reps) if isinstance(reps, (tuple, list)) else (reps,)
    shape = numpy.shape(x)
    n = max(len(shape), len(reps))
    shape = (1,) * (n - len(shape)) + shape
    reps = (1,) * (n - len(reps)) + reps
    tiles = numpy.reshape(g, tuple(itertools.chain(*zip(reps, shape))))
    return numpy.reshape(tiles.sum(axis=tuple(range(0, 2 * n, 2))), numpy.shape(x))


@linear_in("g")
def repeat_adjoint(g, x, repeats, axis=None):
    """The adjoint of `x` in `numpy.repeat(x, repeats, axis)`: the sum of each
    element's copies (all of `x` flattened when `axis` is None)."""
    if numpy.size(repeats) != 1:  # a count per element: sum each one's run
        n = numpy.size(x) if axis is None else numpy.shape(x)[axis]
        runs = numpy.repeat(numpy.arange(n, like=g), repeats)
        return take_adjoint(g, x, runs, axis)
    r = int(numpy.reshape(repeats, (-1,))[0]) if numpy.ndim(repeats) else int(repeats)
    if r == 0:
        return zeros_like(x)
    if axis is None:
        return numpy.reshape(numpy.reshape(g, (-1, r)).sum(axis=1), numpy.shape(x))
    axis = axis % numpy.ndim(x)
    shape = numpy.shape(x)
    copies = numpy.reshape(g, shape[:axis] + (shape[axis], r) + shape[axis + 1 :])
    return copies.sum(axis=axis + 1)


def negated(shift):
    """`-shift` for `numpy.roll`'s shift, an int or a tuple of them."""
    if isinstance(shift, (tuple, list)):
        return tuple(-s for s in shift)
    return -shift


def _pad_pairs(pad_width, ndim):
    """`numpy.pad`'s pad_width in any form (n, (n,), (before, after), one pair
    per axis...) as one (before, after) pair per axis."""
    w = pad_width.tolist() if hasattr(pad_width, "tolist") else pad_width
    if not isinstance(w, (tuple, list)):
        w = [w]
    if not isinstance(w[0], (tuple, list)):
        w = [w]  # the same pair for every axis
    pairs = [(int(p[0]), int(p[-1])) for p in w]
    return pairs * ndim if len(pairs) == 1 else pairs


def _inside(g, pad_width, ndim):
    """The part of `g` that is not padding."""
    pairs = _pad_pairs(pad_width, ndim)
    return g[tuple(slice(b, n - a) for (b, a), n in zip(pairs, numpy.shape(g)))]


# modes that fill the padding with copies of x's own elements
_COPYING = {"edge", "wrap", "reflect", "symmetric"}


@linear_in("g")
def pad_adjoint(g, x, pad_width, mode="constant", reflect_type="even"):
    """The adjoint of `x` in `numpy.pad(x, pad_width, mode)`: the inside of `g`
    for mode "constant"; for modes that copy x's elements into the padding, each
    element also gets the adjoint of its copies (found by padding their indices)."""
    if mode == "constant":
        return _inside(g, pad_width, numpy.ndim(x))
    if mode not in _COPYING or (mode in ("reflect", "symmetric") and reflect_type != "even"):
        raise NotImplementedError(
            f"s2s differentiates numpy.pad with mode 'constant', {sorted(_COPYING)} "
            f"(reflect_type 'even'), not mode={mode!r}, reflect_type={reflect_type!r}"
        )
    index = numpy.reshape(numpy.arange(numpy.size(x), like=g), numpy.shape(x))
    source = numpy.pad(index, pad_width, mode)
    return take_adjoint(numpy.reshape(g, (-1,)), x, numpy.reshape(source, (-1,)))


@linear_in("g")
def pad_value_adjoint(g, x, pad_width, mode="constant", constant_values=0):
    """The adjoint of `constant_values` in `numpy.pad(x, ..., constant_values=c)`
    for one number `c`: the sum of `g` over the padding."""
    if mode != "constant":
        return zeros_like(constant_values)
    if numpy.size(constant_values) != 1:
        raise NotImplementedError(
            "s2s differentiates numpy.pad's constant_values as one number only"
        )
    return numpy.sum(g) - numpy.sum(_inside(g, pad_width, numpy.ndim(x)))


# -- joining and splitting ------------------------------------------------------------


def _joined_shape(shape, how):
    """The shape `numpy.hstack`/`vstack`/`dstack`/`column_stack` (`numpy.r_[...]`,
    `numpy.c_[...]`) give a part before joining, and the axis they join along."""
    if how == "h":
        return shape or (1,), 0 if len(shape) <= 1 else 1
    if how == "v":
        return (1,) * (2 - len(shape)) + shape, 0
    if how == "d":
        if len(shape) < 2:
            shape = (1,) + (shape or (1,))
        return shape + (1,) * (3 - len(shape)), 2
    if how == "r":  # numpy.r_: numbers become 1-d arrays, joined along the first axis
        return shape or (1,), 0
    if len(shape) < 2:  # column_stack, numpy.c_: numbers and 1-d arrays become columns
        return (shape[0] if shape else 1, 1), 1
    return shape, len(shape) - 1 if how == "c_" else 1  # (numpy.c_: the last axis)


def r_joined(items):
    """`numpy.r_[items]` as a function (forward mode's tangent of it, whose zero
    tangents are made as function arguments are)."""
    return numpy.r_[tuple(items)]


def c_joined(items):
    """`numpy.c_[items]` as a function."""
    return numpy.c_[tuple(items)]


@linear_in("g")
def joined_parts(g, arrays, how):
    """The adjoint `g` of `numpy.hstack(arrays)` (`how` "h"; "v", "d" and "c" for
    vstack, dstack and column_stack; "r" and "c_" for `numpy.r_[*arrays]` and
    `numpy.c_[*arrays]`): one part per array, in its type and shape."""
    shapes = [numpy.shape(a) for a in arrays]
    joined = [_joined_shape(s, how) for s in shapes]
    axis = joined[0][1]
    ends = list(itertools.accumulate(s[axis] for s, _ in joined))
    parts = [
        g[(slice(None),) * axis + (slice(end - s[axis], end),)]
        for (s, _), end in zip(joined, ends)
    ]
    return items_like([numpy.reshape(p, s) for p, s in zip(parts, shapes)], arrays)


@linear_in("g")
def split_adjoint(g, parts, axis=0):
    """The adjoint of `x` in `parts = numpy.split(x, ..., axis)`: the parts'
    adjoints joined again (zeros for a part nothing used)."""
    g = [
        gi if numpy.shape(gi) == numpy.shape(p) else gi + zeros_like(p)
        for gi, p in zip(g, parts)
    ]
    return numpy.concatenate(g, axis=axis)


# -- selecting and sorting ---------------------------------------------------------------


@returns_new_array
@linear_in("g")
def take_along_axis_adjoint(g, x, indices, axis=-1):
    """The adjoint of `x` in `numpy.take_along_axis(x, indices, axis)`: `g` added
    where each element was taken from (as often as it was taken)."""
    if axis is None:
        return take_adjoint(g, x, indices)
    axis = axis % numpy.ndim(x)
    shape = numpy.shape(x)
    index = tuple(
        indices if i == axis else numpy.reshape(
            numpy.arange(n, like=g), (1,) * i + (n,) + (1,) * (len(shape) - i - 1)
        )
        for i, n in enumerate(shape)
    )
    return add_at(numpy.zeros_like(x), index, g)


@linear_in("g")
def sort_adjoint(g, x, axis=-1):
    """The adjoint of `x` in `numpy.sort(x, axis)`: `g` sent back to where each
    element came from; equal elements are placed as a stable sort places them."""
    if axis is None:
        return numpy.reshape(sort_adjoint(g, numpy.reshape(x, (-1,)), 0), numpy.shape(x))
    order = numpy.argsort(x, axis=axis, kind="stable")
    return numpy.take_along_axis(g, numpy.argsort(order, axis=axis), axis=axis)


@linear_in("g")
def diagonal_adjoint(g, x, offset=0, axis1=0, axis2=1):
    """The adjoint of `x` in `numpy.diagonal(x, offset, axis1, axis2)`: zeros with
    `g` on that diagonal."""
    # written with the two axes last, where `g`'s diagonal axis is; then moved back
    out = numpy.zeros_like(numpy.moveaxis(x, (axis1, axis2), (-2, -1)))
    i = numpy.arange(numpy.shape(g)[-1], like=g)
    out[..., i + max(-offset, 0), i + max(offset, 0)] = g
    return numpy.moveaxis(out, (-2, -1), (axis1, axis2))


@linear_in("g")
def diag_adjoint(g, v, k=0):
    """The adjoint of `v` in `numpy.diag(v, k)`: the diagonal of `g` for a vector
    `v` (diag built a matrix), zeros with `g` on it for a matrix `v`."""
    if numpy.ndim(v) == 1:
        return numpy.diagonal(g, k)
    return diagonal_adjoint(g, v, k)


@linear_in("g")
def triangle_adjoint(g, m, k=0, lower=False):
    """The adjoint of `m` in `numpy.triu(m, k)` (`numpy.tril` when `lower`): `g`
    where the triangle kept `m`'s elements, summed over rows for a 1-d `m`."""
    part = numpy.tril(g, k) if lower else numpy.triu(g, k)
    return unbroadcast(part, m)


@returns_new_array
@linear_in("g")
def diff_adjoint(g, x, n=1, axis=-1):
    """Adjoint of `x` in `z = numpy.diff(x, n, axis)`: each difference `x[i+1] - x[i]`
    sends its adjoint to `x[i+1]` and its negative to `x[i]`, n times over."""
    length = numpy.shape(x)[axis]
    for k in range(n, 0, -1):
        if length - k + 1 <= 0:
            continue  # the k-th difference of an empty line is empty: so is its adjoint
        shape = list(numpy.shape(g))
        shape[axis] = 1
        zero = numpy.zeros_like(g, shape=tuple(shape))
        g = numpy.concatenate([zero, g], axis=axis) - numpy.concatenate([g, zero], axis=axis)
    return g + zeros_like(x)


# -- inserting, deleting and blocks ---------------------------------------------------


def _line(x, axis):
    """`x`'s length along `axis`, and that axis (0 for None: `x` flattened)."""
    if axis is None:
        return getattr(x, "size", numpy.size(x)), 0
    return numpy.shape(x)[axis], axis % numpy.ndim(x)


def _taken(g, positions, axis):
    return numpy.take(g, numpy.asarray(positions, like=g), axis=axis)


@returns_new_array
@linear_in("g")
def delete_adjoint(g, arr, obj, axis=None):
    """The adjoint of `arr` in `numpy.delete(arr, obj, axis)`: `g` where the kept
    elements were, zeros where the deleted ones were."""
    n, axis_ = _line(arr, axis)
    kept = numpy.ones(n, dtype=bool)
    kept[obj] = False
    out = numpy.zeros_like(numpy.reshape(arr, (-1,)) if axis is None else arr, dtype=g.dtype)
    out = add_at(out, (slice(None),) * axis_ + (numpy.asarray(numpy.flatnonzero(kept), like=g),), g)
    return numpy.reshape(out, numpy.shape(arr))


def _inserted_positions(n, obj, values, ndim, axis):
    """Where `numpy.insert` puts things along the axis (of length n): the positions of
    the old elements, those of the new ones (in the order of `values`), and the shape
    `values` is broadcast from, with whether NumPy moved its first axis to `axis`."""
    indices = numpy.arange(*obj.indices(n)) if isinstance(obj, slice) else numpy.array(obj)
    if indices.dtype == bool:
        indices = numpy.flatnonzero(indices)
    if indices.size == 1:  # NumPy reads `values` as a block at one index
        shape = [1] * (ndim - numpy.ndim(values)) + list(numpy.shape(values))
        moved = indices.ndim == 0
        if moved:
            shape.insert(axis, shape.pop(0))
        index = indices.item() + (n if indices.item() < 0 else 0)
        new = numpy.arange(index, index + shape[axis])
        old = numpy.concatenate([numpy.arange(index), numpy.arange(index, n) + shape[axis]])
        return old, new, tuple(shape), moved
    indices = numpy.where(indices < 0, indices + n, indices).astype(numpy.intp)
    order = numpy.argsort(indices, kind="stable")
    indices[order] += numpy.arange(indices.size)
    kept = numpy.ones(n + indices.size, dtype=bool)
    kept[indices] = False
    return numpy.flatnonzero(kept), indices, numpy.shape(values), False


@linear_in("g")
def insert_adjoints(g, arr, obj, values, axis=None):
    """The adjoints of `arr` and `values` in `numpy.insert(arr, obj, values, axis)`:
    `g` at the old elements' places, and `g` at the new ones' summed back to the shape
    `values` was broadcast from; none for `values` inserted into an integer `arr`,
    which truncates them (as the forward rule has it)."""
    n, axis_ = _line(arr, axis)
    ndim = 1 if axis is None else numpy.ndim(arr)
    old, new, shape, moved = _inserted_positions(n, obj, values, ndim, axis_)
    d_arr = numpy.reshape(_taken(g, old, axis_), numpy.shape(arr))
    block = unbroadcast(_taken(g, new, axis_), _Shaped(shape))
    if moved:
        block = numpy.moveaxis(block, axis_, 0)
    block = numpy.reshape(block, numpy.shape(values))
    if numpy.result_type(arr).kind in "biu":
        block = zeros_like(values)
    return d_arr, block


class _Shaped:
    """Something with a shape only, for `unbroadcast` to sum down to."""

    def __init__(self, shape):
        self.shape = tuple(shape)


def _block_depth(arrays):
    return 1 + _block_depth(arrays[0]) if isinstance(arrays, list) else 0


def _block_shape(arrays, depth, ndim):
    """The shape of `numpy.block(arrays)` (of a nested list `depth` deep, every
    array taken to `ndim` dimensions by leading 1s)."""
    if not isinstance(arrays, list):
        return (1,) * (ndim - numpy.ndim(arrays)) + numpy.shape(arrays)
    shapes = [_block_shape(a, depth - 1, ndim) for a in arrays]
    axis = ndim - depth
    return shapes[0][:axis] + (sum(s[axis] for s in shapes),) + shapes[0][axis + 1:]


def _block_max_ndim(arrays):
    if isinstance(arrays, list):
        return max(_block_max_ndim(a) for a in arrays)
    return numpy.ndim(arrays)


@linear_in("g")
def block_parts(g, arrays):
    """The adjoint `g` of `numpy.block(arrays)`: nested lists of parts, one per array,
    in its type and shape.  The innermost lists were joined along the last axis, the
    ones around them along the one before, and so on."""
    depth = _block_depth(arrays)
    ndim = max(_block_max_ndim(arrays), depth)

    def parts(g, arrays, depth):
        if not isinstance(arrays, list):
            return cast_like(numpy.reshape(g, numpy.shape(arrays)), arrays)
        sizes = [_block_shape(a, depth - 1, ndim)[ndim - depth] for a in arrays]
        pieces = numpy.split(g, list(itertools.accumulate(sizes))[:-1], axis=ndim - depth)
        return AdjointList(parts(p, a, depth - 1) for p, a in zip(pieces, arrays))

    return parts(g, arrays, depth)


# -- forward mode: tangents ----------------------------------------------------------
# Helpers for the rules in templates/layout.py (and a few other families'),
# each linear in the tangents it is given.


@returns_new_array
@linear_in("t")
def copy_tangent(t, z):
    """`numpy.copy`'s tangent: a copy of the tangent `t`, an array where the copy `z`
    is one (the copy of a list of numbers is an array, and so is its tangent), a
    number where it is a number."""
    if isinstance(t, (list, tuple)) and hasattr(z, "dtype"):
        return result_tangent(numpy.array(t), z)
    return snapshot(t)


def result_tangent(t, z):
    """The tangent `t` in the dtype of the value `z` it is the tangent of (float32
    stays float32 where NumPy's own computation widened it, or the other way round);
    zeros (floats) for an integer or boolean `z`, whose tangent is 0.  A Python
    number or a list becomes an array where `z` is one."""
    dtype = getattr(z, "dtype", None)
    if dtype is None:
        return t
    if dtype.kind in "biu":
        return zeros_like(z)
    if getattr(t, "dtype", None) == dtype:
        return t
    if hasattr(t, "astype"):
        return t.astype(dtype, copy=False)
    if hasattr(z, "__array_function__"):
        return numpy.asarray(t, dtype=dtype, like=z)
    return numpy.asarray(t, dtype=dtype)


def _check_pad_mode(mode, reflect_type):
    if mode != "constant" and (
        mode not in _COPYING or (mode in ("reflect", "symmetric") and reflect_type != "even")
    ):
        raise NotImplementedError(
            f"s2s differentiates numpy.pad with mode 'constant', {sorted(_COPYING)} "
            f"(reflect_type 'even'), not mode={mode!r}, reflect_type={reflect_type!r}"
        )


@returns_new_array
def pad_tangent(t, t_value, pad_width, mode="constant", reflect_type="even"):
    """The tangent of `numpy.pad(x, pad_width, mode, constant_values=c)` along the
    tangents `t` of `x` and `t_value` of `c`: `t` padded the same way, with `t_value`
    in the padding for mode "constant" (pad is linear in the two together); the
    modes that copy x's elements copy t's.  The modes `pad_adjoint` refuses are
    refused."""
    _check_pad_mode(mode, reflect_type)
    if mode == "constant":
        return numpy.pad(t, pad_width, constant_values=t_value)
    return numpy.pad(t, pad_width, mode)


@returns_new_array
def sort_tangent(t, x, axis=-1):
    """The tangent of `numpy.sort(x, axis)` along `t`: `t` in the order a stable sort
    of `x` puts x's elements (equal elements as `sort_adjoint` places them)."""
    if axis is None:
        return sort_tangent(numpy.reshape(t, (-1,)), numpy.reshape(x, (-1,)), 0)
    order = numpy.argsort(x, axis=axis, kind="stable")
    return numpy.take_along_axis(t, order, axis=axis)


def _plain_lists(t):
    """Nested lists of tangents as plain lists (numpy.block reads only `list` itself
    as a level of nesting; an AdjointList is a subclass)."""
    if isinstance(t, list):
        return [_plain_lists(part) for part in t]
    return t


def block_tangent(t, z):
    """The tangent of `z = numpy.block(arrays)` along the tangents `t` of the arrays,
    nested as they are: `numpy.block` of them."""
    return result_tangent(numpy.block(_plain_lists(t)), z)
