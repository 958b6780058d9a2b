"""Numerical methods on sampled data: trapezoid (integration), gradient (differences),
interp (interpolation), convolve and correlate (1-d), polyval (polynomials).  Every
parameter that can carry a derivative gets one: the sample points and spacings too.

Conventions: interp at a knot takes the slope of the segment to its right (at the last
knot, to its left), and has slope 0 outside xp; `period=` is refused.  gradient is
differentiated with scalar spacings; coordinate arrays as spacing are refused.
"""

import numpy

from s2s import adjoint, d
from s2s.runtime.numerical import (
    convolve_adjoint,
    correlate_adjoint,
    gradient_adjoint,
    gradient_spacing_adjoints,
    interp_end_adjoint,
    interp_fp_adjoint,
    interp_x_adjoint,
    interp_xp_adjoint,
    polyval_p_adjoint,
    polyval_x_adjoint,
    trapezoid_adjoint,
    trapezoid_dx_adjoint,
    trapezoid_x_adjoint,
)


@adjoint(numpy.trapezoid)
def trapezoid(z, y, x=None, dx=1.0, axis=-1):
    d[y] += trapezoid_adjoint(d[z], y, x, dx, axis)
    d[x] += trapezoid_x_adjoint(d[z], y, x, axis)
    d[dx] += trapezoid_dx_adjoint(d[z], y, dx, axis, x)


@adjoint(numpy.gradient)
def gradient(z, f, *varargs, axis=None, edge_order=1):
    """Scalar spacings only; coordinate arrays are refused."""
    d[f] += gradient_adjoint(d[z], f, *varargs, axis=axis, edge_order=edge_order)
    d[varargs] += gradient_spacing_adjoints(d[z], z, f, *varargs, axis=axis,
                                            edge_order=edge_order)


@adjoint(numpy.interp)
def interp(z, x, xp, fp, left=None, right=None, period=None):
    """At a knot, the slope to its right (at the last knot, to its left); 0 outside
    xp.  `period=` is refused."""
    d[x] += interp_x_adjoint(d[z], x, xp, fp, left, right, period)
    d[xp] += interp_xp_adjoint(d[z], x, xp, fp, left, right, period)
    d[fp] += interp_fp_adjoint(d[z], x, xp, fp, left, right, period)
    d[left] += interp_end_adjoint(d[z], x, xp)
    d[right] += interp_end_adjoint(d[z], x, xp, True)


@adjoint(numpy.convolve)
def convolve(z, a, v, mode="full"):
    d[a] += convolve_adjoint(d[z], a, v, mode)
    d[v] += convolve_adjoint(d[z], a, v, mode, False)


@adjoint(numpy.correlate)
def correlate(z, a, v, mode="valid"):
    d[a] += correlate_adjoint(d[z], a, v, mode)
    d[v] += correlate_adjoint(d[z], a, v, mode, False)


@adjoint(numpy.polyval)
def polyval(z, p, x):
    d[p] += polyval_p_adjoint(d[z], p, x)
    d[x] += polyval_x_adjoint(d[z], p, x)
