"""Selecting and rearranging elements, and conversions that leave values as they are.

select, choose, compress, extract, partition, trim_zeros, bincount, nan_to_num,
resize, ediff1d, unwrap, nancumsum and nancumprod; astype, asanyarray, asfortranarray,
require, asarray_chkfinite, matrix_transpose, unstack, rollaxis, diagflat, row_stack.

Each adjoint sends `d[z]` back to the elements the result was taken from, adding where
one element was used many times (resize, bincount's bins).  Conditions, indices and
other integer or boolean arguments carry no derivative, and neither do arguments
that only decide which elements are taken (unwrap's `discont`): their derivative is
0 wherever it exists.  At ties and kinks: partition matches equal values as stable
sorts order them (as `sort` does); nan_to_num gives the NaNs and infinities it
replaced a zero adjoint, and the sum of the adjoints at their places to `nan`,
`posinf`, `neginf`; trim_zeros gives the zeros it trimmed off a zero adjoint (an
element that is exactly 0 at an end is trimmed, as NumPy trims it).

Those that take elements at places fixed by other arguments are linear: their tangent
is the same selection applied to the tangents.  Those that choose places by value
(partition, trim_zeros, nan_to_num, unwrap, nancumsum, nancumprod) and the casts
(linear only into a float dtype) have their tangents written beside their adjoints.
"""

import numpy

from s2s import adjoint, d, linear, tangent
from s2s.runtime import cast_like, items_like, unbroadcast
from s2s.runtime.layout import joined_parts
from s2s.runtime.selection import (
    array_tangent,
    bincount_weights_adjoint,
    choose_adjoints,
    compress_adjoint,
    ediff1d_adjoints,
    extreme_a_part,
    extreme_values_part,
    extreme_values_tangent,
    nan_to_num_adjoint,
    nan_to_num_tangent,
    nancumprod_adjoint,
    nancumprod_tangent,
    nancumsum_adjoint,
    nancumsum_tangent,
    partition_tangent,
    permuted_adjoint,
    replaced_adjoint,
    replaced_tangent,
    resize_adjoint,
    rollaxis_adjoint,
    scatter_added,
    scatter_extreme,
    select_adjoints,
    select_default_adjoint,
    trim_zeros_adjoint,
    trim_zeros_tangent,
    unstack_adjoint,
    unwrap_period_adjoint,
    unwrap_period_tangent,
)


def _present(name):
    """`(numpy.<name>,)` where this NumPy still has it, else `()`: for functions NumPy
    has deprecated and will remove."""
    return (getattr(numpy, name),) if hasattr(numpy, name) else ()


@linear(numpy.select)
def select(z, condlist, choicelist, default=0):
    """Where several conditions hold, the first one's choice gets the adjoint; where
    none does, `default` gets it."""
    d[choicelist] += select_adjoints(d[z], condlist, choicelist)
    d[default] += select_default_adjoint(d[z], condlist, default)


@linear(numpy.choose, numpy.ndarray.choose)
def choose(z, a, choices, out=None, mode="raise"):
    """Each choice gets the adjoint where `a` (integers) picks it, after `mode` wraps
    or clips `a`."""
    d[choices] += choose_adjoints(d[z], a, choices, mode)


@linear(numpy.compress)
def compress(z, condition, a, axis=None, out=None):
    d[a] += compress_adjoint(d[z], condition, a, axis)


@linear(numpy.ndarray.compress)
def compress_method(z, a, condition, axis=None, out=None):
    d[a] += compress_adjoint(d[z], condition, a, axis)


@linear(numpy.extract)
def extract(z, condition, arr):
    d[arr] += compress_adjoint(d[z], condition, arr)


@adjoint(numpy.partition)
def partition(z, a, kth, axis=-1, kind="introselect", order=None):
    """Equal values: matched in the order stable sorts of `a` and of the result give
    them, so each gets the adjoint of one place (as `sort`'s rule places them)."""
    d[a] += permuted_adjoint(d[z], z, a, axis)


@tangent(numpy.partition)
def partition_forward(z, a, kth, axis=-1, kind="introselect", order=None):
    # not linear: the places are chosen by value (equal values matched as the adjoint
    # matches them)
    d[z] = partition_tangent(d[a], z, a, axis)


@adjoint(numpy.trim_zeros)
def trim_zeros(z, filt, trim="fb", axis=None):
    """The zeros trimmed off get a zero adjoint; an end element that is exactly 0 is
    trimmed, as NumPy trims it."""
    d[filt] += trim_zeros_adjoint(d[z], filt, trim, axis)


@tangent(numpy.trim_zeros)
def trim_zeros_forward(z, filt, trim="fb", axis=None):
    # not linear: what is trimmed is chosen by value (filt's zeros, not its
    # tangent's); the tangent is that of the part kept
    d[z] = trim_zeros_tangent(d[filt], z, filt, trim, axis)


@linear(numpy.bincount)
def bincount(z, x, /, weights=None, minlength=0):
    """`weights` gets the adjoint of its bin; NumPy adds in float64, and the gradient
    comes back in the weights' dtype."""
    d[weights] += bincount_weights_adjoint(d[z], x, weights)


@adjoint(numpy.nan_to_num)
def nan_to_num(z, x, copy=True, nan=0.0, posinf=None, neginf=None):
    """NaNs and infinities of `x` get a zero adjoint; `nan`, `posinf` and `neginf` get
    the sum of the adjoints where they replaced them.  `copy=False` (in place) is
    refused."""
    d[x] += nan_to_num_adjoint(d[z], x, copy)
    d[nan] += replaced_adjoint(d[z], x, nan, "nan", copy)
    d[posinf] += replaced_adjoint(d[z], x, posinf, "posinf", copy)
    d[neginf] += replaced_adjoint(d[z], x, neginf, "neginf", copy)


