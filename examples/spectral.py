"""A spectral fit: a signal whose Fourier coefficients, low-passed, are compared with
a target spectrum (complex data), plus a phase penalty: real parameters through
complex values and numpy.fft."""

import numpy as np


def misfit(signal, target, cutoff=3):
    spectrum = np.fft.rfft(signal)
    kept = spectrum[:cutoff]
    smooth = np.fft.irfft(kept, n=len(signal))
    phases = np.angle(kept + 1e-3j)
    return np.sum(np.abs(kept - target) ** 2) + np.sum(smooth**2) + 0.1 * np.sum(phases**2)
