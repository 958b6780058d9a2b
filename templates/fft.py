"""numpy.fft: the discrete Fourier transforms, their inverses, real and Hermitian
variants, in one, two and n dimensions, with `n`/`s`, `axis`/`axes` and `norm`; and
fftshift, ifftshift.  Every one is linear (over the reals where its input or output is
real), so its tangent is the transform of the tangent; the adjoints are in
s2s/runtime/fft.py.  Gradients follow autograd's convention for complex numbers
(complex.py): they match autograd's.  `out=` is not differentiated through."""

import numpy

from s2s import d, linear
from s2s.runtime.fft import (
    fft_adjoint,
    hfft_adjoint,
    ihfft_adjoint,
    irfft_adjoint,
    rfft_adjoint,
)


@linear(numpy.fft.fft)
def fft(z, a, n=None, axis=-1, norm=None, out=None):
    d[a] += fft_adjoint(d[z], a, numpy.fft.fftn, n, axis, norm)


@linear(numpy.fft.ifft)
def ifft(z, a, n=None, axis=-1, norm=None, out=None):
    d[a] += fft_adjoint(d[z], a, numpy.fft.ifftn, n, axis, norm)


@linear(numpy.fft.fft2)
def fft2(z, a, s=None, axes=(-2, -1), norm=None, out=None):
    d[a] += fft_adjoint(d[z], a, numpy.fft.fftn, s, axes, norm)


@linear(numpy.fft.ifft2)
def ifft2(z, a, s=None, axes=(-2, -1), norm=None, out=None):
    d[a] += fft_adjoint(d[z], a, numpy.fft.ifftn, s, axes, norm)


@linear(numpy.fft.fftn)
def fftn(z, a, s=None, axes=None, norm=None, out=None):
    d[a] += fft_adjoint(d[z], a, numpy.fft.fftn, s, axes, norm)


@linear(numpy.fft.ifftn)
def ifftn(z, a, s=None, axes=None, norm=None, out=None):
    d[a] += fft_adjoint(d[z], a, numpy.fft.ifftn, s, axes, norm)


@linear(numpy.fft.rfft)
def rfft(z, a, n=None, axis=-1, norm=None, out=None):
    d[a] += rfft_adjoint(d[z], a, n, axis, norm)


@linear(numpy.fft.rfft2)
def rfft2(z, a, s=None, axes=(-2, -1), norm=None, out=None):
    d[a] += rfft_adjoint(d[z], a, s, axes, norm)


@linear(numpy.fft.rfftn)
def rfftn(z, a, s=None, axes=None, norm=None, out=None):
    d[a] += rfft_adjoint(d[z], a, s, axes, norm)


@linear(numpy.fft.irfft)
def irfft(z, a, n=None, axis=-1, norm=None, out=None):
    """The imaginary parts of the zero bin and (for an even n) of the last, which
    irfft ignores, carry no derivative."""
    d[a] += irfft_adjoint(d[z], a, n, axis, norm)


@linear(numpy.fft.irfft2)
def irfft2(z, a, s=None, axes=(-2, -1), norm=None, out=None):
    """As irfft's, along the last axis."""
    d[a] += irfft_adjoint(d[z], a, s, axes, norm)


@linear(numpy.fft.irfftn)
def irfftn(z, a, s=None, axes=None, norm=None, out=None):
    """As irfft's, along the last axis."""
    d[a] += irfft_adjoint(d[z], a, s, axes, norm)


@linear(numpy.fft.hfft)
def hfft(z, a, n=None, axis=-1, norm=None, out=None):
    """As irfft's."""
    d[a] += hfft_adjoint(d[z], a, n, axis, norm)


@linear(numpy.fft.ihfft)
def ihfft(z, a, n=None, axis=-1, norm=None, out=None):
    d[a] += ihfft_adjoint(d[z], a, n, axis, norm)


@linear(numpy.fft.fftshift)
def fftshift(z, x, axes=None):
    d[x] += numpy.fft.ifftshift(d[z], axes)


@linear(numpy.fft.ifftshift)
def ifftshift(z, x, axes=None):
    d[x] += numpy.fft.fftshift(d[z], axes)
