"""Helpers for the rules of scipy.signal's convolve, correlate and fftconvolve
(templates/scipy_signal.py), in any number of dimensions and every mode.

Each mode's result is a window of the full convolution, centred as SciPy centres it;
the adjoint of one operand places the gradient at that window of a full-sized array
of zeros and convolves it, in "valid" mode, with the other operand reversed along
every axis (the transpose of convolving with it, for complex operands too, without
conjugates).  correlate(a, b) is convolve(a, conj(reversed b))."""

import numpy

from s2s.runtime import linear_in, unbroadcast


def _convolved_axes(x, axes):
    """The axes a convolution runs along (every axis where `axes` is None)."""
    ndim = numpy.ndim(x)
    return range(ndim) if axes is None else [a % ndim for a in numpy.atleast_1d(axes)]


def _reversed(x, axes=None):
    """`x` reversed along `axes` (every axis where None)."""
    axes = _convolved_axes(x, axes)
    return x[tuple(slice(None, None, -1) if i in axes else slice(None)
                   for i in range(numpy.ndim(x)))]


def _in_full(g, x, other, axes):
    """`g`, a window of the full convolution of `x` and `other` (along `axes`), placed
    in an array of zeros of the full length along those axes where SciPy takes it."""
    shape, window = list(numpy.shape(g)), [slice(None)] * numpy.ndim(g)
    for axis in _convolved_axes(g, axes):
        full = numpy.shape(x)[axis] + numpy.shape(other)[axis] - 1
        start = (full - shape[axis]) // 2
        window[axis] = slice(start, start + shape[axis])
        shape[axis] = full
    if shape == list(numpy.shape(g)):
        return g
    out = numpy.zeros(shape, numpy.result_type(g, x, other))
    out[tuple(window)] = g
    return out


@linear_in("g", "other", each=True)
def convolve_adjoint(g, x, other, axes=None):
    """The adjoint of the operand `x` in `z = convolve(x, other, mode)` (or of
    `convolve(other, x, mode)`): the gradient `g` of z's window, convolved with
    `other` reversed (along `axes`, fftconvolve's: along the others, a product that
    broadcasts)."""
    import scipy.signal

    full = _in_full(g, x, other, axes)
    if axes is None:
        return scipy.signal.convolve(full, _reversed(other), mode="valid")
    part = scipy.signal.fftconvolve(full, _reversed(other, axes), mode="valid", axes=axes)
    return unbroadcast(part, x)


@linear_in("g", "b", each=True)
def correlate_first_adjoint(g, a, b):
    """The adjoint of the first operand `a` in `z = correlate(a, b, mode)`."""
    return convolve_adjoint(g, a, numpy.conjugate(_reversed(b)))


@linear_in("g", "a", each=True)
def correlate_second_adjoint(g, b, a):
    """The adjoint of the second operand `b` in `z = correlate(a, b, mode)`:
    conj(reversed(the adjoint of c in convolve(a, c))), c = conj(reversed b)."""
    return numpy.conjugate(_reversed(convolve_adjoint(g, b, a)))
