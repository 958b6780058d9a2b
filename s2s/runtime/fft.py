"""Helpers for the rules of numpy.fft (templates/fft.py).

Every transform is linear.  The complex ones (fft, ifft, fft2, ifft2, fftn, ifftn) have
symmetric matrices, so each is its own adjoint, cut or padded back to the input's
lengths (`n`, `s` cut or pad the input first).  The real ones are linear over the
reals: rfft's adjoint pads the half spectrum back to full length and transforms it;
irfft's transforms the gradient with rfft, conjugates it, and counts the bins that
stand for two (all but the zero and, for an even length, the last) twice; hfft and
ihfft are irfft and rfft of conjugates.  `norm` scales the adjoint as it scales the
transform's matrix: by the dual normalization where the adjoint is the inverse's
kind of transform ("backward" and "forward" swap)."""

import numpy

from s2s.runtime import linear_in

DUAL = {None: "forward", "backward": "forward", "forward": "backward", "ortho": "ortho"}


def _axes(a, lengths, axes):
    """(axes, lengths) of an n-dimensional transform of `a` with `s` = `lengths` (a 1-D
    transform's `n` and `axis`: numbers): without axes, the last len(s), or all."""
    ndim = numpy.ndim(a)
    lengths = (lengths,) if isinstance(lengths, int) else lengths
    axes = (axes,) if isinstance(axes, int) else axes
    if axes is None:
        axes = range(ndim) if lengths is None else range(ndim - len(lengths), ndim)
    axes = [axis % ndim for axis in axes]
    if lengths is None:
        lengths = [numpy.shape(a)[axis] for axis in axes]
    return axes, list(lengths)


def _fitted(g, a, axes):
    """`g` cut or padded with zeros along `axes` to `a`'s lengths there; real where `a`
    is (a real value's adjoint is the real part)."""
    shape = numpy.shape(a)
    cut = [slice(None)] * numpy.ndim(g)
    pad = [(0, 0)] * numpy.ndim(g)
    for axis in axes:
        cut[axis] = slice(0, shape[axis])
        pad[axis] = (0, max(0, shape[axis] - numpy.shape(g)[axis]))
    g = g[tuple(cut)]
    if any(after for _, after in pad):
        g = numpy.pad(g, pad)
    return g if numpy.iscomplexobj(a) else numpy.real(g)


def _full(g, axis, length):
    """A half spectrum `g` padded with zeros along `axis` to the full `length`."""
    pad = [(0, 0)] * numpy.ndim(g)
    pad[axis] = (0, length - numpy.shape(g)[axis])
    return numpy.pad(g, pad)


def _doubled(g, axis, length):
    """`g`, a half spectrum of a signal of `length`, with each bin that stands for two
    (all but bin 0 and, for an even length, the last) counted twice."""
    weights = numpy.full(numpy.shape(g)[axis], 2.0)
    weights[0] = 1.0
    if length % 2 == 0:
        weights[-1] = 1.0
    shape = [1] * numpy.ndim(g)
    shape[axis] = -1
    return g * weights.reshape(shape).astype(numpy.real(g).dtype)


@linear_in("g")
def fft_adjoint(g, a, transform, s=None, axes=None, norm=None):
    """The adjoint of `a` in `z = transform(a, s, axes, norm)` for the complex
    transforms (fftn, ifftn; a 1-D one's `n` and `axis` as numbers)."""
    axes, lengths = _axes(a, s, axes)
    return _fitted(transform(g, lengths, axes, norm=norm), a, axes)


@linear_in("g")
def rfft_adjoint(g, a, s=None, axes=None, norm=None):
    """The adjoint of the real `a` in `z = rfftn(a, s, axes, norm)` (rfft's, rfft2's)."""
    axes, lengths = _axes(a, s, axes)
    full = _full(g, axes[-1], lengths[-1])
    return _fitted(numpy.fft.fftn(full, lengths, axes, norm=norm), a, axes)


@linear_in("g")
def irfft_adjoint(g, a, s=None, axes=None, norm=None):
    """The adjoint of the half spectrum `a` in `z = irfftn(a, s, axes, norm)`."""
    given = s
    axes, s = _axes(a, s, axes)
    if given is None:  # the output's last length, as irfftn makes it
        s[-1] = 2 * (s[-1] - 1)
    spectrum = numpy.fft.rfftn(g, s, axes, norm=DUAL[norm])
    half = _doubled(numpy.conjugate(spectrum), axes[-1], s[-1])
    return _fitted(half, a, axes)


@linear_in("g")
def hfft_adjoint(g, a, n=None, axis=-1, norm=None):
    """The adjoint of `a` in `z = hfft(a, n, axis, norm)`, irfft of conj(a)."""
    part = irfft_adjoint(g, a, n, axis, DUAL[norm])
    return numpy.conjugate(part) if numpy.iscomplexobj(a) else part


@linear_in("g")
def ihfft_adjoint(g, a, n=None, axis=-1, norm=None):
    """The adjoint of the real `a` in `z = ihfft(a, n, axis, norm)`, conj(rfft(a))."""
    return rfft_adjoint(numpy.conjugate(g), a, n, axis, DUAL[norm])
