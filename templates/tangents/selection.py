"""Selecting and rearranging elements, and conversions that leave values as they are.

select, choose, compress, extract, partition, trim_zeros, bincount, nan_to_num,
resize, ediff1d, unwrap, nancumsum and nancumprod; astype, asanyarray, asfortranarray,
require, asarray_chkfinite, matrix_transpose, unstack, rollaxis, diagflat, row_stack.

Most of these take elements from their arguments, so each tangent is the same
selection applied to the tangents.  Conditions, indices and other integer or boolean
arguments carry no derivative, and neither do arguments that only decide which
elements are taken (unwrap's `discont`).  At ties and kinks, the reverse rules'
conventions: partition matches equal values as stable sorts order them (as `sort`
does); nan_to_num gives the NaNs and infinities it replaced the tangent of `nan`,
`posinf`, `neginf` (not that of `x`); trim_zeros trims an end element that is
exactly 0, as NumPy trims it.
"""

import numpy

from s2s import d, tangent
from s2s.runtime.layout import result_tangent
from s2s.runtime.selection import (
    array_tangent,
    choose_tangent,
    ediff1d_tangent,
    nan_to_num_tangent,
    nancumprod_tangent,
    nancumsum_tangent,
    partition_tangent,
    replaced_tangent,
    trim_zeros_tangent,
    unwrap_period_tangent,
)


def _present(name):
    """`(numpy.<name>,)` where this NumPy still has it, else `()`: for functions NumPy
    has deprecated and will remove."""
    return (getattr(numpy, name),) if hasattr(numpy, name) else ()


@tangent(numpy.select)
def select(z, condlist, choicelist, default=0):
    """Where several conditions hold, the first one's choice is taken; where none
    does, `default`."""
    d[z] = result_tangent(numpy.select(condlist, d[choicelist], d[default]), z)


@tangent(numpy.choose, numpy.ndarray.choose)
def choose(z, a, choices, out=None, mode="raise"):
    """`a` (integers) picks a choice at each place, after `mode` wraps or clips it."""
    d[z] = choose_tangent(a, d[choices], z, mode)


@tangent(numpy.compress)
def compress(z, condition, a, axis=None, out=None):
    d[z] = numpy.compress(condition, d[a], axis)


@tangent(numpy.ndarray.compress)
def compress_method(z, a, condition, axis=None, out=None):
    d[z] = numpy.compress(condition, d[a], axis)


@tangent(numpy.extract)
def extract(z, condition, arr):
    d[z] = numpy.extract(condition, d[arr])


@tangent(numpy.partition)
def partition(z, a, kth, axis=-1, kind="introselect", order=None):
    """Equal values: matched in the order stable sorts of `a` and of the result give
    them (as `sort`'s rule places them)."""
    d[z] = partition_tangent(d[a], z, a, axis)


@tangent(numpy.trim_zeros)
def trim_zeros(z, filt, trim="fb", axis=None):
    """An end element that is exactly 0 is trimmed, as NumPy trims it: the tangent is
    that of the part kept."""
    d[z] = trim_zeros_tangent(d[filt], z, filt, trim, axis)


@tangent(numpy.bincount)
def bincount(z, x, /, weights=None, minlength=0):
    """The tangents of the weights added in their bins (NumPy adds in float64)."""
    d[z] = numpy.bincount(x, d[weights], minlength)


@tangent(numpy.nan_to_num)
def nan_to_num(z, x, copy=True, nan=0.0, posinf=None, neginf=None):
    """Where `x` has a NaN or an infinity, the tangent of `nan`, `posinf` or `neginf`
    that replaced it; elsewhere that of `x`.  `copy=False` (in place) is refused."""
    d[z] = (nan_to_num_tangent(d[x], x, copy)
            + replaced_tangent(d[nan], x, "nan", copy)
            + replaced_tangent(d[posinf], x, "posinf", copy)
            + replaced_tangent(d[neginf], x, "neginf", copy))


@tangent(numpy.resize)
def resize(z, a, new_shape):
    """Repeated elements (cyclic) repeat their tangents."""
    d[z] = numpy.resize(d[a], new_shape)


@tangent(numpy.ediff1d)
def ediff1d(z, ary, to_end=None, to_begin=None):
    d[z] = (ediff1d_tangent(d[ary], z, ary, to_end, to_begin)
            + ediff1d_tangent(d[to_end], z, ary, to_end, to_begin, "to_end")
            + ediff1d_tangent(d[to_begin], z, ary, to_end, to_begin, "to_begin"))


@tangent(numpy.unwrap)
def unwrap(z, p, discont=None, axis=-1, *, period=2 * numpy.pi):
    """The identity in `p` (the periods added change only at jumps); `period`'s tangent
    times the number of periods added; `discont`: derivative 0."""
    d[z] = array_tangent(d[p], z) + unwrap_period_tangent(d[period], z, p, period)


@tangent(numpy.nancumsum)
def nancumsum(z, a, axis=None, dtype=None, out=None):
    """The NaNs (taken as 0) have tangent 0."""
    d[z] = nancumsum_tangent(d[a], z, a, axis)


@tangent(numpy.nancumprod)
def nancumprod(z, a, axis=None, dtype=None, out=None):
    """The NaNs (taken as 1) have tangent 0; exact where `a` has zeros."""
    d[z] = nancumprod_tangent(d[a], z, a, axis)


@tangent(numpy.matrix_transpose)
def matrix_transpose(z, x, /):
    d[z] = numpy.swapaxes(d[x], -1, -2)


@tangent(numpy.unstack)
def unstack(z, x, /, *, axis=0):
    d[z] = numpy.unstack(d[x], axis=axis)


@tangent(numpy.rollaxis)
def rollaxis(z, a, axis, start=0):
    d[z] = numpy.rollaxis(d[a], axis, start)


@tangent(numpy.diagflat)
def diagflat(z, v, k=0):
    d[z] = numpy.diagflat(d[v], k)


@tangent(numpy.astype)
def astype(z, x, dtype, /, *, copy=True, device=None):
    """A cast to integers or booleans has tangent 0."""
    d[z] = result_tangent(d[x], z)


@tangent(numpy.asanyarray)
def asanyarray(z, a, dtype=None, order=None, *, device=None, copy=None, like=None):
    d[z] = array_tangent(d[a], z)


@tangent(numpy.asfortranarray)
def asfortranarray(z, a, dtype=None, *, like=None):
    d[z] = array_tangent(d[a], z)


@tangent(numpy.require)
def require(z, a, dtype=None, requirements=None, *, like=None):
    d[z] = array_tangent(d[a], z)


@tangent(numpy.asarray_chkfinite)
def asarray_chkfinite(z, a, dtype=None, order=None):
    d[z] = array_tangent(d[a], z)


@tangent(*_present("row_stack"))
def row_stack(z, tup, *, dtype=None, casting="same_kind"):
    """vstack's (NumPy 2 deprecates row_stack)."""
    d[z] = result_tangent(numpy.vstack(d[tup]), z)
