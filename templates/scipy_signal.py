"""scipy.signal's convolve, correlate, fftconvolve and oaconvolve, in any number of dimensions
and every mode ("full", "same", "valid"; `method` changes how, not what).  Each is
linear in each operand: its tangent is the operation with one operand's tangent at a
time; the adjoints (s2s/runtime/scipy_signal.py) hold for complex operands too, under
autograd's convention (complex.py)."""

from scipy import signal

from s2s import bilinear, d
from s2s.runtime.scipy_signal import (
    convolve_adjoint,
    correlate_first_adjoint,
    correlate_second_adjoint,
)


@bilinear(signal.convolve)
def convolve(z, in1, in2, mode="full", method="auto"):
    d[in1] += convolve_adjoint(d[z], in1, in2)
    d[in2] += convolve_adjoint(d[z], in2, in1)


@bilinear(signal.fftconvolve, signal.oaconvolve)
def fftconvolve(z, in1, in2, mode="full", axes=None):
    """Along `axes` a convolution, along the others a product (which broadcasts)."""
    d[in1] += convolve_adjoint(d[z], in1, in2, axes)
    d[in2] += convolve_adjoint(d[z], in2, in1, axes)


@bilinear(signal.correlate)
def correlate(z, in1, in2, mode="full", method="auto"):
    """Conjugate-linear in in2 (for complex values)."""
    d[in1] += correlate_first_adjoint(d[z], in1, in2)
    d[in2] += correlate_second_adjoint(d[z], in2, in1)