@tangent(numpy.nan_to_num)
def nan_to_num_forward(z, x, copy=True, nan=0.0, posinf=None, neginf=None):
    # where `x` has a NaN or an infinity, the tangent of `nan`, `posinf` or `neginf`
    # that replaced it (chosen by x's values); elsewhere that of `x`
    d[z] = (nan_to_num_tangent(d[x], x, copy)
            + replaced_tangent(d[nan], x, "nan", copy)
            + replaced_tangent(d[posinf], x, "posinf", copy)
            + replaced_tangent(d[neginf], x, "neginf", copy))


@linear(numpy.resize)
def resize(z, a, new_shape):
    """Repeated elements (cyclic) get the sum of their copies' adjoints."""
    d[a] += resize_adjoint(d[z], a)


@linear(numpy.ediff1d)
def ediff1d(z, ary, to_end=None, to_begin=None):
    parts = ediff1d_adjoints(d[z], ary, to_end, to_begin)
    d[ary] += parts[0]
    d[to_end] += parts[1]
    d[to_begin] += parts[2]


@adjoint(numpy.unwrap)
def unwrap(z, p, discont=None, axis=-1, *, period=2 * numpy.pi):
    """The identity in `p` (the periods added change only at jumps); `period` gets
    the adjoint times the number of periods added; `discont`: derivative 0."""
    d[p] += items_like(d[z], p)
    d[period] += unwrap_period_adjoint(d[z], z, p, period)


@tangent(numpy.unwrap)
def unwrap_forward(z, p, discont=None, axis=-1, *, period=2 * numpy.pi):
    # not linear: the number of periods added is chosen by p's values
    d[z] = array_tangent(d[p], z) + unwrap_period_tangent(d[period], z, p, period)


@adjoint(numpy.nancumsum)
def nancumsum(z, a, axis=None, dtype=None, out=None):
    """The NaNs (taken as 0) get a zero adjoint."""
    d[a] += nancumsum_adjoint(d[z], a, axis)


@tangent(numpy.nancumsum)
def nancumsum_forward(z, a, axis=None, dtype=None, out=None):
    # the NaNs (taken as 0, where `a` has them) have tangent 0
    d[z] = nancumsum_tangent(d[a], z, a, axis)


@adjoint(numpy.nancumprod)
def nancumprod(z, a, axis=None, dtype=None, out=None):
    """The NaNs (taken as 1) get a zero adjoint; exact where `a` has zeros."""
    d[a] += nancumprod_adjoint(d[z], a, axis)


@tangent(numpy.nancumprod)
def nancumprod_forward(z, a, axis=None, dtype=None, out=None):
    d[z] = nancumprod_tangent(d[a], z, a, axis)


@linear(numpy.matrix_transpose)
def matrix_transpose(z, x, /):
    d[x] += numpy.swapaxes(d[z], -1, -2)


@linear(numpy.unstack)
def unstack(z, x, /, *, axis=0):
    d[x] += unstack_adjoint(d[z], z, axis)


@linear(numpy.rollaxis)
def rollaxis(z, a, axis, start=0):
    d[a] += rollaxis_adjoint(d[z], a, axis, start)


@linear(numpy.diagflat)
def diagflat(z, v, k=0):
    d[v] += numpy.reshape(numpy.diagonal(d[z], k), numpy.shape(v))


# The conversions below are linear only into a float dtype: a cast to integers or
# booleans has tangent 0, which result_tangent and array_tangent give (the conversion
# applied to the tangent would truncate it); array_tangent also makes an array of the
# tangents of a list's items.


@linear(numpy.astype)
def astype(z, x, dtype, /, *, copy=True, device=None):
    d[x] += cast_like(d[z], x)


@linear(numpy.asanyarray)
def asanyarray(z, a, dtype=None, order=None, *, device=None, copy=None, like=None):
    d[a] += items_like(d[z], a)


@linear(numpy.asfortranarray)
def asfortranarray(z, a, dtype=None, *, like=None):
    d[a] += items_like(d[z], a)


@linear(numpy.require)
def require(z, a, dtype=None, requirements=None, *, like=None):
    d[a] += items_like(d[z], a)


@linear(numpy.asarray_chkfinite)
def asarray_chkfinite(z, a, dtype=None, order=None):
    d[a] += items_like(d[z], a)


@linear(*_present("row_stack"))
def row_stack(z, tup, *, dtype=None, casting="same_kind"):
    """vstack's (NumPy 2 deprecates row_stack)."""
    d[tup] += joined_parts(d[z], tup, "v")


@adjoint(scatter_extreme)
def scatter_extreme_(z, a, index, values, which):
    """numpy.maximum.at and numpy.minimum.at: each place keeps `a`'s value or one of
    the values it meets; the derivative goes to that one (`a`'s where equal, else the
    first of the values equal to it, as a tie is broken)."""
    d[a] += extreme_a_part(d[z], z, a, index, values)
    d[values] += unbroadcast(extreme_values_part(d[z], z, a, index, values), values)


@tangent(scatter_extreme)
def scatter_extreme_forward(z, a, index, values, which):
    d[z] = (extreme_a_part(d[a], z, a, index, values)
            + extreme_values_tangent(d[values], z, a, index, values))


@linear(scatter_added)
def scatter_added_(z, a, index, values):
    """numpy.add.at(a, index, values): each value is added at its place, repeated places
    adding up, so each value's adjoint is d[z] read at its place."""
    d[a] += d[z]
    d[values] += unbroadcast(d[z][index], values)
